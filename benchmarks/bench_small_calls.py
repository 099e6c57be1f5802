"""Benchmark: the cost of one small call from Python (issue 14), on bench_evermore.py's 4-bin, 7-parameter model.

CPU seconds per call (bench_evermore's ``cpu_per_call``: process CPU time, the median of 5 loops), in one process:

- the bare C calls (``lib.…`` with their arguments converted once): ``neos_model_logpdf``,
  ``neos_model_nll_derivatives`` (gradient only) and the fused ``neos_model_nll_and_gradient``;
- NLL + gradient from the package: the two calls ``model.logpdf`` + ``model.nll_gradient`` and the fused
  ``model.nll_and_gradient``, each with today's argument conversion and with the conversion before issue 14
  (``as_float_array`` for every array, ``ndarray.ctypes.data_as`` for every pointer), put back for the run;
- the pieces of the conversion: ``as_doubles`` and ``pointer`` on a 7-element float64 array, old and new.

Run: ``NEOS_LIBRARY=$PWD/.build/release PYTHONPATH=python:benchmarks python benchmarks/bench_small_calls.py``.
"""

from __future__ import annotations

import ctypes
import os
import sys

import harness
from bench_evermore import MODIFIER_SETTINGS, cpu_per_call, workspace_spec

WORKLOAD = "small_calls"


def main(argv=None) -> int:
    settings = harness.parse_args(WORKLOAD, __doc__.splitlines()[0], argv)
    import neos_swift
    import numpy as np
    from neos_swift import _library, pdf
    from neos_swift._arguments import as_float_array
    from neos_swift._library import c_double_p, lib

    load = os.getloadavg()
    info = harness.report_machine(settings, notes=[f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"])
    workspace = neos_swift.Workspace(workspace_spec())
    model = workspace.model(modifier_settings=MODIFIER_SETTINGS)
    data = np.asarray(workspace.data(model), dtype=np.float64)
    pars = np.asarray(model.config.suggested_init(), dtype=np.float64) + 0.1

    # the same numbers from both paths, before anything is timed
    value, gradient = model.nll_and_gradient(pars, data)
    assert value == -model.logpdf(pars, data)[0] and np.array_equal(gradient, model.nll_gradient(pars, data))

    out = ctypes.c_double()
    gradient_out = np.empty(model.config.npars)
    p_pars, p_data, p_grad = (a.ctypes.data_as(c_double_p) for a in (pars, data, gradient_out))
    n_pars, n_data, n_grad = pars.size, data.size, gradient_out.size
    out_ref = ctypes.byref(out)

    def old_as_doubles(values, name):
        return as_float_array(name, values, ndim=1)

    def old_pointer(array):
        return None if array is None else array.ctypes.data_as(c_double_p)

    new_as_doubles, new_pointer = pdf.as_doubles, pdf.pointer

    def with_conversion(as_doubles, pointer, fn):
        def call():
            pdf.as_doubles, pdf.pointer = as_doubles, pointer
            try:
                return fn()
            finally:
                pdf.as_doubles, pdf.pointer = new_as_doubles, new_pointer

        return call

    def two_calls():
        return model.logpdf(pars, data), model.nll_gradient(pars, data)

    def fused():
        return model.nll_and_gradient(pars, data)

    calls = {
        "lib.neos_model_logpdf (bare)": lambda: lib.neos_model_logpdf(model, p_pars, n_pars, p_data, n_data, out_ref),
        "lib.neos_model_nll_derivatives, gradient only (bare)": lambda: lib.neos_model_nll_derivatives(
            model, p_pars, n_pars, p_data, n_data, p_grad, n_grad, None, 0
        ),
        "lib.neos_model_nll_and_gradient (bare, fused)": lambda: lib.neos_model_nll_and_gradient(
            model, p_pars, n_pars, p_data, n_data, out_ref, p_grad, n_grad
        ),
        "model.logpdf + model.nll_gradient, old conversion": with_conversion(old_as_doubles, old_pointer, two_calls),
        "model.logpdf + model.nll_gradient, new conversion": two_calls,
        "model.nll_and_gradient, old conversion": with_conversion(old_as_doubles, old_pointer, fused),
        "model.nll_and_gradient (fused, new conversion)": fused,
        "as_doubles(7 float64), old": lambda: old_as_doubles(pars, "pars"),
        "as_doubles(7 float64), new": lambda: _library.as_doubles(pars, "pars"),
        "pointer(7 float64), old (data_as)": lambda: old_pointer(pars),
        "pointer(7 float64), new (from_buffer)": lambda: _library.pointer(pars),
    }
    # the old conversion's overhead includes the patching wrapper's; time the wrapper around the new path too
    calls["model.nll_and_gradient, new conversion via the patching wrapper"] = with_conversion(
        new_as_doubles, new_pointer, fused
    )
    results = {name: cpu_per_call(fn) for name, fn in calls.items()}
    harness.print_table(
        ["call", "CPU per call"],
        [[name, harness.format_seconds(seconds)] for name, seconds in results.items()],
        title="small calls from Python (4-bin model, 7 parameters)",
    )
    harness.write_results(WORKLOAD, settings, info, {"cpu_per_call": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
