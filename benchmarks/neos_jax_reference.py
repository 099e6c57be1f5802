"""The neos reference training pipeline in jax — our own rewrite, used as the speed baseline of ``bench_train.py``.

It follows neos HEAD's ``demo.ipynb`` (objective ``"cls"``) as specified in ``docs/neos.md`` §1–5,
built only from jax, relaxed 0.4.0, equinox and optax (no pyhf: pyhf cannot build a model from traced yields under
current jax, so the HistFactory likelihood of the neos model is written here by hand):

* data (§1.1): four 2-d unit-covariance Gaussian blobs — signal (−1, 1), background nominal (1, −1), up (2.5, 2),
  down (−2.5, −1.5) — each drawn with ``jax.random.multivariate_normal(PRNGKey(seed), ...)`` (the same key for
  all four, as the reference does); 75/25 train/test split with scikit-learn's ``train_test_split(random_state=seed)``
  permutation (re-implemented: ``RandomState(seed).permutation(n)``, the first ``ceil(0.25 n)`` indices are the test
  set); batches of 2000 from a ``RandomState(seed)`` permutation of the training indices per epoch (the last batch
  of an epoch is short: 1500 of 7500);
* network (§1.3): 2 → H → H → 1, ReLU, ReLU, sigmoid; weights glorot-normal (truncated), biases N(0, 0.01²), keys
  split exactly as ``jax.example_libraries.stax.serial`` does from ``PRNGKey(seed)``;
* yields (§2.2): ``relaxed.hist(nn(x), edges, 0.09) * scale * lumi / len(x) + 1e-3`` (scale 2 for the signal, 10
  for the backgrounds, lumi 10) with edges ``linspace(0, 1, bins + 1)``, the inner ones trainable, and the
  ordering guard ``e'_i = e_i if e_i > e_{i-1} else e_{i-1} + 1e-4``;
* model (§3.1): pars ``{"correlated_bkg_uncertainty": α, "mu": μ}`` (pytree order [α, μ]); main rates
  ``μ s + b + Δ_code4p(α; b_down, b, b_up)``; a unit Gaussian constraint on α with auxiliary datum 0; continuous
  Poisson with ``lgamma`` — an equinox Module whose ``logpdf(data, pars)`` returns a scalar, as relaxed 0.4.0
  expects; suggested init (α 0, μ 1), bounds α ∈ [−5, 5], μ ∈ [0, 10];
* loss (§5.3, ``"cls"``): ``relaxed.infer.hypotest(1.0, asimov_bkg_only_data, model, init_pars, bounds,
  test_stat="q", expected_pars=bkg_only_pars)`` — only the constrained fit at μ = 1 runs (LBFGSB with implicit
  differentiation). relaxed 0.4.0's ``fixed_poi_fit`` writes the POI into jaxopt's own parameter dict and so breaks
  LBFGSB's line search; this module replaces ``relaxed.infer.fixed_poi_fit`` with a version that copies the dict
  first (otherwise identical: ``relaxed.mle._minimize``);
* optimiser (§1.4): ``optax.adam(1e-3)``; one step = the jitted ``value_and_grad`` of the loss on one batch plus the
  Adam update (one ``jax.jit``-compiled function);
* evaluation: expected CLs, discovery p0 and σ_μ (Cramér–Rao, relaxed 0.4.0's ``cramer_rao_uncert``) on the full
  test set with bandwidth 1e-8 (the effectively hard histogram the reference uses).

``JaxTrainer(config)`` has the same interface as ``neos_swift.neos.Trainer``: ``step()`` returns the batch loss,
``evaluate()`` a dict with ``"cls"``, ``"discovery"``, ``"poi_uncert"``. Run on its own to train and print the
curve: ``python benchmarks/neos_jax_reference.py --steps 20 --hidden 1024 --bins 4``.
"""

from __future__ import annotations

import math
from typing import Any

import jax

jax.config.update("jax_enable_x64", True)

import equinox as eqx  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
import relaxed  # noqa: E402
from jax.scipy.special import gammaln, xlogy  # noqa: E402

SAMPLES = ("sig", "bkg_nominal", "bkg_up", "bkg_down")
BLOB_MEANS = {"sig": (-1.0, 1.0), "bkg_nominal": (1.0, -1.0), "bkg_up": (2.5, 2.0), "bkg_down": (-2.5, -1.5)}
SCALES = {"sig": 2.0, "bkg_nominal": 10.0, "bkg_up": 10.0, "bkg_down": 10.0}
LUMI = 10.0
YIELD_FLOOR = 1e-3
EDGE_GUARD = 1e-4
EVAL_BANDWIDTH = 1e-8
TEST_SIZE = 0.25

