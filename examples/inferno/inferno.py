"""INFERNO's synthetic benchmark (de Castro & Dorigo, CPC 244 (2019) 170, arXiv:1806.04743) with neos-swift.

Events x = (x0, x1, x2): signal N((0, 0), I2) × Exp(rate 2); background N((r, 0), diag(5, 9)) × Exp(rate λ),
nominal r = 2, λ = 3; s = 50 signal (the parameter of interest, s = 50 μ) and b = 1000 background events expected.
Benchmarks B0 (only s free), B1 (+ r free), B2 (+ r and λ free), B3 (r ~ N(2, 0.4), λ ~ N(3, 1)), B4 (B3 and
b ~ N(1000, 100)); each is a pyhf workspace whose samples the network's histograms replace (docs/training.md).

Two trainings per random initialisation: INFERNO (10 softmax outputs at temperature 0.1, loss (I⁻¹)_μμ of the
benchmark's Asimov Fisher information), one model per benchmark; and a cross-entropy classifier (one sigmoid
output) binned in 10 uniform bins, trained once and evaluated with every benchmark's model. The figure of merit,
σ_s = 50 σ_μ from the hard-histogram Fisher information, is measured on 1M fresh events (half signal).

Run: python examples/inferno/inferno.py [--quick] [--inits N] [--epochs N] [--out DIR]
writes DIR/results.json, DIR/results.md and DIR/results.png (docs/inferno.md describes the study).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from neos_swift.neos import Trainer

BENCHMARKS = ("B0", "B1", "B2", "B3", "B4")
SIGNAL, BACKGROUND = 50.0, 1000.0
R0, LAMBDA0 = 2.0, 3.0
R_SIGMA, LAMBDA_SIGMA = 0.4, 1.0  # the constraint widths of B3/B4; histosys α = ±1 are these shifts
B_SIGMA = 100.0  # B4: b ~ N(1000, 100), a lumi-type modifier on the background of relative width 0.1
BINS = 10

# The nuisances each benchmark has (histosys modifier name → template event sets), and which are unconstrained.
NUISANCES = {
    "B0": [],
    "B1": ["r"],
    "B2": ["r", "lambda"],
    "B3": ["r", "lambda"],
    "B4": ["r", "lambda"],
}
UNCONSTRAINED = {"B0": [], "B1": ["r"], "B2": ["r", "lambda"], "B3": [], "B4": []}
TEMPLATES = {"r": ("bkg_r_up", "bkg_r_down"), "lambda": ("bkg_l_up", "bkg_l_down")}
EVENT_SETS = ("sig", "bkg_nominal", "bkg_r_up", "bkg_r_down", "bkg_l_up", "bkg_l_down")


# --- events ------------------------------------------------------------------------------------------------------


def generate(n_signal: int, n_background: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Signal and nominal background events, and the background templates made from the same background draws:
    x0 + Δr for r = 2 ± 0.4, and x2 · λ0/λ (an exact rescaling of Exp(λ0) to Exp(λ)) for λ = 3 ± 1."""
    signal = np.column_stack(
        [rng.normal(0.0, 1.0, n_signal), rng.normal(0.0, 1.0, n_signal), rng.exponential(1 / 2.0, n_signal)]
    )
    background = np.column_stack(
        [
            rng.normal(R0, np.sqrt(5.0), n_background),
            rng.normal(0.0, np.sqrt(9.0), n_background),
            rng.exponential(1 / LAMBDA0, n_background),
        ]
    )
    events = {"sig": signal, "bkg_nominal": background}
    for name, shift in (("bkg_r_up", R_SIGMA), ("bkg_r_down", -R_SIGMA)):
        shifted = background.copy()
        shifted[:, 0] += shift
        events[name] = shifted
    for name, rate in (("bkg_l_up", LAMBDA0 + LAMBDA_SIGMA), ("bkg_l_down", LAMBDA0 - LAMBDA_SIGMA)):
        rescaled = background.copy()
        rescaled[:, 2] *= LAMBDA0 / rate
        events[name] = rescaled
    return events


def event_sets(benchmark: str) -> list[str]:
    """The event sets a benchmark's model is built from."""
    names = ["sig", "bkg_nominal"]
    for nuisance in NUISANCES[benchmark]:
        names += TEMPLATES[nuisance]
    return names


# --- models and configurations -----------------------------------------------------------------------------------


