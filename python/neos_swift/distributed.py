"""Signal grids on a ``dask.distributed`` cluster: one hypotest (asymptotic or toy-based) or upper limit per patch
of a patchset.

A grid is the background-only workspace with each signal patch applied in turn, ``workspace.model(patches=[patch])``
as pyhf's users write it. :func:`hypotest_grid`, :func:`toy_hypotest_grid` and :func:`upper_limit_grid` compute
every point on the workers of a ``dask.distributed.Client`` (each worker receives the background-only workspace once
and builds it once), or in this process when ``client`` is None: each point runs the same code either way, so the
results are the same bit for bit, and they are those of the core's grids (``neos_grid_hypotest``,
``neos_grid_toy_hypotest``, ``neos_grid_upper_limit``) at the model's suggested settings. The serial run stays a
loop of these Python calls rather than one grid call: a point's error then keeps its message, where the grid calls
report a status per point.
A point that fails (its patch does not apply, its fit does not converge) comes back with its error while the others
complete; a point whose worker dies is computed again on another one (``retries``). Results come back in the
patchset's order as :class:`GridPoint`; ``progress`` shows a tqdm bar as points finish (the rules of
:mod:`neos_swift._progress`).

Needs the ``distributed`` extra (``pip install neos-swift[distributed]``) for a client; the serial run needs nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import _progress

__all__ = ["GridPoint", "hypotest_grid", "toy_hypotest_grid", "upper_limit_grid"]


def __dir__():
    return __all__


@dataclass(frozen=True)
class GridPoint:
    """One point of a grid: the patch's ``name`` and ``values`` (its metadata: the signal's parameters), and either
    ``result`` (what the computation returned) or ``error`` (``"ExceptionType: message"``)."""

    name: str
    values: tuple
    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the point was computed."""
        return self.error is None


# Each worker process keeps the background-only workspaces it has been sent, by the text of their JSON, so that a
# grid builds its workspace once per worker and not once per point.
_WORKSPACES: dict[str, Any] = {}


def _background(text: str):
    from .workspace import Workspace

    workspace = _WORKSPACES.get(text)
    if workspace is None:
        if len(_WORKSPACES) >= 8:  # a long-lived worker serving many grids keeps the last few
            _WORKSPACES.pop(next(iter(_WORKSPACES)))
        workspace = _WORKSPACES[text] = Workspace(json.loads(text))
    return workspace


def _hypotest_point(background_text: str, patch: list, poi_test: float, options: dict):
    from .infer import hypotest

    workspace = _background(background_text)
    model = workspace.model(patches=[patch], **options.pop("model", {}))
    observed, expected = hypotest(poi_test, workspace.data(model), model, return_expected_set=True, **options)
    return float(observed), [float(value) for value in expected]


def _toy_hypotest_point(background_text: str, patch: list, poi_test: float, ntoys: int, seed: int, options: dict):
    from .infer import hypotest

    workspace = _background(background_text)
    model = workspace.model(patches=[patch], **options.pop("model", {}))
    observed, expected = hypotest(
        poi_test,
        workspace.data(model),
        model,
        calctype="toybased",
        ntoys=ntoys,
        seed=seed,
        track_progress=False,
        return_expected_set=True,
        **options,
    )
    return float(observed), [float(value) for value in expected]


def _upper_limit_point(background_text: str, patch: list, scan, level: float, options: dict):
    from .infer.intervals.upper_limits import upper_limit

    workspace = _background(background_text)
    model = workspace.model(patches=[patch], **options.pop("model", {}))
    observed, expected = upper_limit(workspace.data(model), model, scan=scan, level=level, **options)
    return float(observed), [float(value) for value in expected]


def _error_text(error: BaseException) -> str:
    """A point's error as ``"Type: message"`` on one line."""
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def _guarded(function: Callable, *arguments):
    """``("ok", result)`` or ``("error", "Type: message")``: a point's failure is a value, not a failed task, so
    the scheduler neither retries it nor loses the others."""
    try:
        return ("ok", function(*arguments))
    except Exception as error:  # noqa: BLE001  (every failure of one point is that point's result)
        return ("error", _error_text(error))


def _points(patchset, names: Sequence[str] | None) -> list:
    from .patchset import PatchSet

    patchset = patchset if isinstance(patchset, PatchSet) else PatchSet(patchset)
    if names is None:
        return list(patchset.patches)
    return [patchset[name] for name in names]