ALPHA = "correlated_bkg_uncertainty"
POI = "mu"
INIT_PARS = {ALPHA: 0.0, POI: 1.0}  # pyhf suggested_init of the neos model
BOUNDS = {ALPHA: (-5.0, 5.0), POI: (0.0, 10.0)}  # pyhf suggested_bounds
BKG_ONLY_PARS = {ALPHA: 0.0, POI: 0.0}
NOMINAL_PARS = {ALPHA: 0.0, POI: 1.0}

DEFAULTS: dict[str, Any] = {
    "hidden": [1024, 1024],
    "points_per_blob": 10_000,
    "bins": 4,
    "batch_size": 2000,
    "bandwidth": 0.09,
    "learning_rate": 1e-3,
    "train_edges": True,
    "loss": "cls",
    "seed": 0,
}


# ---- data -------------------------------------------------------------------------------------------------------


def generate_blobs(seed: int, points: int) -> list[np.ndarray]:
    """The four blobs in SAMPLES order, each drawn with the same key (so they are shifts of one another)."""
    cov = jnp.eye(2)
    return [
        np.asarray(
            jax.random.multivariate_normal(
                jax.random.PRNGKey(seed), jnp.asarray(BLOB_MEANS[name]), cov, shape=(points,)
            )
        )
        for name in SAMPLES
    ]


def split_train_test(arrays: list[np.ndarray], seed: int, test_size: float = TEST_SIZE):
    """scikit-learn ``train_test_split(*arrays, test_size, random_state=seed)``: one permutation for every array."""
    n = len(arrays[0])
    n_test = math.ceil(test_size * n)
    permutation = np.random.RandomState(seed).permutation(n)
    test_index, train_index = permutation[:n_test], permutation[n_test:]
    return [a[train_index] for a in arrays], [a[test_index] for a in arrays]


def batch_stream(train: list[np.ndarray], batch_size: int, seed: int):
    """Endless batches: a RandomState(seed) permutation of the training indices per epoch, same indices for every
    sample; the last batch of an epoch is the remainder."""
    n = len(train[0])
    n_batches = n // batch_size + bool(n % batch_size)
    rng = np.random.RandomState(seed)
    while True:
        permutation = rng.permutation(n)
        for i in range(n_batches):
            index = permutation[i * batch_size : (i + 1) * batch_size]
            yield tuple(jnp.asarray(a[index]) for a in train)


# ---- network ----------------------------------------------------------------------------------------------------


def init_mlp(key, hidden) -> list[tuple[jax.Array, jax.Array]]:
    """Dense(h) → ReLU → … → Dense(1) → Sigmoid with stax's initialisers and stax.serial's key splitting (one split
    per layer, activations included; each Dense splits its key into weight and bias keys)."""
    w_init = jax.nn.initializers.glorot_normal()
    b_init = jax.nn.initializers.normal(1e-2)
    params = []
    fan_in = 2
    for width in list(hidden) + [1]:
        key, layer_key = jax.random.split(key)
        w_key, b_key = jax.random.split(layer_key)
        params.append((w_init(w_key, (fan_in, width), jnp.float64), b_init(b_key, (width,), jnp.float64)))
        key, _ = jax.random.split(key)  # the activation layer's key (unused), as stax.serial splits it
        fan_in = width
    return params


def mlp_apply(params, x: jax.Array) -> jax.Array:
    for w, b in params[:-1]:
        x = jax.nn.relu(x @ w + b)
    w, b = params[-1]
    return jax.nn.sigmoid(x @ w + b).ravel()


# ---- histograms and model ---------------------------------------------------------------------------------------


def full_edges(inner: jax.Array) -> jax.Array:
    """[0, *inner, 1] with the ordering guard against the unmodified previous edge."""
    edges = jnp.concatenate([jnp.zeros(1), inner, jnp.ones(1)])
    guarded = jnp.where(edges[1:] > edges[:-1], edges[1:], edges[:-1] + EDGE_GUARD)
    return jnp.concatenate([edges[:1], guarded])


