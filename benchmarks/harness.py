"""Shared pieces of the neos-swift benchmarks: timing, tables, machine info and JSON results.

Every workload is one script ``benchmarks/bench_<workload>.py`` that

1. builds its inputs with a seeded generator,
2. checks that neos-swift and the reference (relaxed / pyhf / jax / numpy) compute the same numbers,
3. times each implementation with :func:`measure`,
4. prints a table with :func:`print_table` and saves everything with :func:`write_results`.

``run.sh`` sets up the environment (venv, release build of libneos, ``NEOS_LIBRARY``, ``PYTHONPATH``) and runs the
scripts; a script can also be run on its own inside that environment: ``python benchmarks/bench_hist.py --quick``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
# Reference data live in the repository (Tests/Data/pyhf), never beside it.
REFDATA = BENCH_DIR.parent / "Tests" / "Data" / "pyhf"
RESULTS_DIR = BENCH_DIR / "results"

# Repetitions: medians of at least 20 samples normally, a handful with --quick.
DEFAULT_REPEAT = 25
QUICK_REPEAT = 5
DEFAULT_WARMUP = 3
QUICK_WARMUP = 1
# One sample lasts at least this long: very fast calls are looped `number` times per sample so that timer
# resolution and call jitter do not dominate.
MIN_SAMPLE_SECONDS = 2e-3
MAX_NUMBER = 1000

REFERENCE_PACKAGES = (
    "numpy",
    "scipy",
    "jax",
    "jaxlib",
    "relaxed",
    "equinox",
    "jaxopt",
    "pyhf",
    "iminuit",
    "threadpoolctl",
)


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Settings:
    quick: bool
    repeat: int
    warmup: int
    output: Path | None


def parse_args(workload: str, description: str, argv: Sequence[str] | None = None) -> Settings:
    """The command line every workload script shares: ``--quick``, ``--repeat N``, ``--warmup N``, ``--output``."""
    parser = argparse.ArgumentParser(prog=f"bench_{workload}.py", description=description)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run, not for reporting)")
    parser.add_argument("--repeat", type=int, default=None, help="timed samples per measurement")
    parser.add_argument("--warmup", type=int, default=None, help="untimed calls before timing")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"JSON result file (default: benchmarks/results/{workload}.json, or {workload}-quick.json with --quick)",
    )
    args = parser.parse_args(argv)
    repeat = args.repeat if args.repeat is not None else (QUICK_REPEAT if args.quick else DEFAULT_REPEAT)
    warmup = args.warmup if args.warmup is not None else (QUICK_WARMUP if args.quick else DEFAULT_WARMUP)
    if repeat < 1 or warmup < 0:
        parser.error("--repeat must be >= 1 and --warmup >= 0")
    return Settings(quick=args.quick, repeat=repeat, warmup=warmup, output=args.output)


# ---------------------------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Per-call wall-clock statistics in seconds over `repeat` samples of `number` calls each."""

    median: float
    q1: float
    q3: float
    iqr: float
    min: float
    max: float
    mean: float
    repeat: int
    number: int
    samples: list[float] = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def time_once(fn: Callable[[], Any]) -> float:
    """Wall-clock seconds of a single call (e.g. a first call that includes tracing and compilation)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(
    fn: Callable[[], Any],
    repeat: int,
    warmup: int = DEFAULT_WARMUP,
    number: int | None = None,
    min_sample: float = MIN_SAMPLE_SECONDS,
) -> Timing:
    """Time ``fn()`` (which must finish its work before returning — block on asynchronous results inside it).

    ``warmup`` untimed calls first; then ``repeat`` samples, each timing ``number`` back-to-back calls (chosen so a
    sample lasts at least ``min_sample`` unless given). The statistics are per call. The garbage collector is off
    while timing, as in :mod:`timeit`.
    """
    for _ in range(warmup):
        fn()
    if number is None:
        single = time_once(fn)
        number = 1 if single >= min_sample else min(MAX_NUMBER, max(1, int(min_sample / max(single, 1e-9)) + 1))
    gc_was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        samples = []
        loop = range(number)
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in loop:
                fn()
            samples.append((time.perf_counter() - start) / number)
    finally:
        if gc_was_enabled:
            gc.enable()
    ordered = sorted(samples)
    q1, median, q3 = _quartiles(ordered)
    return Timing(
        median=median,
        q1=q1,
        q3=q3,
        iqr=q3 - q1,
        min=ordered[0],
        max=ordered[-1],
        mean=statistics.fmean(ordered),
        repeat=repeat,
        number=number,
        samples=samples,
    )


# ---------------------------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------------------------


def format_seconds(seconds: float | None) -> str:
    """``1.23 ms``-style text with three significant digits."""
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if abs(seconds) >= scale or unit == "ns":
            value = seconds / scale
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def format_timing(timing: Timing | None) -> str:
    """Median with the interquartile range as a relative ± (half the IQR over the median)."""
    if timing is None:
        return "-"
    spread = 0.5 * timing.iqr / timing.median * 100 if timing.median > 0 else 0.0
    return f"{format_seconds(timing.median)} ±{spread:.0f}%"


def format_ratio(numerator: Timing | float | None, denominator: Timing | float | None) -> str:
    """``numerator / denominator`` of medians, e.g. ``0.25x`` (below 1: the numerator is faster)."""
    if numerator is None or denominator is None:
        return "-"
    n = numerator.median if isinstance(numerator, Timing) else numerator
    d = denominator.median if isinstance(denominator, Timing) else denominator
    if d <= 0:
        return "-"
    ratio = n / d
    return f"{ratio:.3g}x"


def table_lines(headers: Sequence[str], rows: Sequence[Sequence[Any]], markdown: bool = True) -> list[str]:
    """A table as text lines; with ``markdown`` it is a GitHub-flavoured table that also reads well on a
    terminal. The first column is left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        return "| " + " | ".join(parts) + " |"

    rule = "|" + "|".join(("-" * (w + 2)) if i == 0 else ("-" * (w + 1) + ":") for i, w in enumerate(widths)) + "|"
    return [line(cells[0]), rule] + [line(row) for row in cells[1:]]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> str:
    """Print a table (and return its text)."""
    text = "\n".join(table_lines(headers, rows))
    if title:
        print(f"\n{title}")
    print(text, flush=True)
    return text


