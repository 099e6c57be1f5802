"""pyhf's channel summary (``pyhf.mixins._ChannelSummaryMixin``): the sorted channel, sample and modifier names
of a list of channel specs, the bins of each channel and each channel's slice of the main data.

Workspaces and model configurations share it, as in pyhf; it is bookkeeping over names, no numbers.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

__all__ = ["_ChannelSummaryMixin"]


def __dir__():
    return __all__


class _ChannelSummary(NamedTuple):
    """What the mixin's properties report, computed once."""

    channels: list[str]
    samples: list[str]
    modifiers: list[tuple[str, str]]
    channel_nbins: dict[str, int]
    channel_slices: dict[str, slice]


def _slices(ordered_nbins: dict[str, int]) -> dict[str, slice]:
    """Consecutive slices of the main data, one per channel, in the order of ``ordered_nbins``."""
    ends = list(itertools.accumulate(ordered_nbins.values()))
    return {name: slice(end - width, end) for (name, width), end in zip(ordered_nbins.items(), ends)}


def _summary(channels) -> _ChannelSummary:
    """The summary of a list of channel specs: sorted channel, sample and (name, type) modifier lists, bins per
    channel (in channel order; a channel's width is that of its first sample) and each channel's slice of the main
    data."""
    width = {channel["name"]: len(channel["samples"][0]["data"]) for channel in channels}
    samples = [sample for channel in channels for sample in channel["samples"]]
    nbins = {name: width[name] for name in sorted(width)}
    return _ChannelSummary(
        channels=list(nbins),
        samples=sorted({sample["name"] for sample in samples}),
        modifiers=sorted(
            {(modifier["name"], modifier["type"]) for sample in samples for modifier in sample["modifiers"]}
        ),
        channel_nbins=nbins,
        channel_slices=_slices(nbins),
    )


class _ChannelSummaryMixin:
    """Summary properties of the channels given as the keyword ``channels`` (pyhf's constructor); other arguments
    go on to the next class. Classes that learn their channels later (a workspace, a model configuration) construct
    without it and call ``_set_summary``."""

    def __init__(self, *args, **kwargs):
        channels = kwargs.pop("channels", None)
        super().__init__(*args, **kwargs)
        if channels is not None:
            self._set_summary(_summary(channels))

    def _set_summary(self, summary: _ChannelSummary) -> None:
        self._channel_summary = summary

    @property
    def channels(self) -> list[str]:
        """The channel names, sorted."""
        return self._channel_summary.channels

    @property
    def samples(self) -> list[str]:
        """The sample names over all channels, sorted and unique."""
        return self._channel_summary.samples

    @property
    def modifiers(self) -> list[tuple[str, str]]:
        """The (name, type) pairs of every modifier, sorted and unique."""
        return self._channel_summary.modifiers

    @property
    def channel_nbins(self) -> dict[str, int]:
        """Bins per channel, in channel order."""
        return self._channel_summary.channel_nbins

    @property
    def channel_slices(self) -> dict[str, slice]:
        """Each channel's slice of the main data."""
        return self._channel_summary.channel_slices