def yields_from_nn(nn_params, inner_edges, batch, bandwidth) -> dict[str, jax.Array]:
    edges = full_edges(inner_edges)
    return {
        name: relaxed.hist(mlp_apply(nn_params, x), edges, bandwidth) * SCALES[name] * LUMI / len(x) + YIELD_FLOOR
        for name, x in zip(SAMPLES, batch)
    }


class NeosModel(eqx.Module):
    """One channel: signal × μ (normfactor) + background with a code4p histosys α (unit Gaussian constraint,
    auxiliary datum 0). ``data`` = main bins followed by the auxiliary datum."""

    sig: jax.Array
    bkg: jax.Array
    bkg_up: jax.Array
    bkg_down: jax.Array

    @classmethod
    def from_yields(cls, yields: dict[str, jax.Array]) -> NeosModel:
        return cls(yields["sig"], yields["bkg_nominal"], yields["bkg_up"], yields["bkg_down"])

    def main_rates(self, pars) -> jax.Array:
        alpha, mu = pars[ALPHA], pars[POI]
        delta_up = self.bkg_up - self.bkg
        delta_down = self.bkg - self.bkg_down
        s = 0.5 * (delta_up + delta_down)
        a = 0.0625 * (delta_up - delta_down)
        inner = alpha * (s + alpha * a * (15.0 + alpha * alpha * (3.0 * alpha * alpha - 10.0)))
        shift = jnp.where(alpha > 1.0, alpha * delta_up, jnp.where(alpha < -1.0, alpha * delta_down, inner))
        return mu * self.sig + self.bkg + shift

    def expected_data(self, pars) -> jax.Array:
        return jnp.concatenate([self.main_rates(pars), jnp.zeros(1)])

    def logpdf(self, data, pars) -> jax.Array:
        n_bins = self.sig.shape[0]
        observed, aux = data[:n_bins], data[n_bins:]
        rates = self.main_rates(pars)
        poisson = jnp.sum(xlogy(observed, rates) - rates - gammaln(observed + 1.0))
        constraint = jnp.sum(-0.5 * (aux - pars[ALPHA]) ** 2 - 0.5 * math.log(2.0 * math.pi))
        return poisson + constraint


from relaxed_fixes import fixed_poi_fit  # noqa: E402,F401  (installs relaxed 0.4.0's fix)


def expected_cls(model: NeosModel) -> jax.Array:
    data = model.expected_data(BKG_ONLY_PARS)
    return relaxed.infer.hypotest(
        1.0, data, model, dict(INIT_PARS), dict(BOUNDS), test_stat="q", expected_pars=dict(BKG_ONLY_PARS)
    )


def discovery_p0(model: NeosModel) -> jax.Array:
    data = model.expected_data(NOMINAL_PARS)
    return relaxed.infer.hypotest(
        0.0, data, model, dict(INIT_PARS), dict(BOUNDS), test_stat="q0", expected_pars=dict(NOMINAL_PARS)
    )


def poi_uncert(model: NeosModel) -> jax.Array:
    data = model.expected_data(NOMINAL_PARS)
    return relaxed.cramer_rao_uncert(model, dict(NOMINAL_PARS), data)[POI]


LOSSES = {"cls": expected_cls, "discovery": discovery_p0, "poi_uncert": poi_uncert}


# neos.md §7.1: the stored 4-bin yields of neos's demo and the values recomputed from them (float64, code4p).
CHECK_YIELDS = {
    "sig": [1.84, 2.31, 5.04, 10.8],
    "bkg_nominal": [90.3, 6.25, 3.0, 0.4],
    "bkg_up": [72.4, 13.1, 9.3, 5.15],
    "bkg_down": [72.0, 14.5, 9.85, 3.75],
}
CHECK_VALUES = {"cls": 1.05660e-06, "discovery": 1.83702e-04, "poi_uncert": 0.265907}
CHECK_DCLS_DSIG = [-2.1875e-08, -2.9691e-07, -6.8836e-07, -1.05861e-06]  # finite differences


def reference_check() -> dict[str, float]:
    """Largest relative difference of the losses (and dCLs/ds) on the §7.1 yields from the documented values."""
    model = NeosModel.from_yields({k: jnp.asarray(v) for k, v in CHECK_YIELDS.items()})
    out = {name: abs(float(LOSSES[name](model)) / expected - 1.0) for name, expected in CHECK_VALUES.items()}
    grad = np.asarray(jax.grad(expected_cls)(model).sig)
    out["dcls_dsig"] = float(np.max(np.abs(grad / np.asarray(CHECK_DCLS_DSIG) - 1.0)))
    return out


