"""Optimizers with pyhf's names (``pyhf.optimize``): :class:`scipy_optimizer` (the default) and
:class:`minuit_optimizer`. They carry and check pyhf's options; the fit itself is always neos_swift's native
one (see :mod:`neos_swift.optimize.mixins`).

As pyhf's ``pyhf.optimize``, each optimizer is looked up when first asked for (and again if the attribute is
deleted), and each needs the library pyhf's needs: ``scipy_optimizer`` scipy (its result objects are
``scipy.optimize.OptimizeResult``; ImportError without it) and ``minuit_optimizer`` iminuit (pyhf's ``minuit``
extra; ``exceptions.ImportBackendError`` without it, as pyhf), although no MINUIT runs here.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from .mixins import OptimizerMixin

__all__ = ["MinuitRecord", "OptimizerMixin", "minuit_optimizer", "scipy_optimizer"]


def __dir__():
    return __all__


def __getattr__(name: str) -> Any:
    if name == "scipy_optimizer":
        # ImportError when scipy is unavailable or hidden (None in sys.modules: the package itself is checked, as
        # a cached scipy.optimize would otherwise still be found). scipy.optimize is found, not imported: importing
        # it costs about 50 MB and 0.2 s, and the default backend makes this optimizer at every import of
        # neos_swift; its result objects import it when a fit first asks for one.
        importlib.import_module("scipy")
        if importlib.util.find_spec("scipy.optimize") is None:
            raise ImportError("scipy_optimizer needs scipy.optimize, which cannot be imported")
        from .opt_scipy import scipy_optimizer as found
    elif name in ("minuit_optimizer", "MinuitRecord"):
        if name == "minuit_optimizer":
            try:
                importlib.import_module("iminuit")
            except ImportError as error:
                from ..exceptions import ImportBackendError

                # Our test_pyhf_errors matches "problem importing Minuit"; pyhf's tests pin no words here.
                raise ImportBackendError(
                    "a problem importing Minuit: minuit_optimizer needs iminuit (pyhf's 'minuit' extra)", error
                ) from error
        from . import opt_minuit

        found = getattr(opt_minuit, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # pyhf shows them one level up: pyhf.optimize.scipy_optimizer.
    found.__module__ = __name__
    globals()[name] = found
    return found