# ---------------------------------------------------------------------------------------------------------------
# Machine and software information
# ---------------------------------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in REFERENCE_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _blas_info() -> list[dict[str, Any]] | str:
    try:
        import numpy  # noqa: F401  (load numpy's BLAS so threadpoolctl sees it)
        import scipy.special  # noqa: F401
        from threadpoolctl import threadpool_info
    except ImportError as error:
        return f"unavailable ({error})"
    keep = ("user_api", "internal_api", "version", "num_threads", "threading_layer", "architecture", "filepath")
    return [{k: pool.get(k) for k in keep if k in pool} for pool in threadpool_info()]


def _neos_info() -> dict[str, Any]:
    try:
        import neos_swift
        from neos_swift import _library
    except Exception as error:  # a missing/mismatched library must not hide the rest of the report
        return {"error": repr(error)}
    return {
        "version": neos_swift.__version__,
        "version_number": neos_swift.VERSION_NUMBER,
        "library": str(_library.path),
    }


def _jax_info() -> dict[str, Any]:
    try:
        import jax
    except ImportError:
        return {}
    return {
        "backend": jax.default_backend(),
        "devices": [str(d) for d in jax.devices()],
        "x64": bool(jax.config.read("jax_enable_x64")),
    }


def machine_info() -> dict[str, Any]:
    """CPU, cores, OS, Python, reference-package versions, BLAS thread pools and relevant environment."""
    env_keys = (
        "OPENBLAS_CORETYPE",
        "OPENBLAS_L2_SIZE",
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "XLA_FLAGS",
        "JAX_ENABLE_X64",
        "NEOS_LIBRARY",
    )
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = None
    return {
        "cpu_model": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": affinity,
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "packages": _package_versions(),
        "neos_swift": _neos_info(),
        "jax": _jax_info(),
        "blas": _blas_info(),
        "environment": {k: os.environ.get(k) for k in env_keys if k in os.environ},
    }