def workspace(benchmark: str) -> dict:
    """The benchmark's pyhf workspace: one channel of 10 bins, whose sample numbers the network's histograms
    overwrite every step (placeholders here)."""
    ones = [1.0] * BINS
    background_modifiers = [
        {"name": nuisance, "type": "histosys", "data": {"hi_data": ones, "lo_data": ones}}
        for nuisance in NUISANCES[benchmark]
    ]
    parameters = []
    if benchmark == "B4":
        background_modifiers.append({"name": "lumi", "type": "lumi", "data": None})
        parameters.append(
            {"name": "lumi", "inits": [1.0], "auxdata": [1.0], "sigmas": [B_SIGMA / BACKGROUND], "bounds": [[0.0, 2.0]]}
        )
    return {
        "channels": [
            {
                "name": "SR",
                "samples": [
                    {"name": "signal", "data": ones, "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
                    {"name": "background", "data": ones, "modifiers": background_modifiers},
                ],
            }
        ],
        "observations": [{"name": "SR", "data": ones}],
        "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": parameters}}],
        "version": "1.0.0",
    }


def replacements(benchmark: str) -> list[dict]:
    """Which event sets feed which samples and histosys templates."""
    histosys = [
        {"modifier": nuisance, "hi": TEMPLATES[nuisance][0], "lo": TEMPLATES[nuisance][1]}
        for nuisance in NUISANCES[benchmark]
    ]
    background = {"channel": "SR", "sample": "background", "events": "bkg_nominal"}
    if histosys:
        background["histosys"] = histosys
    return [{"channel": "SR", "sample": "signal", "events": "sig"}, background]


def base_config(benchmark: str, seed: int, settings: dict) -> dict:
    config = {
        "seed": seed,
        "precision": settings["precision"],
        "data": "events",
        "inputs": 3,
        "hidden": [100, 100],
        "activation": "relu",
        "bins": BINS,
        "lumi": 1.0,
        "scales": {name: (SIGNAL if name == "sig" else BACKGROUND) for name in event_sets(benchmark)},
        "workspace": workspace(benchmark),
        "replace": replacements(benchmark),
    }
    if UNCONSTRAINED[benchmark]:
        config["unconstrained"] = UNCONSTRAINED[benchmark]
    return config


def inferno_config(benchmark: str, seed: int, settings: dict) -> dict:
    """INFERNO: 10 logits, softmax soft counts at temperature τ while training, hard argmax bins in the metrics."""
    config = base_config(benchmark, seed, settings)
    config.update(
        summary="softmax",
        temperature=settings["temperature"],
        loss="inferno",
        optimizer=settings["inferno_optimizer"],
        learning_rate=settings["inferno_learning_rate"],
        batch_size=settings["batch_size"],
    )
    return config


def bce_config(benchmark: str, seed: int, settings: dict) -> dict:
    """The cross-entropy classifier: one sigmoid output; for the benchmarks' models its output is binned into 10
    uniform fixed bins on [0, 1] with hard histograms (eval_bandwidth 0)."""
    config = base_config(benchmark, seed, settings)
    config.update(
        summary="kde",
        output_activation="sigmoid",
        edges=list(np.linspace(0.0, 1.0, BINS + 1)),
        train_edges=False,
        eval_bandwidth=0.0,
        loss="bce",
        optimizer=settings["bce_optimizer"],
        learning_rate=settings["bce_learning_rate"],
        batch_size=settings["bce_batch_size"],
    )
    return config


# --- training and evaluation -------------------------------------------------------------------------------------


def split(events: dict[str, np.ndarray], names: list[str], validation_fraction: float):
    """Training and validation events of the named sets; the background templates keep the nominal's events."""
    count = min(events[name].shape[0] for name in names)
    held = int(np.ceil(validation_fraction * count))
    train = {name: events[name][held:count] for name in names}
    validation = {name: events[name][:held] for name in names}
    return train, validation


