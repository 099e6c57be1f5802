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
with empty or mangled names); ``mounts`` may be given as strings; ``clear_filecache`` closes the files it forgets;
a relative-uncertainty histogram (``ShapeSys``, external ``StatError``) whose bin count is not its sample's is a
``ValueError`` (pyhf cuts a ``ShapeSys`` one to the shorter length, and numpy refuses or broadcasts a ``StatError``
one).

How it is built: ``_Scope`` resolves every histogram reference (``InputFile``/``HistoPath``/``HistoName`` and the
``HistoSys`` and ``StatError`` variants of those attributes, falling back to the sample's and then the channel's
file and folder), and ``_MODIFIER_BUILDERS`` maps each modifier tag to the function that builds its JSON modifier
(and, for a ``NormFactor``, its parameter configuration); a tag that is not in the table is logged and skipped.
"""

from __future__ import annotations

import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import IO, Any

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


# The attributes that name a histogram, as (file, folder, histogram name). An element that leaves out the file or
# the folder inherits its sample's (a sample inherits its channel's); the name it must give.
_NOMINAL = ("InputFile", "HistoPath", "HistoName")
_EXTERNAL = ("HistoFile", "HistoPath", "HistoName")
_LOW = ("HistoFileLow", "HistoPathLow", "HistoNameLow")
_HIGH = ("HistoFileHigh", "HistoPathHigh", "HistoNameHigh")


def _missing_data_message() -> str:
    return (
        "Conversion of workspaces without data is currently not supported.\n"
        "See https://github.com/scikit-hep/pyhf/issues/566"
    )


def _tracked(items, unit: str, enabled: bool, describe: Callable[[object], str], total: int | None = None):
    """Yields ``items``; when ``enabled``, through a tqdm progress bar (tqdm is part of the xmlio extra) that shows
    ``describe(item)`` for the item being processed."""
    if not enabled:
        yield from items
        return
    try:
        import tqdm
    except ImportError as error:
        raise ImportError(
            "track_progress=True shows a progress bar with tqdm, which is not installed; install the xmlio extra: "
            "python -m pip install 'neos-swift[xmlio]'",
            name="tqdm",
        ) from error
    bar = tqdm.tqdm(items, unit=unit, total=total)
    for item in bar:
        bar.set_description(describe(item))
        yield item


def resolver_factory(
    rootdir: str | os.PathLike[str], mounts: Iterable[Sequence[str | os.PathLike[str]]] | None
) -> Callable[[str], Path]:
    """A function from a file name in the XML to the file to open.

    A name under one of the ``mounts``' second paths (the path as the XML spells it) is moved to the first (where
    the files are on this machine); the first mount that matches wins. The result is then taken relative to
    ``rootdir``: a relative name is joined to it, an absolute one is kept."""
    base = Path(rootdir)
    table = [(Path(in_xml), Path(local)) for local, in_xml in (mounts or [])]

    def under(path: Path, folder: Path) -> bool:
        return path == folder or folder in path.parents

    def resolver(filename) -> Path:
        named = Path(filename)
        moved = next((local / named.relative_to(in_xml) for in_xml, local in table if under(named, in_xml)), named)
        return base / moved

    return resolver


def extract_error(hist: Any) -> list[float]:
    """The bin uncertainties of an uproot histogram, without under- and overflow: the square roots of the summed
    squared weights (``fSumw2``) when the histogram was filled with weights, else of the bin contents (Poisson)."""
    return np.sqrt(hist.variances() if hist.weighted else hist.values()).tolist()


def _opened(fullpath: str, cache) -> tuple[object, set[str]]:
    """The ROOT file at ``fullpath`` and its keys (without cycle numbers), from ``cache`` or opened into it."""
    entry = cache.get(fullpath)
    if entry is None:
        rootfile = uproot.open(fullpath)
        entry = cache[fullpath] = (rootfile, set(rootfile.keys(cycle=False)))
    return entry


def import_root_histogram(
    resolver: Callable[[str], str | os.PathLike[str]],
    filename: str,
    path: str | None,
    name: str,
    filecache: MutableMapping[str, Any] | None = None,
) -> tuple[list[float], list[float]]:
    """The bin contents and uncertainties (see ``extract_error``) of histogram ``name`` in ROOT file ``filename``
    (given to ``resolver``, the function ``resolver_factory`` returns).

    The histogram is looked up as ``name`` and then as ``path/name`` (leading and trailing ``/`` of ``path`` are
    ignored). Files stay open in ``filecache`` (by default, and when an empty cache is given, the module's cache
    that ``clear_filecache`` empties), so each file is opened once.

    Raises ``KeyError`` when neither name is in the file, and what uproot raises when the file cannot be read
    (``FileNotFoundError`` for a missing one)."""
    fullpath = str(resolver(filename))
    rootfile, keys = _opened(fullpath, filecache or _FILE_CACHE)
    lookups = (name, f"{(path or '').strip('/')}/{name}")
    key = next((lookup for lookup in lookups if lookup in keys), None)
    if key is None:
        raise KeyError(f"no histogram {name} in {fullpath} (looked for {lookups[0]!r} and {lookups[1]!r})")
    hist = rootfile[key]
    return hist.values().tolist(), extract_error(hist)


class _Scope:
    """Where the histograms of the elements inside a channel or sample are: the resolver, and the file and folder
    that an element uses when it names none of its own."""

    def __init__(self, resolver, inputfile: str, histopath: str):
        self.resolver = resolver
        self.inputfile = inputfile
        self.histopath = histopath

    def locate(self, element, attributes=_NOMINAL) -> tuple[str, str, str]:
        """The (file, folder, name) of the histogram that ``element`` names with ``attributes``: its own file and
        folder where it gives them, else this scope's; ``KeyError`` when it gives no name."""
        file_attribute, folder_attribute, name_attribute = attributes
        return (
            element.attrib.get(file_attribute, self.inputfile),
            element.attrib.get(folder_attribute, self.histopath),
            element.attrib[name_attribute],
        )

    def inside(self, element) -> _Scope:
        """The scope of the elements inside ``element``: its ``InputFile`` and ``HistoPath`` where it sets them."""
        return _Scope(
            self.resolver,
            element.attrib.get("InputFile", self.inputfile),
            element.attrib.get("HistoPath", self.histopath),
        )

    def read(self, element, attributes=_NOMINAL) -> tuple[list[float], list[float]]:
        """The contents and uncertainties of the histogram ``element`` names with ``attributes``."""
        return import_root_histogram(self.resolver, *self.locate(element, attributes))


