"""pyhf 0.7.6's ``pyhf.writexml``: a JSON workspace to HistFactory XML files and one ROOT file of histograms.

``writexml(spec, specdir, data_rootdir, resultprefix)`` writes one channel XML file per channel
(``<specdir>/<resultprefix>_<channel>.xml``), every histogram into ``<data_rootdir>/data.root``, and the DTD the
files refer to (``HistFactorySchema.dtd``, ROOT's, next to ``specdir``); it returns the top-level ``Combination``
document as bytes, for the caller to save. The files are the ones pyhf 0.7.6 writes for the same workspace: the
same elements, attributes (in the same order), indentation and histogram names, with the ROOT file holding
histograms of the same names, contents and binning (``TH1D``, unit-width bins from 0).

Histograms are named ``hist<channel>_<sample>[_<modifier>][Low|High]`` (``hist<channel>_data`` for the
observation). Relative uncertainties are what HistFactory XML stores for staterror and shapesys, so their
histograms hold ``uncertainty / nominal`` (0 where the nominal is 0). A ``lumi`` modifier becomes
``NormalizeByTheory="True"`` on its sample; a ``NormFactor``'s ``Val``/``Low``/``High`` come from the first
measurement's configuration of that parameter (default 1, 0 and 10); the parameters a measurement fixes are
listed in one ``ParamSetting Const="True"`` under their ROOT names (``alpha_`` for normsys and histosys,
``gamma_`` for shapesys and staterror, ``Lumi`` for the luminosity).

One difference from pyhf 0.7.6: ``LumiRelErr`` is the luminosity's relative uncertainty (``sigma / Lumi``), which
is what ``readxml`` and ROOT read it as; pyhf writes ``sigma``, the same number when ``Lumi`` is 1, and a width
multiplied by ``Lumi`` when the files are read back otherwise.

uproot writes the ROOT file (the ``xmlio`` extra, ``python -m pip install 'neos-swift[xmlio]'``).
"""

from __future__ import annotations

import logging
import os
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

try:
    import uproot
except ImportError as _error:  # uproot itself or one of its dependencies (awkward, ...)
    raise ImportError(
        "neos_swift.writexml writes ROOT files with uproot, which could not be imported "
        f"({_error}); install the xmlio extra: python -m pip install 'neos-swift[xmlio]' "
        "(from a checkout: python -m pip install './python[xmlio]')",
        name=getattr(_error, "name", None),
    ) from _error

__all__ = [
    "build_channel",
    "build_data",
    "build_measurement",
    "build_modifier",
    "build_sample",
    "indent",
]

# pyhf's logger name, so that logging configured for pyhf applies to this module too.
log = logging.getLogger("pyhf.writexml")

# The ROOT file being written (an uproot directory, a mapping from histogram name to histogram) while
# ``writexml`` runs; the ``build_*`` functions add their histograms to it and name its path as ``InputFile``.
_ROOT_DATA_FILE = None

# ROOT's HistFactory DTD, shipped with this package (see README.md in this folder).
_DTD = Path(__file__).resolve().parent / "HistFactorySchema.dtd"


# ROOT's prefix for the parameters of each constrained modifier type (unconstrained ones have none).
_ROOT_PREFIXES = {
    "normsys": "alpha_",
    "histosys": "alpha_",
    "shapesys": "gamma_",
    "staterror": "gamma_",
}


def __dir__():
    return __all__


def _make_hist_name(channel, sample, modifier="", prefix="hist", suffix="") -> str:
    """``<prefix><channel>_<sample>_<modifier><suffix>``, leaving out the parts that are empty."""
    return prefix + "_".join(part for part in (channel, sample, modifier) if part) + suffix


def _export_root_histogram(hist_name, data) -> None:
    """Adds ``data`` to the ROOT file as histogram ``hist_name`` with unit-width bins from 0. Raises ``KeyError``
    when the file already has a histogram of that name (two names of the spec that collide once joined)."""
    if hist_name in _ROOT_DATA_FILE:
        raise KeyError(f"Duplicate key {hist_name} being written.")
    values = np.asarray(data, dtype=float)
    _ROOT_DATA_FILE[hist_name] = uproot.to_writable((values, np.arange(len(values) + 1)))


