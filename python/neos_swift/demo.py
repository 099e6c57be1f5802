"""The main job: neos's demo training on the built-in Gaussian blobs, run to completion, with its log and plots.

    python -m neos_swift.demo [--steps 60] [--loss cls] [--out neos-demo] [--config FILE.json] [--no-plots]

Defaults are neos's demo (2→1024→1024→1 ReLU network with a sigmoid output, 10,000 points per blob, batch 2000,
bandwidth 0.09, 4 bins with trainable inner edges, Adam lr 1e-3). After every step the test metrics (expected CLs,
discovery p₀, σ_μ) are computed with hard histograms and the best step (lowest test value of the loss's own metric;
discovery p₀ for bce) is kept. Written into the output directory:

    metrics.json      {"config", "steps": [{"step", "loss", "test", "seconds"}, ...], "best": {...}}
    parameters.neos   the best step's network and edges (a JSON header line, then little-endian float64)
    plot_data.json    what the plots are drawn from (histograms, edges, blob samples, network-output frames)
    metrics.png, histograms.png, output_plane.png, training.gif
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import __version__, _progress
from .neos import Trainer


def run(
    steps: int = 60,
    loss: str | None = "cls",
    out: str | os.PathLike[str] = "neos-demo",
    config: Mapping[str, Any] | None = None,
    plots: bool = True,
    frame_every: int = 2,
    quiet: bool = False,
    progress: bool | None = None,
) -> dict:
    """Trains, writes the output directory and returns metrics.json's content. ``progress`` is the training's
    tqdm bar (:meth:`Trainer.run`: by default on a terminal only); ``quiet`` turns it off with the log."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    config = dict(config or {})
    if loss is not None:
        config["loss"] = loss
    started = time.perf_counter()
    trainer = Trainer(config)
    trainer.record_plot_frame()  # the state before training
    if not quiet:
        print(
            f"neos-swift {__version__}: training {config.get('loss', 'cls')} for {steps} steps "
            f"({trainer.n_parameters} parameters)"
        )
        print(f"{'step':>5} {'loss':>11} {'cls':>11} {'discovery':>11} {'poi_uncert':>11} {'seconds':>8}")
    first_loss_at = None

    progress_bar = progress

    def progress(record):
        nonlocal first_loss_at
        if first_loss_at is None:
            first_loss_at = time.perf_counter() - started
        if not quiet:
            t = record["test"]
            # Through the progress module, so the line does not tear the bar drawn below it.
            _progress.write(
                f"{record['step']:>5} {record['loss']:>11.4g} {t['cls']:>11.4g} {t['discovery']:>11.4g} "
                f"{t['poi_uncert']:>11.4g} {record['seconds']:>8.3f}"
            )
        if (record["step"] + 1) % frame_every == 0 or record["step"] == steps - 1:
            trainer.record_plot_frame()

    metrics = trainer.run(steps, callback=progress, progress=False if quiet else progress_bar)
    total = time.perf_counter() - started
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1))
    if metrics.get("best") is not None:
        trainer.restore_best()
    trainer.save(out / "parameters.neos")
    (out / "plot_data.json").write_text(trainer.plot_data())
    written = [out / "metrics.json", out / "parameters.neos", out / "plot_data.json"]
    if plots:
        from .plots import render_directory

        written += render_directory(out)
    if not quiet:
        best = metrics.get("best")
        if best is not None:
            t = best["test"]
            print(
                f"best step {best['step']} (by test {metrics['select_by']}): cls {t['cls']:.4g}, "
                f"discovery {t['discovery']:.4g}, poi_uncert {t['poi_uncert']:.4g}"
            )
        print(
            f"{total:.1f} s in total, first loss after {first_loss_at or 0:.2f} s; wrote "
            + ", ".join(str(p) for p in written)
        )
    return metrics


def main(argv: Sequence[str] | None = None) -> None:
    """The command line of ``python -m neos_swift.demo``: parses ``argv`` (``sys.argv[1:]`` when None), trains
    and writes the metrics, parameters and plots into ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m neos_swift.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--loss", default=None, help="cls (default), discovery, poi_uncert, inferno, bce, upper_limit")
    parser.add_argument("--out", default="neos-demo")
    parser.add_argument("--config", help="a JSON file of trainer settings (README: training configuration)")
    parser.add_argument("--frame-every", type=int, default=2, help="steps between animation frames")
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="no log and no progress bar")
    parser.add_argument("--progress", action="store_true", help="a progress bar even when not on a terminal")
    args = parser.parse_args(argv)
    config = json.loads(Path(args.config).read_text()) if args.config else {}
    loss = args.loss if args.loss is not None else config.get("loss", "cls")
    run(
        args.steps,
        loss,
        args.out,
        config,
        plots=not args.no_plots,
        frame_every=max(1, args.frame_every),
        quiet=args.quiet,
        progress=True if args.progress else None,
    )


if __name__ == "__main__":
    main()
