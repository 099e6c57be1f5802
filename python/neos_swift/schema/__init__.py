"""pyhf 0.7.6's ``pyhf.schema``: the JSON schemas of the HistFactory format, and validation against them.

``validate(spec, "model.json")`` checks a specification (a model, workspace, measurement, patchset or jsonpatch)
against pyhf's schema of that name with jsonschema (draft 6) and raises ``InvalidSpecification`` as pyhf does.
The schemas are pyhf's own files (``schema/schemas/``, see its README), so what pyhf accepts is what is
accepted here. References between schemas are resolved from the local files only: never over the network.

The module is also callable, as pyhf's is: ``neos_swift.schema(new_path)`` makes ``new_path`` the folder schemas
are read from (``schema.path``) and empties the cache; used as ``with neos_swift.schema(new_path): ...`` the
previous folder and cache come back when the block ends, also when it raises.

Building a ``Workspace`` or ``Model`` checks the structure in the Swift core, which reports what it rejects
(as ``InvalidSpecification`` or ``InvalidModel``) without going through this module.
"""

from __future__ import annotations

import functools
import json
import numbers
import sys
import types
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import InvalidSpecification, SchemaNotFound
from . import variables

__all__ = [
    "load_schema",
    "path",
    "validate",
    "version",
]


def __dir__():
    return __all__


def load_schema(schema_id: str) -> dict[str, Any]:
    """The schema at ``schema_id`` (a path relative to ``schema.path``, such as ``"1.0.0/defs.json"``), from the
    cache or else read from its file and cached under its ``$id``.

    Raises ``SchemaNotFound`` (a ``FileNotFoundError``) when there is no such file."""
    cache = variables.SCHEMA_CACHE
    for key in (variables.SCHEMA_BASE + str(schema_id), str(schema_id)):
        if key in cache:
            return cache[key]
    location = Path(variables.schemas) / schema_id
    try:
        exists = location.is_file()
    except (OSError, ValueError):  # a name too long for the file system, or with a NUL: no such schema either
        exists = False
    if not exists:
        raise SchemaNotFound(
            f"no schema {schema_id} under {variables.schemas} ({location} does not exist): check the version "
            "and the schema path"
        )
    with location.open(encoding="utf-8") as handle:
        schema = json.load(handle)
    key = schema.get("$id", variables.SCHEMA_BASE + str(schema_id))
    cache[key] = schema
    return schema


def _tensor_types() -> tuple:
    """Array types of the tensor libraries imported so far (NumPy always; jax and torch once imported)."""
    found = [np.ndarray]
    jax = sys.modules.get("jax")
    if jax is not None and hasattr(jax, "Array"):
        found.append(jax.Array)
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "Tensor"):
        found.append(torch.Tensor)
    return tuple(found)


def _is_array_or_tensor(checker, instance) -> bool:
    return isinstance(instance, (list, *_tensor_types()))


def _is_number_or_tensor_element(checker, instance) -> bool:
    import jsonschema

    if jsonschema.Draft6Validator.TYPE_CHECKER.is_type(instance, "number"):
        return True
    # NumPy's scalars, and the elements of jax and torch tensors (themselves 0-d tensors).
    return isinstance(instance, (numbers.Number, np.number, *_tensor_types()[1:]))


_VALIDATOR_CLASSES: dict[bool, type] = {}


def _validator_class(allow_tensors: bool):
    """Draft 6, or Draft 6 that takes tensors as arrays and their elements as numbers."""
    if allow_tensors not in _VALIDATOR_CLASSES:
        import jsonschema

        base = jsonschema.Draft6Validator
        if allow_tensors:
            checker = base.TYPE_CHECKER.redefine("array", _is_array_or_tensor).redefine(
                "number", _is_number_or_tensor_element
            )
            base = jsonschema.validators.extend(base, type_checker=checker)
        _VALIDATOR_CLASSES[allow_tensors] = base
    return _VALIDATOR_CLASSES[allow_tensors]


