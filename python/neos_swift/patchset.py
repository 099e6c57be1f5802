"""pyhf.patchset: a patchset's metadata and its patches as pyhf 0.7.6 objects.

The patchset is checked against pyhf's schema, then read and checked by libneos (``workspace.PatchSet``: duplicate
names or values, labels); this module names its parts as pyhf does: ``Patch`` objects looked up by name or values,
``verify`` and ``apply`` (the patch applied by libneos' JSON Patch)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from neos_swift import exceptions, utils
from neos_swift import workspace as _workspace
from neos_swift._arguments import as_mapping

__all__ = ["Patch", "PatchSet"]


def __dir__():
    return __all__


class Patch:
    """One patch of a patchset: its ``metadata`` (``name``, ``values``) and its JSON-patch operations ``patch``.
    ``apply(document)`` returns a patched copy of ``document``, as ``jsonpatch.JsonPatch.apply``; with
    ``in_place=True`` a plain dict or list is patched itself and returned."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.patch = spec["patch"]
        self._metadata = spec["metadata"]

    @property
    def metadata(self) -> dict:
        """The patch's metadata as the patchset file gives it (``name``, ``values``)."""
        return self._metadata

    @property
    def name(self) -> str:
        """The patch's name (``metadata['name']``)."""
        return self.metadata["name"]

    @property
    def values(self) -> tuple:
        """The patch's signal-grid values as a tuple (``metadata['values']``), one per label of its patchset."""
        return tuple(self.metadata["values"])

    def apply(self, obj: Any, in_place: bool = False) -> Any:
        """A copy of ``obj`` (a spec dict, list or ``Workspace``) with the patch's operations applied; with
        ``in_place=True`` a plain dict or list is changed itself and returned (``TypeError`` for any other type)."""
        patched = _workspace._apply_jsonpatch(obj, self.patch)
        if not in_place:
            return patched
        if type(obj) is dict:
            obj.clear()
            obj.update(patched)
        elif type(obj) is list:
            obj[:] = patched
        else:
            # a Workspace holds libneos' copy of its spec: editing it in place would leave the two apart
            raise TypeError(f"in_place=True patches a plain dict or list, not {type(obj).__name__}")
        return obj

    def __iter__(self):
        return iter(self.patch)

    def __len__(self):
        return len(self.patch)

    def __eq__(self, other):
        if not isinstance(other, Patch):
            return False
        return self.patch == other.patch and self.metadata == other.metadata

    def __hash__(self):
        return hash((self.name, self.values))

    def __repr__(self):
        cls = type(self)
        return f"<{cls.__module__}.{cls.__qualname__} object '{self.name}{self.values}' at {hex(id(self))}>"


class _MetadataEntry:
    """A read-only attribute of a patchset that is one entry of its ``metadata`` (looked up on each read, so that
    it follows the metadata)."""

    def __init__(self, key, doc):
        self._key = key
        self.__doc__ = doc

    def __get__(self, patchset, owner=None):
        return self if patchset is None else patchset.metadata[self._key]

    def __set__(self, patchset, value):
        raise AttributeError(f"{self._key} is read from the patchset's metadata and cannot be set")


def _check_values(index, patch, nlabels) -> None:
    """A patch's values must be numbers or strings (the schema's kinds), one per label of the patchset."""
    for position, value in enumerate(patch.values):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise exceptions.InvalidSpecification(
                f"patches[{index}].metadata.values[{position}]: expected a number or a string, got {value!r}"
            )
    if len(patch.values) != nlabels:
        raise exceptions.InvalidPatchSet(
            f"patch {patch.name!r} has {len(patch.values)} values, but the patchset has {nlabels} labels"
        )


