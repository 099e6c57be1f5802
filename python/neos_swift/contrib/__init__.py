"""pyhf 0.7.6's ``pyhf.contrib``: extras outside the statistics (plots of hypothesis-test scans, downloads of
published likelihoods)."""

from __future__ import annotations
