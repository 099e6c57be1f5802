"""Typing helpers, as relaxed's ``_compat`` package."""

from __future__ import annotations