def _relative(uncertainties, nominal) -> list[float]:
    """``uncertainties / nominal`` bin by bin, 0 where the nominal is 0."""
    uncertainties = np.asarray(uncertainties, dtype=float)
    nominal = np.asarray(nominal, dtype=float)
    return np.divide(uncertainties, nominal, out=np.zeros_like(uncertainties), where=nominal != 0).tolist()


def _is_blank(text) -> bool:
    return not text or not text.strip()


def indent(elem: ET.Element, level: int = 0) -> None:
    """Indents ``elem`` and its descendants in place by two spaces a level, as pyhf 0.7.6 does: an element with
    children gets a line break and its children's indentation as text, every element below the top gets a line
    break and its own level's indentation as tail (so a closing tag sits at its last child's indentation), and
    the top element, when it has children, a line break as tail. Text and tails that are not blank are kept."""
    here = "\n" + "  " * level
    children = list(elem)
    if children:
        if _is_blank(elem.text):
            elem.text = here + "  "
        if _is_blank(elem.tail):
            elem.tail = here
        for child in children:
            indent(child, level + 1)
    elif level and _is_blank(elem.tail):
        elem.tail = here


def build_measurement(measurementspec: Mapping[str, Any], modifiertypes: Mapping[str, str]) -> ET.Element:
    """The ``Measurement`` element of a JSON measurement.

    Args:
        measurementspec (dict): the measurement (``name``, ``config`` with ``poi`` and ``parameters``).
        modifiertypes (dict): modifier name -> modifier type, to give each fixed parameter its ROOT name.

    Returns:
        xml.etree.ElementTree.Element: ``Measurement`` with ``Name``, ``Lumi``, ``LumiRelErr``,
        ``ExportOnly="True"``, a ``POI`` and, when the measurement fixes parameters, one ``ParamSetting``.

    Raises ``KeyError`` for a fixed parameter that no modifier in ``modifiertypes`` has."""
    config = measurementspec["config"]
    fixed = []
    lumi, sigma = 1.0, 0.0
    for parameter in config["parameters"]:
        name = parameter["name"]
        if parameter.get("fixed", False):
            if name == "lumi":
                fixed.append("Lumi")
            elif name not in modifiertypes:
                raise KeyError(
                    f"parameter {name} is fixed in measurement {measurementspec['name']}, but no modifier has it"
                )
            else:
                fixed.append(_ROOT_PREFIXES.get(modifiertypes[name], "") + name)
        if name == "lumi":
            lumi, sigma = parameter["auxdata"][0], parameter["sigmas"][0]

    measurement = ET.Element(
        "Measurement",
        Name=measurementspec["name"],
        Lumi=str(lumi),
        LumiRelErr=str(sigma / lumi if lumi else sigma),
        ExportOnly=str(True),
    )
    poi = ET.SubElement(measurement, "POI")
    poi.text = config["poi"]
    if fixed:
        setting = ET.SubElement(measurement, "ParamSetting", Const="True")
        setting.text = " ".join(fixed)
    return measurement


def _normfactor_settings(spec, name) -> dict[str, str]:
    """``Val``, ``Low`` and ``High`` of NormFactor ``name``: from the first measurement's configuration of that
    parameter (HistFactory configures a NormFactor in the channel file, once for all measurements), else 1, 0 and
    10. ``Const`` is left to the measurement's ``ParamSetting``."""
    # A name configured more than once: each later entry overrides the keys it has.
    setting = {
        key: value
        for item in spec["measurements"][0]["config"]["parameters"]
        if item["name"] == name
        for key, value in item.items()
    }
    (low, high), init = setting.get("bounds", [[0, 10]])[0], setting.get("inits", [1])[0]
    return {"Val": str(init), "Low": str(low), "High": str(high)}


# The attributes of each modifier type's element, in HistFactory's order. Each builder gets the workspace, the
# JSON modifier, a function from a suffix to the modifier's histogram name and the sample's nominal rates, writes
# the histograms the element names, and returns the attributes.


