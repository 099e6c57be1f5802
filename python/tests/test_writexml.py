"""neos_swift.writexml: a JSON workspace to HistFactory XML + one ROOT file, checked element by element and
histogram by histogram against the spec, against pyhf 0.7.6's writexml of the same spec (the same files), and read
back with neos_swift.readxml (the round trip)."""

from __future__ import annotations

import copy
import logging
import subprocess
import sys
import xml.etree.ElementTree as ET

import neos_swift
import neos_swift.readxml as readxml
import neos_swift.writexml as writexml
import numpy as np
import pyhf
import pyhf.readxml
import pyhf.writexml
import pytest
import uproot

# readxml turns the relative staterror/shapesys uncertainties that writexml stores (u / n) back into absolute ones
# ((u / n) * n): two roundings, each within half an ulp, so the round trip is exact to 2 ulps (< 5e-16 relative).
ROUND_TRIP_RTOL = 5e-16

LUMI = {"name": "lumi", "auxdata": [1.0], "bounds": [[0.5, 1.5]], "inits": [1.0], "sigmas": [0.1]}


def workspace_spec(lumi=LUMI):
    """Every modifier type HistFactory XML has, in two channels, with a zero nominal bin under a staterror and a
    shapesys and integer data; parameters in the order readxml produces them (lumi, then the NormFactors'
    configurations, then what the measurement fixes), so that the round trip can be compared with ``==``."""
    return {
        "channels": [
            {
                "name": "SR",
                "samples": [
                    {
                        "name": "signal",
                        "data": [4.0, 2.0, 1.0],
                        "modifiers": [
                            {"name": "mu", "type": "normfactor", "data": None},
                            {"name": "syst1", "type": "normsys", "data": {"lo": 0.9, "hi": 1.1}},
                            {"name": "lumi", "type": "lumi", "data": None},
                        ],
                    },
                    {
                        "name": "bkg",
                        "data": [10.0, 0.0, 5.0],
                        "modifiers": [
                            {"name": "staterror_SR", "type": "staterror", "data": [1.0, 0.0, 0.7]},
                            {
                                "name": "shape",
                                "type": "histosys",
                                "data": {"lo_data": [9.0, 0.0, 4.5], "hi_data": [11.0, 0.5, 5.5]},
                            },
                            {"name": "uncorr", "type": "shapesys", "data": [0.3, 0.0, 1.1]},
                        ],
                    },
                ],
            },
            {
                "name": "CR",
                "samples": [
                    {
                        "name": "bkg",
                        "data": [30, 40],
                        "modifiers": [
                            {"name": "norm_CR", "type": "normfactor", "data": None},
                            {"name": "sf", "type": "shapefactor", "data": None},
                            {"name": "staterror_CR", "type": "staterror", "data": [3.0, 2.0]},
                            {"name": "syst1", "type": "normsys", "data": {"lo": 0.95, "hi": 1.05}},
                        ],
                    }
                ],
            },
        ],
        "observations": [{"name": "SR", "data": [15.0, 3.0, 6.0]}, {"name": "CR", "data": [31, 38]}],
        "measurements": [
            {
                "name": "meas",
                "config": {
                    "poi": "mu",
                    "parameters": [
                        copy.deepcopy(lumi),
                        {"name": "mu", "bounds": [[0.0, 8.0]], "inits": [1.0]},
                        {"name": "norm_CR", "bounds": [[0.5, 2.0]], "inits": [1.5]},
                        {"name": "syst1", "fixed": True},
                        {"name": "shape", "fixed": True},
                    ],
                },
            },
            {
                "name": "meas_lumi_fixed",
                "config": {
                    "poi": "mu",
                    "parameters": [
                        {**copy.deepcopy(lumi), "fixed": True},
                        {"name": "mu", "bounds": [[0.0, 8.0]], "inits": [1.0]},
                        {"name": "norm_CR", "bounds": [[0.5, 2.0]], "inits": [1.5]},
                    ],
                },
            },
        ],
        "version": "1.0.0",
    }


