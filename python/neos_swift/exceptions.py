"""pyhf 0.7.6's exception classes (``pyhf.exceptions``), joined to neos-swift's own error hierarchy.

Every pyhf class here also derives from the :class:`~neos_swift.errors.NeosError` subclass of the library status
that reports the same situation, and from the builtin base pyhf gives it. So both spellings catch it::

    except neos_swift.exceptions.InvalidModel:   # a pyhf user's code
    except neos_swift.ModelError:                 # neos-swift's own code, unchanged

Errors from libneos are raised as the pyhf class that pyhf raises in that situation. ``errors.check`` asks
:func:`_library_error_class` for the class, which decides from the status, from the failure's reason
(``neos_last_error_reason()``: ``"invalid_modifier"``, ``"name_reuse"``, or ``""``) and from the exported
function that failed (libneos prefixes every error message with that function's name: ``"neos_model_logpdf:
n_pars is 2, expected 1"``). The chosen class is always a subclass of the status's own class.
"""

from __future__ import annotations

import re
import sys
import types
import warnings

from .errors import FitFailed, InvalidArgument, ModelError, NeosError, ParseError

__all__ = [
    "FailedMinimization",
    "ImportBackendError",
    "InvalidArchiveHost",
    "InvalidBackend",
    "InvalidInterpCode",
    "InvalidMeasurement",
    "InvalidModel",
    "InvalidModifier",
    "InvalidNameReuse",
    "InvalidOptimizer",
    "InvalidPatchLookup",
    "InvalidPatchSet",
    "InvalidPdfData",
    "InvalidPdfParameters",
    "InvalidSpecification",
    "InvalidTestStatistic",
    "InvalidWorkspaceOperation",
    "PatchSetVerificationError",
    "UnspecifiedPOI",
    "Unsupported",
]


def __dir__():
    return __all__


class Unsupported(NeosError):
    """A requested feature or option that this configuration does not support."""


class InvalidMeasurement(InvalidArgument):
    """The measurement asked for is not in the workspace, or the workspace defines none."""


class InvalidNameReuse(ModelError):
    """A name is used for two things that must have distinct names."""


class SchemaNotFound(NeosError, FileNotFoundError):
    """No schema file exists at the requested location under ``schema.path``."""


class InvalidSpecification(ParseError):
    """A specification does not have the structure its schema requires.

    Built either from a jsonschema ``ValidationError`` (as ``schema.validate`` does; then ``parent`` is that
    error, ``path`` the dotted location of the offending value and ``instance`` the value), or from a message
    (as for libneos's structural errors, whose location is read from the message)."""

    def __init__(self, ValidationError, schema=None):  # noqa: N803  (pyhf's parameter name)
        self.exc_info = sys.exc_info()
        self.schema = schema
        if isinstance(ValidationError, str):
            self.parent = None
            self.instance = None
            self.path = _message_location(ValidationError)
            super().__init__(ValidationError)
            return
        self.parent = ValidationError
        self.instance = ValidationError.instance
        # A dotted location with list indices in brackets (pyhf's form of the path): channels[0].samples
        self.path = "".join(f"[{item}]" if isinstance(item, int) else f".{item}" for item in ValidationError.path)
        self.path = self.path.lstrip(".")
        # pyhf's message, character for character: tests and scripts compare the text.
        super().__init__(
            f"{ValidationError.message}.\n\tPath: {self.path}\n\tInstance: {self.instance} Schema: {self.schema}"
        )


class InvalidArchiveHost(InvalidArgument):
    """A patchset archive URL whose host is not one of the approved hosts."""


class InvalidArchive(NeosError):
    """A patchset archive URL whose response is not a usable archive."""


class InvalidPatchSet(ModelError):
    """A patchset that is well-formed but inconsistent (e.g. two patches with one name)."""


class InvalidPatchLookup(InvalidArgument):
    """A patch asked for by name or values that the patchset does not hold."""


class PatchSetVerificationError(InvalidArgument):
    """A workspace whose digest is not the one the patchset was made for."""


class InvalidWorkspaceOperation(InvalidArgument):
    """An operation on workspaces (prune, rename, combine, ...) that cannot be carried out."""


class UnspecifiedPOI(ModelError):
    """A model without a parameter of interest used where one is needed (a test statistic, CLs, a limit)."""


class InvalidModel(ModelError):
    """A specification with the right structure that does not describe a valid model."""


class InvalidModifier(ModelError):
    """A modifier that does not exist or is built wrongly."""


class _InvalidModifierSpecification(InvalidSpecification, InvalidModifier):
    """A modifier outside the HistFactory schema that is also one that cannot be built: an unknown type, or empty
    bin-wise data. pyhf raises InvalidSpecification for it when it validates the specification (the default) and
    InvalidModifier when it does not; libneos always checks, and this class is both."""


class InvalidInterpCode(InvalidArgument):
    """An interpolation code that does not exist for the modifier type it is given to."""


class InvalidTestStatistic(InvalidArgument):
    """A test statistic name that is not one of the implemented ones."""


