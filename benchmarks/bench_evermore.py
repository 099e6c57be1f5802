"""Benchmark: neos-swift against evermore 0.4.2 (jax) on one 4-bin HistFactory model, from Python.

The model, written once as a pyhf workspace for neos-swift and once with evermore's modifiers: one channel of 4 bins,
a signal with the normfactor ``mu`` (the POI) on a background carrying a symmetric normsys (κ = 1.08: pyhf's
code1 with hi = κ, lo = 1/κ, which is evermore's ``scale_log_symmetric``), a histosys (interpolation code4p, which
is evermore's ``VerticalTemplateMorphing``) and a staterror per bin (pyhf's Gaussian-constrained γ with σ =
uncertainty / yield, which is what evermore's ``StatErrors`` builds: γ = 1 + σ t with t unit-normal). Seven
parameters.

evermore 0.4.2's parallel modifier composition (``Compose``, the ``@`` operator) and ``StatErrors`` fail under
``jax.jit`` with flax 0.12.10 and 0.12.12 and jax 0.10.2 and 0.12.0 (``Compose`` groups modifiers by their nnx
graphdef, which holds the traced parameter value as a static attribute: ``TypeError: unhashable type:
'DynamicJaxprTracer'``; evermore's own ``examples/model.py`` pattern fails the same way). So the modifiers are
applied one after the other — morphing on the nominal, then the normsys and γ scales — which is the same
HistFactory expression (nominal + Δ)·κ^θ·γ, and the staterror is a unit-normal vector parameter with
``scale(slope=σ, offset=1)``, ``StatErrors``' construction for non-empty bins.

evermore leaves the likelihood to its user; ours is the Poisson term of every bin (``PoissonContinuous``
unnormalised: n log λ − λ − lgamma(n + 1), as pyhf) plus evermore's constraint log-probabilities
(``evm.loss.get_log_probs``), on a flat vector of the 7 parameter values so one jitted call takes one array.
evermore's Gaussian constraints are normalised to 0 at their mean, pyhf's are not: the agreement check adds the
constant Σ log(σ √(2π)) to evermore's NLL; the timed functions leave it out (it changes neither gradient nor fit).

Checked before timing (and printed): the NLL at four parameter points to 1e-10 relative, the gradient to 1e-8 of
its largest entry, the best fit to 1e-6 and σ_μ with its gradient with respect to the yields to 1e-8.

Timed (both sides in this one process; neos-swift through its ctypes package, evermore jitted and warm, inputs
already jax arrays, results blocked on):

- NLL + gradient: neos-swift's fused ``model.nll_and_gradient`` (one ctypes call, ``neos_model_nll_and_gradient``);
  evermore ``jax.jit(jax.value_and_grad(nll))``. The two separate calls ``model.logpdf`` then ``model.nll_gradient``
  are timed too, each alone, and the bare C calls with pre-converted arguments (``lib.neos_model_logpdf`` in a
  tight loop): the difference to the package call is the Python side's argument conversion.
- a fit from the suggested initial parameters: ``neos_swift.infer.mle.fit`` (bounded, exact derivatives) against
  ``jax.jit`` of ``optimistix.minimise`` with BFGS (rtol = atol = 1e-10) on evermore's NLL.
- σ_μ and its gradient with respect to the yields: ``neos_swift.losses.poi_uncertainty(model, 1.0,
  return_grad=True)`` (Fisher information on the Asimov data of the nominal point; gradient w.r.t. every model
  input) against ``jax.jit(jax.value_and_grad(sigma_mu))`` of σ_μ = √[(H⁻¹)_μμ] with H = ``jax.hessian`` of
  evermore's NLL on its own Asimov data, differentiated w.r.t. signal, background, histosys templates and stat
  uncertainties (every input but κ).

Needs evermore (Python ≥ 3.12): ``bash benchmarks/run.sh evermore`` makes ``benchmarks/.venv-evermore`` from
``benchmarks/requirements-evermore.txt`` (plus neos_swift's own dependencies) and runs this script there.
"""

from __future__ import annotations

import ctypes
import os
import sys

import harness

WORKLOAD = "evermore"

SIGNAL = [2.0, 5.0, 8.0, 4.0]
BACKGROUND = [50.0, 40.0, 30.0, 20.0]
HISTO_UP = [52.5, 41.6, 31.8, 20.6]
HISTO_DOWN = [48.0, 38.8, 28.5, 19.6]
STAT_UNCERTAINTY = [2.5, 2.0, 1.8, 1.5]
KAPPA = 1.08
OBSERVED = [56.0, 48.0, 41.0, 26.0]
MODIFIER_SETTINGS = {"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code4p"}}
# evermore's flat parameter vector: [mu, normsys θ, histosys α, t_1..t_4] with γ_i = 1 + σ_i t_i.
N_PARS = 7