def _candidates(uri: str, version: str):
    """Where a referenced schema may be: cache keys first, then local files. A relative reference (pyhf's
    schemas refer to ``defs.json``) is relative to the version's folder, like the files that make it; pyhf's
    published URLs and ``file:`` URLs map into ``schema.path``."""
    parsed = urllib.parse.urlparse(uri)
    folder = Path(variables.schemas)
    if uri.startswith(variables.SCHEMA_BASE):
        return [uri], [folder / uri[len(variables.SCHEMA_BASE) :]]
    if parsed.scheme == "file":
        return [uri], [Path(urllib.request.url2pathname(parsed.path))]
    if parsed.scheme or parsed.netloc:
        return [uri], []
    keys = [f"{variables.SCHEMA_BASE}{version}/{uri}", f"{version}/{uri}", uri]
    return keys, [folder / version / uri, folder / uri]


def _retrieve(version: str, uri: str):
    """A referenced schema, from the cache or from its local file (never from the network)."""
    from referencing import Resource
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT6

    keys, files = _candidates(uri, version)
    for key in keys:
        if key in variables.SCHEMA_CACHE:
            return Resource.from_contents(variables.SCHEMA_CACHE[key], default_specification=DRAFT6)
    for location in files:
        if location.is_file():
            contents = json.loads(location.read_text(encoding="utf-8"))
            return Resource.from_contents(contents, default_specification=DRAFT6)
    raise NoSuchResource(ref=uri)


def validate(
    spec: Mapping,
    schema_name: str,
    *,
    version: str | None = None,
    allow_tensors: bool = True,
) -> None:
    """Checks ``spec`` against the schema ``schema_name`` (``"model.json"``, ``"workspace.json"``, ...) of
    ``version`` (default ``schema.version``). With ``allow_tensors``, tensors count as arrays and their elements
    as numbers.

    Returns None when ``spec`` is valid; raises ``InvalidSpecification`` (naming the offending location) when it
    is not, and ``SchemaNotFound`` when there is no such schema."""
    import jsonschema
    from referencing import Registry

    from .._arguments import as_text

    as_text("schema_name", schema_name)
    version = version or variables.SCHEMA_VERSION
    as_text("version", version)
    schema = load_schema(str(Path(version) / schema_name))
    validator = _validator_class(bool(allow_tensors))(
        schema, registry=Registry(retrieve=functools.partial(_retrieve, version)), format_checker=None
    )
    if Path(variables.schemas) == _PACKAGED_SCHEMAS:
        # pyhf's schemas check number lists element by element by type only: a big spec is checked with its long
        # number lists cut to one element (valid that way is valid in full), and in full only if that fails, so
        # that the error names what it names in full (see _spec_lists).
        from .._spec_lists import condensed

        if validator.is_valid(condensed(spec)):
            return None
    try:
        validator.validate(spec)
    except jsonschema.ValidationError as error:
        raise InvalidSpecification(error, schema_name) from None
    return None


# The schemas shipped with the package, whose number lists the condensed check above relies on.
_PACKAGED_SCHEMAS = Path(variables.schemas)


# (folder, cache) pairs that calls of the module replaced, newest last, for the context manager to restore.
_REPLACED = []


class _SchemaModule(types.ModuleType):
    """The type of this module: callable (to change the schema folder) and a context manager (to change it for
    one block), with ``path`` and ``version`` read from ``variables``."""

    def __call__(self, new_path):
        """Reads schemas from ``new_path`` from now on, with a fresh empty cache; returns the module, so that
        ``with schema(new_path):`` puts the previous folder and cache back at the end of the block."""
        _REPLACED.append((variables.schemas, variables.SCHEMA_CACHE))
        variables.schemas, variables.SCHEMA_CACHE = new_path, {}
        return self

    def __enter__(self):
        return None

    def __exit__(self, *exc_info):
        # The state the latest call replaced; nested blocks unwind in order.
        variables.schemas, variables.SCHEMA_CACHE = _REPLACED.pop()

    @property
    def path(self):
        """The folder schemas are read from (one sub-folder per version)."""
        return variables.schemas

    @property
    def version(self):
        """The schema version used when none is given."""
        return variables.SCHEMA_VERSION


sys.modules[__name__].__class__ = _SchemaModule

# The definitions every schema refers to, cached at import: validation never needs anything but local files.
load_schema(f"{variables.SCHEMA_VERSION}/defs.json")
