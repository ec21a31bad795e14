"""Time and peak memory of building the social world at 100k and 1M people.

Each measurement runs in a fresh subprocess so that the peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) belongs to that build alone.
Run with ``make bench`` or::

    .venv/bin/python -m pytest benchmarks/bench_social.py -p no:nbval -o addopts="" -s

The machine shares 2 cores with other work; numbers are indicative. Set
``BENCH_SOCIAL_SIZES=100000`` to skip the 1M run (about 2 minutes and several GB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, resource, sys, time
import numpy as np
import pandas as pd
from analysis.world import WorldParams
from analysis.world import generate_population
from analysis.world import SocialParams, build_social_world, structure_report
from analysis.world import build_address_book, normalisation_calls, normalise_entries

n, books = int(sys.argv[1]), sys.argv[2] == "books"
out = {"n_people": n}
t = time.perf_counter()
people = generate_population(WorldParams(n_people=n, seed=2016))
out["population_s"] = time.perf_counter() - t
out["rss_after_population_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
world = build_social_world(people, SocialParams(), address_books=False)
out["ties_and_facebook_s"] = time.perf_counter() - t
out["ties"] = len(world.ties)
out["facebook_friendships"] = int(world.ties["is_facebook_friend"].sum())
out["rss_after_ties_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
report = structure_report(world, sample=1000).set_index("metric")["achieved"]
out["structure_report_s"] = time.perf_counter() - t
out["median_ties"] = float(report.iloc[0])
out["clustering_near_median"] = float(report.iloc[3])
out["cross_country_share"] = float(report.iloc[5])
if books:
    t = time.perf_counter()
    book = build_address_book(people, world.ties, world.params)
    out["address_book_s"] = time.perf_counter() - t
    out["address_book_entries"] = len(book)
    region = people["country_code"].astype(str).to_numpy()[book["owner_person_id"].to_numpy()]
    texts, _, _ = normalisation_calls(book["entry_raw"].astype(str), pd.Series(region))
    out["distinct_normalisations"] = int(texts.size)
    t = time.perf_counter()
    normalise_entries(pd.Series(texts[:20000]), pd.Series(["GB"] * min(20000, texts.size)))
    out["normalise_calls_per_s"] = min(20000, texts.size) / (time.perf_counter() - t)
    out["normalised_ok_share"] = float((book["normalise_reason"] == "ok").mean())
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(out))
"""


def run(n: int, books: bool) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(n), "books" if books else "ties"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{proc.stderr[-3000:]}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def show(result: dict) -> None:
    print()
    for key, value in result.items():
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        print(f"  {key:28s} {shown}")


SIZES = [int(s) for s in os.environ.get("BENCH_SOCIAL_SIZES", "100000,1000000").split(",")]


@pytest.mark.parametrize("n", [s for s in SIZES])
def test_bench_ties_and_facebook(n):
    """Ties + roles + Facebook friendships (no address books)."""
    result = run(n, books=False)
    show(result)
    assert result["ties"] > n * 30
    assert abs(result["median_ties"] - 99) < 15


def test_bench_address_books_100k():
    """Everything including address books at 100k people."""
    result = run(100_000, books=True)
    show(result)
    rate = result["address_book_entries"] / result["address_book_s"]
    print(f"  {'entries_per_s (whole build)':28s} {rate:,.0f}")
    assert result["address_book_entries"] > 100_000