def workspace_spec() -> dict:
    """The model as a pyhf workspace."""
    return {
        "channels": [
            {
                "name": "sr",
                "samples": [
                    {
                        "name": "signal",
                        "data": SIGNAL,
                        "modifiers": [{"name": "mu", "type": "normfactor", "data": None}],
                    },
                    {
                        "name": "background",
                        "data": BACKGROUND,
                        "modifiers": [
                            {"name": "bkg_norm", "type": "normsys", "data": {"hi": KAPPA, "lo": 1 / KAPPA}},
                            {
                                "name": "bkg_shape",
                                "type": "histosys",
                                "data": {"hi_data": HISTO_UP, "lo_data": HISTO_DOWN},
                            },
                            {"name": "staterror_sr", "type": "staterror", "data": STAT_UNCERTAINTY},
                        ],
                    },
                ],
            }
        ],
        "observations": [{"name": "sr", "data": OBSERVED}],
        "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0",
    }


# ---------------------------------------------------------------------------------------------------------------
# evermore side
# ---------------------------------------------------------------------------------------------------------------


def evermore_side():
    """The evermore model: (hists, nll(x, hists, observed), expected(x, hists), constant(hists))."""
    import evermore as evm
    import jax
    import jax.numpy as jnp

    def build(x, hists):
        """evermore's modifiers at the flat parameter vector x; returns (expected main data, parameter tree).

        The background's modifiers are applied one after the other (morphing first, on the nominal; then the two
        scales), which is HistFactory's (nominal + Δ)·κ^θ·γ: evermore's parallel ``Compose`` (``@``) fails under
        ``jax.jit`` with flax 0.12 (see the module docstring). The staterror is ``StatErrors``' own construction for
        non-empty bins, a unit-normal vector t scaling by 1 + σ t (``StatErrors`` itself fails under jit too)."""
        mu = evm.Parameter(x[0])
        norm = evm.NormalParameter(x[1])
        shape = evm.NormalParameter(x[2])
        stat = evm.NormalParameter(x[3:7])
        relative = hists["stat"] / hists["background"]
        signal = mu.scale()(hists["signal"])
        background = shape.morphing(up_template=hists["up"], down_template=hists["down"])(hists["background"])
        background = norm.scale_log_symmetric(kappa=KAPPA)(background)
        background = stat.scale(slope=relative, offset=1.0)(background)
        return signal + background, {"mu": mu, "norm": norm, "shape": shape, "stat": stat}

    def expected(x, hists):
        return build(x, hists)[0]

    def nll(x, hists, observed):
        rates, params = build(x, hists)
        poisson = evm.pdf.PoissonContinuous(lamb=rates).log_prob(observed, normalize=False)
        constraints = sum(jnp.sum(leaf) for leaf in jax.tree.leaves(evm.loss.get_log_probs(params)))
        return -(jnp.sum(poisson) + constraints)

    def constant(hists):
        """Σ log(σ √(2π)) over the Gaussian constraints: what pyhf's NLL has on top of evermore's."""
        relative = hists["stat"] / hists["background"]
        return 6 * 0.5 * jnp.log(2 * jnp.pi) + jnp.sum(jnp.log(relative))

    hists = {
        "signal": jnp.asarray(SIGNAL),
        "background": jnp.asarray(BACKGROUND),
        "up": jnp.asarray(HISTO_UP),
        "down": jnp.asarray(HISTO_DOWN),
        "stat": jnp.asarray(STAT_UNCERTAINTY),
    }
    return hists, nll, expected, constant


def neos_to_evermore(pars, model):
    """neos-swift's parameter vector (pyhf order, γ) as evermore's flat vector (t = (γ − 1) / σ)."""
    import numpy as np

    config = model.config
    relative = np.asarray(STAT_UNCERTAINTY) / np.asarray(BACKGROUND)
    gammas = np.asarray(pars)[config.par_slice("staterror_sr")]
    return np.concatenate(
        [
            [pars[config.par_slice("mu")][0]],
            [pars[config.par_slice("bkg_norm")][0]],
            [pars[config.par_slice("bkg_shape")][0]],
            (gammas - 1) / relative,
        ]
    )


