"""pytorch_inferno's INFERNO training epoch — the third column of ``bench_inferno.py``.

Runs in its own venv (``benchmarks/.venv-torch``, made by ``run.sh`` from ``requirements-torch.txt``; torch and
the main benchmark venv's jax/neos_swift are kept apart), so ``bench_inferno.py`` starts it as a subprocess and
reads the last line it prints: one JSON object, benchmark → {"epoch_seconds": [...], "steps_per_epoch",
"events_per_step", "loader_epoch_seconds", "losses", "torch", "pytorch_inferno", "threads"}. Progress bars and
anything else the package prints go to stderr.

What runs is pytorch_inferno's own training path, called from its installed package (G. Strong's PyTorch INFERNO;
PyPI's 0.2.2 — the repository's 0.2.3 was never released there and differs from it only in the Asimov signal
shape of ``AbsInferno.get_inv_ikk``, which ``PaperInferno`` does not use, as its signal shape has no nuisance):
``ModelWrapper.fit`` with the exact-nuisance ``PaperInferno`` callback on ``get_paper_data``'s events, as its
``nbs/07_inferno_exact.ipynb`` sets it up:

* the same as ours: network 3 → 100 → 100 → 10, ReLU, softmax at temperature 0.1 (``VariableSoftmax``), the
  package's ``init_net``; the loss (I⁻¹)_μμ at the Asimov point; Adam (torch defaults) at learning rate 1e-3;
  80 steps per epoch of 2000 events — ``get_paper_data(160_000, bs=2000)`` gives 80k signal and 80k background
  training events, as bench_inferno.py trains on 80k events per set (200k generated, 20% held out), 1000 per set
  per step;
* nuisances per benchmark: B0 none; B1 r; B2 r and λ, free; B3 r and λ constrained; B4 also the background
  normalisation (``b_norm_aux=[Normal(0, 100)]``, b = 1000 ± 100). The constraint widths are the benchmark's
  (σ_r = 0.4, σ_λ = 1 in the package's α units: x0 + α_r, λ0 + α_λ); its notebooks use Normal(0, 2) for both
  shape nuisances, which changes the loss's value, not its cost;
* what differs from ours (and from ``inferno_jax_reference.py``): the nuisances are exact, not templates — the
  batch's background events are shifted by α inside the autograd graph (x0 += α_r, x2 *= (λ0 + α_λ)/λ0) and go
  through the network, the Hessian of the Poisson NLL w.r.t. (s, α, ...) comes from two nested
  ``torch.autograd`` Jacobians (double backward), and the Asimov background shape is a second, detached forward
  pass of the background events; ours runs 1000 events of each template set (4 for B2–B4: 6000 per step) through
  the network, interpolates with code4p and builds I = Jᵀ diag(1/ν) J analytically. Its shapes are normalised
  (+1e-7) with s = 50 as the parameter of interest (ours: μ, yields floored at 1e-3). Its λ shift scales x2 by
  λ/λ0 (ours: λ0/λ, the exact rescaling of Exp(λ0) to Exp(λ)) — the opposite sign of α_λ, the same loss at α = 0;
* its data: its own generator (``pseudodata.paper_sig``/``paper_bkg``, numpy's global RNG, float32), signal and
  background mixed and shuffled by torch's DataLoader (``drop_last``), so a batch holds about 1000 ± 22 of each
  class rather than exactly 1000; the DataLoader builds every batch event by event (``DataSet.__getitem__`` and a
  stacking collate), which is part of its epoch as the package trains — ``loader_epoch_seconds`` is one pass of
  that loader alone, for reference. Float32 throughout (torch's default; our columns are float64 and float32);
* timing: one ``fit`` of 1 + EPOCHS epochs; a callback takes the wall time of each epoch's training pass (the
  validation pass is given an empty loader, as our epochs have no validation either); the first epoch is the
  warm-up and left out; ``torch.set_num_threads`` = the cores this process may use (or ``--threads``).

Run: ``benchmarks/.venv-torch/bin/python benchmarks/inferno_torch_reference.py [--benchmarks B2 B4] [--epochs 3]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from importlib.metadata import version

import numpy as np
import torch
from fastcore.all import partialler
from pytorch_inferno.callback import AbsCallback
from pytorch_inferno.data import DataSet, WeightedDataLoader, get_paper_data
from pytorch_inferno.inferno import PaperInferno, VariableSoftmax
from pytorch_inferno.model_wrapper import ModelWrapper
from pytorch_inferno.utils import init_net
from torch import nn, optim
from torch.distributions import Normal

BENCHMARKS = ("B0", "B1", "B2", "B3", "B4")
TRAIN_EVENTS = 160_000  # signal + background trained on: 80k of each, as bench_inferno.py's 80k per event set
BATCH_SIZE = 2000  # events per step (both classes): 80 steps per epoch, as ours with 1000 per set
TEMPERATURE = 0.1
LEARNING_RATE = 1e-3
R_SIGMA, LAMBDA_SIGMA, B_SIGMA = 0.4, 1.0, 100.0


def inferno_callback(benchmark: str) -> PaperInferno:
    """PaperInferno with the benchmark's nuisances (see the module docstring)."""
    float_r, float_l = benchmark != "B0", benchmark in ("B2", "B3", "B4")
    kwargs = {}
    if benchmark in ("B3", "B4"):
        kwargs["shape_aux"] = [Normal(0.0, R_SIGMA), Normal(0.0, LAMBDA_SIGMA)]
    if benchmark == "B4":
        kwargs["b_norm_aux"] = [Normal(0.0, B_SIGMA)]
    return PaperInferno(float_r=float_r, float_l=float_l, **kwargs)


