"""Hostile arguments at the C ABI, from Python (issue 13, classes 1-3): the reproducers of the issue's cases,
complementing test_hostile_abi.py.

Each case runs a small ctypes script in its own interpreter, so a crash or an abort of the library fails that case
only. The script loads the library through ``neos_swift._library`` (the signatures the package declares), makes the
call, and prints the status name, the error message and whether the output buffer kept its canaries.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

PRELUDE = textwrap.dedent(
    """
    import ctypes, json
    from neos_swift import _library
    lib = _library.lib
    CANARY = -1234.5
    SIZE_MAX = 2**64 - 1
    def doubles(values):
        return (ctypes.c_double * len(values))(*values)
    def report(status, out):
        print(json.dumps({
            "status": lib.neos_status_name(status).decode(),
            "message": lib.neos_last_error_message().decode(),
            "untouched": all(value == CANARY for value in out),
        }))
    def one_bin_model():
        model = ctypes.c_void_p()
        one = doubles([5.0]), doubles([10.0]), doubles([2.0])
        assert lib.neos_simplemodels_uncorrelated_background(*one, 1, ctypes.byref(model)) == 0
        return model
    """
)

# (case name, script body, expected status, words the message must contain)
CASES = [
    (
        "class 1: logpdf with n_data = SIZE_MAX / 2",
        """
        out = doubles([CANARY, CANARY])
        status = lib.neos_model_logpdf(one_bin_model(), doubles([1, 1]), 2, doubles([12, 25]), SIZE_MAX // 2, out)
        report(status, out)
        """,
        "NEOS_ERR_INVALID_ARGUMENT",
        ["n_data"],
    ),
    (
        "class 1: logpdf with n_data = 2**40",
        """
        out = doubles([CANARY, CANARY])
        status = lib.neos_model_logpdf(one_bin_model(), doubles([1, 1]), 2, doubles([12, 25]), 2**40, out)
        report(status, out)
        """,
        "NEOS_ERR_INVALID_ARGUMENT",
        ["n_data"],
    ),
    (
        "class 1: expected_data_vjp with n_cotangent = 2**62",
        """
        out = doubles([CANARY, CANARY, CANARY])
        status = lib.neos_model_expected_data_vjp(
            one_bin_model(), doubles([1, 1]), 2, True, doubles([1, 1]), 2**62, out, 2, None, 0)
        report(status, out)
        """,
        "NEOS_ERR_INVALID_ARGUMENT",
        ["n_cotangent"],
    ),
    (
        "class 2: hist with n_data = SIZE_MAX / 2",
        """
        out = doubles([CANARY] * 4)
        status = lib.neos_hist(doubles([0.1, 0.6]), SIZE_MAX // 2, None, doubles([0, 0.5, 1]), 3, 0.1, 0, out, 2)
        report(status, out)
        """,
        "NEOS_ERR_INVALID_ARGUMENT",
        ["n_data"],
    ),
    (
        "class 2: simplemodels with n_bins = 2**40",
        """
        model = ctypes.c_void_p()
        two = doubles([1, 2])
        status = lib.neos_simplemodels_uncorrelated_background(two, two, two, 2**40, ctypes.byref(model))
        report(status, [CANARY] if model.value is None else [0.0])
        """,
        "NEOS_ERR_INVALID_ARGUMENT",
        ["n_bins"],
    ),
    (
        "class 2: text output with n_out_json = SIZE_MAX / 2 on a short buffer",
        """
        buffer = ctypes.create_string_buffer(b"canary!", 8)
        status = lib.neos_model_metadata_json(one_bin_model(), buffer, SIZE_MAX // 2, None)
        report(status, [CANARY] if buffer.value == b"canary!" else [0.0])
        """,
        "NEOS_ERR_INVALID_ARGUMENT",
        ["n_out_json"],
    ),
    (
        "class 3: trainer with hidden [10**7]",
        """
        trainer = ctypes.c_void_p()
        status = lib.neos_trainer_create(b'{"hidden": [10000000]}', ctypes.byref(trainer))
        report(status, [CANARY] if trainer.value is None else [0.0])
        """,
        "NEOS_ERR_INVALID_ARGUMENT",
        ["hidden", "bytes"],
    ),
    (
        "class 3: trainer with bins 10**9",
        """
        trainer = ctypes.c_void_p()
        status = lib.neos_trainer_create(b'{"bins": 1000000000}', ctypes.byref(trainer))
        report(status, [CANARY] if trainer.value is None else [0.0])
        """,
        "NEOS_ERR_INVALID_ARGUMENT",
        ["bins", "bytes"],
    ),
    (
        "class 3: trainer parameters loaded from /dev/zero",
        """
        trainer = ctypes.c_void_p()
        config = b'{"hidden": [4], "points_per_blob": 40, "batch_size": 10}'
        assert lib.neos_trainer_create(config, ctypes.byref(trainer)) == 0
        status = lib.neos_trainer_load(trainer, b"/dev/zero")
        report(status, [CANARY])
        """,
        "NEOS_ERR_PARSE",
        ["/dev/zero", "bytes"],
    ),
]


@pytest.mark.parametrize(("name", "body", "status", "words"), CASES, ids=[case[0] for case in CASES])
def test_issue_reproducer_is_refused_in_its_own_process(name, body, status, words):
    script = PRELUDE + textwrap.dedent(body)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )
    assert result.returncode == 0, f"{name}: the process ended with {result.returncode}: {result.stderr[-2000:]}"
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == status, report
    assert report["message"], report
    for word in words:
        assert word in report["message"], report
    assert report["untouched"], report