def write(module, spec, base):
    """``module.writexml`` into base/config and base/data, the top-level document saved as base/FitConfig.xml."""
    (base / "config").mkdir(parents=True)
    (base / "data").mkdir()
    top = module.writexml(spec, base / "config", base / "data", "FitConfig")
    (base / "FitConfig.xml").write_bytes(top)
    return top


def root_contents(path):
    """Every histogram of a ROOT file in key order: name -> (class, contents, bin edges, variances)."""
    with uproot.open(path) as f:
        return [
            (
                key,
                f[key].classname,
                f[key].values().tolist(),
                f[key].axis().edges().tolist(),
                f[key].variances().tolist(),
            )
            for key in f.keys(cycle=False)
        ]


def written_text(base):
    """The XML files under base with base's path replaced, so that two output folders compare equal."""
    files = {path.relative_to(base).as_posix(): path.read_text() for path in sorted(base.rglob("*.xml"))}
    return {name: text.replace(str(base), "BASE") for name, text in files.items()}


class FakeRootFile(dict):
    """Stands in for the uproot file the build_* functions write into: histograms by name, and its path."""

    file_path = "/data/out.root"


@pytest.fixture
def rootfile(monkeypatch):
    fake = FakeRootFile()
    monkeypatch.setattr(writexml, "_ROOT_DATA_FILE", fake)
    return fake


@pytest.fixture(autouse=True)
def fresh_file_cache():
    readxml.clear_filecache()
    yield
    readxml.clear_filecache()


def test_writexml_writes_the_spec(tmp_path):
    spec = workspace_spec()
    top = write(writexml, spec, tmp_path)
    assert top.startswith(b"<!DOCTYPE Combination  SYSTEM 'HistFactorySchema.dtd'>\n\n<Combination ")
    combination = ET.fromstring(top)
    config, rootpath = tmp_path / "config", str(tmp_path / "data" / "data.root")
    assert combination.attrib == {"OutputFilePrefix": str(config / "FitConfig")}
    assert [i.text for i in combination.findall("Input")] == [
        str(config / "FitConfig_SR.xml"),
        str(config / "FitConfig_CR.xml"),
    ]

    meas, lumi_fixed = combination.findall("Measurement")
    assert meas.attrib == {"Name": "meas", "Lumi": "1.0", "LumiRelErr": "0.1", "ExportOnly": "True"}
    assert meas.find("POI").text == "mu"
    (setting,) = meas.findall("ParamSetting")
    assert setting.attrib == {"Const": "True"}
    assert setting.text == "alpha_syst1 alpha_shape"  # ROOT's names of normsys and histosys parameters
    assert lumi_fixed.find("ParamSetting").text == "Lumi"

    sr_text = (config / "FitConfig_SR.xml").read_text()
    assert sr_text.startswith("<!DOCTYPE Channel SYSTEM '../HistFactorySchema.dtd'>\n\n<Channel ")
    sr = ET.fromstring(sr_text)
    assert sr.attrib == {"Name": "SR", "InputFile": rootpath}
    assert sr.find("Data").attrib == {"HistoName": "histSR_data", "InputFile": rootpath}
    signal, bkg = sr.findall("Sample")
    assert signal.attrib == {
        "Name": "signal",
        "HistoName": "histSR_signal",
        "InputFile": rootpath,
        "NormalizeByTheory": "True",  # its lumi modifier
    }
    assert [(m.tag, m.attrib) for m in signal] == [
        ("NormFactor", {"Name": "mu", "Val": "1.0", "Low": "0.0", "High": "8.0"}),  # from the first measurement
        ("OverallSys", {"Name": "syst1", "High": "1.1", "Low": "0.9"}),
    ]
    assert bkg.attrib["NormalizeByTheory"] == "False"
    assert [(m.tag, m.attrib) for m in bkg] == [
        ("StatError", {"Activate": "True", "HistoName": "histSR_bkg_staterror_SR"}),
        ("HistoSys", {"Name": "shape", "HistoNameLow": "histSR_bkg_shapeLow", "HistoNameHigh": "histSR_bkg_shapeHigh"}),
        ("ShapeSys", {"Name": "uncorr", "ConstraintType": "Poisson", "HistoName": "histSR_bkg_uncorr"}),
    ]
    cr = ET.parse(config / "FitConfig_CR.xml").getroot()
    assert [m.tag for m in cr.find("Sample")] == ["NormFactor", "ShapeFactor", "StatError", "OverallSys"]
    assert cr.find("Sample/NormFactor").attrib == {"Name": "norm_CR", "Val": "1.5", "Low": "0.5", "High": "2.0"}

    histograms = {name: values for name, _, values, _, _ in root_contents(rootpath)}
    for name, _, values, edges, _ in root_contents(rootpath):
        assert edges == list(range(len(values) + 1)), name  # unit bins from 0
    assert histograms["histSR_data"] == [15.0, 3.0, 6.0]
    assert histograms["histCR_data"] == [31.0, 38.0]
    assert histograms["histSR_signal"] == [4.0, 2.0, 1.0]
    assert histograms["histSR_bkg_shapeLow"] == [9.0, 0.0, 4.5]
    assert histograms["histSR_bkg_shapeHigh"] == [11.0, 0.5, 5.5]
    # Relative uncertainties, 0 where the nominal is 0.
    assert histograms["histSR_bkg_staterror_SR"] == [1.0 / 10.0, 0.0, 0.7 / 5.0]
    assert histograms["histSR_bkg_uncorr"] == [0.3 / 10.0, 0.0, 1.1 / 5.0]
    assert histograms["histCR_bkg_staterror_CR"] == [3.0 / 30.0, 2.0 / 40.0]
    assert len(histograms) == 10

    dtd = (tmp_path / "HistFactorySchema.dtd").read_bytes()
    assert dtd == writexml._DTD.read_bytes()
    assert b"<!ELEMENT Combination" in dtd and b"<!ELEMENT Channel" in dtd


