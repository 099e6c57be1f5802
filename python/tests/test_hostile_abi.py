"""Hostile arguments at the C ABI, from Python (issue 13, classes 1-3).

Each case runs a small ctypes script against the package's library (``neos_swift._library.lib``) in its own Python
subprocess, so a crash or an abort of the library fails that case and not the test run. Inputs whose claimed length
the library must not read past end at an unmapped guard page: reading one element too many kills the subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# Shared by every case's script: the library, a guard-page buffer, and the check of a refused call.
PRELUDE = textwrap.dedent(
    """
    import ctypes, mmap, sys
    from neos_swift._library import lib

    PAGE = mmap.PAGESIZE
    libc = ctypes.CDLL(None)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    _keep = []

    def guarded(values):
        # The values end exactly where an unmapped page starts.
        n = len(values)
        pages = (8 * n + PAGE - 1) // PAGE + 1
        region = mmap.mmap(-1, pages * PAGE)
        _keep.append(region)
        base = ctypes.addressof(ctypes.c_char.from_buffer(region))
        assert libc.mprotect(base + (pages - 1) * PAGE, PAGE, 0) == 0
        array = (ctypes.c_double * n).from_address(base + (pages - 1) * PAGE - 8 * n)
        for k, value in enumerate(values):
            array[k] = value
        return ctypes.cast(array, ctypes.POINTER(ctypes.c_double))

    def doubles(values):
        return (ctypes.c_double * len(values))(*values)

    CANARY = -7777.25

    def canaries(n):
        return (ctypes.c_double * (n + 4))(*([CANARY] * (n + 4)))

    def untouched(buffer):
        return all(value == CANARY for value in buffer)

    def message():
        return lib.neos_last_error_message().decode()

    def refused(status, expected, needle):
        name = lib.neos_status_name(status)
        assert status == expected, f"status {name}, expected {expected}: {message()}"
        assert needle in message(), f"{message()!r} does not name {needle!r}"

    INVALID = 1
    OUT_OF_MEMORY = 6
    HUGE = [2**64 - 1, 2**63 - 1, 1 << 40, 1 << 62]

    def simple_model():
        model = ctypes.c_void_p()
        values = doubles([5, 10]), doubles([50, 60]), doubles([5, 12])
        assert lib.neos_simplemodels_uncorrelated_background(*values, 2, ctypes.byref(model)) == 0, message()
        return model

    PARS = doubles([1, 1, 1])
    DATA = doubles([55, 70, 100, 25])
    """
)


def run_case(body: str) -> None:
    """Runs PRELUDE + body in a fresh interpreter; a non-zero exit (assertion, crash, abort) fails the case."""
    script = PRELUDE + textwrap.dedent(body) + "\nprint('case passed')\n"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0 and "case passed" in completed.stdout, (
        f"exit {completed.returncode}\n{completed.stdout[-2000:]}\n{completed.stderr[-4000:]}"
    )


def test_library_constants_match_the_prelude():
    from neos_swift._library import lib

    assert lib.neos_status_name(1) == b"NEOS_ERR_INVALID_ARGUMENT"
    assert lib.neos_status_name(6) == b"NEOS_ERR_OUT_OF_MEMORY"


# Class 1: a length the model or the network fixes, claimed longer than the caller's buffer.
CLASS_1 = {
    "logpdf n_data": """
        model = simple_model()
        data = guarded([50, 50, 50, 50])
        for n in HUGE + [1 << 20, 5, 0]:
            out = ctypes.c_double(CANARY)
            refused(lib.neos_model_logpdf(model, PARS, 3, data, n, ctypes.byref(out)), INVALID, "n_data")
            assert out.value == CANARY
    """,
    "logpdf_gradient n_data": """
        model = simple_model()
        data = guarded([50, 50, 50, 50])
        for n in HUGE + [1 << 20, 5]:
            grad = canaries(3)
            status = lib.neos_model_logpdf_gradient(model, PARS, 3, data, n, grad, 3, None, 0, None, 0)
            refused(status, INVALID, "n_data")
            assert untouched(grad)
    """,
    "nll_derivatives n_data": """
        model = simple_model()
        data = guarded([50, 50, 50, 50])
        for n in HUGE + [1 << 20, 5]:
            gradient, hessian = canaries(3), canaries(9)
            status = lib.neos_model_nll_derivatives(model, PARS, 3, data, n, gradient, 3, hessian, 9)
            refused(status, INVALID, "n_data")
            assert untouched(gradient) and untouched(hessian)
    """,
    "expected_data_vjp n_cotangent": """
        model = simple_model()
        cotangent = guarded([1, 1, 1, 1])
        for n in HUGE + [1 << 20, 5]:
            grad = canaries(3)
            status = lib.neos_model_expected_data_vjp(model, PARS, 3, True, cotangent, n, grad, 3, None, 0)
            refused(status, INVALID, "n_cotangent")
            assert untouched(grad)
    """,
    "trainer_loss_and_gradient dimension": """
        trainer = ctypes.c_void_p()
        config = b'{"hidden": [3], "points_per_blob": 40, "batch_size": 10}'
        assert lib.neos_trainer_create(config, ctypes.byref(trainer)) == 0, message()
        n = ctypes.c_size_t()
        assert lib.neos_trainer_sizes(trainer, ctypes.byref(n), None, None, None) == 0
        parameters = (ctypes.c_double * n.value)()
        assert lib.neos_trainer_parameters(trainer, parameters, n.value) == 0
        names = (ctypes.c_char_p * 4)(b"sig", b"bkg_nominal", b"bkg_up", b"bkg_down")
        point = guarded([0.5, 0.5])
        points = (ctypes.POINTER(ctypes.c_double) * 4)(point, point, point, point)
        counts = (ctypes.c_size_t * 4)(1, 1, 1, 1)
        for dimension in HUGE + [1 << 20, 3]:
            loss = ctypes.c_double(CANARY)
            status = lib.neos_trainer_loss_and_gradient(
                trainer, parameters, n.value, 4, names, dimension, points, counts, None, ctypes.byref(loss), None, 0
            )
            refused(status, INVALID, "dimension")
            assert loss.value == CANARY
    """,
}

# Class 2: claimed lengths with no bound of their own.
CLASS_2 = {
    "simplemodels n_bins": """
        values = guarded([5, 5])
        for n in HUGE:
            model = ctypes.c_void_p()
            status = lib.neos_simplemodels_uncorrelated_background(values, values, values, n, ctypes.byref(model))
            refused(status, INVALID, "n_bins")
            assert model.value is None
    """,
    "upper_limit n_scan": """
        model = simple_model()
        scan = guarded([0.5, 1, 2])
        for n in HUGE:
            limits = canaries(6)
            status = lib.neos_upper_limit(
                model, 0.05, scan, n, DATA, 4, None, None, None, 3, limits, 6, None, 0, None, 0, None
            )
            refused(status, INVALID, "n_scan")
            assert untouched(limits)
    """,
    "trainer_create_with_events dimension": """
        config = b'{"data": "events", "hidden": [3], "batch_size": 2}'
        names = (ctypes.c_char_p * 4)(b"sig", b"bkg_nominal", b"bkg_up", b"bkg_down")
        point = guarded([0.5, 0.5, 0.5, 0.5])
        points = (ctypes.POINTER(ctypes.c_double) * 4)(point, point, point, point)
        counts = (ctypes.c_size_t * 4)(2, 2, 2, 2)
        for dimension in HUGE + [1 << 20, 3]:
            trainer = ctypes.c_void_p()
            status = lib.neos_trainer_create_with_events(
                config, 4, names, dimension, points, counts, None, points, counts, None, ctypes.byref(trainer)
            )
            refused(status, INVALID, "dimension")
            assert trainer.value is None
    """,
    "hist n_data": """
        data = guarded([0.5] * 4)
        edges = doubles([0, 0.5, 1])
        for n in HUGE:
            counts = canaries(2)
            refused(lib.neos_hist(data, n, None, edges, 3, 0.1, 0, counts, 2), INVALID, "n_data")
            assert untouched(counts)
    """,
    "text output n_out_json": """
        model = simple_model()
        for n in HUGE:
            text = ctypes.create_string_buffer(b"X" * 8, 8)
            length = ctypes.c_size_t(12345)
            status = lib.neos_model_metadata_json(model, text, n, ctypes.byref(length))
            refused(status, INVALID, "n_out_json")
            assert text.raw == b"X" * 8 and length.value == 12345
    """,
}

# Class 3: configuration sizes no machine can hold, refused with the size they would need.
CLASS_3 = {
    "hidden [10**7]": ('{"hidden": [10000000]}', "hidden"),
    "hidden 11 layers of 10**8": ('{"hidden": [' + ", ".join(["100000000"] * 11) + "]}", "hidden"),
    "bins 10**9": ('{"bins": 1000000000}', "bins"),
    "points_per_blob 10**9": ('{"points_per_blob": 1000000000}', "points_per_blob"),
    "inputs 10**9": ('{"data": "events", "inputs": 1000000000, "hidden": [1000]}', "inputs"),
    "batch_size 10**9": ('{"batch_size": 1000000000, "points_per_blob": 100000000}', "batch_size"),
}


@pytest.mark.parametrize("name", sorted(CLASS_1))
def test_class_1_lengths_the_call_fixes_are_checked_first(name):
    run_case(CLASS_1[name])


@pytest.mark.parametrize("name", sorted(CLASS_2))
def test_class_2_claimed_lengths_are_bounded(name):
    run_case(CLASS_2[name])


@pytest.mark.parametrize("name", sorted(CLASS_3))
def test_class_3_configurations_are_capped(name):
    config, key = CLASS_3[name]
    run_case(
        f"""
        trainer = ctypes.c_void_p()
        status = lib.neos_trainer_create({config.encode()!r}, ctypes.byref(trainer))
        refused(status, OUT_OF_MEMORY if status == OUT_OF_MEMORY else INVALID, {key!r})
        assert "would need" in message() and "bytes" in message(), message()
        assert trainer.value is None
        """
    )


def test_class_3_loading_parameters_from_dev_zero_is_refused():
    run_case(
        """
        trainer = ctypes.c_void_p()
        config = b'{"hidden": [3], "points_per_blob": 40, "batch_size": 10}'
        assert lib.neos_trainer_create(config, ctypes.byref(trainer)) == 0, message()
        n = ctypes.c_size_t()
        assert lib.neos_trainer_sizes(trainer, ctypes.byref(n), None, None, None) == 0
        before, after = (ctypes.c_double * n.value)(), (ctypes.c_double * n.value)()
        assert lib.neos_trainer_parameters(trainer, before, n.value) == 0
        refused(lib.neos_trainer_load(trainer, b"/dev/zero"), 2, "/dev/zero")
        assert "no header line" in message()
        assert lib.neos_trainer_parameters(trainer, after, n.value) == 0
        assert list(before) == list(after)
        """
    )


def test_a_wrong_kind_of_handle_is_refused():
    run_case(
        """
        model = simple_model()
        trainer = ctypes.c_void_p()
        out = ctypes.c_double(CANARY)
        # A model where a trainer is expected, and a trainer-sized made-up value where a model is.
        refused(lib.neos_trainer_step(model, ctypes.byref(out)), INVALID, "neos_model handle, not a neos_trainer")
        refused(lib.neos_model_logpdf(16, PARS, 3, DATA, 4, ctypes.byref(out)), INVALID, "not a live handle")
        assert out.value == CANARY
        lib.neos_trainer_free(model)  # the wrong free function: ignored
        assert lib.neos_model_logpdf(model, PARS, 3, DATA, 4, ctypes.byref(out)) == 0, message()
        """
    )


def test_class_3_out_of_memory_is_a_status_under_an_address_space_limit():
    run_case(
        """
        import resource
        bins = 1 << 21  # a simple model of 2 M bins needs about 2 GiB
        values = (ctypes.c_double * bins)(*([5.0] * bins))
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * mmap.PAGESIZE
        resource.setrlimit(resource.RLIMIT_AS, (mapped + (512 << 20), mapped + (512 << 20)))
        model = ctypes.c_void_p()
        status = lib.neos_simplemodels_uncorrelated_background(values, values, values, bins, ctypes.byref(model))
        refused(status, OUT_OF_MEMORY, "would need")
        assert model.value is None
        assert lib.neos_simplemodels_uncorrelated_background(values, values, values, 4, ctypes.byref(model)) == 0
        """
    )


def test_class_5_an_overflowing_gradient_is_refused_with_nothing_written():
    # Finite inputs, infinite result: at data == cut the sigmoid's slope is 1/4, so d/d data = 1e300 · 1e300 / 4.
    run_case(
        """
        grad = canaries(1)
        cut_gradient, slope_gradient = ctypes.c_double(CANARY), ctypes.c_double(CANARY)
        status = lib.neos_cut_vjp(doubles([0.5]), 1, 0.5, 1e300, 0, doubles([1e300]), 1, grad, 1,
                                  ctypes.byref(cut_gradient), ctypes.byref(slope_gradient))
        refused(status, 5, "out_grad")
        assert untouched(grad) and cut_gradient.value == CANARY and slope_gradient.value == CANARY
        """
    )


def test_class_5_the_public_cut_vjp_raises_numeric_error():
    import neos_swift
    from neos_swift.errors import NumericError

    with pytest.raises(NumericError, match="out_grad"):
        neos_swift.cut_vjp([1e300], [0.5], 0.5, slope=1e300)