def _run(client, background: Mapping, patchset, names, function, arguments, progress, retries, description):
    patches = _points(patchset, names)
    text = json.dumps(dict(background), sort_keys=True)
    outcomes: list = [None] * len(patches)
    with _progress.bar(len(patches), desc=description, unit="point", progress=progress) as shown:
        if client is None:
            for index, patch in enumerate(patches):
                outcomes[index] = _guarded(function, text, patch.patch, *arguments())
                shown.update()
        else:
            from distributed import as_completed

            # The workspace travels to each worker once; the tasks carry the patch documents. A random key (hash
            # False), not the content's hash: a grid run right after another on the same workspace would scatter
            # the key the scheduler is still forgetting, a race in which scatter can hang (dask/distributed#8576,
            # #4907; seen once in our CI, second of two grids on one cluster).
            [background_future] = client.scatter([text], broadcast=True, hash=False)
            futures = {
                client.submit(
                    _guarded,
                    function,
                    background_future,
                    patch.patch,
                    *arguments(),
                    key=f"neos-grid-{description}-{index}-{patch.name}-{id(outcomes)}",
                    retries=retries,
                    pure=False,
                ): index
                for index, patch in enumerate(patches)
            }
            for future in as_completed(futures):
                index = futures[future]
                try:
                    outcomes[index] = future.result()
                except Exception as error:  # noqa: BLE001  (lost beyond its retries: that point's error)
                    outcomes[index] = ("error", _error_text(error))
                shown.update()
    return [
        GridPoint(
            name=patch.name,
            values=tuple(patch.values),
            result=outcome[1] if outcome[0] == "ok" else None,
            error=outcome[1] if outcome[0] == "error" else None,
        )
        for patch, outcome in zip(patches, outcomes)
    ]


def hypotest_grid(
    client: Any,
    background: Mapping[str, Any],
    patchset: Any,
    poi_test: float = 1.0,
    *,
    names: Sequence[str] | None = None,
    progress: bool | None = None,
    retries: int = 2,
    **hypotest_kwargs: Any,
) -> list[GridPoint]:
    """``infer.hypotest(poi_test, ..., return_expected_set=True)`` of every patch of ``patchset`` (a ``PatchSet``
    or its JSON dict; ``names``: only those, in that order) on ``background`` (the background-only workspace's
    dict), on ``client``'s workers (None: here, serially). Each point's ``result`` is ``(CLs_obs, [CLs_exp ...])``
    as floats. ``hypotest_kwargs`` go to ``hypotest`` (``test_stat``, ``calctype``, ...), except ``model``: a dict
    of ``Workspace.model`` keywords (``modifier_settings``, ``measurement_name``)."""
    return _run(
        client,
        background,
        patchset,
        names,
        _hypotest_point,
        lambda: (float(poi_test), dict(hypotest_kwargs)),
        progress,
        retries,
        "hypotest",
    )


def toy_hypotest_grid(
    client: Any,
    background: Mapping[str, Any],
    patchset: Any,
    poi_test: float = 1.0,
    *,
    ntoys: int = 2000,
    seed: int,
    names: Sequence[str] | None = None,
    progress: bool | None = None,
    retries: int = 2,
    **hypotest_kwargs: Any,
) -> list[GridPoint]:
    """``infer.hypotest(poi_test, ..., calctype="toybased", ntoys=ntoys, seed=seed, return_expected_set=True)`` of
    every patch (as :func:`hypotest_grid`). Every point draws its toys from ``seed`` (required: the global numpy
    state a seedless run draws from differs between workers), so a point's result is that of its model alone with
    this seed, on any worker, any number of ``threads`` (a ``hypotest_kwargs`` keyword) and in
    ``neos_grid_toy_hypotest``. Each point's ``result`` is ``(CLs_obs, [CLs_exp ...])`` (for ``test_stat="q0"``
    p0 and its band)."""
    return _run(
        client,
        background,
        patchset,
        names,
        _toy_hypotest_point,
        lambda: (float(poi_test), int(ntoys), int(seed), dict(hypotest_kwargs)),
        progress,
        retries,
        "toy-hypotest",
    )


def upper_limit_grid(
    client: Any,
    background: Mapping[str, Any],
    patchset: Any,
    *,
    scan: Sequence[float] | None = None,
    level: float = 0.05,
    names: Sequence[str] | None = None,
    progress: bool | None = None,
    retries: int = 2,
    **upper_limit_kwargs: Any,
) -> list[GridPoint]:
    """``infer.intervals.upper_limits.upper_limit`` of every patch (as :func:`hypotest_grid`): over ``scan``, or by
    root finding when it is None. Each point's ``result`` is ``(observed limit, [expected limits ...])``."""
    scan = None if scan is None else [float(value) for value in scan]
    return _run(
        client,
        background,
        patchset,
        names,
        _upper_limit_point,
        lambda: (scan, float(level), dict(upper_limit_kwargs)),
        progress,
        retries,
        "upper-limit",
    )