class PatchSet(_workspace.PatchSet):
    """pyhf's PatchSet: ``version``, ``metadata`` (``references``, ``description``, ``digests``, ``labels``),
    ``patches``; ``patchset[name]``, ``patchset[values]`` (tuple or list) and ``patchset[a, b]`` give the
    ``Patch``; iterating gives the patches. ``verify(workspace)`` checks the digests, ``apply(workspace, key)``
    returns the patched ``Workspace``."""

    def __init__(self, spec: Mapping[str, Any], **config_kwargs: Any) -> None:
        as_mapping("spec", spec, "a patchset (a dict)")  # pyhf reads spec.get(...) first: an AttributeError there
        self.schema = config_kwargs.pop("schema", "patchset.json")
        self._version = config_kwargs.pop("version", spec.get("version", None))
        if config_kwargs:
            raise TypeError(f"unexpected keyword arguments {sorted(config_kwargs)}")
        # pyhf's schema check first (a patch's values of the wrong type fail there, before they are hashed), then
        # libneos reads the patchset and raises pyhf's exceptions for what the schema cannot see
        _workspace._validate(spec, self.schema, self._version)
        super().__init__(spec)
        self._metadata = spec["metadata"]
        self._patches = [Patch(patch_spec) for patch_spec in spec["patches"]]
        self._by_key = {}  # each patch under its name and under its values: the two ways to ask for it
        for index, patch in enumerate(self._patches):
            _check_values(index, patch, len(self.labels))
            for key in (patch.name, patch.values):
                holder = self._by_key.setdefault(key, patch)
                if holder is not patch:
                    raise exceptions.InvalidPatchSet(
                        f"patches {holder.name!r} and {patch.name!r} cannot both be looked up by {key!r}: names and "
                        "value tuples must each be unique in a patchset"
                    )

    @property
    def version(self) -> str:
        """The patchset's schema version (the ``version`` keyword, else the file's ``version``)."""
        return self._version

    @property
    def metadata(self) -> dict:
        """The patchset's metadata: ``references``, ``description``, ``digests`` and ``labels``."""
        return self._metadata

    references = _MetadataEntry("references", "The patchset's references (e.g. its HEPData record).")
    description = _MetadataEntry("description", "The patchset's description.")
    digests = _MetadataEntry(
        "digests", "The digests of the background-only workspace the patches apply to, by algorithm."
    )
    labels = _MetadataEntry("labels", "The names of the signal-grid coordinates that each patch's ``values`` give.")

    @property
    def patches(self) -> list[Patch]:
        """The patches, as :class:`Patch` objects in the file's order."""
        return self._patches

    def __getitem__(self, key):
        if isinstance(key, Patch) and key in self._patches:
            return key  # `for patch in patchset: patchset[patch]`, as for the names-only PatchSet before
        lookup = tuple(key) if isinstance(key, list) else key  # values may come as a list; the table holds tuples
        try:
            found = self._by_key.get(lookup)
        except TypeError:  # an unhashable key names no patch
            found = None
        if found is None:
            # The opening words are pyhf's, which pyhf's tests look for.
            raise exceptions.InvalidPatchLookup(f'No patch associated with "{lookup}" is defined in patchset.')
        return found

    def __iter__(self):
        return iter(self._patches)

    def __len__(self):
        return len(self._patches)

    def __repr__(self):
        cls = type(self)
        count = len(self._patches)
        return (
            f"<{cls.__module__}.{cls.__qualname__} object with {count} patch{'es' if count != 1 else ''}"
            f" at {hex(id(self))}>"
        )

    def verify(self, spec: Mapping[str, Any]) -> None:
        """``PatchSetVerificationError`` unless each of the patchset's digests is that of ``spec``."""
        actual = {algorithm: utils.digest(spec, algorithm=algorithm) for algorithm in self.digests}
        mismatched = [algorithm for algorithm, digest in actual.items() if digest != self.digests[algorithm]]
        if mismatched:
            algorithm = mismatched[0]
            raise exceptions.PatchSetVerificationError(
                f"this workspace is not the one the patchset was made for: its {algorithm} digest is "
                f"{actual[algorithm]}, the patchset records {self.digests[algorithm]}"
            )

    def apply(self, spec: Mapping[str, Any], key: str | Sequence[float]) -> _workspace.Workspace:
        """The workspace ``spec`` with the patch ``key`` (name or values) applied, after ``verify(spec)``."""
        self.verify(spec)
        return _workspace.Workspace(self[key].apply(spec))
