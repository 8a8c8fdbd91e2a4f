"""Fail when a function in the package is longer than 60 lines (docs/architecture.md, "Habits").

Usage: python .ci/long_functions.py [PACKAGE_DIR] [--max N]; prints each offender as `path:line name (N lines)`
and exits 1 when there is one, 0 otherwise. Tests are not checked.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def long_functions(root: Path, limit: int) -> list[str]:
    """`path:line name (N lines)` for every function or method under `root` longer than `limit` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - start + 1
                if length > limit:
                    found.append(f"{path}:{node.lineno} {node.name} ({length} lines)")
    return found


def main(argv: list[str]) -> int:
    """Check the package named in `argv` (default `jira_bench_tui`); 1 when a function is too long."""
    limit = 60
    if "--max" in argv:
        at = argv.index("--max")
        limit = int(argv[at + 1])
        del argv[at : at + 2]
    offenders = long_functions(Path(argv[0] if argv else "jira_bench_tui"), limit)
    for line in offenders:
        print(f"{line}: over {limit} lines", file=sys.stderr)
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