# --- `neos cls|upper-limit BKG --patchset PS --scheduler ADDRESS` --------------------------------------------------


def _table_row(point: GridPoint, columns: Sequence[str]) -> dict:
    row = {"name": point.name, "values": [float(v) for v in point.values]}
    if point.ok:
        row.update(zip(columns, (point.result[0], list(point.result[1]))))
    else:
        row["error"] = point.error
    return row


def _csv(points: Sequence[GridPoint], labels: Sequence[str], columns: Sequence[str]) -> str:
    import csv
    import io

    width = max((len(point.values) for point in points), default=0)
    names = [labels[i] if i < len(labels) else f"value{i}" for i in range(width)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", *names, *columns, "error"])
    for point in points:
        values = [repr(float(v)) for v in point.values] + [""] * (width - len(point.values))
        if point.ok:
            cells = [repr(point.result[0]), *map(repr, point.result[1])]
            writer.writerow([point.name, *values, *cells, ""])
        else:
            writer.writerow([point.name, *values, *[""] * len(columns), " ".join(point.error.split())])
    return out.getvalue().rstrip("\n")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m neos_swift.distributed cls|upper-limit BKG --patchset PS --scheduler ADDRESS ...``: the grid of
    ``neos cls/upper-limit --patchset`` on a Dask scheduler, printed as the same table (JSON or CSV). Returns the
    exit code: 0, 1 when points failed (after the table), 2 for bad arguments."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m neos_swift.distributed")
    parser.add_argument("command", choices=["cls", "upper-limit"])
    parser.add_argument("workspace")
    parser.add_argument("--patchset", required=True)
    parser.add_argument("--scheduler", required=True, help="the Dask scheduler's address (tcp://host:8786)")
    parser.add_argument("--patch-name", action="append", default=None)
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    parser.add_argument("--output-file", default=None)
    parser.add_argument("--test-poi", type=float, default=1.0)
    parser.add_argument("--test-stat", choices=["q", "qtilde"], default="qtilde")
    parser.add_argument("--measurement", default=None)
    parser.add_argument("--level", type=float, default=0.05)
    parser.add_argument("--poi-range", nargs=2, type=float, default=None)
    parser.add_argument("--points", type=int, default=21)
    # the native command's options that do not change a cluster's grid: the workers decide the parallelism, and the
    # backend only the type of pyhf's results
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--backend", default=None)
    arguments = parser.parse_args(argv)
    try:
        import numpy as np
        from distributed import Client

        with open(arguments.workspace, encoding="utf-8") as stream:
            background = json.load(stream)
        with open(arguments.patchset, encoding="utf-8") as stream:
            patchset = json.load(stream)
        model_options = {"measurement_name": arguments.measurement}
        with Client(arguments.scheduler) as client:
            if arguments.command == "cls":
                model_options["modifier_settings"] = {
                    "normsys": {"interpcode": "code4"},
                    "histosys": {"interpcode": "code4p"},
                }
                points = hypotest_grid(
                    client,
                    background,
                    patchset,
                    arguments.test_poi,
                    names=arguments.patch_name,
                    test_stat=arguments.test_stat,
                    model=model_options,
                )
                columns = ["CLs_obs", "CLs_exp"]
                csv_columns = ["CLs_obs", *(f"CLs_exp_{k}" for k in ("-2", "-1", "0", "1", "2"))]
            else:
                scan = None if arguments.poi_range is None else np.linspace(*arguments.poi_range, arguments.points)
                points = upper_limit_grid(
                    client,
                    background,
                    patchset,
                    scan=scan,
                    level=arguments.level,
                    names=arguments.patch_name,
                    test_stat=arguments.test_stat,
                    model=model_options,
                )
                columns = ["obs_limit", "exp_limits"]
                csv_columns = ["obs_limit", *(f"exp_limit_{k}" for k in ("-2", "-1", "0", "1", "2"))]
    except Exception as error:  # noqa: BLE001  (one line on standard error, as the native command)
        print(f"neos: {' '.join(str(error).split()) or type(error).__name__}", file=sys.stderr)
        return 1
    if arguments.format == "csv":
        text = _csv(points, patchset.get("metadata", {}).get("labels", []), csv_columns)
    else:
        text = json.dumps([_table_row(point, columns) for point in points], indent=4, sort_keys=True)
    if arguments.output_file is None:
        print(text)
    else:
        with open(arguments.output_file, "w", encoding="utf-8") as stream:
            stream.write(text)
    failed = [point.name for point in points if not point.ok]
    if failed:
        print(
            f"neos: {len(failed)} of {len(points)} points failed ({', '.join(failed)}); the table gives each one's error",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