def train(config: dict, events: dict[str, np.ndarray], epochs: int, validation_fraction: float) -> dict:
    """Trains for `epochs` passes over the training events and keeps the parameters of the lowest validation loss
    (the objective on the whole validation split, evaluated after every epoch)."""
    names = list(config["scales"])
    train_events, validation = split(events, names, validation_fraction)
    trainer = Trainer(config, train=train_events, test=validation)
    steps = int(np.ceil(train_events[names[0]].shape[0] / config["batch_size"]))
    history = [trainer.loss_and_gradient(trainer.parameters, validation)[0]]
    best, best_loss, seconds = trainer.parameters, history[0], []
    for _ in range(epochs):
        start = time.perf_counter()
        for _ in range(steps):
            trainer.step()
        seconds.append(time.perf_counter() - start)
        loss = trainer.loss_and_gradient(trainer.parameters, validation)[0]
        history.append(loss)
        if loss < best_loss:
            best, best_loss = trainer.parameters, loss
    trainer.parameters = best
    return {
        "trainer": trainer,
        "parameters": best,
        "validation_loss": history,
        "epoch_seconds": seconds,
        "steps_per_epoch": steps,
    }


def sigma_s(config: dict, parameters: np.ndarray, evaluation: dict[str, np.ndarray]) -> float:
    """σ_s = 50 σ_μ of the hard-histogram Fisher information on the evaluation events (a trainer whose test split
    is the evaluation events; its training split is a token few events and is never stepped)."""
    names = list(config["scales"])
    token = {name: evaluation[name][:2] for name in names}
    trainer = Trainer(config, train=token, test={name: evaluation[name] for name in names})
    trainer.parameters = parameters
    return SIGNAL * trainer.evaluate()["poi_uncert"]


def bce_sigma_s(benchmark: str, seed: int, settings: dict, scores: dict[str, np.ndarray]) -> float:
    """σ_s of the classifier on one benchmark from its outputs on the evaluation events (computed once by the
    trained network, ``Trainer.predict``): the benchmark's trainer gets the scores as one-feature events and an
    identity network (no hidden layer, weight 1, bias 0), so its hard histogram in the 10 uniform bins is the
    classifier's own — the same numbers as the full network on the events, without running it once per
    benchmark."""
    config = bce_config(benchmark, seed, settings)
    config.update(hidden=[], inputs=1, output_activation="identity", loss="poi_uncert")
    return sigma_s(config, np.array([1.0, 0.0]), scores)


def quantiles(values) -> dict:
    values = np.asarray(values, dtype=float)
    return {
        "median": float(np.median(values)),
        "q16": float(np.percentile(values, 16)),
        "q84": float(np.percentile(values, 84)),
    }


# --- the study ---------------------------------------------------------------------------------------------------

FULL = {
    "inits": 10,
    "precision": "float32",
    "inferno_epochs": 15,
    "bce_epochs": 10,
    "train_events": 200_000,
    "validation_fraction": 0.2,
    "evaluation_events": 1_000_000,
    "batch_size": 1000,
    "temperature": 0.1,
    "inferno_optimizer": "adam",
    "inferno_learning_rate": 1e-3,
    "bce_optimizer": "adam",
    "bce_learning_rate": 1e-3,
    "bce_batch_size": 1000,
}
QUICK = dict(FULL, inits=2, inferno_epochs=2, bce_epochs=2, train_events=20_000, evaluation_events=100_000)


def run_init(init: int, settings: dict) -> dict:
    """One random initialisation: its own training and evaluation events, five INFERNO models and one classifier,
    each evaluated on fresh events."""
    rng = np.random.default_rng([2026, init])
    half = settings["train_events"] // 2
    events = generate(half, half, rng)
    evaluation_half = settings["evaluation_events"] // 2
    evaluation = generate(evaluation_half, evaluation_half, rng)
    record = {"init": init, "inferno": {}, "bce": {}}
    for benchmark in BENCHMARKS:
        config = inferno_config(benchmark, init, settings)
        start = time.perf_counter()
        trained = train(config, events, settings["inferno_epochs"], settings["validation_fraction"])
        training_seconds = time.perf_counter() - start
        record["inferno"][benchmark] = {
            "sigma_s": sigma_s(config, trained["parameters"], evaluation),
            "validation_sigma_s": [SIGNAL * float(np.sqrt(v)) for v in trained["validation_loss"]],
            "epoch_seconds": trained["epoch_seconds"],
            "training_seconds": training_seconds,
            "steps_per_epoch": trained["steps_per_epoch"],
        }
    config = bce_config("B0", init, settings)
    start = time.perf_counter()
    trained = train(config, events, settings["bce_epochs"], settings["validation_fraction"])
    training_seconds = time.perf_counter() - start
    scores = {name: trained["trainer"].predict(evaluation[name])[:, None] for name in EVENT_SETS}
    record["bce"] = {
        "sigma_s": {b: bce_sigma_s(b, init, settings, scores) for b in BENCHMARKS},
        "validation_loss": trained["validation_loss"],
        "epoch_seconds": trained["epoch_seconds"],
        "training_seconds": training_seconds,
        "steps_per_epoch": trained["steps_per_epoch"],
    }
    return record