class _Sample:
    """What a sample's modifier elements are built from: the sample's scope, its channel's name, and its nominal
    histogram's contents and uncertainties."""

    def __init__(self, element, scope: _Scope, channel_name: str):
        self.name = element.attrib.get("Name")
        self.channel_name = channel_name
        self.scope = scope
        self.data, self.errors = scope.read(element)

    def absolute(self, element, relative: list[float]) -> list[float]:
        """Relative uncertainties (a ``ShapeSys`` or external ``StatError`` histogram) as the absolute ones of the
        JSON format: times the nominal contents, bin by bin; ``ValueError`` when the bin counts differ."""
        if len(relative) != len(self.data):
            raise ValueError(
                f"{element.tag} of sample {self.name} has {len(relative)} bins, its nominal histogram {len(self.data)}"
            )
        return [fraction * nominal for fraction, nominal in zip(relative, self.data)]


def _modifier(kind: str, element, data=None) -> dict:
    return {"name": element.attrib["Name"], "type": kind, "data": data}


def _const(element) -> dict:
    """``fixed`` as a ``Const`` attribute sets it (nothing when it is absent or empty)."""
    const = element.attrib.get("Const")
    return {"fixed": const == "True"} if const else {}


# The builders of the modifier elements: (element, _Sample) -> (the JSON modifier, or None when the element is not
# considered; the parameter configuration it carries, or None).


