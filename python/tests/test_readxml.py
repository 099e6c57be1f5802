"""neos_swift.readxml: HistFactory XML + ROOT files (written here with uproot) to a JSON workspace.

Each test writes a small configuration into tmp_path and checks what ``parse`` and the ``process_*`` functions
return field by field against what the XML and the histograms say, against pyhf 0.7.6's readxml of the same files
(the oracle), and the error each broken configuration raises. Histogram contents are chosen exactly representable
(halves and quarters), so the relative-to-absolute conversions and square roots compared with ``==`` are exact.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import xml.etree.ElementTree as ET

import neos_swift
import neos_swift.readxml as readxml
import numpy as np
import pyhf
import pyhf.readxml
import pytest
import uproot
from pyhf_oracle import compare_workspace
from uproot.writing.identify import to_TAxis, to_TH1x

pyhf.set_backend("numpy", precision="64b")

# Both engines fit the same likelihood from the same starting point, each to its own minimiser's tolerance; 1e-6 is
# the agreement test_inference_pyhf.py asks of every hypotest against pyhf.
CLS_RTOL = 1e-6


def th1(values, sumw2=None, single_precision=False):
    """A ROOT TH1D (TH1F with ``single_precision``) with unit bins from 0, empty under- and overflow, and the
    summed squared weights ``sumw2`` when given (a weighted histogram) or none (filled without weights)."""
    dtype = np.float32 if single_precision else np.float64
    contents = np.asarray(values, dtype=dtype)
    nbins = len(contents)
    flow = np.zeros(1, dtype=dtype)
    variances = np.array([], dtype=float) if sumw2 is None else np.concatenate([[0.0], sumw2, [0.0]])
    total = float(contents.sum())
    axis = to_TAxis("xaxis", "", nbins, 0.0, float(nbins))
    return to_TH1x(
        "h", "", np.concatenate([flow, contents, flow]), float(nbins), total, total, 0.0, 0.0, variances, axis
    )


# What the ROOT files of the standard configuration hold.
SR = {
    "data": [14.0, 9.0],
    "signal": [3.0, 1.5],
    "bkg": [10.0, 7.5],
    "bkg_sumw2": [2.25, 0.5625],  # staterror sqrt: [1.5, 0.75]
    "bkg_down": [9.0, 7.0],
    "bkg_up": [11.0, 8.0],
    "bkg_rel": [0.25, 0.5],  # shapesys relative: absolute [2.5, 3.75]
}
CR = {"data": [20.0, 25.0], "bkg": [18.0, 24.0], "bkg_staterr_rel": [0.5, 0.25]}
OTHER = {"other": [1.0, 2.0], "other_rel": [0.5, 0.5]}


def write_root_files(folder):
    folder.mkdir(exist_ok=True)
    with uproot.recreate(folder / "analysis.root") as f:
        f["data_SR"] = th1(SR["data"])
        f["signal_SR"] = th1(SR["signal"])
        f["bkg_SR"] = th1(SR["bkg"], sumw2=SR["bkg_sumw2"])
        f["bkg_SR_down"] = th1(SR["bkg_down"])
        f["bkg_SR_up"] = th1(SR["bkg_up"])
        f["bkg_SR_rel"] = th1(SR["bkg_rel"])
        f["CR/data"] = th1(CR["data"])
        f["CR/bkg"] = th1(CR["bkg"], single_precision=True)
        f["CR/bkg_staterr_rel"] = th1(CR["bkg_staterr_rel"])
    with uproot.recreate(folder / "other.root") as f:
        f["other"] = th1(OTHER["other"])
        f["other_rel"] = th1(OTHER["other_rel"])


SR_XML = """<!DOCTYPE Channel SYSTEM 'HistFactorySchema.dtd'>
<Channel Name="SR" InputFile="data/analysis.root">
  <Data HistoName="data_SR" />
  <Sample Name="signal" HistoName="signal_SR" NormalizeByTheory="False">
    <NormFactor Name="mu" Val="1" Low="0" High="5" />
    <OverallSys Name="syst1" Low="0.9" High="1.1" />
  </Sample>
  <Sample Name="bkg" HistoName="bkg_SR" NormalizeByTheory="True">
    <StatError Activate="True" />
    <HistoSys Name="bkg_shape" HistoNameLow="bkg_SR_down" HistoNameHigh="bkg_SR_up" />
    <ShapeSys Name="bkg_uncorr" HistoName="bkg_SR_rel" />
  </Sample>
