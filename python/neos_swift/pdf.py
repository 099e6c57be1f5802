"""pyhf.pdf: the HistFactory model class and its configuration (pyhf 0.7.6's public names)."""

from __future__ import annotations

from .workspace import Model
from .workspace import ModelConfig as _ModelConfig

__all__ = ["Model", "_ModelConfig"]


def __dir__():
    return __all__