def summarise(records: list[dict], settings: dict, seconds: float) -> dict:
    results = {}
    for benchmark in BENCHMARKS:
        results[benchmark] = {
            "inferno": quantiles([r["inferno"][benchmark]["sigma_s"] for r in records]),
            "bce": quantiles([r["bce"]["sigma_s"][benchmark] for r in records]),
        }
    results["inits"] = len(records)
    results["events"] = settings["evaluation_events"]
    results["settings"] = settings
    results["study_seconds"] = seconds
    results["per_init"] = records
    return results


def table(results: dict) -> str:
    lines = [
        "| benchmark | INFERNO σ_s median [q16, q84] | cross-entropy σ_s median [q16, q84] |",
        "|---|---|---|",
    ]
    for benchmark in BENCHMARKS:
        cells = [
            f"{results[benchmark][kind]['median']:.2f} [{results[benchmark][kind]['q16']:.2f}, "
            f"{results[benchmark][kind]['q84']:.2f}]"
            for kind in ("inferno", "bce")
        ]
        lines.append(f"| {benchmark} | {cells[0]} | {cells[1]} |")
    lines.append("")
    lines.append(f"{results['inits']} initialisations, σ_s on {results['events']:,} fresh events (half signal).")
    return "\n".join(lines) + "\n"


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    positions = np.arange(len(BENCHMARKS))
    for offset, kind, label in ((-0.1, "inferno", "INFERNO"), (0.1, "bce", "cross-entropy")):
        medians = np.array([results[b][kind]["median"] for b in BENCHMARKS])
        low = medians - np.array([results[b][kind]["q16"] for b in BENCHMARKS])
        high = np.array([results[b][kind]["q84"] for b in BENCHMARKS]) - medians
        left.errorbar(positions + offset, medians, yerr=[low, high], fmt="o", capsize=3, label=label)
    left.set_xticks(positions, BENCHMARKS)
    left.set_ylabel("expected σ_s (median, 16–84%)")
    left.set_title(f"{results['inits']} inits, {results['events']:,} evaluation events")
    left.legend()
    for record in results["per_init"]:
        curve = record["inferno"]["B2"]["validation_sigma_s"]
        right.plot(np.arange(len(curve)), curve, color="C0", alpha=0.6)
    right.set_xlabel("epoch")
    right.set_ylabel("validation σ_s (soft counts), B2")
    right.set_title("INFERNO B2 training, one curve per init")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="CI settings: 2 inits, 2 epochs, 20k/100k events")
    parser.add_argument("--inits", type=int, help="random initialisations")
    parser.add_argument("--epochs", type=int, help="epochs of both trainings")
    parser.add_argument("--jobs", type=int, default=1, help="initialisations run in parallel processes")
    parser.add_argument("--out", default="inferno-results", help="output folder")
    parser.add_argument("--no-plot", action="store_true")
    arguments = parser.parse_args()
    settings = dict(QUICK if arguments.quick else FULL)
    if arguments.inits is not None:
        settings["inits"] = arguments.inits
    if arguments.epochs is not None:
        settings["inferno_epochs"] = settings["bce_epochs"] = arguments.epochs
    out = Path(arguments.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if arguments.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(arguments.jobs) as pool:
            records = list(pool.map(run_init, range(settings["inits"]), [settings] * settings["inits"]))
    else:
        records = []
        for init in range(settings["inits"]):
            records.append(run_init(init, settings))
            print(f"init {init} done after {time.perf_counter() - start:.1f} s", flush=True)
            # The inits so far, so that an interrupted study leaves a complete table of what it ran.
            partial = summarise(records, settings, time.perf_counter() - start)
            (out / "results.json").write_text(json.dumps(partial, indent=1) + "\n")
    results = summarise(records, settings, time.perf_counter() - start)
    results["cpu"] = cpu_model()
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "results.md").write_text(table(results))
    if not arguments.no_plot:
        plot(results, out / "results.png")
    print(json.dumps({b: {k: results[b][k]["median"] for k in ("inferno", "bce")} for b in BENCHMARKS}))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return os.uname().machine


if __name__ == "__main__":
    main()