def evermore_to_neos(x, model):
    import numpy as np

    config = model.config
    relative = np.asarray(STAT_UNCERTAINTY) / np.asarray(BACKGROUND)
    pars = np.empty(config.npars)
    pars[config.par_slice("mu")] = x[0]
    pars[config.par_slice("bkg_norm")] = x[1]
    pars[config.par_slice("bkg_shape")] = x[2]
    pars[config.par_slice("staterror_sr")] = 1 + relative * np.asarray(x[3:7])
    return pars


def input_gradient_by_name(names, gradient):
    """neos-swift's gradient w.r.t. model.inputs() gathered into evermore's hist arrays (by input name)."""
    import numpy as np

    prefixes = {
        "signal": "sr/signal/nominal[",
        "background": "sr/background/nominal[",
        "up": "sr/background/histosys/bkg_shape/hi[",
        "down": "sr/background/histosys/bkg_shape/lo[",
        "stat": "sr/background/staterror/staterror_sr[",
    }
    return {
        key: np.asarray([g for n, g in zip(names, gradient) if n.startswith(prefix)])
        for key, prefix in prefixes.items()
    }


def cpu_per_call(fn, seconds: float = 0.5, rounds: int = 5) -> float:
    """Process CPU seconds per call (every thread of the process), the median of ``rounds`` loops of about
    ``seconds`` / ``rounds`` each: on a shared, oversubscribed machine wall-clock time also counts the time spent
    waiting for a core, CPU time does not."""
    import statistics
    import time

    single = max(harness.time_once(fn), 1e-7)
    number = max(1, int(seconds / rounds / single))
    values = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(number):
            fn()
        values.append((time.process_time() - start) / number)
    return statistics.median(values)