def _histosys_attributes(spec, modifier, hist_name, nominal):
    names = {"HistoNameLow": hist_name("Low"), "HistoNameHigh": hist_name("High")}
    _export_root_histogram(names["HistoNameLow"], modifier["data"]["lo_data"])
    _export_root_histogram(names["HistoNameHigh"], modifier["data"]["hi_data"])
    return {"Name": modifier["name"], **names}


def _normsys_attributes(spec, modifier, hist_name, nominal):
    factors = modifier["data"]
    return {"Name": modifier["name"], "High": str(factors["hi"]), "Low": str(factors["lo"])}


def _normfactor_attributes(spec, modifier, hist_name, nominal):
    return {"Name": modifier["name"], **_normfactor_settings(spec, modifier["name"])}


def _relative_histogram(modifier, hist_name, nominal) -> str:
    """Writes the modifier's uncertainties relative to the nominal rates (how HistFactory stores staterror and
    shapesys) and returns the histogram's name."""
    histname = hist_name("")
    _export_root_histogram(histname, _relative(modifier["data"], nominal))
    return histname


def _staterror_attributes(spec, modifier, hist_name, nominal):
    # HistFactory names the staterror of a channel itself: a StatError element has no Name.
    return {"Activate": "True", "HistoName": _relative_histogram(modifier, hist_name, nominal)}


def _shapesys_attributes(spec, modifier, hist_name, nominal):
    histname = _relative_histogram(modifier, hist_name, nominal)
    return {"Name": modifier["name"], "ConstraintType": "Poisson", "HistoName": histname}


def _shapefactor_attributes(spec, modifier, hist_name, nominal):
    return {"Name": modifier["name"]}


# Modifier type -> (XML element, attribute builder).
_MODIFIER_ELEMENTS = {
    "histosys": ("HistoSys", _histosys_attributes),
    "staterror": ("StatError", _staterror_attributes),
    "normsys": ("OverallSys", _normsys_attributes),
    "shapesys": ("ShapeSys", _shapesys_attributes),
    "normfactor": ("NormFactor", _normfactor_attributes),
    "shapefactor": ("ShapeFactor", _shapefactor_attributes),
}


def build_modifier(
    spec: Mapping[str, Any],
    modifierspec: Mapping[str, Any],
    channelname: str,
    samplename: str,
    sampledata: Sequence[float],
) -> ET.Element | None:
    """The XML element of one JSON modifier of sample ``samplename`` in channel ``channelname``, its histograms
    added to the ROOT file; ``None`` for a ``lumi`` modifier (``build_sample`` sets ``NormalizeByTheory``) and,
    with a logged warning, for a modifier type HistFactory XML has no element for.

    ``spec`` is the workspace (a NormFactor's ``Val``/``Low``/``High`` are read from its first measurement) and
    ``sampledata`` the sample's nominal rates (staterror and shapesys are stored relative to them)."""
    name, kind = modifierspec["name"], modifierspec["type"]
    if name == "lumi":
        return None
    if kind not in _MODIFIER_ELEMENTS:
        log.warning(f"Skipping modifier {name}({kind}) for now")
        return None
    element, attributes_of = _MODIFIER_ELEMENTS[kind]

    def hist_name(suffix):
        return _make_hist_name(channelname, samplename, name, suffix=suffix)

    return ET.Element(element, **attributes_of(spec, modifierspec, hist_name, sampledata))


def build_sample(spec: Mapping[str, Any], samplespec: Mapping[str, Any], channelname: str) -> ET.Element:
    """The ``Sample`` element of one JSON sample of channel ``channelname``, with its modifiers' elements; its
    nominal histogram (after its modifiers' histograms) added to the ROOT file. ``NormalizeByTheory`` is "True"
    when the sample has a ``lumi`` modifier."""
    name, nominal = samplespec["name"], samplespec["data"]
    modifiers = [build_modifier(spec, modifier, channelname, name, nominal) for modifier in samplespec["modifiers"]]
    histname = _make_hist_name(channelname, name)
    _export_root_histogram(histname, nominal)
    by_theory = any(modifier["type"] == "lumi" for modifier in samplespec["modifiers"])
    sample = ET.Element(
        "Sample",
        Name=name,
        HistoName=histname,
        InputFile=_ROOT_DATA_FILE.file_path,
        NormalizeByTheory=str(by_theory),
    )
    sample.extend(element for element in modifiers if element is not None)
    return sample