</Channel>
"""

CR_XML = """<!DOCTYPE Channel SYSTEM 'HistFactorySchema.dtd'>
<Channel Name="CR" InputFile="data/analysis.root" HistoPath="CR">
  <Data HistoName="data" />
  <Sample Name="bkg" HistoName="bkg" NormalizeByTheory="True">
    <NormFactor Name="mu" Val="1" Low="0" High="5" />
    <OverallSys Name="syst1" Low="0.9" High="1.1" />
    <StatError Activate="True" HistoName="bkg_staterr_rel" HistoPath="CR" />
    <ShapeFactor Name="sf_CR" />
  </Sample>
  <Sample Name="other" HistoName="other" InputFile="data/other.root" HistoPath="">
    <ShapeSys Name="other_uncorr" HistoName="other_rel" ConstraintType="Gaussian" />
  </Sample>
</Channel>
"""

TOP_XML = """<!DOCTYPE Combination SYSTEM 'HistFactorySchema.dtd'>
<Combination OutputFilePrefix="results/out">
  <Input>config/SR.xml</Input>
  <Input>config/CR.xml</Input>
  <Measurement Name="meas" Lumi="2.0" LumiRelErr="0.125" ExportOnly="True">
    <POI>mu</POI>
    <ParamSetting Const="True">Lumi alpha_syst1</ParamSetting>
    <ParamSetting Val="2.5">mu</ParamSetting>
  </Measurement>
  <Measurement Name="meas_fixedmu" Lumi="2.0" LumiRelErr="0.125" ExportOnly="True">
    <POI>mu</POI>
    <ParamSetting Const="True" Val="1.0">mu</ParamSetting>
  </Measurement>