class EpochTimer(AbsCallback):
    """Wall time of each training pass, and the loss of its last step."""

    def __init__(self):
        super().__init__()
        self.seconds, self.losses = [], []

    def on_epoch_begin(self) -> None:
        if self.wrapper.state == "train":
            self.start = time.perf_counter()

    def on_epoch_end(self) -> None:
        if self.wrapper.state == "train":
            self.seconds.append(time.perf_counter() - self.start)
            self.losses.append(float(self.wrapper.loss_val.detach()))


def run(benchmark: str, epochs: int, train_events: int, batch_size: int, threads: int) -> dict:
    data = get_paper_data(train_events, bs=batch_size)
    # No validation pass in the timed epochs (ours have none): an empty loader in place of the package's.
    data.val_dl = WeightedDataLoader(
        DataSet(np.zeros((0, 3), dtype="float32"), np.zeros((0, 1), dtype="float32")), batch_size=batch_size
    )
    start = time.perf_counter()
    for _ in data.trn_dl:
        pass
    loader_seconds = time.perf_counter() - start
    net = nn.Sequential(
        nn.Linear(3, 100),
        nn.ReLU(),
        nn.Linear(100, 100),
        nn.ReLU(),
        nn.Linear(100, 10),
        VariableSoftmax(TEMPERATURE),
    )
    init_net(net)
    model = ModelWrapper(net)
    timer = EpochTimer()
    with contextlib.redirect_stdout(sys.stderr):  # fastprogress's bars; stdout carries only the JSON line
        model.fit(
            1 + epochs,
            data=data,
            opt=partialler(optim.Adam, lr=LEARNING_RATE),
            loss=None,
            cbs=[inferno_callback(benchmark), timer],
        )
    return {
        "epoch_seconds": timer.seconds[1:],
        "warmup_epoch_seconds": timer.seconds[0],
        "losses": timer.losses,
        "steps_per_epoch": len(data.trn_dl),
        "events_per_step": batch_size,
        "train_events": train_events,
        "loader_epoch_seconds": loader_seconds,
        "torch": torch.__version__,
        "pytorch_inferno": version("pytorch_inferno"),
        "threads": threads,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", nargs="+", default=["B2", "B4"], choices=BENCHMARKS)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs after the warm-up one")
    parser.add_argument("--train-events", type=int, default=TRAIN_EVENTS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)), help="default: usable cores")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args(argv)
    torch.set_num_threads(arguments.threads)
    results = {}
    for benchmark in arguments.benchmarks:
        np.random.seed(arguments.seed)  # pytorch_inferno's generator draws from numpy's global RNG
        torch.manual_seed(arguments.seed)
        results[benchmark] = run(
            benchmark, arguments.epochs, arguments.train_events, arguments.batch_size, arguments.threads
        )
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
