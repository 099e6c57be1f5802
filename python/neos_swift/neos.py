"""neos training from Python: ``Trainer(config)`` wraps the native trainer (network → binned-KDE histograms →
HistFactory model → loss → Adam), with every array in and out as numpy.

    >>> from neos_swift.neos import Trainer
    >>> trainer = Trainer({"loss": "cls"})          # {} is neos's demo configuration
    >>> metrics = trainer.run(60)                    # metrics.json's content as a dict
    >>> trainer.histograms()["sig"]                  # test-set yields with hard histograms

The configuration keys (all optional) are documented in README.md ("Training configuration"). With
``{"data": "events"}`` the caller supplies the events: ``Trainer(config, train={name: (N, d) array}, test=...,
train_weights={name: (N,) array}, test_weights=...)``.
"""

from __future__ import annotations

import ctypes
import json
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _progress
from ._arguments import INDEX_MAX, as_choice, as_count, as_float, as_float_array, as_path, as_text, describe
from ._handles import Handle, new_handle_pointer, read_json, read_string
from ._library import SPLITS, c_double_p, c_string, lib, pointer
from .errors import ArgumentTypeError, InvalidArgument, check

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


def _config_text(config) -> bytes:
    """The configuration (None, a dict, or its JSON as str or bytes) as the JSON text the ABI takes."""
    if config is None:
        config = {}
    if isinstance(config, bytes):
        try:
            config = config.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidArgument(f"config is not UTF-8 text ({error.reason} at byte {error.start})") from None
    if isinstance(config, str):
        return c_string(config, "config")
    if not isinstance(config, Mapping):
        raise ArgumentTypeError(f"config must be a dict, JSON text or None, got {describe(config)}")
    try:
        text = json.dumps(config, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvalidArgument(f"config cannot be written as JSON: {error}") from None
    return c_string(text, "config")


def _event_mapping(name: str, value) -> Mapping:
    """``value`` when it is a mapping of event set names to arrays (``{name: (N, d) array}``)."""
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(f"{name} must be a dict of event set names to (N, d) arrays, got {describe(value)}")
    return value


class _EventArrays:
    """The C view of a dict of event arrays: names, row pointers, counts and weights, kept alive together."""

    def __init__(self, events: Mapping[str, np.ndarray], weights: Mapping[str, np.ndarray] | None, names=None):
        events = _event_mapping("events", events)
        if weights is not None:
            weights = _event_mapping("weights", weights)
        names = list(events) if names is None else names
        if not names:
            raise InvalidArgument("no event sets given")
        arrays, dims = [], set()
        for name in names:
            if name not in events:
                raise InvalidArgument(f"no events for event set {name!r}")
            as_text("event set name", name)
            array = as_float_array(f"events of {name!r}", events[name], ndim=None)
            if array.ndim == 1:
                array = array[:, None]
            if array.ndim != 2:
                raise InvalidArgument(f"events of {name!r} must be an (N, d) array, got shape {array.shape}")
            arrays.append(array)
            dims.add(array.shape[1])
        if len(dims) != 1:
            raise InvalidArgument(f"every event set must have the same number of features, got {sorted(dims)}")
        self.dimension = dims.pop()
        self.names = names
        self.arrays = arrays
        self.weights = []
        for name, array in zip(names, arrays):
            w = (
                None
                if weights is None or name not in weights
                else as_float_array(f"weights of {name!r}", weights[name], ndim=None)
            )
            if w is not None and w.shape != (array.shape[0],):
                raise InvalidArgument(f"weights of {name!r} must have shape ({array.shape[0]},), got {w.shape}")
            self.weights.append(w)
        n = len(names)
        self.c_names = (ctypes.c_char_p * n)(*[c_string(name, "event set name") for name in names])
        self.c_points = (c_double_p * n)(*[pointer(a) for a in arrays])
        self.c_counts = (ctypes.c_size_t * n)(*[a.shape[0] for a in arrays])
        self.c_weights = (c_double_p * n)(*[pointer(w) for w in self.weights])


def _split(split: str) -> int:
    """The neos_split constant of "test" or "train"."""
    return SPLITS[as_choice("split", split, SPLITS)]


class Trainer(Handle):
    """A neos training run (see the module docstring)."""

    _free_name = "neos_trainer_free"

    def __init__(
        self,
        config: Mapping[str, Any] | str | bytes | None = None,
        *,
        train: Mapping[str, ArrayLike] | None = None,
        test: Mapping[str, ArrayLike] | None = None,
        train_weights: Mapping[str, ArrayLike] | None = None,
        test_weights: Mapping[str, ArrayLike] | None = None,
    ) -> None:
        handle = new_handle_pointer()
        text = _config_text(config)
        if train is None and test is None:
            check(lib.neos_trainer_create(text, ctypes.byref(handle)))
        else:
            if train is None or test is None:
                raise InvalidArgument("give both train and test events, or neither")
            names = list(_event_mapping("train", train))
            _event_mapping("test", test)
            train_c = _EventArrays(train, train_weights, names)
            test_c = _EventArrays(test, test_weights, names)
            if train_c.dimension != test_c.dimension:
                raise InvalidArgument("train and test events have different numbers of features")
            check(
                lib.neos_trainer_create_with_events(
                    text,
                    len(names),
                    train_c.c_names,
                    train_c.dimension,
                    train_c.c_points,
                    train_c.c_counts,
                    train_c.c_weights,
                    test_c.c_points,
                    test_c.c_counts,
                    test_c.c_weights,
                    ctypes.byref(handle),
                )
            )
        super().__init__(handle)
        self.config = json.loads(text.decode()) if text.strip() else {}

    def _sizes(self):
        sizes = [ctypes.c_size_t() for _ in range(4)]
        check(lib.neos_trainer_sizes(self, *[ctypes.byref(s) for s in sizes]))
        return [s.value for s in sizes]

    @property
    def n_parameters(self) -> int:
        """Length of :attr:`parameters`: the network's parameters, then the trained inner edges."""
        return self._sizes()[0]

    @property
    def n_network_parameters(self) -> int:
        """How many of :attr:`parameters` are the network's (the rest are the trained inner edges)."""
        return self._sizes()[1]

    @property
    def n_bins(self) -> int:
        """The number of histogram bins the network's output is binned into."""
        return self._sizes()[2]

    @property
    def steps_taken(self) -> int:
        """How many optimisation steps the trainer has taken so far."""
        return self._sizes()[3]

    @property
    def parameters(self) -> np.ndarray:
        """The trained vector (a copy): network parameters (per layer W row-major, then b), then inner edges."""
        out = np.empty(self.n_parameters)
        check(lib.neos_trainer_parameters(self, pointer(out), out.size))
        return out

    @parameters.setter
    def parameters(self, values: ArrayLike) -> None:
        """Replaces the trained vector (the getter's layout and length, finite values; otherwise the library
        refuses it); the optimiser's state is kept."""
        values = as_float_array("parameters", values)
        check(lib.neos_trainer_set_parameters(self, pointer(values), values.size))

    @property
    def bin_edges(self) -> np.ndarray:
        """All bin edges (outer ones included) as the optimiser left them."""
        out = np.empty(self.n_bins + 1)
        check(lib.neos_trainer_bin_edges(self, pointer(out), out.size))
        return out

    def step(self) -> float:
        """One Adam step on the next mini-batch; returns the batch loss before the update."""
        loss = ctypes.c_double()
        check(lib.neos_trainer_step(self, ctypes.byref(loss)))
        return loss.value

    def evaluate(self) -> dict:
        """Test-set metrics with hard histograms: ``{"cls", "discovery", "poi_uncert"}``."""
        values = [ctypes.c_double() for _ in range(3)]
        check(lib.neos_trainer_evaluate(self, *[ctypes.byref(v) for v in values]))
        return dict(zip(("cls", "discovery", "poi_uncert"), (v.value for v in values)))

    def run(self, steps: int, callback: Callable[[dict], None] | None = None, *, progress: bool | None = None) -> dict:
        """``steps`` steps, each followed by the test metrics; returns :meth:`metrics`. ``callback`` gets each new
        step's record (steps then run one native call at a time). ``steps`` is an integer in [0, 2**63 - 1]: ctypes
        would silently wrap a larger one (``2**64`` would run 0 steps). ``progress`` shows a tqdm bar of the steps
        on standard error: by default only when standard error is a terminal, never with ``False`` or
        ``NEOS_PROGRESS=0`` (see :mod:`neos_swift._progress`); the steps then also run one native call at a time."""
        steps = as_count("steps", steps, INDEX_MAX)
        if callback is not None and not callable(callback):
            raise ArgumentTypeError(f"callback must be callable or None, got {describe(callback)}")
        show = _progress.enabled(progress, default=_progress.on_terminal())
        if callback is None and not show:
            check(lib.neos_trainer_run(self, steps))
            return self.metrics()
        with _progress.bar(steps, desc="training", unit="step", progress=show) as bar:
            for _ in range(steps):
                check(lib.neos_trainer_run(self, 1))
                record = self.metrics()["steps"][-1]
                bar.set_postfix_str(f"loss {record['loss']:.4g}")
                bar.update()
                if callback is not None:
                    callback(record)
        return self.metrics()

    def metrics(self) -> dict:
        """The log in metrics.json's format: ``{"config", "steps": [...], "best": {...}}``."""
        return read_json(lib.neos_trainer_metrics_json, self)

    def restore_best(self) -> None:
        """Goes back to the parameters of the best logged step."""
        check(lib.neos_trainer_restore_best(self))

    def histograms(self, split: str = "test", bandwidth: float | None = None) -> dict:
        """The yields each event set contributes to the model, ``{name: (n_bins,) array}``; ``bandwidth`` None
        uses the configured evaluation bandwidth (0: hard histograms)."""
        code = _split(split)
        names = self.event_sets
        values = np.empty((len(names), self.n_bins))
        check(
            lib.neos_trainer_histograms(
                self,
                code,
                -1.0 if bandwidth is None else as_float("bandwidth", bandwidth),
                pointer(values),
                values.size,
            )
        )
        return dict(zip(names, values))

    @property
    def event_sets(self) -> list:
        """The names of the event sets whose histograms enter the model."""
        return read_json(lib.neos_trainer_event_sets_json, self)

    def events(self, name: str, split: str = "test") -> np.ndarray:
        """One event set's events as an (N, d) array (a copy)."""
        code = _split(split)
        count, dimension = ctypes.c_size_t(), ctypes.c_size_t()
        text = as_text("name", name)
        check(lib.neos_trainer_event_count(self, text, code, ctypes.byref(count), ctypes.byref(dimension)))
        out = np.empty((count.value, dimension.value))
        check(lib.neos_trainer_events(self, text, code, pointer(out), out.size))
        return out

    def predict(self, points: ArrayLike) -> np.ndarray:
        """The network's output for an (N, d) array of points."""
        points = as_float_array("points", points, ndim=2)
        out = np.empty(points.shape[0])
        check(lib.neos_trainer_predict(self, pointer(points), points.shape[0], points.shape[1], pointer(out), out.size))
        return out

    def loss_and_gradient(
        self,
        parameters: ArrayLike,
        events: Mapping[str, np.ndarray],
        weights: Mapping[str, ArrayLike] | None = None,
    ) -> tuple[float, np.ndarray]:
        """The objective and its gradient at ``parameters`` on ``events`` ({name: (N, d) array}); the trainer is not
        changed."""
        parameters = as_float_array("parameters", parameters)
        arrays = _EventArrays(events, weights)
        loss = ctypes.c_double()
        gradient = np.empty(parameters.size)
        check(
            lib.neos_trainer_loss_and_gradient(
                self,
                pointer(parameters),
                parameters.size,
                len(arrays.names),
                arrays.c_names,
                arrays.dimension,
                arrays.c_points,
                arrays.c_counts,
                arrays.c_weights,
                ctypes.byref(loss),
                pointer(gradient),
                gradient.size,
            )
        )
        return loss.value, gradient

    def record_plot_frame(self) -> None:
        """Adds a frame to the plot recording (the first call records the state before training too)."""
        check(lib.neos_trainer_record_plot_frame(self))

    def plot_data(self) -> str:
        """plot_data.json's text for the recording ("after" = the current state); see neos_swift.plots."""
        return read_string(lib.neos_trainer_plot_data_json, self)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the network and bin edges (format: a JSON header line, then little-endian float64 values)."""
        check(lib.neos_trainer_save(self, as_path("path", path)))

    def load(self, path: str | os.PathLike[str]) -> None:
        """Reads the network and bin edges from a file written by :meth:`save`; its network shape must be this
        trainer's."""
        check(lib.neos_trainer_load(self, as_path("path", path)))
