"""Import alias for running pyhf's own test suite against neos_swift.

scripts/pyhf_test_suite.sh loads this module as a pytest plugin (``-p``), so it runs before pyhf's
tests/conftest.py is imported. It does one thing: every ``import pyhf`` in that run gets the neos_swift
package. A submodule import such as ``import pyhf.exceptions`` then searches neos_swift's own folder, so
it succeeds only where neos_swift ships that submodule; a failure there is the measurement, not a bug in
this file. Nothing else is patched, added or stubbed.
"""

import sys

import neos_swift

sys.modules["pyhf"] = neos_swift