def _overall_sys(element, sample: _Sample):
    bounds = {"lo": float(element.attrib["Low"]), "hi": float(element.attrib["High"])}
    return _modifier("normsys", element, bounds), None


def _norm_factor(element, sample: _Sample):
    name = element.attrib["Name"]
    low, high, init = (float(element.attrib[attribute]) for attribute in ("Low", "High", "Val"))
    config = {"name": name, "bounds": [[low, high]], "inits": [init], **_const(element)}
    return _modifier("normfactor", element), config


def _histo_sys(element, sample: _Sample):
    variations = {
        "lo_data": sample.scope.read(element, _LOW)[0],
        "hi_data": sample.scope.read(element, _HIGH)[0],
    }
    return _modifier("histosys", element, variations), None


def _stat_error(element, sample: _Sample):
    if element.attrib["Activate"] != "True":
        return None, None
    if element.attrib.get("HistoName", ""):
        widths = sample.absolute(element, sample.scope.read(element, _EXTERNAL)[0])
    else:
        widths = sample.errors
    if not widths:
        raise RuntimeError(f"cannot determine the stat error of sample {sample.name}.")
    # HistFactory names the staterror after the channel: a StatError element has no Name.
    return {"name": f"staterror_{sample.channel_name}", "type": "staterror", "data": widths}, None


def _shape_sys(element, sample: _Sample):
    if element.attrib.get("ConstraintType", "Poisson") != "Poisson":
        log.warning("shapesys modifier %s has a non-poisson constraint", element.attrib["Name"])
    widths = sample.absolute(element, sample.scope.read(element, _NOMINAL)[0])
    return _modifier("shapesys", element, widths), None


def _shape_factor(element, sample: _Sample):
    return _modifier("shapefactor", element), None


def _not_considered(element, sample: _Sample):
    return None, None


_MODIFIER_BUILDERS = {
    "HistoSys": _histo_sys,
    "NormFactor": _norm_factor,
    "OverallSys": _overall_sys,
    "ShapeFactor": _shape_factor,
    "ShapeSys": _shape_sys,
    "StatError": _stat_error,
}


def _modifier_label(element) -> str:
    return f"  - modifier {element.attrib.get('Name', 'n/a')}({element.tag})"


def process_sample(
    sample: ET.Element,
    resolver: Callable[[str], str | os.PathLike[str]],
    inputfile: str,
    histopath: str,
    channel_name: str,
    track_progress: bool = False,
) -> dict:
    """One ``Sample`` element as a JSON sample (``name``, ``data``, ``modifiers``), plus the ``parameter_configs``
    of its ``NormFactor`` elements (to be merged into the measurements by ``parse``).

    ``inputfile`` and ``histopath`` are the channel's, used where the sample sets none; ``channel_name`` names
    its staterror (``staterror_<channel_name>``). Raises ``RuntimeError`` when a staterror would be empty."""
    nominal = _Sample(sample, _Scope(resolver, inputfile, histopath).inside(sample), channel_name)
    modifiers = (
        [{"name": "lumi", "type": "lumi", "data": None}] if sample.attrib.get("NormalizeByTheory") == "True" else []
    )
    parameter_configs = []
    children = list(sample)
    for element in _tracked(children, "modifier", track_progress, _modifier_label, total=len(children)):
        modifier, config = _MODIFIER_BUILDERS.get(element.tag, _not_considered)(element, nominal)
        if modifier is None:
            log.warning("not considering modifier tag %s", element)
            continue
        modifiers.append(modifier)
        if config is not None:
            parameter_configs.append(config)
    return {
        "name": sample.attrib["Name"],
        "data": nominal.data,
        "modifiers": modifiers,
        "parameter_configs": parameter_configs,
    }


