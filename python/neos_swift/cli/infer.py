"""Inference commands: ``fit`` (maximum likelihood) and ``cls`` (CLs of one test value)."""

from __future__ import annotations

import logging
from typing import Any

import click

from neos_swift import get_backend, optimize, set_backend, utils
from neos_swift.cli._io import emit_json, read_json
from neos_swift.infer import hypotest, mle
from neos_swift.workspace import Workspace

log = logging.getLogger(__name__)

_BACKENDS = ["numpy", "pytorch", "tensorflow", "jax", "np", "torch", "tf"]


@click.group(name="infer")
def cli() -> None:
    """Fits and hypothesis tests."""


def _common_options(command):
    """The options ``fit`` and ``cls`` share, in pyhf's order."""
    decorators = [
        click.argument("workspace", default="-"),
        click.option(
            "--output-file", default=None, help="Write the JSON result to this file instead of standard output."
        ),
        click.option("--measurement", default=None, help="The measurement to use (default: the first one)."),
        click.option("-p", "--patch", multiple=True, help='A JSON patch file ("-" for standard input); repeatable.'),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _engine_options(command):
    decorators = [
        click.option(
            "--backend", type=click.Choice(_BACKENDS), default="numpy", help="The tensor backend of the results."
        ),
        click.option(
            "--optimizer", type=click.Choice(["scipy", "minuit"]), default="scipy", help="The minimiser to use."
        ),
        click.option(
            "--optconf",
            type=utils.EqDelimStringParamType(),
            multiple=True,
            help="An option of the minimiser as key=value (e.g. maxiter=1000); repeatable.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


# --backend spellings that change the backend: set_backend's name and keywords (pyhf's command line asks torch and
# tensorflow for 64-bit floats).
_BACKEND_SWITCHES = {
    spelling: switch
    for spellings, switch in (
        (("pytorch", "torch"), ("pytorch", {"precision": "64b"})),
        (("tensorflow", "tf"), ("tensorflow", {"precision": "64b"})),
        (("jax",), ("jax", {})),
    )
    for spelling in spellings
}


def _select_engine(backend: str, optimizer: str, optconf) -> object:
    """Make the chosen backend and minimiser (built with the --optconf options) current; returns the tensorlib."""
    switch = _BACKEND_SWITCHES.get(backend)
    if switch is not None:  # numpy (the default) stays as it is
        set_backend(switch[0], **switch[1])
    tensorlib, _ = get_backend()
    options = {}
    for pairs in optconf:  # each --optconf gives one {name: value}
        options.update(pairs)
    set_backend(tensorlib, getattr(optimize, f"{optimizer}_optimizer")(**options))
    return tensorlib


def _patches(paths):
    return [read_json(path) for path in paths]


@cli.command()
@_common_options
@click.option("--value", is_flag=True, default=False, help="Also print twice the NLL at the best fit (twice_nll).")
@_engine_options
def fit(
    workspace: str,
    output_file: str | None,
    measurement: str | None,
    patch: tuple[str, ...],
    value: bool,
    backend: str,
    optimizer: str,
    optconf: tuple[dict[str, Any], ...],
) -> None:
    """Fit all parameters of WORKSPACE's model to its observed data (infer.mle.fit) and print the best-fit
    values of each parameter set as JSON ("mle_parameters"; with --value also "twice_nll")."""
    tensorlib = _select_engine(backend, optimizer, optconf)
    ws = Workspace(read_json(workspace))
    model = ws.model(measurement_name=measurement, patches=_patches(patch))
    result = mle.fit(ws.data(model), model, return_fitted_val=value)
    best = result[0] if value else result
    output = {
        "mle_parameters": {name: tensorlib.tolist(best[entry["slice"]]) for name, entry in model.config.par_map.items()}
    }
    if value:
        output["twice_nll"] = tensorlib.tolist(result[-1])
    emit_json(output, output_file)


@cli.command()
@_common_options
@click.option("--test-poi", default=1.0, help="The value of the parameter of interest to test.")
@click.option("--test-stat", type=click.Choice(["q", "qtilde"]), default="qtilde")
@click.option("--calctype", type=click.Choice(["asymptotics", "toybased"]), default="asymptotics")
@_engine_options
def cls(
    workspace: str,
    output_file: str | None,
    measurement: str | None,
    patch: tuple[str, ...],
    test_poi: float,
    test_stat: str,
    calctype: str,
    backend: str,
    optimizer: str,
    optconf: tuple[dict[str, Any], ...],
) -> None:
    """Test --test-poi against WORKSPACE's observed data (infer.hypotest, interpolation codes 4 and 4p as
    pyhf's command line uses) and print the observed CLs and the five expected ones (-2..+2 sigma) as JSON."""
    ws = Workspace(read_json(workspace))
    model = ws.model(
        measurement_name=measurement,
        patches=_patches(patch),
        modifier_settings={"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}},
    )
    tensorlib = _select_engine(backend, optimizer, optconf)
    observed, expected = hypotest(
        test_poi, ws.data(model), model, test_stat=test_stat, calctype=calctype, return_expected_set=True
    )
    emit_json(
        {"CLs_obs": tensorlib.tolist(observed), "CLs_exp": [tensorlib.tolist(value) for value in expected]},
        output_file,
    )
