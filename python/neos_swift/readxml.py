"""pyhf 0.7.6's ``pyhf.readxml``: HistFactory XML configurations and their ROOT histograms to a JSON workspace.

``parse(configfile, rootdir)`` reads a top-level ``Combination`` XML file, each channel XML file it lists under
``Input`` and every histogram those name, and returns the workspace specification (a dict of ``channels``,
``observations``, ``measurements`` and ``version``) that pyhf's ``readxml.parse`` returns for the same files; the
result is checked against the workspace schema (``InvalidSpecification``, or a logged warning with
``validation_as_error=False``).

This is parsing only: ``xml.etree.ElementTree`` for the XML, uproot for the ROOT files (the ``xmlio`` extra,
``python -m pip install 'neos-swift[xmlio]'``). Histograms are read as their bin contents without under- and
overflow, and the bin uncertainties are ``sqrt(fSumw2)`` when the histogram was filled with weights and
``sqrt(content)`` otherwise. The only arithmetic is the conversion of relative uncertainties in the XML (a
``ShapeSys`` or external ``StatError`` histogram) into the absolute ones of the JSON format, and the luminosity's
width and bounds (``sigma = Lumi * LumiRelErr``, bounds ``Lumi -/+ 5 sigma``).

What the XML means, element by element:

- ``Channel`` (``Name``, optional ``InputFile``/``HistoPath`` inherited by its ``Data`` and ``Sample`` elements):
  one channel; its first ``Data`` element is the observation (required).
- ``Sample`` (``Name``, ``HistoName``, optional ``InputFile``/``HistoPath``, ``NormalizeByTheory="True"`` for a
  ``lumi`` modifier) with modifier elements ``OverallSys`` (normsys), ``NormFactor`` (normfactor, with its
  ``Val``/``Low``/``High``/``Const`` as a parameter configuration), ``HistoSys`` (histosys), ``StatError`` with
  ``Activate="True"`` (staterror named ``staterror_<channel>``), ``ShapeSys`` (shapesys; only Poisson constraints
  are supported, others are read as Poisson with a warning) and ``ShapeFactor`` (shapefactor). Other elements are
  logged and skipped.
- ``Measurement`` (``Name``, ``Lumi``, ``LumiRelErr``, ``POI``, ``ParamSetting`` with ``Const``/``Val``): one
  measurement; ``ParamSetting`` takes precedence over a ``NormFactor``'s configuration.

Histogram paths: a histogram is looked up by its name at the top of the file, then under its ``HistoPath``. A
modifier's own path attribute defaults to the sample's (which defaults to the channel's); pyhf defaults it to the
top of the file, so where pyhf finds a histogram the same one is found here, and a histogram that sits only under
the inherited path (ROOT's convention) is found too.

Differences from pyhf 0.7.6 (all where pyhf misreads the file): ``ParamSetting`` lists and ``Input`` paths are split
and stripped on any whitespace (pyhf splits on single spaces, so a doubled space or a line break produced parameters
with empty or mangled names); ``mounts`` may be given as strings; ``clear_filecache`` closes the files it forgets.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import numpy as np

try:
    import uproot
except ImportError as _error:  # uproot itself or one of its dependencies (awkward, ...)
    raise ImportError(
        "neos_swift.readxml reads ROOT files with uproot, which could not be imported "
        f"({_error}); install the xmlio extra: python -m pip install 'neos-swift[xmlio]' "
        "(from a checkout: python -m pip install './python[xmlio]')",
        name=getattr(_error, "name", None),
    ) from _error

import neos_swift
from neos_swift import compat, exceptions

__all__ = [
    "clear_filecache",
    "dedupe_parameters",
    "extract_error",
    "import_root_histogram",
    "parse",
    "process_channel",
    "process_data",
    "process_measurements",
    "process_sample",
]

# pyhf's logger name, so that logging configured for pyhf applies to this module too.
log = logging.getLogger("pyhf.readxml")

# Open ROOT files by the path they were opened from: path -> (file, the set of its keys without cycle numbers).
_FILE_CACHE: dict[str, tuple[object, set[str]]] = {}


def __dir__():
    return __all__


def _missing_data_message() -> str:
    return (
        "Conversion of workspaces without data is currently not supported.\n"
        "See https://github.com/scikit-hep/pyhf/issues/566"
    )


class _NoProgress:
    """What the loops use when no progress bar is shown: the items, and a description that goes nowhere."""

    def __init__(self, items):
        self._items = items

    def __iter__(self):
        return iter(self._items)

    def set_description(self, description):
        """Ignored: there is no bar to describe."""


def _progress(items, unit: str, enabled: bool, total: int | None = None):
    """A tqdm progress bar over ``items`` when ``enabled`` (tqdm is part of the xmlio extra), else the items."""
    if not enabled:
        return _NoProgress(items)
    try:
        import tqdm
    except ImportError as error:
        raise ImportError(
            "track_progress=True shows a progress bar with tqdm, which is not installed; install the xmlio extra: "
            "python -m pip install 'neos-swift[xmlio]'",
            name="tqdm",
        ) from error
    return tqdm.tqdm(items, unit=unit, total=total)


def resolver_factory(rootdir, mounts) -> Callable[[str], Path]:
    """A function from a file name in the XML to the file to open.

    A name under one of the ``mounts``' second paths (the path as the XML spells it) is moved to the first (where
    the files are on this machine); the first mount that matches wins. The result is then taken relative to
    ``rootdir``: a relative name is joined to it, an absolute one is kept."""
    rootdir = Path(rootdir)
    mounts = [(Path(local), Path(in_xml)) for local, in_xml in (mounts or [])]

    def resolver(filename) -> Path:
        path = Path(filename)
        for local, in_xml in mounts:
            if path == in_xml or in_xml in path.parents:
                path = local / path.relative_to(in_xml)
                break
        return rootdir / path

    return resolver


def extract_error(hist) -> list[float]:
    """The bin uncertainties of an uproot histogram, without under- and overflow: the square roots of the summed
    squared weights (``fSumw2``) when the histogram was filled with weights, else of the bin contents (Poisson)."""
    variances = hist.variances() if hist.weighted else hist.to_numpy()[0]
    return np.sqrt(variances).tolist()


def import_root_histogram(resolver, filename, path, name, filecache=None) -> tuple[list[float], list[float]]:
    """The bin contents and uncertainties (see ``extract_error``) of histogram ``name`` in ROOT file ``filename``
    (given to ``resolver``, the function ``resolver_factory`` returns).

    The histogram is looked up as ``name`` and then as ``path/name`` (leading and trailing ``/`` of ``path`` are
    ignored). Files stay open in ``filecache`` (by default, and when an empty cache is given, the module's cache
    that ``clear_filecache`` empties), so each file is opened once.

    Raises ``KeyError`` when neither name is in the file, and what uproot raises when the file cannot be read
    (``FileNotFoundError`` for a missing one)."""
    cache = filecache or _FILE_CACHE
    folder = (path or "").strip("/")
    fullpath = str(resolver(filename))
    if fullpath in cache:
        rootfile, keys = cache[fullpath]
    else:
        rootfile = uproot.open(fullpath)
        keys = set(rootfile.keys(cycle=False))
        cache[fullpath] = (rootfile, keys)

    nested = f"{folder}/{name}"
    if name in keys:
        hist = rootfile[name]
    elif nested in keys:
        hist = rootfile[nested]
    else:
        raise KeyError(f"no histogram {name} in {fullpath} (looked for {name!r} and {nested!r})")
    return hist.to_numpy()[0].tolist(), extract_error(hist)


def process_sample(sample, resolver, inputfile, histopath, channel_name, track_progress=False) -> dict:
    """One ``Sample`` element as a JSON sample (``name``, ``data``, ``modifiers``), plus the ``parameter_configs``
    of its ``NormFactor`` elements (to be merged into the measurements by ``parse``).

    ``inputfile`` and ``histopath`` are the channel's, used where the sample sets none; ``channel_name`` names
    its staterror (``staterror_<channel_name>``). Raises ``RuntimeError`` when a staterror would be empty."""
    inputfile = sample.attrib.get("InputFile", inputfile)
    histopath = sample.attrib.get("HistoPath", histopath)
    data, err = import_root_histogram(resolver, inputfile, histopath, sample.attrib["HistoName"])

    def histogram(tag, file_attribute, path_attribute, name_attribute):
        values, _ = import_root_histogram(
            resolver,
            tag.attrib.get(file_attribute, inputfile),
            tag.attrib.get(path_attribute, histopath),
            tag.attrib[name_attribute],
        )
        return values

    parameter_configs = []
    modifiers = []
    if sample.attrib.get("NormalizeByTheory", "False") == "True":
        modifiers.append({"name": "lumi", "type": "lumi", "data": None})

    tags = _progress(list(sample), "modifier", track_progress, total=len(sample))
    for tag in tags:
        tags.set_description(f"  - modifier {tag.attrib.get('Name', 'n/a')}({tag.tag})")
        kind = tag.tag
        if kind == "OverallSys":
            modifiers.append(
                {
                    "name": tag.attrib["Name"],
                    "type": "normsys",
                    "data": {"lo": float(tag.attrib["Low"]), "hi": float(tag.attrib["High"])},
                }
            )
        elif kind == "NormFactor":
            modifiers.append({"name": tag.attrib["Name"], "type": "normfactor", "data": None})
            config = {
                "name": tag.attrib["Name"],
                "bounds": [[float(tag.attrib["Low"]), float(tag.attrib["High"])]],
                "inits": [float(tag.attrib["Val"])],
            }
            if tag.attrib.get("Const"):
                config["fixed"] = tag.attrib["Const"] == "True"
            parameter_configs.append(config)
        elif kind == "HistoSys":
            low = histogram(tag, "HistoFileLow", "HistoPathLow", "HistoNameLow")
            high = histogram(tag, "HistoFileHigh", "HistoPathHigh", "HistoNameHigh")
            modifiers.append(
                {"name": tag.attrib["Name"], "type": "histosys", "data": {"lo_data": low, "hi_data": high}}
            )
        elif kind == "StatError" and tag.attrib["Activate"] == "True":
            if tag.attrib.get("HistoName", "") == "":
                staterror = err
            else:
                # The external histogram holds relative uncertainties; the JSON format wants absolute ones.
                relative = histogram(tag, "HistoFile", "HistoPath", "HistoName")
                staterror = np.multiply(relative, data).tolist()
            if not staterror:
                raise RuntimeError(f"cannot determine the stat error of sample {sample.attrib.get('Name')}.")
            modifiers.append({"name": f"staterror_{channel_name}", "type": "staterror", "data": staterror})
        elif kind == "ShapeSys":
            if tag.attrib.get("ConstraintType", "Poisson") != "Poisson":
                log.warning("shapesys modifier %s has a non-poisson constraint", tag.attrib["Name"])
            relative = histogram(tag, "InputFile", "HistoPath", "HistoName")
            # Relative uncertainties in the ROOT file, absolute ones in the JSON format.
            modifiers.append(
                {
                    "name": tag.attrib["Name"],
                    "type": "shapesys",
                    "data": [nominal * fraction for nominal, fraction in zip(data, relative)],
                }
            )
        elif kind == "ShapeFactor":
            modifiers.append({"name": tag.attrib["Name"], "type": "shapefactor", "data": None})
        else:
            log.warning("not considering modifier tag %s", tag)

    return {
        "name": sample.attrib["Name"],
        "data": data,
        "modifiers": modifiers,
        "parameter_configs": parameter_configs,
    }


def process_data(sample, resolver, inputfile, histopath) -> list[float]:
    """The bin contents of a ``Data`` element's histogram (``inputfile``/``histopath``: the channel's defaults).

    Raises ``NotImplementedError`` when no file or no histogram name is given: workspaces without data are not
    supported (as in pyhf)."""
    inputfile = sample.attrib.get("InputFile", inputfile)
    histopath = sample.attrib.get("HistoPath", histopath)
    histoname = sample.attrib["HistoName"]
    if inputfile == "" or histoname == "":
        raise NotImplementedError(_missing_data_message())
    data, _ = import_root_histogram(resolver, inputfile, histopath, histoname)
    return data


def process_channel(channelxml, resolver, track_progress=False) -> tuple[str, list[float], list[dict], list[dict]]:
    """A parsed channel XML document (an ``ElementTree``) as ``(name, observed data, samples, parameter
    configurations of its NormFactors)``. Raises ``RuntimeError`` when the channel has no ``Data`` element."""
    channel = channelxml.getroot()
    inputfile = channel.attrib.get("InputFile", "")
    histopath = channel.attrib.get("HistoPath", "")
    channel_name = channel.attrib["Name"]

    data = channel.findall("Data")
    if not data:
        raise RuntimeError(f"Channel {channel_name} is missing data. See issue #1911.")
    observed = process_data(data[0], resolver, inputfile, histopath)

    samples = []
    parameter_configs = []
    elements = _progress(channel.findall("Sample"), "sample", track_progress)
    for element in elements:
        elements.set_description(f"  - sample {element.attrib.get('Name')}")
        sample = process_sample(element, resolver, inputfile, histopath, channel_name, track_progress)
        parameter_configs.extend(sample.pop("parameter_configs"))
        samples.append(sample)
    return channel_name, observed, samples, parameter_configs


def _lumi_config(measurement) -> dict:
    lumi = float(measurement.attrib["Lumi"])
    sigma = lumi * float(measurement.attrib["LumiRelErr"])
    return {
        "name": "lumi",
        "auxdata": [lumi],
        "bounds": [[lumi - 5.0 * sigma, lumi + 5.0 * sigma]],
        "inits": [lumi],
        "sigmas": [sigma],
    }


def _setting(param) -> dict:
    """What a ``ParamSetting`` sets on each parameter it names."""
    setting = {}
    if param.attrib.get("Const"):
        setting["fixed"] = param.attrib["Const"] == "True"
    if param.attrib.get("Val"):
        setting["inits"] = [float(param.attrib["Val"])]
    return setting


def process_measurements(toplvl, other_parameter_configs=None) -> list[dict]:
    """The ``Measurement`` elements of a top-level XML document (an ``ElementTree`` or its root ``Element``) as
    JSON measurements: ``name`` and ``config`` (``poi`` and ``parameters``).

    Each measurement's parameters are the luminosity first, then ``other_parameter_configs`` (the NormFactors'
    configurations, copied per measurement so that one measurement's settings do not reach another) with the
    measurement's ``ParamSetting`` elements applied on top; a parameter that a ``ParamSetting`` names moves to the
    end, after those it does not name, in the order the settings name them.

    Raises ``RuntimeError`` for a measurement without ``POI`` and ``ValueError`` for a ``ParamSetting`` on a
    non-scalar parameter (``gamma_<name>_<bin>``), which the JSON format cannot express."""
    results = []
    for measurement in toplvl.findall("Measurement"):
        name = measurement.attrib["Name"]
        parameters = {config["name"]: dict(config) for config in (other_parameter_configs or [])}
        lumi = _lumi_config(measurement)

        poi = measurement.find("POI")
        if poi is None:
            raise RuntimeError(f"Measurement {name} is missing POI specification")

        for param in measurement.findall("ParamSetting"):
            setting = _setting(param)
            for rootname in (param.text or "").split():
                meaning = compat.interpret_rootname(rootname)
                if not meaning["is_scalar"]:
                    raise ValueError(
                        f"measurement {name} sets {rootname}: a ParamSetting on one bin of a non-scalar parameter "
                        "(a gamma) cannot be expressed in the JSON format, whose configurations are per parameter "
                        "set"
                    )
                if meaning["name"] == "lumi":
                    lumi.update(setting)
                    continue
                config = parameters.pop(meaning["name"], {"name": meaning["name"]})
                config.update(setting)
                parameters[meaning["name"]] = config

        results.append(
            {
                "name": name,
                "config": {"poi": poi.text.strip() if poi.text else "", "parameters": [lumi, *parameters.values()]},
            }
        )
    return results


def dedupe_parameters(parameters) -> list[dict]:
    """One configuration per parameter name, in the order of first appearance; a NormFactor shared by several
    samples is configured once per sample in the XML, and those configurations must agree.

    Raises ``RuntimeError`` (naming the parameter, each configuration logged) when two of them differ."""
    by_name: dict[str, list[dict]] = {}
    for config in parameters:
        by_name.setdefault(config["name"], []).append(config)
    for name, configs in by_name.items():
        if any(config != configs[0] for config in configs[1:]):
            for config in configs:
                log.warning(config)
            raise RuntimeError(
                f"cannot import the workspace: the parameter configurations for {name} differ between the "
                "NormFactors that name it"
            )
    return [configs[-1] for configs in by_name.values()]


def parse(configfile, rootdir, mounts=None, track_progress=False, validation_as_error=True) -> dict:
    """The workspace specification of a HistFactory XML configuration.

    Args:
        configfile: the top-level XML file (a path, or an open file object).
        rootdir: the folder that relative file names in the XML are relative to.
        mounts: ``(local path, path in the XML)`` pairs for files that the XML names by a path that is elsewhere on
            this machine (like a container's volume mounts); default none.
        track_progress: show progress bars (tqdm).
        validation_as_error: raise ``InvalidSpecification`` when the result does not follow the workspace schema
            (default), or else log the error as a warning and return the result.

    Returns:
        dict: ``measurements``, ``channels``, ``observations`` (in the order of the ``Input`` elements) and
        ``version``.

    Raises ``ET.ParseError`` for malformed XML, ``FileNotFoundError`` for missing XML or ROOT files,
    ``KeyError`` for a histogram that is not in its file, and the errors of ``process_channel``,
    ``process_measurements`` and ``dedupe_parameters``."""
    toplvl = ET.parse(configfile)
    resolver = resolver_factory(rootdir, mounts)
    names = [element.text.strip() for element in toplvl.findall("Input") if element.text and element.text.strip()]

    channels, observations, parameter_configs = [], [], []
    inputs = _progress(names, "channel", track_progress)
    for name in inputs:
        inputs.set_description(f"Processing {name}")
        channel, data, samples, configs = process_channel(ET.parse(resolver(name)), resolver, track_progress)
        channels.append({"name": channel, "samples": samples})
        observations.append({"name": channel, "data": data})
        parameter_configs.extend(configs)

    measurements = process_measurements(toplvl, other_parameter_configs=dedupe_parameters(parameter_configs))
    # The schema module and exception classes that ``neos_swift.schema`` / ``neos_swift.exceptions`` name now: when
    # the package is imported as pyhf, ``import pyhf.schema`` can load a second copy of those modules and bind it
    # to the package (then a patch of ``pyhf.schema.validate`` is a patch of that copy).
    schema = neos_swift.schema
    invalid = (exceptions.InvalidSpecification, neos_swift.exceptions.InvalidSpecification)
    result = {
        "measurements": measurements,
        "channels": channels,
        "observations": observations,
        "version": schema.version,
    }
    try:
        schema.validate(result, "workspace.json")
    except invalid as error:
        if validation_as_error:
            raise
        log.warning(error)
    return result


def clear_filecache() -> None:
    """Closes and forgets the ROOT files that ``import_root_histogram`` keeps open."""
    global _FILE_CACHE
    cache, _FILE_CACHE = _FILE_CACHE, {}
    for rootfile, _ in cache.values():
        close = getattr(rootfile, "close", None)
        if close is not None:
            close()