def process_data(
    sample: ET.Element, resolver: Callable[[str], str | os.PathLike[str]], inputfile: str, histopath: str
) -> list[float]:
    """The bin contents of a ``Data`` element's histogram (``inputfile``/``histopath``: the channel's defaults).

    Raises ``NotImplementedError`` when no file or no histogram name is given: workspaces without data are not
    supported (as in pyhf)."""
    located = _Scope(resolver, inputfile, histopath).locate(sample)
    filename, _, histoname = located
    if "" in (filename, histoname):
        raise NotImplementedError(_missing_data_message())
    return import_root_histogram(resolver, *located)[0]


def process_channel(
    channelxml: ET.ElementTree, resolver: Callable[[str], str | os.PathLike[str]], track_progress: bool = False
) -> tuple[str, list[float], list[dict], list[dict]]:
    """A parsed channel XML document (an ``ElementTree``) as ``(name, observed data, samples, parameter
    configurations of its NormFactors)``. Raises ``RuntimeError`` when the channel has no ``Data`` element."""
    channel = channelxml.getroot()
    name = channel.attrib["Name"]
    scope = _Scope(resolver, "", "").inside(channel)
    observation = channel.find("Data")
    if observation is None:
        raise RuntimeError(f"Channel {name} is missing data. See issue #1911.")
    observed = process_data(observation, resolver, scope.inputfile, scope.histopath)

    def label(element) -> str:
        return f"  - sample {element.attrib.get('Name')}"

    elements = _tracked(channel.findall("Sample"), "sample", track_progress, label)
    samples = [
        process_sample(element, resolver, scope.inputfile, scope.histopath, name, track_progress)
        for element in elements
    ]
    configs = [config for sample in samples for config in sample.pop("parameter_configs")]
    return name, observed, samples, configs


def _lumi_config(measurement) -> dict:
    """The luminosity's configuration: its value as auxdata and init, width ``Lumi * LumiRelErr``, bounds 5 widths
    either side."""
    lumi, relative_error = (float(measurement.attrib[attribute]) for attribute in ("Lumi", "LumiRelErr"))
    sigma = lumi * relative_error
    reach = 5.0 * sigma
    config = {"name": "lumi", "auxdata": [lumi], "bounds": [[lumi - reach, lumi + reach]]}
    config.update(inits=[lumi], sigmas=[sigma])
    return config


def _settings(measurement):
    """Each (ROOT parameter name, what its ``ParamSetting`` sets) of a measurement, in document order."""
    for param in measurement.findall("ParamSetting"):
        value = param.attrib.get("Val")
        setting = {**_const(param), **({"inits": [float(value)]} if value else {})}
        for rootname in (param.text or "").split():
            yield rootname, setting


def _set_parameter(measurement_name: str, rootname: str) -> str:
    """The parameter set that a ``ParamSetting`` on ``rootname`` configures; ``ValueError`` for one bin of a
    non-scalar set (a gamma), which the JSON format cannot configure alone."""
    meaning = compat.interpret_rootname(rootname)
    if not meaning["is_scalar"]:
        raise ValueError(
            f"measurement {measurement_name} sets {rootname}: a ParamSetting on one bin of a non-scalar parameter "
            "(a gamma) cannot be expressed in the JSON format, whose configurations are per parameter set"
        )
    return meaning["name"]


def _measurement(element, normfactor_configs) -> dict:
    """One ``Measurement`` element as a JSON measurement (see ``process_measurements``)."""
    name = element.attrib["Name"]
    lumi = _lumi_config(element)
    poi = element.find("POI")
    if poi is None:
        raise RuntimeError(f"Measurement {name} is missing POI specification")
    # Copies, so that one measurement's settings do not reach another's (or the caller's) configurations.
    others = {config["name"]: dict(config) for config in normfactor_configs}
    for rootname, setting in _settings(element):
        target = _set_parameter(name, rootname)
        if target == "lumi":
            lumi.update(setting)
        else:
            # A parameter that a setting names moves behind those no setting names.
            others[target] = {**others.pop(target, {"name": target}), **setting}
    return {"name": name, "config": {"poi": (poi.text or "").strip(), "parameters": [lumi, *others.values()]}}


