"""pyhf's channel summary (``pyhf.mixins._ChannelSummaryMixin``): the sorted channel, sample and modifier names
of a list of channel specs, the bins of each channel and each channel's slice of the main data.

Workspaces and model configurations share it, as in pyhf; it is bookkeeping over names, no numbers.
"""

from __future__ import annotations

__all__ = ["_ChannelSummaryMixin"]


def __dir__():
    return __all__


def _summary(channels):
    """The summary of a list of channel specs: sorted channel, sample and (name, type) modifier lists, bins per
    channel (in channel order) and each channel's slice of the main data."""
    names, samples, modifiers, nbins = set(), set(), set(), {}
    for channel in channels:
        names.add(channel["name"])
        nbins[channel["name"]] = len(channel["samples"][0]["data"])
        for sample in channel["samples"]:
            samples.add(sample["name"])
            modifiers.update((modifier["name"], modifier["type"]) for modifier in sample["modifiers"])
    ordered = sorted(names)
    channel_nbins = {name: nbins[name] for name in ordered}
    slices, begin = {}, 0
    for name in ordered:
        slices[name] = slice(begin, begin + channel_nbins[name])
        begin += channel_nbins[name]
    return ordered, sorted(samples), sorted(modifiers), channel_nbins, slices


class _ChannelSummaryMixin:
    """Summary properties of the channels given as the keyword ``channels`` (pyhf's constructor); other arguments
    go on to the next class. Classes that learn their channels later (a workspace, a model configuration) construct
    without it and call ``_set_summary``."""

    def __init__(self, *args, **kwargs):
        channels = kwargs.pop("channels", None)
        super().__init__(*args, **kwargs)
        if channels is not None:
            self._set_summary(_summary(channels))

    def _set_summary(self, summary) -> None:
        self._channels, self._samples, self._modifiers, self._channel_nbins, self._channel_slices = summary

    @property
    def channels(self) -> list[str]:
        """The channel names, sorted."""
        return self._channels

    @property
    def samples(self) -> list[str]:
        """The sample names over all channels, sorted and unique."""
        return self._samples

    @property
    def modifiers(self) -> list[tuple[str, str]]:
        """The (name, type) pairs of every modifier, sorted and unique."""
        return self._modifiers

    @property
    def channel_nbins(self) -> dict[str, int]:
        """Bins per channel, in channel order."""
        return self._channel_nbins

    @property
    def channel_slices(self) -> dict[str, slice]:
        """Each channel's slice of the main data."""
        return self._channel_slices
