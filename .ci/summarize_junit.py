"""Sum pytest JUnit XML reports into one closing line and fail on an empty run.

Usage: python .ci/summarize_junit.py REPORT.xml [REPORT.xml ...]

Prints one line per report and then ``total: N passed, N failed, N skipped``.
Exits 1 when any report is missing, lists a failure or an error, or when no
test ran at all, so that an empty suite cannot pass as a green run.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path


def count(report: Path) -> tuple[int, int, int]:
    """Return (passed, failed, skipped) for one report; errors count as failed."""
    root = ElementTree.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


def main(paths: list[str]) -> int:
    if not paths:
        print("summarize_junit: no report given", file=sys.stderr)
        return 1
    totals = [0, 0, 0]
    status = 0
    for name in paths:
        path = Path(name)
        if not path.is_file():
            print(f"summarize_junit: report {name} is missing", file=sys.stderr)
            status = 1
            continue
        passed, failed, skipped = count(path)
        print(f"{path.stem}: {passed} passed, {failed} failed, {skipped} skipped")
        totals[0] += passed
        totals[1] += failed
        totals[2] += skipped
    if totals[1]:
        status = 1
    if totals[0] == 0:
        print("summarize_junit: no test passed in any report", file=sys.stderr)
        status = 1
    print(f"total: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