def test_writexml_writes_what_pyhf_writes(tmp_path):
    spec = workspace_spec()
    # pyhf 0.7.6 cannot divide integer nominal rates in place (numpy refuses the float-to-int cast) for a staterror's
    # relative uncertainties; ours converts (test_writexml_writes_the_spec). Here: the same rates as floats.
    spec["channels"][1]["samples"][0]["data"] = [30.0, 40.0]
    ours, theirs = tmp_path / "ours", tmp_path / "pyhf"
    assert write(writexml, spec, ours).replace(str(ours).encode(), b"BASE") == write(
        pyhf.writexml, spec, theirs
    ).replace(str(theirs).encode(), b"BASE")
    assert written_text(ours) == written_text(theirs)  # byte for byte, indentation included
    assert root_contents(ours / "data" / "data.root") == root_contents(theirs / "data" / "data.root")
    assert (ours / "HistFactorySchema.dtd").read_bytes() == (theirs / "HistFactorySchema.dtd").read_bytes()


def pop_uncertainties(spec):
    """Takes the staterror and shapesys data out of ``spec``: (channel, sample, modifier) -> data."""
    found = {}
    for channel in spec["channels"]:
        for sample in channel["samples"]:
            for modifier in sample["modifiers"]:
                if modifier["type"] in ("staterror", "shapesys"):
                    found[channel["name"], sample["name"], modifier["name"]] = modifier.pop("data")
    return found


def test_round_trip_through_readxml(tmp_path):
    spec = workspace_spec()
    write(writexml, spec, tmp_path)
    back = readxml.parse(tmp_path / "FitConfig.xml", tmp_path)
    assert back == pyhf.readxml.parse(tmp_path / "FitConfig.xml", tmp_path)

    expected = copy.deepcopy(spec)
    # ROOT histograms hold doubles; readxml puts a sample's lumi modifier (NormalizeByTheory) first.
    expected["observations"][1]["data"] = [31.0, 38.0]
    expected["channels"][1]["samples"][0]["data"] = [30.0, 40.0]
    expected["channels"][0]["samples"][0]["modifiers"].sort(key=lambda modifier: modifier["type"] != "lumi")
    uncertainties, expected_uncertainties = pop_uncertainties(back), pop_uncertainties(expected)
    assert back == expected
    assert list(uncertainties) == list(expected_uncertainties)
    for key, values in uncertainties.items():
        assert values == pytest.approx(expected_uncertainties[key], rel=ROUND_TRIP_RTOL, abs=0), key