def _observed_counts(obsspec, channelname):
    """The data of the first observation named ``channelname``; ``KeyError`` if there is none."""
    for observation in obsspec:
        if observation["name"] == channelname:
            return observation["data"]
    raise KeyError(f"no observation for channel {channelname}")


def build_data(obsspec: Sequence[Mapping[str, Any]], channelname: str) -> ET.Element:
    """The ``Data`` element of channel ``channelname``, its observation (from the list ``obsspec``) added to the
    ROOT file. Raises ``KeyError`` when ``obsspec`` has no observation of that channel."""
    histname = _make_hist_name(channelname, "data")
    _export_root_histogram(histname, _observed_counts(obsspec, channelname))
    return ET.Element("Data", HistoName=histname, InputFile=_ROOT_DATA_FILE.file_path)


def build_channel(
    spec: Mapping[str, Any], channelspec: Mapping[str, Any], obsspec: Sequence[Mapping[str, Any]] | None
) -> ET.Element:
    """The ``Channel`` element of one JSON channel: its ``Data`` (when ``obsspec``, the observations, is not
    empty) and its samples."""
    name = channelspec["name"]
    children = [build_data(obsspec, name)] if obsspec else []
    children.extend(build_sample(spec, samplespec, name) for samplespec in channelspec["samples"])
    channel = ET.Element("Channel", Name=name, InputFile=_ROOT_DATA_FILE.file_path)
    channel.extend(children)
    return channel


def _modifier_types(channels) -> dict[str, str]:
    """Modifier name -> type over all channels; a name used with two types gets the later in sorted order."""
    pairs = {
        (modifier["name"], modifier["type"])
        for channel in channels
        for sample in channel["samples"]
        for modifier in sample["modifiers"]
    }
    return dict(sorted(pairs))


def writexml(
    spec: Mapping[str, Any],
    specdir: str | os.PathLike[str],
    data_rootdir: str | os.PathLike[str],
    resultprefix: str,
) -> bytes:
    """Writes a JSON workspace as HistFactory XML and ROOT files, and returns the top-level XML document.

    Args:
        spec (dict): the workspace (``channels``, ``observations``, ``measurements``).
        specdir: an existing folder for the channel files ``<resultprefix>_<channel>.xml``; the DTD is written
            into its parent folder.
        data_rootdir: an existing folder for ``data.root`` (replaced if it exists).
        resultprefix: the channel files' prefix, and joined to ``specdir`` the ``OutputFilePrefix`` of the
            ``Combination``.

    Returns:
        bytes: the ``Combination`` document (UTF-8), whose ``Input`` elements name the channel files.

    Raises ``KeyError`` when two histograms would have the same name, and what the file system raises for
    folders that do not exist."""
    global _ROOT_DATA_FILE

    specdir = Path(specdir)
    shutil.copyfile(_DTD, specdir.parent / _DTD.name)
    combination = ET.Element("Combination", OutputFilePrefix=str(specdir / resultprefix))
    try:
        with uproot.recreate(Path(data_rootdir) / "data.root") as _ROOT_DATA_FILE:
            for channelspec in spec["channels"]:
                filename = str(specdir / f"{resultprefix}_{channelspec['name']}.xml")
                channel = build_channel(spec, channelspec, spec.get("observations"))
                indent(channel)
                with open(filename, "w", encoding="utf-8") as handle:
                    handle.write(f"<!DOCTYPE Channel SYSTEM '../{_DTD.name}'>\n\n")
                    handle.write(ET.tostring(channel, encoding="utf-8").decode("utf-8"))
                ET.SubElement(combination, "Input").text = filename
    finally:
        _ROOT_DATA_FILE = None

    modifiertypes = _modifier_types(spec["channels"])
    for measurement in spec["measurements"]:
        combination.append(build_measurement(measurement, modifiertypes))
    indent(combination)
    return f"<!DOCTYPE Combination  SYSTEM '{_DTD.name}'>\n\n".encode() + ET.tostring(combination, encoding="utf-8")