</Combination>
"""


def write_configuration(root, sr=SR_XML, cr=CR_XML, top=TOP_XML):
    """The standard configuration under ``root``: data/*.root, config/SR.xml, config/CR.xml, config/top.xml."""
    write_root_files(root / "data")
    config = root / "config"
    config.mkdir(exist_ok=True)
    (config / "SR.xml").write_text(sr)
    (config / "CR.xml").write_text(cr)
    (config / "top.xml").write_text(top)
    return config / "top.xml"


@pytest.fixture(autouse=True)
def fresh_file_cache():
    """Every test opens its own tmp_path files; closing the cached ones keeps tests independent."""
    readxml.clear_filecache()
    yield
    readxml.clear_filecache()


@pytest.fixture
def standard(tmp_path):
    return write_configuration(tmp_path), tmp_path


def test_parse_reads_every_element_as_the_xml_says(standard):
    top, root = standard
    spec = readxml.parse(top, root)

    assert list(spec) == ["measurements", "channels", "observations", "version"]
    assert spec["version"] == "1.0.0"
    assert [c["name"] for c in spec["channels"]] == ["SR", "CR"]  # the order of the Input elements
    assert spec["observations"] == [{"name": "SR", "data": SR["data"]}, {"name": "CR", "data": CR["data"]}]

    signal, bkg = spec["channels"][0]["samples"]
    assert signal == {
        "name": "signal",
        "data": SR["signal"],
        "modifiers": [
            {"name": "mu", "type": "normfactor", "data": None},
            {"name": "syst1", "type": "normsys", "data": {"lo": 0.9, "hi": 1.1}},
        ],
    }
    assert bkg == {
        "name": "bkg",
        "data": SR["bkg"],
        "modifiers": [
            {"name": "lumi", "type": "lumi", "data": None},  # NormalizeByTheory="True", always first
            {"name": "staterror_SR", "type": "staterror", "data": [1.5, 0.75]},  # sqrt(sumw2): weighted
            {"name": "bkg_shape", "type": "histosys", "data": {"lo_data": SR["bkg_down"], "hi_data": SR["bkg_up"]}},
            {"name": "bkg_uncorr", "type": "shapesys", "data": [2.5, 3.75]},  # relative -> absolute
        ],
    }

    cr_bkg, other = spec["channels"][1]["samples"]
    assert cr_bkg["data"] == CR["bkg"]  # found as HistoPath/HistoName (CR/bkg), a TH1F
    assert cr_bkg["modifiers"] == [
        {"name": "lumi", "type": "lumi", "data": None},
        {"name": "mu", "type": "normfactor", "data": None},
        {"name": "syst1", "type": "normsys", "data": {"lo": 0.9, "hi": 1.1}},
        # The external StatError histogram holds relative uncertainties: 18 * 0.5, 24 * 0.25.
        {"name": "staterror_CR", "type": "staterror", "data": [9.0, 6.0]},
        {"name": "sf_CR", "type": "shapefactor", "data": None},
    ]
    assert other == {  # its own InputFile, no lumi (no NormalizeByTheory: default False)
        "name": "other",
        "data": OTHER["other"],
        "modifiers": [{"name": "other_uncorr", "type": "shapesys", "data": [0.5, 1.0]}],
    }

    meas, fixedmu = spec["measurements"]
    lumi = {"name": "lumi", "auxdata": [2.0], "bounds": [[0.75, 3.25]], "inits": [2.0], "sigmas": [0.25]}
    # Lumi -/+ 5 sigma with sigma = Lumi * LumiRelErr = 0.25; ParamSetting names move to the end in the order they
    # are set: syst1 (first setting), then mu (its NormFactor configuration, updated by the second setting).
    assert meas == {
        "name": "meas",
        "config": {
            "poi": "mu",
            "parameters": [
                {**lumi, "fixed": True},
                {"name": "syst1", "fixed": True},
                {"name": "mu", "bounds": [[0.0, 5.0]], "inits": [2.5]},
            ],
        },
    }
    # The first measurement's settings do not reach the second.
    assert fixedmu["config"]["parameters"] == [
        lumi,
        {"name": "mu", "bounds": [[0.0, 5.0]], "inits": [1.0], "fixed": True},
    ]


def test_parse_matches_pyhf_and_the_model_matches_pyhfs(standard, rng):
    top, root = standard
    ours = readxml.parse(top, root)
    theirs = pyhf.readxml.parse(top, root)
    assert ours == theirs
    assert list(ours) == list(theirs)
    # The same spec builds the same model in both engines: configuration, data, logpdf and expected data.
    for measurement in ("meas", "meas_fixedmu"):
        compare_workspace(ours, rng, measurement_name=measurement)


def test_readxml_to_hypotest_cls_matches_pyhf(standard):
    top, root = standard
    ours = neos_swift.Workspace(readxml.parse(top, root))
    model = ours.model(measurement_name="meas")
    observed, expected = neos_swift.infer.hypotest(1.0, ours.data(model), model, return_expected_set=True)
    # pyhf with its defaults (SLSQP, ftol 1e-6) stops ~1e-5 short in CLs on this model; with SLSQP run to 1e-12 its
    # CLs converge (they move by < 1e-8 from 1e-10 to 1e-14) and agree with ours to ~1e-9, well inside CLS_RTOL.
    try:
        pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=1e-12))
        theirs = pyhf.Workspace(pyhf.readxml.parse(top, root))
        pyhf_model = theirs.model(measurement_name="meas")
        pyhf_observed, pyhf_expected = pyhf.infer.hypotest(
            1.0, theirs.data(pyhf_model), pyhf_model, return_expected_set=True
        )
    finally:
        pyhf.set_backend("numpy", precision="64b")
    assert 0.0 < float(observed) < 1.0
    np.testing.assert_allclose(float(observed), float(pyhf_observed), rtol=CLS_RTOL, atol=0)
    np.testing.assert_allclose(np.asarray(expected, float), np.asarray(pyhf_expected, float), rtol=CLS_RTOL, atol=0)


def test_parse_accepts_file_objects_and_strings(standard):
    top, root = standard
    with open(top, "rb") as handle:
        from_handle = readxml.parse(handle, str(root))
    assert from_handle == readxml.parse(str(top), root)


def test_unweighted_histograms_have_poisson_errors(tmp_path):
    write_root_files(tmp_path)
    resolver = readxml.resolver_factory(tmp_path, [])
    values, errors = readxml.import_root_histogram(resolver, "analysis.root", "", "signal_SR")
    assert values == SR["signal"]
    assert errors == np.sqrt(SR["signal"]).tolist()
    # A TH1F: the square roots are taken in single precision, as uproot hands out the contents.
    values, errors = readxml.import_root_histogram(resolver, "analysis.root", "/CR/", "bkg")
    assert values == CR["bkg"]
    assert errors == np.sqrt(np.asarray(CR["bkg"], dtype=np.float32)).tolist()
    assert errors != np.sqrt(CR["bkg"]).tolist()  # sqrt(18) differs in float32 and float64
    _, errors = readxml.import_root_histogram(resolver, "analysis.root", "", "bkg_SR")
    assert errors == [1.5, 0.75]


def test_extract_error_reads_sumw2_only_when_weighted(tmp_path):
    with uproot.recreate(tmp_path / "h.root") as f:
        f["weighted"] = th1([4.0, 9.0], sumw2=[1.0, 0.25])
        f["unweighted"] = th1([4.0, 9.0])
    with uproot.open(tmp_path / "h.root") as f:
        assert readxml.extract_error(f["weighted"]) == [1.0, 0.5]
        assert readxml.extract_error(f["unweighted"]) == [2.0, 3.0]


def test_missing_histogram_raises_key_error_naming_both_lookups(tmp_path):
    write_root_files(tmp_path)
    resolver = readxml.resolver_factory(tmp_path, [])
    with pytest.raises(KeyError, match="nothere.*CR/nothere"):
        readxml.import_root_histogram(resolver, "analysis.root", "CR", "nothere")


def test_files_are_opened_once_and_closed_by_clear_filecache(standard, monkeypatch):
    top, root = standard
    opened = []
    real_open = uproot.open

    def counting_open(path, *args, **kwargs):
        opened.append(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(readxml.uproot, "open", counting_open)
    first = readxml.parse(top, root)
    assert readxml.parse(top, root) == first
    assert sorted(opened) == sorted({str(root / "data" / "analysis.root"), str(root / "data" / "other.root")})
    files = [rootfile for rootfile, _ in readxml._FILE_CACHE.values()]
    readxml.clear_filecache()
    assert readxml._FILE_CACHE == {}
    assert all(rootfile.closed for rootfile in files)
    readxml.parse(top, root)
    assert len(opened) == 4  # opened again after clear_filecache


def test_an_explicit_cache_is_used_when_not_empty(tmp_path):
    write_root_files(tmp_path)
    resolver = readxml.resolver_factory(tmp_path, [])
    cache = {"sentinel": (None, set())}
    readxml.import_root_histogram(resolver, "analysis.root", "", "data_SR", filecache=cache)
    assert str(tmp_path / "analysis.root") in cache
    assert readxml._FILE_CACHE == {}


def test_resolver_maps_mounts_then_joins_rootdir(tmp_path):
    resolver = readxml.resolver_factory("/work/here", [("/local/files", "/in/the/xml"), ("/second", "/in")])
    assert resolver("relative/file.root") == tmp_path.__class__("/work/here/relative/file.root")
    assert str(resolver("/elsewhere/file.root")) == "/elsewhere/file.root"
    assert str(resolver("/in/the/xml")) == "/local/files"
    assert str(resolver("/in/the/xml/sub/file.root")) == "/local/files/sub/file.root"
    assert str(resolver("/in/the/xmlfile.root")) == "/second/the/xmlfile.root"  # a path prefix is not a parent
    assert str(resolver("/in/other.root")) == "/second/other.root"


def test_parse_with_mounts_reads_absolute_paths_from_elsewhere(tmp_path):
    write_root_files(tmp_path / "data")
    config = tmp_path / "config"
    config.mkdir()
    (config / "SR.xml").write_text(
        SR_XML.replace('InputFile="data/analysis.root"', 'InputFile="/analysis/data/analysis.root"')
    )
    (config / "top.xml").write_text(
        TOP_XML.replace("config/SR.xml", "/analysis/config/SR.xml").replace("  <Input>config/CR.xml</Input>\n", "")
    )
    spec = readxml.parse(config / "top.xml", tmp_path / "unused", mounts=[(tmp_path, "/analysis")])
    assert spec["observations"] == [{"name": "SR", "data": SR["data"]}]


def test_modifier_paths_default_to_the_samples_histopath(tmp_path):
    # ROOT's convention: a StatError without HistoPath looks in its sample's (here the channel's) HistoPath. pyhf
    # looks only at the top of the file; what it finds there is found here too, and this one only here.
    top = write_configuration(tmp_path, cr=CR_XML.replace(' HistoPath="CR" />', " />"))
    spec = readxml.parse(top, tmp_path)
    assert spec["channels"][1]["samples"][0]["modifiers"][3] == {
        "name": "staterror_CR",
        "type": "staterror",
        "data": [9.0, 6.0],
    }
    with pytest.raises(KeyError):
        pyhf.readxml.parse(top, tmp_path)


def test_whitespace_in_input_and_paramsetting_is_ignored(tmp_path):
    top_xml = TOP_XML.replace("<Input>config/CR.xml</Input>", "<Input>\n    config/CR.xml\n  </Input>").replace(
        "Lumi alpha_syst1", "\n      Lumi   alpha_syst1\n    "
    )
    top = write_configuration(tmp_path, top=top_xml)
    spec = readxml.parse(top, tmp_path)
    assert [c["name"] for c in spec["channels"]] == ["SR", "CR"]
    assert [p["name"] for p in spec["measurements"][0]["config"]["parameters"]] == ["lumi", "syst1", "mu"]


def test_track_progress_draws_bars(standard, capsys):
    top, root = standard
    assert readxml.parse(top, root, track_progress=True) == readxml.parse(top, root)
    err = capsys.readouterr().err
    assert "channel" in err and "sample" in err and "modifier" in err and "100%" in err


def test_unsupported_tags_are_logged_and_skipped(tmp_path, caplog):
    sr = SR_XML.replace(
        '<OverallSys Name="syst1" Low="0.9" High="1.1" />',
        '<OverallSys Name="syst1" Low="0.9" High="1.1" />\n    <HistoFactor Name="hf" />\n'
        '    <StatError Activate="False" />',
    )
    top = write_configuration(tmp_path, sr=sr)
    with caplog.at_level(logging.WARNING, logger="pyhf.readxml"):
        spec = readxml.parse(top, tmp_path)
    assert "not considering modifier tag <Element 'HistoFactor'" in caplog.text
    assert "not considering modifier tag <Element 'StatError'" in caplog.text  # inactive: no staterror
    assert "shapesys modifier other_uncorr has a non-poisson constraint" in caplog.text
    assert [m["type"] for m in spec["channels"][0]["samples"][0]["modifiers"]] == ["normfactor", "normsys"]
    assert spec == pyhf.readxml.parse(top, tmp_path)


def test_process_sample_and_channel_directly(tmp_path):
    write_root_files(tmp_path / "data")
    resolver = readxml.resolver_factory(tmp_path, [])
    channel = ET.ElementTree(ET.fromstring(CR_XML.split("\n", 1)[1]))
    name, data, samples, configs = readxml.process_channel(channel, resolver)
    assert (name, data) == ("CR", CR["data"])
    assert [s["name"] for s in samples] == ["bkg", "other"]
    assert all("parameter_configs" not in s for s in samples)
    assert configs == [{"name": "mu", "bounds": [[0.0, 5.0]], "inits": [1.0]}]

    element = ET.fromstring(
        '<Sample Name="s" HistoName="signal_SR"><NormFactor Name="k" Val="2" Low="1" High="3" Const="True"/></Sample>'
    )
    sample = readxml.process_sample(element, resolver, "data/analysis.root", "", "SR")
    assert sample["parameter_configs"] == [{"name": "k", "bounds": [[1.0, 3.0]], "inits": [2.0], "fixed": True}]
    assert (
        readxml.process_data(ET.fromstring('<Data HistoName="data_SR"/>'), resolver, "data/analysis.root", "")
        == SR["data"]
    )


def test_process_measurements_settings(tmp_path):
    toplvl = ET.fromstring(
        '<Combination><Measurement Name="m" Lumi="1" LumiRelErr="0.1"><POI> poi </POI>'
        '<ParamSetting Const="False">b a</ParamSetting><ParamSetting Const="True">lumi</ParamSetting>'
        "</Measurement></Combination>"
    )
    others = [{"name": "a", "inits": [1.0]}, {"name": "c", "inits": [3.0]}, {"name": "b", "inits": [2.0]}]
    (measurement,) = readxml.process_measurements(toplvl, other_parameter_configs=others)
    assert measurement["config"]["poi"] == "poi"
    assert measurement["config"]["parameters"] == [
        {"name": "lumi", "auxdata": [1.0], "bounds": [[0.5, 1.5]], "inits": [1.0], "sigmas": [0.1], "fixed": True},
        {"name": "c", "inits": [3.0]},
        {"name": "b", "inits": [2.0], "fixed": False},
        {"name": "a", "inits": [1.0], "fixed": False},
    ]
    assert others[0] == {"name": "a", "inits": [1.0]}  # the caller's configurations are not modified


def test_dedupe_parameters():
    same = [{"name": "mu", "inits": [1.0]}, {"name": "k", "inits": [2.0]}, {"name": "mu", "inits": [1.0]}]
    assert readxml.dedupe_parameters(same) == [{"name": "mu", "inits": [1.0]}, {"name": "k", "inits": [2.0]}]
    with pytest.raises(RuntimeError, match="parameter configurations for mu differ"):
        readxml.dedupe_parameters([{"name": "mu", "inits": [1.0]}, {"name": "mu", "inits": [2.0]}])


# Broken configurations: each raises what pyhf raises for it.


def test_conflicting_normfactor_configurations_raise(tmp_path):
    top = write_configuration(tmp_path, cr=CR_XML.replace('Val="1" Low="0" High="5"', 'Val="1" Low="0" High="8"'))
    with pytest.raises(RuntimeError, match="mu"):
        readxml.parse(top, tmp_path)
    with pytest.raises(RuntimeError, match="mu"):
        pyhf.readxml.parse(top, tmp_path)


def test_name_shared_by_normfactor_and_shapesys_fails_at_model_building(tmp_path):
    # readxml does not check names (pyhf's neither); building the model refuses the shared name.
    top = write_configuration(tmp_path, sr=SR_XML.replace('Name="bkg_uncorr"', 'Name="mu"'))
    spec = readxml.parse(top, tmp_path)
    assert spec == pyhf.readxml.parse(top, tmp_path)
    with pytest.raises(pyhf.exceptions.InvalidNameReuse):
        pyhf.Workspace(spec).model()
    with pytest.raises(neos_swift.ModelError, match='"mu"'):
        neos_swift.Workspace(spec).model()


@pytest.mark.parametrize(
    "broken, error, match",
    [
        ({"sr": SR_XML.replace('HistoName="signal_SR"', 'HistoName="nosuch"')}, KeyError, "nosuch"),
        ({"sr": SR_XML.replace("data/analysis.root", "data/nosuch.root")}, FileNotFoundError, "nosuch.root"),
        ({"top": TOP_XML.replace("config/CR.xml", "config/nosuch.xml")}, FileNotFoundError, "nosuch.xml"),
        ({"sr": SR_XML.replace("</Channel>", "")}, ET.ParseError, "no element found"),
        ({"top": TOP_XML.replace("<POI>mu</POI>", "")}, RuntimeError, "Measurement meas is missing POI"),
        ({"sr": SR_XML.replace('<Data HistoName="data_SR" />', "")}, RuntimeError, "Channel SR is missing data"),
        (
            {"sr": SR_XML.replace('<Data HistoName="data_SR" />', '<Data HistoName="" />')},
            NotImplementedError,
            "without data",
        ),
        ({"top": TOP_XML.replace(">mu</ParamSetting>", ">gamma_stat_SR_0</ParamSetting>")}, ValueError, "gamma"),
        ({"top": TOP_XML.replace(">mu</ParamSetting>", ">gamma_x</ParamSetting>")}, ValueError, "gamma_x"),
    ],
    ids=[
        "missing-histogram",
        "missing-root-file",
        "missing-channel-xml",
        "malformed-xml",
        "missing-poi",
        "missing-data",
        "data-without-histogram",
        "paramsetting-on-a-gamma",
        "confusing-rootname",
    ],
)
def test_broken_configurations_raise_what_pyhf_raises(tmp_path, broken, error, match):
    top = write_configuration(tmp_path, **broken)
    with pytest.raises(error, match=match):
        readxml.parse(top, tmp_path)
    readxml.clear_filecache()
    with pytest.raises(error):
        pyhf.readxml.parse(top, tmp_path)


def test_invalid_result_raises_or_warns(tmp_path, caplog):
    # No Input: a workspace without channels, which the schema refuses (at least one channel).
    top = write_configuration(
        tmp_path, top=TOP_XML.replace("<Input>config/SR.xml</Input>", "").replace("<Input>config/CR.xml</Input>", "")
    )
    with pytest.raises(neos_swift.exceptions.InvalidSpecification, match="should be non-empty"):
        readxml.parse(top, tmp_path)
    with caplog.at_level(logging.WARNING, logger="pyhf.readxml"):
        spec = readxml.parse(top, tmp_path, validation_as_error=False)
    assert "should be non-empty" in caplog.text
    assert spec["channels"] == [] and len(spec["measurements"]) == 2


def test_the_module_under_pyhfs_name_is_this_module():
    # pyhf's tests import it as pyhf.readxml once neos_swift stands in for pyhf: one module, one file cache.
    saved = {name: sys.modules.get(name) for name in ("pyhf", "pyhf.readxml")}
    try:
        sys.modules["pyhf"] = neos_swift
        sys.modules.pop("pyhf.readxml", None)
        import importlib

        assert importlib.import_module("pyhf.readxml") is readxml
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def test_without_uproot_the_package_imports_and_readxml_names_the_extra():
    code = (
        "import sys\n"
        "sys.modules['uproot'] = None\n"  # import uproot now fails, as if it were not installed
        "import neos_swift\n"
        "try:\n"
        "    import neos_swift.readxml\n"
        "except ImportError as error:\n"
        "    print('ImportError:', error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "ImportError:" in result.stdout
    assert "uproot" in result.stdout and "neos-swift[xmlio]" in result.stdout


def test_relative_uncertainties_need_the_nominal_bin_count(tmp_path):
    # pyhf truncates a ShapeSys histogram of another length to the nominal one; that is refused here.
    top = write_configuration(
        tmp_path, sr=SR_XML.replace('HistoName="bkg_SR_rel"', 'HistoName="rel3" InputFile="data/three.root"')
    )
    with uproot.recreate(tmp_path / "data" / "three.root") as f:
        f["rel3"] = th1([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="ShapeSys of sample bkg has 3 bins, its nominal histogram 2"):
        readxml.parse(top, tmp_path)


def test_modifiers_follow_the_sample_children_in_order_after_lumi(tmp_path):
    write_root_files(tmp_path)
    resolver = readxml.resolver_factory(tmp_path, [])
    element = ET.fromstring(
        '<Sample Name="s" HistoName="bkg_SR" NormalizeByTheory="True">'
        '<ShapeFactor Name="f"/><OverallSys Name="n" Low="0.5" High="2"/><StatError Activate="True"/>'
        '<NormFactor Name="k" Val="1" Low="0" High="2"/></Sample>'
    )
    sample = readxml.process_sample(element, resolver, "analysis.root", "", "SR")
    assert [(m["name"], m["type"]) for m in sample["modifiers"]] == [
        ("lumi", "lumi"),
        ("f", "shapefactor"),
        ("n", "normsys"),
        ("staterror_SR", "staterror"),
        ("k", "normfactor"),
    ]
    assert sample["modifiers"][3]["data"] == [1.5, 0.75]  # sqrt(sumw2) of bkg_SR
    assert sample == pyhf.readxml.process_sample(element, resolver, "analysis.root", "", "SR")
