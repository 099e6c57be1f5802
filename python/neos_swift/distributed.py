"""Signal grids on a ``dask.distributed`` cluster: one hypotest or upper limit per patch of a patchset.

A grid is the background-only workspace with each signal patch applied in turn, ``workspace.model(patches=[patch])``
as pyhf's users write it. :func:`hypotest_grid` and :func:`upper_limit_grid` compute every point on the workers of a
``dask.distributed.Client`` (each worker receives the background-only workspace once and builds it once), or in this
process when ``client`` is None: each point runs the same code either way, so the results are the same bit for bit.
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

__all__ = ["GridPoint", "hypotest_grid", "upper_limit_grid"]


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


def _upper_limit_point(background_text: str, patch: list, scan, level: float, options: dict):
    from .infer.intervals.upper_limits import upper_limit

    workspace = _background(background_text)
    model = workspace.model(patches=[patch], **options.pop("model", {}))
    observed, expected = upper_limit(workspace.data(model), model, scan=scan, level=level, **options)
    return float(observed), [float(value) for value in expected]


def _guarded(function: Callable, *arguments):
    """``("ok", result)`` or ``("error", "Type: message")``: a point's failure is a value, not a failed task, so
    the scheduler neither retries it nor loses the others."""
    try:
        return ("ok", function(*arguments))
    except Exception as error:  # noqa: BLE001  (every failure of one point is that point's result)
        return ("error", f"{type(error).__name__}: {' '.join(str(error).split())}")


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

            # the workspace travels to each worker once; the tasks carry the patch documents
            [background_future] = client.scatter([text], broadcast=True)
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
                    outcomes[index] = ("error", f"{type(error).__name__}: {' '.join(str(error).split())}")
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
