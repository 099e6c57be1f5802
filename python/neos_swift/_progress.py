"""The one home of progress bars: tqdm bars on standard error for training, scans and toys.

Whether a bar is shown is decided here, the same way everywhere:

* ``NEOS_PROGRESS=0`` (or ``false``, ``no``, ``off``) in the environment turns every bar off, whatever a caller asks;
* otherwise an explicit ``progress=True`` shows a bar (and, without tqdm, raises ``ImportError`` saying how to
  install it), an explicit ``progress=False`` shows none;
* ``progress=None`` means the caller's default: pyhf-compatible functions show no bar (as pyhf), the training shows
  one when standard error is a terminal; ``NEOS_PROGRESS=1`` turns the defaults on. A default bar is silently left
  out when tqdm is not installed.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

__all__ = ["ProgressBar", "bar", "enabled", "write"]

_ENVIRONMENT = "NEOS_PROGRESS"
_OFF = {"0", "false", "no", "off"}
_INSTALL_HINT = "progress bars need tqdm: python -m pip install tqdm (or pass progress=False / set NEOS_PROGRESS=0)"


def _environment() -> bool | None:
    """True, False, or None when NEOS_PROGRESS is unset or empty."""
    value = os.environ.get(_ENVIRONMENT, "").strip().lower()
    if not value:
        return None
    return value not in _OFF


def _tqdm():
    try:
        import tqdm
    except ImportError:
        return None
    return tqdm


def enabled(progress: bool | None = None, *, default: bool = False) -> bool:
    """Whether to show a bar, by the rules of this module's docstring. ``default`` is the caller's choice for
    ``progress=None`` (the training passes whether standard error is a terminal). ``ImportError`` when a bar is
    asked for explicitly and tqdm is missing."""
    environment = _environment()
    if environment is False or progress is False:
        return False
    if progress is True:
        if _tqdm() is None:
            raise ImportError(_INSTALL_HINT)
        return True
    wanted = default or bool(environment)
    return wanted and _tqdm() is not None


def on_terminal() -> bool:
    """Whether standard error is an interactive terminal (the training's default for showing a bar)."""
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


class ProgressBar:
    """A bar that may be absent: :meth:`update` advances the tqdm bar when one is shown and does nothing
    otherwise, so callers need no branch."""

    def __init__(self, tqdm_bar=None) -> None:
        self._bar = tqdm_bar

    @property
    def shown(self) -> bool:
        """Whether a tqdm bar is drawn."""
        return self._bar is not None

    def update(self, count: int = 1) -> None:
        """Advances the bar by ``count``."""
        if self._bar is not None:
            self._bar.update(count)

    def set_postfix_str(self, text: str) -> None:
        """Shows ``text`` after the bar (e.g. the current loss)."""
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=False)


@contextlib.contextmanager
def bar(
    total: int | None, *, desc: str, unit: str, progress: bool | None = None, default: bool = False
) -> Iterator[ProgressBar]:
    """A :class:`ProgressBar` for ``total`` units, shown (on standard error, removed when done) when
    :func:`enabled` says so."""
    if not enabled(progress, default=default):
        yield ProgressBar()
        return
    tqdm = _tqdm()
    with tqdm.tqdm(total=total, desc=desc, unit=unit, leave=False, file=sys.stderr) as shown:
        yield ProgressBar(shown)


def write(text: str) -> None:
    """Prints a line to standard output without tearing a bar that is being drawn (tqdm's ``write`` when tqdm is
    installed, ``print`` otherwise)."""
    tqdm = _tqdm()
    if tqdm is None:
        print(text, flush=True)
    else:
        tqdm.tqdm.write(text, file=sys.stdout)
        sys.stdout.flush()