def test_round_trip_keeps_the_luminosity_width(tmp_path):
    # LumiRelErr is relative: with Lumi = 2 and sigma = 0.25 it is 0.125, and readxml's sigma = Lumi * LumiRelErr
    # gives back 0.25. pyhf 0.7.6 writes sigma itself (0.25) and so reads back twice the width.
    lumi = {"name": "lumi", "auxdata": [2.0], "bounds": [[0.75, 3.25]], "inits": [2.0], "sigmas": [0.25]}
    spec = workspace_spec(lumi)
    spec["channels"][1]["samples"][0]["data"] = [30.0, 40.0]  # floats, for pyhf (test_writexml_writes_what_pyhf_writes)
    top = ET.fromstring(write(writexml, spec, tmp_path / "ours"))
    assert top.find("Measurement").attrib["LumiRelErr"] == "0.125"
    back = readxml.parse(tmp_path / "ours" / "FitConfig.xml", tmp_path / "ours")
    assert back["measurements"][0]["config"]["parameters"][0] == lumi

    write(pyhf.writexml, spec, tmp_path / "pyhf")
    pyhf_back = pyhf.readxml.parse(tmp_path / "pyhf" / "FitConfig.xml", tmp_path / "pyhf")
    assert pyhf_back["measurements"][0]["config"]["parameters"][0]["sigmas"] == [0.5]


def test_writexml_takes_a_workspace(tmp_path):
    spec = workspace_spec()
    write(writexml, neos_swift.Workspace(spec), tmp_path / "ws")
    write(writexml, spec, tmp_path / "dict")
    assert written_text(tmp_path / "ws") == {
        name: text.replace("dict", "ws") for name, text in written_text(tmp_path / "dict").items()
    }
    assert writexml._ROOT_DATA_FILE is None  # the finished file is not kept


def test_colliding_histogram_names_raise_key_error(tmp_path):
    # hist + "a_b" + "_" + "c" and hist + "a" + "_" + "b_c" are the same name.
    spec = {
        "channels": [
            {"name": "a_b", "samples": [{"name": "c", "data": [1.0], "modifiers": []}]},
            {"name": "a", "samples": [{"name": "b_c", "data": [2.0], "modifiers": []}]},
        ],
        "observations": [{"name": "a_b", "data": [1.0]}, {"name": "a", "data": [2.0]}],
        "measurements": [{"name": "m", "config": {"poi": "x", "parameters": []}}],
        "version": "1.0.0",
    }
    with pytest.raises(KeyError, match="Duplicate key hista_b_c"):
        write(writexml, spec, tmp_path)
    assert writexml._ROOT_DATA_FILE is None


def test_export_root_histogram(rootfile):
    writexml._export_root_histogram("h", [3, 1, 2])
    assert list(rootfile) == ["h"]
    with pytest.raises(KeyError, match="Duplicate key h being written"):
        writexml._export_root_histogram("h", [1.0])


def test_build_modifier_elements(rootfile):
    spec = {"measurements": [{"config": {"parameters": [{"name": "k", "inits": [2], "bounds": [[-1, 4]]}]}}]}

    def build(modifier, nominal=(2.0, 4.0)):
        return writexml.build_modifier(spec, modifier, "ch", "s", list(nominal))

    assert build({"name": "lumi", "type": "lumi", "data": None}) is None
    assert build({"name": "k", "type": "normfactor", "data": None}).attrib == {
        "Name": "k",
        "Val": "2",  # as the spec spells it: str() of the JSON number
        "Low": "-1",
        "High": "4",
    }
    assert build({"name": "j", "type": "normfactor", "data": None}).attrib == {
        "Name": "j",
        "Val": "1",
        "Low": "0",
        "High": "10",
    }
    assert build({"name": "f", "type": "shapefactor", "data": None}).attrib == {"Name": "f"}
    assert rootfile == {}
    element = build({"name": "st", "type": "staterror", "data": [1.0, 1.0]}, nominal=(0.0, 4.0))
    assert (element.tag, element.attrib) == ("StatError", {"Activate": "True", "HistoName": "histch_s_st"})
    assert rootfile["histch_s_st"].values().tolist() == [0.0, 0.25]