def machine_summary(info: dict[str, Any]) -> list[str]:
    """A few human-readable lines from :func:`machine_info`."""
    packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items() if v is not None)
    lines = [
        f"CPU: {info['cpu_model']} ({info['usable_cores']} usable of {info['logical_cores']} logical cores), "
        f"{info['system']}, Python {info['python']}",
        f"Packages: {packages}",
    ]
    neos = info["neos_swift"]
    if "version" in neos:
        lines.append(f"neos-swift: {neos['version']} (version number {neos['version_number']}) from {neos['library']}")
    else:
        lines.append(f"neos-swift: {neos.get('error')}")
    if info["jax"]:
        lines.append(f"jax: backend {info['jax']['backend']}, x64 {info['jax']['x64']}")
    blas = info["blas"]
    if isinstance(blas, list):
        for pool in blas:
            lines.append(
                f"BLAS/OpenMP: {pool.get('internal_api')} {pool.get('version')} "
                f"({pool.get('architecture', '?')}, {pool.get('num_threads')} threads)"
            )
    else:
        lines.append(f"BLAS: {blas}")
    if info["environment"]:
        lines.append("Environment: " + ", ".join(f"{k}={v}" for k, v in info["environment"].items()))
    return lines


def print_machine_summary(info: dict[str, Any]) -> None:
    for line in machine_summary(info):
        print(line)


def report_machine(settings: Settings, detail: str = "", notes: Sequence[str] = (), flush: bool = False) -> dict:
    """The start of every workload's report: collects :func:`machine_info` (returned, for :func:`write_results`),
    prints its summary, then the ``notes`` lines, then the repetitions line with ``detail`` appended."""
    info = machine_info()
    print_machine_summary(info)
    for note in notes:
        print(note)
    print(
        f"Repetitions: {settings.repeat} samples (median, ±half-IQR), warm-up {settings.warmup}{detail}"
        f"{' [--quick]' if settings.quick else ''}",
        flush=flush,
    )
    return info


def enable_jax_x64() -> None:
    """Double precision in jax, which every comparison with neos-swift needs; call it before jax makes an array."""
    import jax

    jax.config.update("jax_enable_x64", True)


# ---------------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Timing):
        return value.to_json()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


def write_results(
    workload: str, settings: Settings, info: dict[str, Any], results: Any, extra: dict[str, Any] | None = None
) -> Path:
    """Write ``benchmarks/results/<workload>.json`` (or ``settings.output``) and return its path."""
    path = settings.output or RESULTS_DIR / (f"{workload}-quick.json" if settings.quick else f"{workload}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "workload": workload,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {
            "quick": settings.quick,
            "repeat": settings.repeat,
            "warmup": settings.warmup,
            "min_sample_seconds": MIN_SAMPLE_SECONDS,
        },
        "machine": info,
        **(extra or {}),
        "results": results,
    }
    path.write_text(json.dumps(_jsonable(payload), indent=2) + "\n", encoding="utf-8")
    print(f"\nResults written to {path}")
    return path


# ---------------------------------------------------------------------------------------------------------------
# Agreement checks
# ---------------------------------------------------------------------------------------------------------------


def max_relative_difference(actual, expected) -> float:
    """``max|actual - expected| / max|expected|`` (0 when both are all zero)."""
    import numpy as np

    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise AssertionError(f"shape mismatch: {actual.shape} vs {expected.shape}")
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    difference = float(np.max(np.abs(actual - expected))) if expected.size else 0.0
    if scale == 0.0:
        return difference
    return difference / scale
