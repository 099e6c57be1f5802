"""The ctypes bindings checked by machine against include/neos.h: the header is preprocessed with the system C
compiler and parsed with pycparser, and every function's return and argument types must be the ones bound in
neos_swift._library.SIGNATURES; the header's constants, versions and status codes must be the library's and the
bindings'. Also the behaviours ABI 1.0 promises at the boundary: handle checks, out-of-memory, untouched outputs."""

from __future__ import annotations

import ctypes
import functools
import os
import re
import subprocess

import neos_swift
import numpy as np
import pycparser
import pytest
from conftest import HEADER
from neos_swift import _library, errors
from neos_swift._library import lib
from pycparser import c_ast

# Types the header takes from <stdint.h>, <stddef.h> and <stdbool.h>, declared so pycparser keeps their names.
_STANDARD_TYPEDEFS = """
typedef unsigned long size_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long int64_t;
typedef unsigned long uint64_t;
typedef _Bool bool;
"""
_STANDARD = {"size_t", "int32_t", "uint32_t", "int64_t", "uint64_t", "bool"}


@functools.cache
def _header_ast() -> c_ast.FileAST:
    """The header without its #include lines, preprocessed as C99 (NEOS_API empty), parsed by pycparser."""
    text = "\n".join(line for line in HEADER.read_text().splitlines() if not line.lstrip().startswith("#include"))
    preprocessed = subprocess.run(
        ["cc", "-E", "-P", "-std=c99", "-DNEOS_API=", "-x", "c", "-"],
        input=_STANDARD_TYPEDEFS + text,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return pycparser.CParser().parse(preprocessed, filename=str(HEADER))


def _typedefs() -> dict[str, c_ast.Node]:
    """The header's own typedefs: name -> the declared type."""
    return {
        node.name: node.type
        for node in _header_ast().ext
        if isinstance(node, c_ast.Typedef) and node.name not in _STANDARD
    }


def _spell(node: c_ast.Node) -> str:
    """A C type as canonical text: 'const double *', 'neos_model **', 'const char *const *', 'size_t'."""
    if isinstance(node, c_ast.PtrDecl):
        quals = "".join(f"{q} " for q in node.quals)
        return f"{_spell(node.type)} *{quals}".rstrip() if not quals else f"{_spell(node.type)} *{quals.strip()}"
    if isinstance(node, c_ast.TypeDecl):
        quals = "".join(f"{q} " for q in node.quals)
        return quals + " ".join(node.type.names)
    raise TypeError(f"unexpected type node {node!r}")


def _ctype(node: c_ast.Node):
    """The ctypes type a C type must be bound as (handles are void pointers; char pointers are c_char_p)."""
    typedefs = _typedefs()
    if isinstance(node, c_ast.TypeDecl):
        name = node.type.names[-1]
        if name == "void":
            return None
        if name in typedefs:
            target = typedefs[name]
            if isinstance(target, c_ast.TypeDecl) and isinstance(target.type, c_ast.Struct):
                raise TypeError(f"a handle type {name} passed by value")
            if isinstance(target, c_ast.PtrDecl) and isinstance(target.type, c_ast.FuncDecl):
                return _callback_ctype(name, target.type)
            return _ctype(target)
        scalars = {
            "double": ctypes.c_double,
            "size_t": ctypes.c_size_t,
            "int32_t": ctypes.c_int32,
            "uint32_t": ctypes.c_uint32,
            "int64_t": ctypes.c_int64,
            "uint64_t": ctypes.c_uint64,
            "bool": ctypes.c_bool,
        }
        return scalars[name]
    assert isinstance(node, c_ast.PtrDecl)
    target = node.type
    if isinstance(target, c_ast.TypeDecl):
        name = target.type.names[-1]
        if name == "char":
            return ctypes.c_char_p
        if name == "void":
            return ctypes.c_void_p
        if name in typedefs and isinstance(typedefs[name], c_ast.TypeDecl):
            if isinstance(typedefs[name].type, c_ast.Struct):
                return ctypes.c_void_p  # an opaque handle
    return ctypes.POINTER(_ctype(target))


def _callback_ctype(name: str, function: c_ast.FuncDecl):
    """The bound ctypes type of a function-pointer typedef (``_library.CALLBACK_TYPES[name]``), after checking
    that its return and argument types are the typedef's."""
    bound = _library.CALLBACK_TYPES[name]
    params = function.args.params if function.args else []
    assert bound._restype_ is _ctype(function.type), f"{name}: return type"
    assert list(bound._argtypes_) == [_ctype(p.type) for p in params], f"{name}: argument types"
    return bound


@functools.cache
def header_functions() -> dict[str, tuple[object, list[object], list[str]]]:
    """name -> (ctypes return type, ctypes argument types, parameter names), in the header's order."""
    functions = {}
    for node in _header_ast().ext:
        if isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
            params = node.type.args.params if node.type.args else []
            if len(params) == 1 and _spell(params[0].type) == "void":
                params = []
            functions[node.name] = (
                _ctype(node.type.type),
                [_ctype(p.type) for p in params],
                [p.name for p in params],
            )
    return functions


def _header_defines() -> dict[str, str]:
    return dict(re.findall(r"^#define (NEOS_[A-Z0-9_]+) +(\S+)", HEADER.read_text(), flags=re.M))


def _define(name: str) -> int:
    return int(_header_defines()[name].rstrip("u"))


def _type_name(t) -> str:
    return "void" if t is None else t.__name__


def binding_mismatches(signatures) -> list[str]:
    """Every disagreement between the header and ``signatures`` (name -> (restype, argtypes))."""
    declared = header_functions()
    problems = [f"{name}: declared in neos.h, not bound" for name in declared if name not in signatures]
    problems += [f"{name}: bound, not declared in neos.h" for name in signatures if name not in declared]
    for name, (restype, argtypes) in signatures.items():
        if name not in declared:
            continue
        c_restype, c_argtypes, c_names = declared[name]
        if restype is not c_restype:
            problems.append(f"{name}: returns {_type_name(c_restype)} in C, bound as {_type_name(restype)}")
        if len(argtypes) != len(c_argtypes):
            problems.append(f"{name}: {len(c_argtypes)} arguments in C, {len(argtypes)} bound")
            continue
        for index, (bound, c_type) in enumerate(zip(argtypes, c_argtypes)):
            if bound is not c_type:
                problems.append(
                    f"{name}: argument {index} ({c_names[index]}) is {_type_name(c_type)} in C, "
                    f"bound as {_type_name(bound)}"
                )
    return problems


def test_header_parses_and_declares_every_function():
    functions = header_functions()
    assert len(functions) == len(re.findall(r"^NEOS_API ", HEADER.read_text(), flags=re.M))
    assert functions["neos_hist"][2][:2] == ["data", "n_data"]


def test_every_argument_type_agrees_with_the_header():
    assert binding_mismatches(_library.SIGNATURES) == []


def test_a_changed_binding_is_caught():
    """The check above can fail: one wrong argument type, a missing and an extra function are all reported."""
    changed = dict(_library.SIGNATURES)
    restype, argtypes = changed["neos_hist"]
    changed["neos_hist"] = (restype, [*argtypes[:-1], ctypes.c_int32])
    changed["neos_extra"] = (ctypes.c_int32, [])
    del changed["neos_cut"]
    problems = binding_mismatches(changed)
    assert "neos_hist: argument 8 (n_out_counts) is c_ulong in C, bound as c_int" in problems
    assert "neos_cut: declared in neos.h, not bound" in problems
    assert "neos_extra: bound, not declared in neos.h" in problems


def test_bindings_follow_the_header_order():
    assert list(_library.SIGNATURES) == list(header_functions())


def test_exports_are_exactly_the_header():
    exported = subprocess.run(
        ["nm", "-D", "--defined-only", str(_library.path)], check=True, capture_output=True, text=True
    ).stdout
    symbols = {line.split()[-1] for line in exported.splitlines() if line.strip()}
    c_symbols = {name for name in symbols if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and "neos" in name}
    assert c_symbols == set(header_functions())


def test_every_function_is_documented_with_its_version():
    """Each declaration follows a /** ... */ comment that ends with '@since MAJOR.MINOR', no later than the
    header's own version."""
    text = HEADER.read_text()
    version = (_define("NEOS_VERSION_MAJOR"), _define("NEOS_VERSION_MINOR"))
    for match in re.finditer(r"/\*\*((?:(?!\*/).)*)\*/\s*NEOS_API [^;]*?\b(neos_[a-z0-9_]+)\(", text, flags=re.S):
        comment, name = match.groups()
        since = re.search(r"@since (\d+)\.(\d+)\s*$", comment)
        assert since, f"{name}'s comment has no @since"
        assert (int(since[1]), int(since[2])) <= version, name
    documented = re.findall(r"\*/\s*NEOS_API [^;]*?\b(neos_[a-z0-9_]+)\(", text, flags=re.S)
    assert sorted(documented) == sorted(header_functions())


def test_every_output_is_named_out_and_every_array_has_a_length():
    """The naming rule of ABI 1.0: outputs start with out_; an array x of doubles comes with n_x unless its length
    is documented in terms of another argument or a named constant."""
    for name, (_, argtypes, names) in header_functions().items():
        for index, (ctype, parameter) in enumerate(zip(argtypes, names)):
            if ctype is ctypes.POINTER(ctypes.c_double) and parameter.startswith("out_"):
                following = names[index + 1] if index + 1 < len(names) else None
                scalar = following != f"n_{parameter}"
                assert not scalar or parameter in _SCALAR_OUTPUTS, f"{name}: {parameter} has no n_{parameter}"
        assert not any(p.startswith(("grad_", "buffer", "required")) for p in names), name


_SCALAR_OUTPUTS = {
    "out_grad_bandwidth",
    "out_grad_cut_value",
    "out_grad_slope",
    "out_logpdf",
    "out_twice_nll",
    "out_value",
    "out_loss",
    "out_cls",
    "out_discovery",
    "out_poi_uncertainty",
    "out_clip_sample_data",
    "out_clip_bin_data",
    "out_edm_tolerance",
}


def test_constants_are_the_headers():
    defines = _header_defines()
    for name, value in _library.CONSTANTS.items():
        assert int(defines[name].rstrip("u")) == value, name


def test_versions_agree_from_header_to_library():
    number = _define("NEOS_VERSION_NUMBER")
    major, minor, patch = (_define(f"NEOS_VERSION_{part}") for part in ("MAJOR", "MINOR", "PATCH"))
    assert number == major * 1_000_000 + minor * 1000 + patch
    assert lib.neos_version_number() == number == _library.VERSION_NUMBER == neos_swift.VERSION_NUMBER
    assert _header_defines()["NEOS_VERSION_STRING"] == f'"{major}.{minor}.{patch}"'
    assert neos_swift.__version__ == f"{major}.{minor}.{patch}"
    assert not hasattr(neos_swift, "ABI_VERSION")  # 0.x's counter of additions is gone: one name per idea
    pyproject = (HEADER.parents[1] / "python" / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"', pyproject, flags=re.M)[1] == f"{major}.{minor}.{patch}"


def test_the_import_refuses_another_abi():
    _library.check_version(_library.VERSION_NUMBER, "here")
    _library.check_version(_library.VERSION_NUMBER + 1000, "here")  # a later minor version only adds
    with pytest.raises(ImportError, match="has ABI version 2.0.0"):
        _library.check_version(2_000_000, "libneos.so")
    with pytest.raises(ImportError, match="has ABI version 0.9.0"):
        _library.check_version(9000, "libneos.so")


def test_status_codes_come_from_the_library():
    defines = _header_defines()
    statuses = {
        name: int(value) for name, value in defines.items() if name == "NEOS_OK" or name.startswith("NEOS_ERR_")
    }
    assert {code: name for name, code in statuses.items()} == errors.STATUS_NAMES
    assert lib.neos_status_name(len(statuses)) is None
    assert neos_swift.OutOfMemory.status == statuses["NEOS_ERR_OUT_OF_MEMORY"]
    assert neos_swift.InvalidArgument.status == statuses["NEOS_ERR_INVALID_ARGUMENT"]


def test_row_names_come_from_the_library():
    names = neos_swift.infer.HypotestDerivatives.names
    assert len(names) == _define("NEOS_HYPOTEST_ROWS")
    assert names[_define("NEOS_HYPOTEST_CLS")] == "cls"
    assert names[_define("NEOS_HYPOTEST_Q_ASIMOV")] == "q_asimov"
    assert names[_define("NEOS_HYPOTEST_EXPECTED")] == "expected_m2"
    assert lib.neos_hypotest_row_name(-1) is None


def _model():
    return neos_swift.simplemodels.uncorrelated_background([5.0, 10.0], [50.0, 60.0], [5.0, 8.0])


def _status(function, *args):
    status = function(*args)
    return status, (lib.neos_last_error_message() or b"").decode()


def test_freed_and_foreign_handles_are_refused():
    model = _model()
    sizes = [ctypes.c_size_t() for _ in range(4)]
    poi = ctypes.c_int64()
    outputs = [*(ctypes.byref(s) for s in sizes), ctypes.byref(poi)]
    assert lib.neos_model_sizes(model, *outputs) == 0

    handle = ctypes.c_void_p()
    assert (
        lib.neos_simplemodels_uncorrelated_background(
            *(np.array([1.0, 2.0]).ctypes.data_as(_library.c_double_p) for _ in range(3)), 2, ctypes.byref(handle)
        )
        == 0
    )
    lib.neos_model_free(handle)
    status, message = _status(lib.neos_model_sizes, handle, *outputs)
    assert status == neos_swift.InvalidArgument.status
    assert message == "neos_model_sizes: model is not a live handle (already freed, or not made by libneos)"
    lib.neos_model_free(handle)  # a second free is ignored

    workspace = neos_swift.Workspace(
        {
            "channels": [{"name": "c", "samples": [{"name": "s", "data": [1.0], "modifiers": []}]}],
            "observations": [{"name": "c", "data": [1.0]}],
            "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
            "version": "1.0.0",
        }
    )
    status, message = _status(lib.neos_model_sizes, workspace, *outputs)
    assert status == neos_swift.InvalidArgument.status
    assert message == "neos_model_sizes: model is a neos_workspace handle, not a neos_model"
    lib.neos_model_free(workspace)  # a free of the wrong type is ignored: the workspace still works
    assert workspace.measurement_names == ["m"]

    status, message = _status(lib.neos_model_sizes, ctypes.c_void_p(0x7FFF_DEAD_BEE0), *outputs)
    assert status == neos_swift.InvalidArgument.status and "not a live handle" in message
    assert sizes[0].value == model.config.npars  # the failed calls wrote nothing


def _physical_memory() -> int:
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def test_an_allocation_beyond_the_available_memory_is_out_of_memory():
    """A scan of physical-memory size is a possible length but cannot be copied: NEOS_ERR_OUT_OF_MEMORY, saying how
    much it needs, before anything is read (the caller's array has one element)."""
    model = _model()
    data = np.asarray(model.expected_data(model.config.suggested_init()))
    limits = np.full(6, -7.0)
    n_scan = _physical_memory() // 8
    scan = np.array([1.0])
    args = (ctypes.c_double(0.05), _library.pointer(scan), n_scan, _library.pointer(data), data.size)
    tail = (None, None, None, model.config.npars, _library.pointer(limits), 6, None, 0, None, 0, None)
    status, message = _status(lib.neos_upper_limit, model, *args, *tail)
    assert status == neos_swift.OutOfMemory.status
    assert f"copying scan would need {n_scan * 8} bytes" in message and "available" in message
    assert (limits == -7).all()
    with pytest.raises(neos_swift.OutOfMemory):
        errors.check(status)


def test_a_length_beyond_the_machine_is_invalid():
    out = np.full(3, -7.0)
    huge = _physical_memory() // 8 + 1
    status, message = _status(
        lib.neos_hist,
        _library.pointer(np.array([0.5])),
        huge,
        None,
        _library.pointer(np.arange(4.0)),
        4,
        0.1,
        0,
        _library.pointer(out),
        3,
    )
    assert status == neos_swift.InvalidArgument.status
    assert "n_data" in message and "names more memory than this machine has" in message
    assert (out == -7).all()


def test_hypotest_values_do_not_depend_on_the_jacobians():
    """neos_hypotest computes no derivative when both Jacobians are NULL; its rows must equal those of the
    derivative path."""
    model = _model()
    data = model.expected_data([0.5, 1.0, 1.0])
    plain = neos_swift.infer.hypotest(1.0, data, model, return_tail_probs=True, return_expected_set=True)
    derivatives = neos_swift.infer.hypotest_derivatives(1.0, data, model)
    np.testing.assert_allclose(plain[0], derivatives["cls"][0], rtol=1e-12)
    np.testing.assert_allclose(plain[1], [derivatives["clsb"][0], derivatives["clb"][0]], rtol=1e-12)
    np.testing.assert_allclose(plain[2], derivatives.values[7:], rtol=1e-12)


def test_c_strings_with_nul_are_refused():
    with pytest.raises(neos_swift.InvalidArgument, match="contains a NUL"):
        neos_swift.Workspace('{"channels": []}\0 trailing')