def process_measurements(
    toplvl: ET.ElementTree | ET.Element, other_parameter_configs: Sequence[Mapping[str, Any]] | None = None
) -> list[dict]:
    """The ``Measurement`` elements of a top-level XML document (an ``ElementTree`` or its root ``Element``) as
    JSON measurements: ``name`` and ``config`` (``poi`` and ``parameters``).

    Each measurement's parameters are the luminosity first, then ``other_parameter_configs`` (the NormFactors'
    configurations, copied per measurement so that one measurement's settings do not reach another) with the
    measurement's ``ParamSetting`` elements applied on top; a parameter that a ``ParamSetting`` names moves to the
    end, after those it does not name, in the order the settings name them.

    Raises ``RuntimeError`` for a measurement without ``POI`` and ``ValueError`` for a ``ParamSetting`` on a
    non-scalar parameter (``gamma_<name>_<bin>``), which the JSON format cannot express."""
    return [_measurement(element, other_parameter_configs or []) for element in toplvl.findall("Measurement")]


def dedupe_parameters(parameters: Sequence[Mapping[str, Any]]) -> list[dict]:
    """One configuration per parameter name, in the order of first appearance; a NormFactor shared by several
    samples is configured once per sample in the XML, and those configurations must agree.

    Raises ``RuntimeError`` (naming the parameter, each configuration logged) when two of them differ."""
    latest: dict[str, dict] = {}
    for config in parameters:
        latest[config["name"]] = config  # a name keeps the place of its first configuration
    clash = next((name for name in latest if any(c["name"] == name and c != latest[name] for c in parameters)), None)
    if clash is not None:
        for config in parameters:
            if config["name"] == clash:
                log.warning(config)
        raise RuntimeError(
            f"cannot import the workspace: the parameter configurations for {clash} differ between the "
            "NormFactors that name it"
        )
    return list(latest.values())


def _validated(spec: dict, validation_as_error: bool) -> dict:
    """``spec`` after the workspace schema's check: ``InvalidSpecification`` raised, or logged as a warning."""
    # The schema module and exception classes that ``neos_swift.schema`` / ``neos_swift.exceptions`` name now: when
    # the package is imported as pyhf, ``import pyhf.schema`` can load a second copy of those modules and bind it
    # to the package (then a patch of ``pyhf.schema.validate`` is a patch of that copy).
    try:
        neos_swift.schema.validate(spec, "workspace.json")
    except (exceptions.InvalidSpecification, neos_swift.exceptions.InvalidSpecification) as error:
        if validation_as_error:
            raise
        log.warning(error)
    return spec


def parse(
    configfile: str | os.PathLike[str] | IO[Any],
    rootdir: str | os.PathLike[str],
    mounts: Iterable[Sequence[str | os.PathLike[str]]] | None = None,
    track_progress: bool = False,
    validation_as_error: bool = True,
) -> dict:
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
    files = [element.text.strip() for element in toplvl.findall("Input") if (element.text or "").strip()]

    def label(name) -> str:
        return f"Processing {name}"

    read = [
        process_channel(ET.parse(resolver(name)), resolver, track_progress)
        for name in _tracked(files, "channel", track_progress, label)
    ]
    normfactors = dedupe_parameters([config for *_, configs in read for config in configs])
    spec = {
        "measurements": process_measurements(toplvl, other_parameter_configs=normfactors),
        "channels": [{"name": name, "samples": samples} for name, _, samples, _ in read],
        "observations": [{"name": name, "data": data} for name, data, _, _ in read],
        "version": neos_swift.schema.version,
    }
    return _validated(spec, validation_as_error)


def clear_filecache() -> None:
    """Closes and forgets the ROOT files that ``import_root_histogram`` keeps open."""
    global _FILE_CACHE
    forgotten, _FILE_CACHE = _FILE_CACHE, {}
    for rootfile, _ in forgotten.values():
        close = getattr(rootfile, "close", None)
        if close is not None:
            close()
