"""INFERNO's loss in jax — our own rewrite of the loss that ``examples/inferno`` trains natively, used as the
correctness and speed reference of ``bench_inferno.py``.

The same function as neos-swift's ``"loss": "inferno"`` with ``"summary": "softmax"`` on the example's workspaces:

* network: 3 → 100 → 100 → 10, ReLU hidden layers, identity output (logits); the parameters in neos-swift's flat
  layout (per layer W as fan_in × fan_out row-major, then b), so one vector drives both implementations;
* summary: soft counts c_j = Σ_k softmax(z_k / τ)_j per event set, yields = c · scale · lumi / N + floor
  (scale 50 for the signal, 1000 for every background set, lumi 1, floor 1e-3);
* model (HistFactory, one channel): ν = μ s + b(α, β) with b = β (b_nom + Σ_a Δ_code4p(α_a; lo_a, b_nom, hi_a))
  (β = the B4 lumi-type background normalisation, absent elsewhere); code4p is pyhf's default histosys
  interpolation (the workspace mode's default; neos's ``interpolation`` key only applies to neos's own model);
* loss: (I⁻¹)_μμ at μ = 1, α = 0, β = 1, I the Fisher information of the Poisson main term on its Asimov data,
  I = Jᵀ diag(1/ν) J with J = ∂ν/∂(μ, α, β), plus the constraint terms: 1 per constrained α (unit Gaussian,
  auxdatum 0) and 1/0.1² for β (auxdatum 1, σ 0.1); unconstrained nuisances (B1, B2) have none.

``JaxInferno(benchmark, parameters, train_events)`` steps optax's Adam on the mini-batches the caller
gives it (bench_inferno.py: batches of the native trainer's size).
"""

from __future__ import annotations

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

SIZES = (3, 100, 100, 10)
SCALES = {"sig": 50.0}
BACKGROUND_SCALE = 1000.0
FLOOR = 1e-3
LUMI_SIGMA = 0.1
NUISANCES = {"B0": [], "B1": ["r"], "B2": ["r", "lambda"], "B3": ["r", "lambda"], "B4": ["r", "lambda"]}
CONSTRAINED = {"B0": False, "B1": False, "B2": False, "B3": True, "B4": True}
TEMPLATES = {"r": ("bkg_r_up", "bkg_r_down"), "lambda": ("bkg_l_up", "bkg_l_down")}


def unflatten(parameters: jax.Array, sizes=SIZES) -> list[tuple[jax.Array, jax.Array]]:
    """neos-swift's flat vector as [(W, b), ...], W fan_in × fan_out."""
    layers, offset = [], 0
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        w = parameters[offset : offset + fan_in * fan_out].reshape(fan_in, fan_out)
        offset += fan_in * fan_out
        b = parameters[offset : offset + fan_out]
        offset += fan_out
        layers.append((w, b))
    return layers


def logits(parameters: jax.Array, x: jax.Array) -> jax.Array:
    layers = unflatten(parameters)
    for w, b in layers[:-1]:
        x = jax.nn.relu(x @ w + b)
    w, b = layers[-1]
    return x @ w + b


def soft_yields(parameters: jax.Array, x: jax.Array, scale: float, temperature: float) -> jax.Array:
    counts = jax.nn.softmax(logits(parameters, x) / temperature, axis=-1).sum(axis=0)
    return counts * scale / x.shape[0] + FLOOR


def code4p_delta(alpha, low, nominal, high):
    """pyhf's code4p histosys shift: polynomial for |α| < 1, linear beyond."""
    delta_up, delta_down = high - nominal, nominal - low
    s = 0.5 * (delta_up + delta_down)
    a = 0.0625 * (delta_up - delta_down)
    inside = alpha * s + alpha**2 * a * (15 + alpha**2 * (3 * alpha**2 - 10))
    return jnp.where(alpha > 1, alpha * delta_up, jnp.where(alpha < -1, alpha * delta_down, inside))


def expected(theta: jax.Array, benchmark: str, y: dict[str, jax.Array]) -> jax.Array:
    """Main-term rates ν(θ), θ = (μ, α_r, α_λ, β) as far as the benchmark has them."""
    mu, index = theta[0], 1
    background = y["bkg_nominal"]
    for nuisance in NUISANCES[benchmark]:
        high, low = (y[name] for name in TEMPLATES[nuisance])
        background = background + code4p_delta(theta[index], low, y["bkg_nominal"], high)
        index += 1
    if benchmark == "B4":
        background = background * theta[index]
    return mu * y["sig"] + background


def poi_variance(benchmark: str, y: dict[str, jax.Array]) -> jax.Array:
    """(I⁻¹)_μμ of the Asimov Fisher information with the benchmark's constraints."""
    nominal = jnp.array([1.0] + [0.0] * len(NUISANCES[benchmark]) + ([1.0] if benchmark == "B4" else []))
    rates = expected(nominal, benchmark, y)
    jacobian = jax.jacfwd(expected)(nominal, benchmark, y)  # bins × parameters
    fisher = jacobian.T @ (jacobian / rates[:, None])
    constraint = [0.0] + [1.0 if CONSTRAINED[benchmark] else 0.0] * len(NUISANCES[benchmark])
    if benchmark == "B4":
        constraint.append(1.0 / LUMI_SIGMA**2)
    fisher = fisher + jnp.diag(jnp.array(constraint))
    return jnp.linalg.inv(fisher)[0, 0]


def event_sets(benchmark: str) -> list[str]:
    names = ["sig", "bkg_nominal"]
    for nuisance in NUISANCES[benchmark]:
        names += TEMPLATES[nuisance]
    return names


def loss(parameters: jax.Array, events: dict[str, jax.Array], benchmark: str, temperature: float) -> jax.Array:
    y = {
        name: soft_yields(parameters, x, SCALES.get(name, BACKGROUND_SCALE), temperature) for name, x in events.items()
    }
    return poi_variance(benchmark, y)


class JaxInferno:
    """Adam (optax defaults, learning rate 1e-3) on INFERNO's loss; one jitted function per step."""

    def __init__(self, benchmark: str, parameters, temperature: float = 0.1, learning_rate: float = 1e-3):
        self.benchmark = benchmark
        self.parameters = jnp.asarray(parameters)
        self.optimizer = optax.adam(learning_rate)
        self.state = self.optimizer.init(self.parameters)
        value_and_grad = jax.value_and_grad(lambda p, e: loss(p, e, benchmark, temperature))
        self.value_and_grad = jax.jit(value_and_grad)

        def step(parameters, state, events):
            value, gradient = value_and_grad(parameters, events)
            updates, state = self.optimizer.update(gradient, state, parameters)
            return optax.apply_updates(parameters, updates), state, value

        self._step = jax.jit(step)

    def step(self, events: dict[str, np.ndarray]) -> float:
        self.parameters, self.state, value = self._step(self.parameters, self.state, events)
        return value
