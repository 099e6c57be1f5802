"""pyhf 0.7.6's ``pyhf.contrib.viz``: matplotlib views of inference results."""

from __future__ import annotations
