"""Runs the examples of pyhf v0.7.6's API reference (its docstrings) and README against neos_swift.

    python scripts/pyhf_docstring_examples.py PYHF_CHECKOUT [--json OUT] [--verbose] [FILTER ...]

PYHF_CHECKOUT is a pyhf v0.7.6 source tree. The docstrings are read from its ``src/pyhf`` files with ``ast``
(pyhf itself is never imported), and README.rst's ``>>>`` blocks are read as text. Each example runs as pyhf's
own doctest run does (``doctest`` with ELLIPSIS and NORMALIZE_WHITESPACE, numpy backend reset before each), with
``sys.modules["pyhf"] = neos_swift`` and nothing else. Examples of backends we do not ship (pytorch, tensorflow)
are reported as out of scope, not run. FILTER words keep only examples whose name contains one of them.

Nothing is copied into this repository: the examples are read from the checkout at run time.
"""

from __future__ import annotations

import argparse
import ast
import doctest
import io
import json
import re
import sys
from pathlib import Path

import neos_swift

OUT_OF_SCOPE = ("tensor.pytorch_backend", "tensor.tensorflow_backend")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Examples whose numbers come from pseudo-experiments drawn from numpy's global random state.
TOYS = ("ToyCalculator", "EmpiricalDistribution", "create_calculator")
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def classify(want: str, got: str) -> str:
    """Why an example's output differs: only the package name in reprs, only numbers (and by how much), or else."""
    checker = doctest.OutputChecker()

    def anonymous(text):  # "<pkg.module.Class object at 0x...>" -> "<Class object>"
        return re.sub(r"<[\w.]+\.(\w+) object at 0x[0-9a-f.]+>", r"<\1 object>", text)

    if checker.check_output(anonymous(want), anonymous(got), FLAGS) or checker.check_output(
        want, got.replace("neos_swift", "pyhf"), FLAGS
    ):
        return "name"
    want_numbers, got_numbers = NUMBER.findall(want), NUMBER.findall(got)

    def skeleton(text):  # the text around the numbers, without whitespace (numpy pads numbers to equal widths)
        return re.sub(r"\s+", "", NUMBER.sub("#", text))

    if len(want_numbers) == len(got_numbers) and skeleton(want) == skeleton(got):
        worst = max(
            (
                abs(float(a) - float(b)) / max(abs(float(a)), abs(float(b)))
                for a, b in zip(want_numbers, got_numbers)
                if float(a) != float(b)
            ),
            default=0.0,
        )
        return f"numbers:{worst:.1e}"
    return "differs"


class _Recorder(doctest.DocTestRunner):
    """A runner that also records, for each failing example, what kind of difference it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds: list[str] = []

    def report_failure(self, out, test, example, got):
        self.kinds.append(classify(example.want, got))
        super().report_failure(out, test, example, got)

    def report_unexpected_exception(self, out, test, example, exc_info):
        self.kinds.append("exception")
        super().report_unexpected_exception(out, test, example, exc_info)


def docstrings(path: Path, module: str):
    """(qualified name, docstring, line) of a module, its classes, functions and methods."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node, prefix):
        text = ast.get_docstring(node, clean=False)
        if text:
            yield prefix, text, getattr(node, "lineno", 1)
        for child in getattr(node, "body", []):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, f"{prefix}.{child.name}")

    yield from visit(tree, module)


def readme_blocks(path: Path):
    """README.rst's ``>>>`` blocks: from a prompt line to the next blank line, the directive's indent removed."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if not current and not stripped.startswith(">>>"):
            continue
        if not stripped:
            blocks.append((start, "\n".join(current) + "\n"))
            current = []
            continue
        if not current:
            start = number
        current.append(stripped)
    if current:
        blocks.append((start, "\n".join(current) + "\n"))
    return [(f"README.rst:{start}", text, start) for start, text in blocks]


def collect(checkout: Path):
    source = checkout / "src" / "pyhf"
    for path in sorted(source.rglob("*.py")):
        parts = path.relative_to(source.parent).with_suffix("").parts
        module = ".".join(part for part in parts if part != "__init__")
        for name, text, line in docstrings(path, module):
            if ">>>" in text:
                yield name, text, str(path.relative_to(checkout)), line
    for name, text, line in readme_blocks(checkout / "README.rst"):
        yield name, text, "README.rst", line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("filters", nargs="*")
    parser.add_argument("--json", type=Path, help="write per-example results here")
    parser.add_argument("--verbose", action="store_true", help="print each failure's report")
    options = parser.parse_args()

    sys.modules["pyhf"] = neos_swift
    doc_parser = doctest.DocTestParser()
    results = []
    for name, text, filename, line in collect(options.checkout):
        if options.filters and not any(word in name for word in options.filters):
            continue
        if any(marker in name for marker in OUT_OF_SCOPE):
            results.append({"name": name, "status": "out of scope (backend not shipped)", "file": filename})
            continue
        if "requests.get(" in text:
            status = "network (example downloads a file)"
            results.append({"name": name, "status": status, "file": filename})
            continue
        neos_swift.set_backend("numpy", default=True)
        test = doc_parser.get_doctest(text, {"pyhf": neos_swift, "__name__": name}, name, filename, line)
        report = io.StringIO()
        runner = _Recorder(optionflags=FLAGS, verbose=False)
        runner.run(test, out=report.write)
        outcome = runner.summarize(verbose=False)
        kinds = set(runner.kinds)
        numeric = [float(kind.split(":")[1]) for kind in kinds if kind.startswith("numbers:")]
        kinds = {kind for kind in kinds if not kind.startswith("numbers:")}
        if outcome.failed == 0:
            status = "passed"
        elif any(marker in name for marker in TOYS) and kinds <= {"name"}:
            status = "failed: toy results (our random streams are not numpy's)"
        elif not kinds - {"name"} and not numeric:
            status = "failed: only the package's name in a repr differs"
        elif not kinds - {"name"}:
            status = f"failed: only numbers differ (at most {max(numeric):.0e} relative)"
        else:
            status = "failed: " + ", ".join(sorted(kinds - {"name"}))
        results.append(
            {
                "name": name,
                "file": filename,
                "status": status,
                "examples": outcome.attempted,
                "failed": outcome.failed,
                "report": report.getvalue(),
            }
        )
        if status.startswith("failed") and options.verbose:
            print(report.getvalue())

    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    for result in results:
        if result["status"].startswith("failed"):
            first = re.search(r"Failed example:\n\s*(.+)", result["report"])
            print(f"FAILED {result['name']} ({result['status'][8:]}): {first.group(1) if first else ''}")
    for status, count in sorted(counts.items()):
        print(f"{count:4d} {status}")
    if options.json:
        options.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