def test_normfactor_settings_take_what_the_first_measurement_configures(rootfile):
    parameters = [
        {"name": "b", "bounds": [[0.5, 3]]},  # bounds only: Val keeps its default
        {"name": "i", "inits": [0.25]},  # inits only: Low and High keep theirs
        {"name": "t", "inits": [1.5], "bounds": [[-2, 2]]},
        {"name": "t", "bounds": [[1, 5]]},  # configured twice: the later bounds, the earlier inits (as pyhf)
    ]
    spec = {"measurements": [{"config": {"parameters": parameters}}, {"config": {"parameters": []}}]}

    def attributes(name):
        return writexml.build_modifier(spec, {"name": name, "type": "normfactor", "data": None}, "c", "s", [1.0]).attrib

    assert attributes("b") == {"Name": "b", "Val": "1", "Low": "0.5", "High": "3"}
    assert attributes("i") == {"Name": "i", "Val": "0.25", "Low": "0", "High": "10"}
    assert attributes("t") == {"Name": "t", "Val": "1.5", "Low": "1", "High": "5"}
    for name in ("b", "i", "t", "unset"):
        modifier = {"name": name, "type": "normfactor", "data": None}
        assert attributes(name) == pyhf.writexml.build_modifier(spec, modifier, "c", "s", [1.0]).attrib
    assert rootfile == {}


def test_build_modifier_skips_unknown_types(rootfile, caplog):
    with caplog.at_level(logging.WARNING, logger="pyhf.writexml"):
        assert writexml.build_modifier({}, {"name": "odd", "type": "custom", "data": None}, "c", "s", None) is None
    assert "Skipping modifier odd(custom) for now" in caplog.text
    assert rootfile == {}


def test_build_sample_data_and_channel(rootfile):
    samplespec = {
        "name": "s",
        "data": [1.0, 2.0],
        "modifiers": [{"name": "n", "type": "normsys", "data": {"lo": 0.5, "hi": 2}}],
    }
    sample = writexml.build_sample({}, samplespec, "c")
    assert sample.attrib == {
        "Name": "s",
        "HistoName": "histc_s",
        "InputFile": "/data/out.root",
        "NormalizeByTheory": "False",
    }
    assert [(m.tag, m.attrib) for m in sample] == [("OverallSys", {"Name": "n", "High": "2", "Low": "0.5"})]
    assert list(rootfile) == ["histc_s"]

    data = writexml.build_data([{"name": "b", "data": [9.0]}, {"name": "c", "data": [5.0, 6.0]}], "c")
    assert data.attrib == {"HistoName": "histc_data", "InputFile": "/data/out.root"}
    assert rootfile["histc_data"].values().tolist() == [5.0, 6.0]
    with pytest.raises(KeyError, match="no observation for channel z"):
        writexml.build_data([{"name": "c", "data": [1.0]}], "z")

    channel = writexml.build_channel({}, {"name": "d", "samples": [{"name": "t", "data": [1.0], "modifiers": []}]}, [])
    assert channel.attrib == {"Name": "d", "InputFile": "/data/out.root"}
    assert [child.tag for child in channel] == ["Sample"]  # no observations, no Data


def test_build_sample_with_lumi_and_histograms_in_pyhfs_order(rootfile):
    samplespec = {
        "name": "s",
        "data": [4.0, 2.0],
        "modifiers": [
            {"name": "h", "type": "histosys", "data": {"lo_data": [3.0, 1.0], "hi_data": [5.0, 3.0]}},
            {"name": "lumi", "type": "lumi", "data": None},
            {"name": "e", "type": "staterror", "data": [1.0, 0.0]},
        ],
    }
    sample = writexml.build_sample({}, samplespec, "c")
    # the attributes keep pyhf's order; a lumi modifier makes the sample normalised by theory and has no element
    assert list(sample.attrib.items()) == [
        ("Name", "s"),
        ("HistoName", "histc_s"),
        ("InputFile", "/data/out.root"),
        ("NormalizeByTheory", "True"),
    ]
    assert [m.tag for m in sample] == ["HistoSys", "StatError"]
    # the modifiers' histograms are written first, the nominal last
    assert list(rootfile) == ["histc_s_hLow", "histc_s_hHigh", "histc_s_e", "histc_s"]
    assert rootfile["histc_s_e"].values().tolist() == [0.25, 0.0]


