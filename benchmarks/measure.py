"""Run a snippet in a fresh interpreter and measure its wall time and peak memory.

Peak memory is the child's maximum resident set size (``ru_maxrss``), which includes
the interpreter and imports (about 150 MB with pandas); the time covers only the
snippet's ``work`` section, not the imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

TEMPLATE = """
import json, resource, time
{setup}
t0 = time.perf_counter()
{work}
elapsed = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("MEASURE " + json.dumps({{"seconds": elapsed, "peak_mb": peak_mb}}))
"""


def measure(setup: str, work: str, *, repeat: int = 1, timeout: int = 1800) -> dict:
    """Return ``{"seconds": ..., "peak_mb": ...}`` for ``work`` run after ``setup``.

    With ``repeat`` > 1 the snippet runs in that many fresh interpreters and the fastest
    run is kept (the usual way to read a benchmark on a shared machine); peak memory is
    the largest seen.
    """
    code = TEMPLATE.format(setup=textwrap.dedent(setup), work=textwrap.dedent(work))
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        line = next(ln for ln in out.stdout.splitlines() if ln.startswith("MEASURE "))
        runs.append(json.loads(line.removeprefix("MEASURE ")))
    return {"seconds": min(r["seconds"] for r in runs), "peak_mb": max(r["peak_mb"] for r in runs)}


def report(title: str, rows: list[dict]) -> None:
    """Print rows as a Markdown table (paste into the README's performance section)."""
    print(f"\n### {title}\n")
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print(
            "| "
            + " | ".join(f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row.values())
            + " |"
        )
