"""The channel summary shared by workspaces and model configurations (pyhf.mixins._ChannelSummaryMixin)."""

from __future__ import annotations

import logging

import neos_swift
import pytest
from neos_swift.mixins import _ChannelSummaryMixin


def _channel(name, bins, samples):
    return {
        "name": name,
        "samples": [
            {
                "name": sample,
                "data": [1.0] * bins,
                "modifiers": [{"name": f"{sample}_norm", "type": kind, "data": None}],
            }
            for sample, kind in samples
        ],
    }


def test_summary_is_sorted_and_unique():
    channels = [
        _channel("zeta", 3, [("signal", "normfactor"), ("bkg", "normfactor")]),
        _channel("alpha", 2, [("bkg", "normfactor")]),
    ]
    summary = _ChannelSummaryMixin(channels=channels)
    assert summary.channels == ["alpha", "zeta"]
    assert summary.samples == ["bkg", "signal"]
    assert summary.modifiers == [("bkg_norm", "normfactor"), ("signal_norm", "normfactor")]
    assert list(summary.channel_nbins.items()) == [("alpha", 2), ("zeta", 3)]
    assert summary.channel_slices == {"alpha": slice(0, 2), "zeta": slice(2, 5)}


def test_empty_channel_list():
    summary = _ChannelSummaryMixin(channels=[])
    assert (summary.channels, summary.samples, summary.modifiers, summary.channel_nbins) == ([], [], [], {})


def test_other_arguments_pass_on():
    class Base:
        def __init__(self, tag):
            self.tag = tag

    class Both(_ChannelSummaryMixin, Base):
        pass

    both = Both("x", channels=[_channel("c", 1, [("s", "normfactor")])])
    assert both.tag == "x" and both.channels == ["c"]


def test_workspace_and_config_are_channel_summaries():
    model = neos_swift.simplemodels.uncorrelated_background([1.0], [2.0], [0.5])
    assert isinstance(model.config, _ChannelSummaryMixin)
    spec = {
        "channels": [_channel("c", 1, [("s", "normfactor")])],
        "observations": [{"name": "c", "data": [3.0]}],
        "measurements": [{"name": "m", "config": {"poi": "s_norm", "parameters": []}}],
        "version": "1.0.0",
    }
    assert isinstance(neos_swift.Workspace(spec), _ChannelSummaryMixin)


def test_data_for_a_model_of_another_workspace_raises_key_error(caplog):
    spec = {
        "channels": [_channel("c", 1, [("s", "normfactor")])],
        "observations": [{"name": "c", "data": [3.0]}],
        "measurements": [{"name": "m", "config": {"poi": "s_norm", "parameters": []}}],
        "version": "1.0.0",
    }
    other = dict(spec, channels=[_channel("d", 1, [("s", "normfactor")])], observations=[{"name": "d", "data": [1.0]}])
    workspace, foreign = neos_swift.Workspace(spec), neos_swift.Workspace(other).model()
    with caplog.at_level(logging.ERROR), pytest.raises(KeyError, match="d"):
        workspace.data(foreign)
    assert "Invalid channel" in caplog.text
    assert workspace.data(workspace.model()) == [3.0]