def test_build_data_takes_the_first_observation_of_a_name(rootfile):
    writexml.build_data([{"name": "c", "data": [1.0]}, {"name": "c", "data": [2.0]}], "c")
    assert rootfile["histc_data"].values().tolist() == [1.0]
    # a missing observation writes nothing
    with pytest.raises(KeyError):
        writexml.build_data([], "d")
    assert list(rootfile) == ["histc_data"]


def test_build_measurement():
    measurement = {
        "name": "m",
        "config": {
            "poi": "p",
            "parameters": [{"name": "a", "fixed": True}, {"name": "b", "fixed": False}, {"name": "c", "fixed": True}],
        },
    }
    element = writexml.build_measurement(measurement, {"a": "histosys", "b": "normsys", "c": "normfactor"})
    staterror = {"name": "m", "config": {"poi": "p", "parameters": [{"name": "s", "fixed": True}]}}
    # pyhf's gamma_ prefix on the whole set (readxml refuses it: ParamSetting cannot fix one bin's gamma).
    assert writexml.build_measurement(staterror, {"s": "staterror"}).find("ParamSetting").text == "gamma_s"
    # No lumi configuration: Lumi 1 without uncertainty.
    assert element.attrib == {"Name": "m", "Lumi": "1.0", "LumiRelErr": "0.0", "ExportOnly": "True"}
    assert element.find("ParamSetting").text == "alpha_a c"  # unconstrained parameters have no prefix
    nothing_fixed = {"name": "m", "config": {"poi": "p", "parameters": [{"name": "b", "fixed": False}]}}
    assert [child.tag for child in writexml.build_measurement(nothing_fixed, {"b": "normsys"})] == ["POI"]
    with pytest.raises(KeyError, match="parameter zz is fixed in measurement m, but no modifier has it"):
        writexml.build_measurement(
            {"name": "m", "config": {"poi": "p", "parameters": [{"name": "zz", "fixed": True}]}}, {}
        )


def test_indent_matches_pyhfs_layout():
    def tree():
        root = ET.Element("A")
        child = ET.SubElement(root, "B")
        ET.SubElement(child, "C")
        ET.SubElement(child, "D").text = "keep"
        ET.SubElement(root, "E")
        return root

    ours, theirs = tree(), tree()
    writexml.indent(ours)
    pyhf.writexml.indent(theirs)
    text = ET.tostring(ours, encoding="unicode")
    assert text == ET.tostring(theirs, encoding="unicode")
    # A closing tag sits at its last child's indentation (pyhf's layout, kept so that the files are the same).
    assert text == "<A>\n  <B>\n    <C />\n    <D>keep</D>\n    </B>\n  <E />\n  </A>\n"
    leaf = ET.Element("L")
    writexml.indent(leaf)
    assert (leaf.text, leaf.tail) == (None, None)


def test_the_module_under_pyhfs_name_is_this_module():
    saved = {name: sys.modules.get(name) for name in ("pyhf", "pyhf.writexml")}
    try:
        sys.modules["pyhf"] = neos_swift
        sys.modules.pop("pyhf.writexml", None)
        import importlib

        assert importlib.import_module("pyhf.writexml") is writexml
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def test_without_uproot_writexml_names_the_extra():
    code = (
        "import sys\n"
        "sys.modules['uproot'] = None\n"  # import uproot now fails, as if it were not installed
        "import neos_swift\n"
        "try:\n"
        "    import neos_swift.writexml\n"
        "except ImportError as error:\n"
        "    print('ImportError:', error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "ImportError:" in result.stdout
    assert "uproot" in result.stdout and "neos-swift[xmlio]" in result.stdout


def test_relative_uncertainties_of_zero_nominal_are_zero(rootfile):
    modifier = {"name": "u", "type": "shapesys", "data": [1.0, 2.0]}
    writexml.build_modifier({}, modifier, "c", "s", [0.0, 0.0])
    assert rootfile["histc_s_u"].values().tolist() == [0.0, 0.0]
    assert np.all(np.isfinite(rootfile["histc_s_u"].values()))
