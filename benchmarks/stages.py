"""Time and peak memory of each stage of the world build, in one process.

Stages, in pipeline order (each one's output feeds the next, and is freed when no
later stage needs it):

* ``population``: :func:`analysis.world.generate_population`;
* ``ties``: ties, roles and Facebook friendships
  (:func:`analysis.world.build_social_world` without address books);
* ``books``: address books, typed and normalised (:func:`analysis.world.build_address_book`);
* ``suggest``: top-10 friend suggestions on the Facebook-friendship graph
  (:func:`analysis.effects.suggest.top_k_suggestions`).

For every stage: wall and CPU seconds, the peak resident memory *during* the stage
(the kernel's high-water mark, reset before the stage through ``/proc/self/clear_refs``
where Linux allows it, else the process's peak so far), the resident memory after it,
and the size of what it returned. Run::

    python benchmarks/stages.py --n-people 100000
    python benchmarks/stages.py --n-people 1000000 --stages population,ties

It prints a Markdown table and one ``RESULT {json}`` line. To compare with an older
version of the package, run the same command with that version first on the path
(``git archive <commit> | tar -x -C build/base``; ``PYTHONPATH=build/base python ...``).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import time
from pathlib import Path

STAGES = ("population", "ties", "books", "suggest")


def _status(field: str) -> float | None:
    """A ``/proc/self/status`` memory figure in MB (None where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        return None
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # pragma: no cover - not Linux, or not allowed
        return False
    return True


def _peak_mb(reset_ok: bool) -> float:
    hwm = _status("VmHWM") if reset_ok else None
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _frame_mb(*frames) -> float:
    return sum(float(f.memory_usage(deep=True).sum()) for f in frames) / 1e6


def run(n_people: int, stages: tuple[str, ...], seed: int = 2016) -> list[dict]:
    """Run the stages in order and return one measurement row per stage."""
    from analysis.effects.suggest import top_k_suggestions
    from analysis.world import SocialParams, WorldParams, build_address_book, generate_population
    from analysis.world.socialworld import build_social_world

    rows, state = [], {}
    for stage in STAGES:
        if stage not in stages:
            continue
        gc.collect()
        reset_ok = _reset_peak()
        rss_before = _status("VmRSS")
        wall, cpu = time.perf_counter(), time.process_time()
        if stage == "population":
            state["people"] = generate_population(WorldParams(n_people=n_people, seed=seed))
            size, what = _frame_mb(state["people"]), f"{len(state['people']):,} people"
        elif stage == "ties":
            world = build_social_world(
                state["people"], SocialParams(seed=seed), address_books=False
            )
            state["world"] = world
            size = _frame_mb(world.ties, world.person_attrs)
            what = f"{len(world.ties):,} ties"
        elif stage == "books":
            world = state["world"]
            state["book"] = build_address_book(state["people"], world.ties, world.params)
            size, what = _frame_mb(state["book"]), f"{len(state['book']):,} entries"
        else:
            world = state.pop("world")  # the last stage: the tie table is not needed after it
            fb = world.facebook_matrix()
            del world
            top = top_k_suggestions(fb, k=10)
            size, what = _frame_mb(top), f"{len(top):,} suggestions"
            del top, fb
        rows.append(
            {
                "stage": stage,
                "n_people": n_people,
                "output": what,
                "wall_s": round(time.perf_counter() - wall, 2),
                "cpu_s": round(time.process_time() - cpu, 2),
                "peak_rss_mb": round(_peak_mb(reset_ok)),
                "rss_before_mb": round(rss_before or 0),
                "rss_after_mb": round(_status("VmRSS") or 0),
                "output_mb": round(size),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    """Parse the size and stages, run them, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-people", type=int, default=100_000)
    parser.add_argument("--stages", default=",".join(STAGES), help="comma-separated, in order")
    parser.add_argument("--seed", type=int, default=2016)
    args = parser.parse_args()
    stages = tuple(s for s in args.stages.split(",") if s)
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stages {unknown}; choose from {list(STAGES)}")
    rows = run(args.n_people, stages, args.seed)
    keys = list(rows[0])
    print("\n| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    print("RESULT " + json.dumps(rows))


if __name__ == "__main__":
    main()