# ---- trainer ----------------------------------------------------------------------------------------------------


class JaxTrainer:
    """Same interface as ``neos_swift.neos.Trainer``: ``step()`` → batch loss (float), ``evaluate()`` → test metrics."""

    def __init__(self, config: dict[str, Any] | None = None):
        self.config = {**DEFAULTS, **(config or {})}
        cfg = self.config
        if cfg["loss"] not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}, not {cfg['loss']!r}")
        seed = int(cfg["seed"])
        blobs = generate_blobs(seed, int(cfg["points_per_blob"]))
        self.train, self.test = split_train_test(blobs, seed)
        self.test = tuple(jnp.asarray(a) for a in self.test)
        self.batches = batch_stream(self.train, int(cfg["batch_size"]), seed)
        inner = jnp.linspace(0.0, 1.0, int(cfg["bins"]) + 1)[1:-1]
        self.params = {"nn": init_mlp(jax.random.PRNGKey(seed), cfg["hidden"]), "bins": inner}
        self.optimizer = optax.adam(float(cfg["learning_rate"]))
        trainable = self.params if cfg["train_edges"] else {"nn": self.params["nn"]}
        self.opt_state = self.optimizer.init(trainable)
        self.steps_done = 0
        bandwidth = float(cfg["bandwidth"])
        loss_fn = LOSSES[cfg["loss"]]
        train_edges = bool(cfg["train_edges"])
        optimizer = self.optimizer

        def batch_loss(trainable, fixed_bins, batch):
            bins = trainable["bins"] if train_edges else fixed_bins
            model = NeosModel.from_yields(yields_from_nn(trainable["nn"], bins, batch, bandwidth))
            return loss_fn(model)

        def step(params, opt_state, batch):
            trainable = params if train_edges else {"nn": params["nn"]}
            loss, grads = jax.value_and_grad(batch_loss)(trainable, params["bins"], batch)
            updates, opt_state = optimizer.update(grads, opt_state, trainable)
            trainable = optax.apply_updates(trainable, updates)
            return loss, {**params, **trainable}, opt_state

        def metrics(params, test):
            model = NeosModel.from_yields(yields_from_nn(params["nn"], params["bins"], test, EVAL_BANDWIDTH))
            return {name: fn(model) for name, fn in LOSSES.items()}

        self._step = jax.jit(step)
        self._metrics = jax.jit(metrics)

    def step(self) -> float:
        """One Adam step on the next batch; returns that batch's loss (before the update)."""
        loss, self.params, self.opt_state = self._step(self.params, self.opt_state, next(self.batches))
        jax.block_until_ready((self.params, self.opt_state))  # the step is finished when it returns
        self.steps_done += 1
        return float(loss)

    def evaluate(self) -> dict[str, float]:
        """``cls``, ``discovery`` (p0) and ``poi_uncert`` (σ_μ) on the full test set, bandwidth 1e-8."""
        return {k: float(v) for k, v in self._metrics(self.params, self.test).items()}

    def edges(self) -> np.ndarray:
        return np.asarray(full_edges(self.params["bins"]))


def main(argv=None) -> int:
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Train the jax neos reference and print the curve.")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--bins", type=int, default=4)
    parser.add_argument("--no-evaluate", action="store_true", help="skip the test-set metrics after each step")
    parser.add_argument("--check", action="store_true", help="only compare with the neos.md §7.1 values")
    args = parser.parse_args(argv)
    if args.check:
        print(
            "relative differences from neos.md §7.1: " + ", ".join(f"{k} {v:.1e}" for k, v in reference_check().items())
        )
        return 0
    start = time.perf_counter()
    trainer = JaxTrainer({"hidden": [args.hidden, args.hidden], "points_per_blob": args.points, "bins": args.bins})
    print(f"constructed in {time.perf_counter() - start:.2f} s")
    if not args.no_evaluate:
        print("before training: " + ", ".join(f"{k} {v:.4g}" for k, v in trainer.evaluate().items()))
    for i in range(args.steps):
        t0 = time.perf_counter()
        loss = trainer.step()
        dt = time.perf_counter() - t0
        line = f"step {i:3d}: batch loss {loss:.4e} ({dt:.2f} s)"
        if not args.no_evaluate:
            line += "; test " + ", ".join(f"{k} {v:.4g}" for k, v in trainer.evaluate().items())
        print(line + f"; edges {np.array2string(trainer.edges(), precision=4)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