class ImportBackendError(NeosError):
    """A backend or optimizer whose optional libraries cannot be imported."""


class InvalidBackend(InvalidArgument):
    """A tensor backend name that does not exist."""


class InvalidOptimizer(InvalidArgument):
    """An optimizer name that does not exist."""


class InvalidPdfParameters(InvalidArgument):
    """Parameters of the wrong length (or value) for the model they are evaluated with."""


class InvalidPdfData(InvalidArgument):
    """Data of the wrong length for the model they are evaluated with."""


class FailedMinimization(FitFailed):
    """A minimisation that did not succeed.

    ``result`` is the optimizer's result object when one is given; when libneos reports the failure only a
    message exists, and ``result`` is then a namespace with ``success=False`` and that ``message``."""

    def __init__(self, result):
        if isinstance(result, str):
            result = types.SimpleNamespace(success=False, message=result)
        self.result = result
        super().__init__(
            getattr(result, "message", f"Unknown failure: the {type(result).__name__} result says no more")
        )


def _deprecated_api_warning(deprecated_api, new_api, deprecated_release, remove_release):
    """Warns (``DeprecationWarning``, attributed to the caller of the deprecated function) that ``deprecated_api``
    is replaced by ``new_api`` since ``deprecated_release`` and goes away in ``remove_release``. The first sentence is
    pyhf's wording, which pyhf's tests (and so users' code) look for."""
    warnings.warn(
        f"{deprecated_api} is deprecated in favor of {new_api} as of pyhf v{deprecated_release} and will be "
        f"removed in pyhf v{remove_release}. Please use {new_api}.",
        DeprecationWarning,
        stacklevel=3,
    )


def _message_location(message: str) -> str:
    """The JSON location a libneos message names after its function prefix (``"channels[0].samples"`` in
    ``"neos_model_from_json: channels[0].samples: expected a non-empty array"``), or ``""``."""
    match = re.match(r"(?:neos_\w+: )?([A-Za-z_][\w.\[\]-]*): ", message)
    return match.group(1) if match else ""


# Exported functions that read a specification (a model, a workspace, a patchset, or a model built from a
# workspace with modifier settings and patches).
_SPEC_READERS = frozenset(
    {
        "neos_model_from_json",
        "neos_workspace_from_json",
        "neos_workspace_from_json_with_options",
        "neos_workspace_model",
    }
)
_MODEL_BUILDERS = _SPEC_READERS | {
    "neos_simplemodels_uncorrelated_background",
    "neos_simplemodels_correlated_background",
    "neos_model_with_inputs",
}
# Exported functions that evaluate the pdf at given parameters (and data).
_PDF_EVALUATORS = frozenset(
    {
        "neos_model_logpdf",
        "neos_model_logpdf_gradient",
        "neos_model_expected_data",
        "neos_model_expected_data_vjp",
        "neos_model_nll_derivatives",
        "neos_model_nll_and_gradient",
    }
)


# neos_last_error_reason() identifiers -> the pyhf class, for failures of the status class each is reported with.
_REASONS = {
    ("invalid_modifier", ParseError): _InvalidModifierSpecification,
    ("invalid_modifier", ModelError): InvalidModifier,
    ("name_reuse", ModelError): InvalidNameReuse,
}


def _library_error_class(base: type[NeosError], message: str, reason: str = "") -> type[NeosError]:
    """The class to raise for a libneos error of status class ``base`` with ``message`` and ``reason`` (the
    identifier from ``neos_last_error_reason()``): the pyhf class for the situation, or ``base`` itself where
    pyhf has no class of its own for it."""
    match = re.match(r"(neos_\w+): (.*)", message, re.DOTALL)
    function, detail = (match.group(1), match.group(2)) if match else ("", message)
    chosen = base
    if (reason, base) in _REASONS:
        chosen = _REASONS[reason, base]
    elif base is FitFailed:
        chosen = FailedMinimization
    elif base is ParseError:
        if function in _SPEC_READERS or function == "neos_patchset_from_json":
            chosen = InvalidSpecification
    elif base is ModelError:
        if "no parameter of interest" in detail:
            chosen = UnspecifiedPOI
        elif function == "neos_patchset_from_json":
            chosen = InvalidPatchSet
        elif function in _MODEL_BUILDERS:
            chosen = InvalidModel
    elif base is InvalidArgument:
        if function in _PDF_EVALUATORS:
            if re.match(r"(n_)?pars\b", detail):
                chosen = InvalidPdfParameters
            elif re.match(r"(n_)?data\b", detail):
                chosen = InvalidPdfData
        elif function == "neos_workspace_model" and detail.startswith("measurement "):
            chosen = InvalidMeasurement
        elif function in _SPEC_READERS and "interpolation code" in detail:
            chosen = InvalidInterpCode
        elif function == "neos_patchset_patch_json" and detail.startswith("patch "):
            chosen = InvalidPatchLookup
    assert issubclass(chosen, base), (chosen, base)
    return chosen