# ---------------------------------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)
    harness.enable_jax_x64()
    import evermore
    import jax
    import jax.numpy as jnp
    import neos_swift
    import numpy as np
    import optimistix as optx
    from neos_swift._library import lib, pointer

    info = harness.report_machine(
        settings,
        notes=[
            f"evermore {evermore.__version__}, optimistix {harness.metadata.version('optimistix')}, "
            f"jax {jax.__version__}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
            f"{os.getloadavg()[2]:.2f}"
        ],
        flush=True,
    )

    # ---- the two models -----------------------------------------------------------------------------------
    workspace = neos_swift.Workspace(workspace_spec())
    model = workspace.model(modifier_settings=MODIFIER_SETTINGS)
    data = np.asarray(workspace.data(model), dtype=np.float64)
    hists, nll, expected, constant = evermore_side()
    observed = jnp.asarray(OBSERVED)
    const = float(constant(hists))

    nll_jit = jax.jit(lambda x: nll(x, hists, observed))
    value_and_grad = jax.jit(jax.value_and_grad(lambda x: nll(x, hists, observed)))

    solver = optx.BFGS(rtol=1e-10, atol=1e-10)

    @jax.jit
    def evermore_fit(x0):
        return optx.minimise(lambda x, _: nll(x, hists, observed), solver, x0, max_steps=1000).value

    def sigma_mu(h):
        nominal = jnp.array([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
        asimov = jax.lax.stop_gradient(nominal)  # the nominal point itself is not differentiated
        asimov_data = expected(asimov, h)
        hessian = jax.hessian(lambda x: nll(x, h, asimov_data))(nominal)
        return jnp.sqrt(jnp.linalg.inv(hessian)[0, 0])

    sigma_value_and_grad = jax.jit(jax.value_and_grad(sigma_mu))

    # ---- agreement ----------------------------------------------------------------------------------------
    init = np.asarray(model.config.suggested_init())
    rng = np.random.default_rng(14)
    points = [init] + [init + rng.normal(0, 0.3, size=init.size) * np.where(init == 1.0, 0.1, 1.0) for _ in range(3)]
    checks = {"nll": [], "gradient": []}
    for pars in points:
        pars[model.config.par_slice("mu")] = abs(pars[model.config.par_slice("mu")])
        x = jnp.asarray(neos_to_evermore(pars, model))
        ours = -float(model.logpdf(pars, data)[0])
        theirs = float(nll_jit(x)) + const
        relative = abs(ours - theirs) / abs(theirs)
        # gradient in evermore's coordinates: d/dt = d/dγ · σ
        grad_ours = np.asarray(model.nll_gradient(pars, data))
        # the fused call that is timed gives the two separate calls' numbers bit for bit
        fused_value, fused_gradient = model.nll_and_gradient(pars, data)
        assert fused_value == ours and np.array_equal(fused_gradient, grad_ours), "nll_and_gradient differs"
        relative_sigma = np.asarray(STAT_UNCERTAINTY) / np.asarray(BACKGROUND)
        grad_ours_x = neos_to_evermore(grad_ours, model)
        grad_ours_x[3:7] = grad_ours[model.config.par_slice("staterror_sr")] * relative_sigma
        grad_theirs = np.asarray(value_and_grad(x)[1])
        grad_relative = harness.max_relative_difference(grad_ours_x, grad_theirs)
        checks["nll"].append(relative)
        checks["gradient"].append(grad_relative)
        print(
            f"check NLL at {np.round(pars, 4).tolist()}: neos {ours:.15g}, evermore {theirs:.15g}, rel {relative:.1e};"
            f" gradient rel {grad_relative:.1e}"
        )
        if relative > 1e-10 or grad_relative > 1e-8:
            raise AssertionError("neos-swift and evermore disagree on the NLL or its gradient")

    fit_ours, twice_nll = neos_swift.infer.mle.fit(data, model, return_fitted_val=True)
    fit_theirs_x = np.asarray(evermore_fit(jnp.asarray(neos_to_evermore(init, model))))
    fit_theirs = evermore_to_neos(fit_theirs_x, model)
    fit_difference = float(np.max(np.abs(fit_ours - fit_theirs)))
    checks["fit_max_abs_difference"] = fit_difference
    checks["fit_twice_nll"] = [float(twice_nll), 2 * (float(nll_jit(jnp.asarray(fit_theirs_x))) + const)]
    print(
        f"check best fit: neos {np.round(fit_ours, 8).tolist()}, max |difference| to evermore {fit_difference:.1e};"
        f" twice NLL {checks['fit_twice_nll'][0]:.12g} vs {checks['fit_twice_nll'][1]:.12g}"
    )
    if fit_difference > 1e-6:
        raise AssertionError("neos-swift and evermore find different best fits")

    sigma_ours, sigma_grad_ours = neos_swift.losses.poi_uncertainty(model, 1.0, return_grad=True)
    sigma_theirs, sigma_grad_theirs = sigma_value_and_grad(hists)
    names = model.inputs()[0]
    gathered = input_gradient_by_name(names, sigma_grad_ours)
    sigma_relative = abs(sigma_ours - float(sigma_theirs)) / float(sigma_theirs)
    grad_relative = max(
        harness.max_relative_difference(gathered[k], np.asarray(sigma_grad_theirs[k])) for k in gathered
    )
    checks["sigma_mu"] = [sigma_relative, grad_relative]
    print(
        f"check σ_μ: neos {sigma_ours:.15g}, evermore {float(sigma_theirs):.15g}, rel {sigma_relative:.1e};"
        f" gradient w.r.t. yields rel {grad_relative:.1e} ({sum(v.size for v in gathered.values())} entries)"
    )
    if sigma_relative > 1e-10 or grad_relative > 1e-8:
        raise AssertionError("neos-swift and evermore disagree on σ_μ or its gradient")

    # ---- timing -------------------------------------------------------------------------------------------
    repeat, warmup = settings.repeat, settings.warmup
    pars = points[1]
    x = jnp.asarray(neos_to_evermore(pars, model))
    x0 = jnp.asarray(neos_to_evermore(init, model))

    def block(value):
        return jax.block_until_ready(value)

    first = {
        "NLL + gradient": harness.time_once(
            lambda: block(jax.jit(jax.value_and_grad(lambda y: nll(y, hists, observed)))(x))
        ),
        "fit": harness.time_once(
            lambda: block(
                jax.jit(lambda y: optx.minimise(lambda z, _: nll(z, hists, observed), solver, y, max_steps=1000).value)(
                    x0
                )
            )
        ),
        "σ_μ + gradient": harness.time_once(lambda: block(jax.jit(jax.value_and_grad(sigma_mu))(hists))),
    }

    # the bare C calls with their arguments converted once
    pars_c = np.ascontiguousarray(pars)
    out = ctypes.c_double()
    gradient_out = np.empty(model.config.npars)
    p_pars, p_data, p_grad = pointer(pars_c), pointer(data), pointer(gradient_out)
    n_pars, n_data, n_grad = pars_c.size, data.size, gradient_out.size
    out_ref = ctypes.byref(out)

    def bare_logpdf():
        lib.neos_model_logpdf(model, p_pars, n_pars, p_data, n_data, out_ref)

    def bare_gradient():
        lib.neos_model_nll_derivatives(model, p_pars, n_pars, p_data, n_data, p_grad, n_grad, None, 0)

    rows_spec = [
        (
            "NLL + gradient",
            lambda: model.nll_and_gradient(pars, data),
            lambda: block(value_and_grad(x)),
        ),
        ("fit (from suggested init)", lambda: neos_swift.infer.mle.fit(data, model), lambda: block(evermore_fit(x0))),
        (
            "σ_μ + gradient w.r.t. yields",
            lambda: neos_swift.losses.poi_uncertainty(model, 1.0, return_grad=True),
            lambda: block(sigma_value_and_grad(hists)),
        ),
    ]
    results = {"checks": checks, "rows": [], "profile": {}}
    rows = []
    for label, ours_fn, theirs_fn in rows_spec:
        ours_t = harness.measure(ours_fn, repeat, warmup)
        theirs_t = harness.measure(theirs_fn, repeat, warmup)
        ours_cpu, theirs_cpu = cpu_per_call(ours_fn), cpu_per_call(theirs_fn)
        first_key = label.split(" (")[0].replace(" w.r.t. yields", "")
        rows.append(
            [
                label,
                harness.format_timing(ours_t),
                harness.format_timing(theirs_t),
                harness.format_ratio(ours_t, theirs_t),
                harness.format_seconds(ours_cpu),
                harness.format_seconds(theirs_cpu),
                harness.format_ratio(ours_cpu, theirs_cpu),
                harness.format_seconds(first.get(first_key)),
            ]
        )
        results["rows"].append(
            {
                "row": label,
                "neos_swift": ours_t,
                "evermore": theirs_t,
                "neos_swift_cpu_per_call": ours_cpu,
                "evermore_cpu_per_call": theirs_cpu,
                "evermore_first_call": first.get(first_key),
            }
        )
        print(f"{label}: {harness.format_timing(ours_t)} vs {harness.format_timing(theirs_t)}", flush=True)
    harness.print_table(
        [
            "4-bin model, 7 parameters",
            "neos-swift",
            "evermore (jit)",
            "neos/evermore",
            "neos CPU/call",
            "evermore CPU/call",
            "neos/evermore (CPU)",
            "evermore 1st call",
        ],
        rows,
        title=f"neos-swift vs evermore {evermore.__version__} (wall-clock medians; CPU seconds per call)",
    )

    # ---- where neos-swift's time goes ---------------------------------------------------------------------
    # the bare fit: the arguments infer.mle.fit passes to lib.neos_fit_with_options, captured once
    native_fit = lib.neos_fit_with_options
    captured = {}

    def capture(*arguments):
        captured["arguments"] = arguments
        return native_fit(*arguments)

    lib.neos_fit_with_options = capture
    try:
        neos_swift.infer.mle.fit(data, model)
    finally:
        lib.neos_fit_with_options = native_fit
    fit_arguments = captured["arguments"]
    n_out = ctypes.c_size_t()
    n_out_ref = ctypes.byref(n_out)
    profile_calls = {
        "model.logpdf": lambda: model.logpdf(pars, data),
        "model.nll_gradient": lambda: model.nll_gradient(pars, data),
        "model.logpdf + model.nll_gradient (two calls)": lambda: (
            model.logpdf(pars, data),
            model.nll_gradient(pars, data),
        ),
        "model.nll_and_gradient (fused)": lambda: model.nll_and_gradient(pars, data),
        "lib.neos_model_logpdf (bare ctypes, arguments pre-converted)": bare_logpdf,
        "lib.neos_model_nll_derivatives (bare ctypes, gradient only)": bare_gradient,
        "lib.neos_model_nll_and_gradient (bare ctypes, fused)": lambda: lib.neos_model_nll_and_gradient(
            model, p_pars, n_pars, p_data, n_data, out_ref, p_grad, n_grad
        ),
        "infer.mle.fit": lambda: neos_swift.infer.mle.fit(data, model),
        "lib.neos_fit_with_options (bare ctypes, arguments pre-converted)": lambda: native_fit(*fit_arguments),
        "ctypes floor: lib.neos_model_sizes (one size_t out)": lambda: lib.neos_model_sizes(
            model, n_out_ref, None, None, None, None
        ),
    }
    profile = {}
    for name, fn in profile_calls.items():
        profile[name] = {"wall": harness.measure(fn, repeat, warmup), "cpu_per_call": cpu_per_call(fn)}
    harness.print_table(
        ["neos-swift call", "wall (median)", "CPU per call"],
        [[k, harness.format_timing(v["wall"]), harness.format_seconds(v["cpu_per_call"])] for k, v in profile.items()],
        title="where neos-swift's time goes, call by call",
    )
    results["profile"] = profile
    harness.write_results(WORKLOAD, settings, info, results, extra={"evermore_first_call": first})
    return 0


if __name__ == "__main__":
    sys.exit(main())
