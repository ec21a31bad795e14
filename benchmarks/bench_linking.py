"""Time and peak memory of linking under every scenario (issue 4), one seed.

* 1M people: population, then for each of the nine built-in scenarios the policy
  permissions, mechanisms 1 (phone), 2 (device id) and 4 (fingerprint), the per-user
  link table and the aggregates.
* 100k people with the social world: address-book inference (mechanism 3) once, then
  all four mechanisms for every scenario. The social world itself is benchmarked in
  ``bench_social.py``; building its address books at 1M (phone-number parsing) is too
  heavy for the shared 2-core machine, hence the smaller size here.

Each size runs in a fresh subprocess; peak memory is that process's maximum resident
set (``ru_maxrss``, interpreter and pandas included, about 150 MB). Run with::

    .venv/bin/python -m pytest benchmarks/bench_linking.py -p no:nbval -o addopts="" -s

``BENCH_LINKING_N`` and ``BENCH_LINKING_SOCIAL_N`` override the two sizes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = r"""
import json, resource, sys, time
from analysis.linking import (
    compute_links,
    country_shares,
    infer_numbers,
    link_table,
    mechanism_purpose_shares,
    mechanism_scores,
)
from analysis.world import WorldParams
from analysis.policy import builtin_scenarios
from analysis.world import generate_population

n, with_social = int(sys.argv[1]), sys.argv[2] == "social"
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {"n_people": n, "social": with_social}
t = time.perf_counter()
people = generate_population(WorldParams(n_people=n, seed=2016))
out["population_s"] = time.perf_counter() - t
social = inferred = None
if with_social:
    from analysis.world import SocialParams, build_social_world
    t = time.perf_counter()
    social = build_social_world(people, SocialParams(seed=2016))
    out["social_world_s"] = time.perf_counter() - t
    out["address_book_entries"] = len(social.address_book)
    t = time.perf_counter()
    inferred = infer_numbers(people, social)
    out["address_book_inference_s"] = time.perf_counter() - t
    out["accounts_given_a_number"] = len(inferred)
out["rss_before_linking_mb"] = rss()
t_all = time.perf_counter()
per = {}
for name, scen in builtin_scenarios().items():
    t = time.perf_counter()
    links = compute_links(people, scen, social, seed=2016, inferred=inferred)
    table = link_table(people, scen, social, seed=2016, links=links)
    mechanism_purpose_shares(table, links, people)
    mechanism_scores(people, links)
    country_shares(table)
    per[name] = round(time.perf_counter() - t, 2)
out["linking_all_scenarios_s"] = time.perf_counter() - t_all
out["per_scenario_s"] = per
out["whatsapp_users"] = int(people["is_whatsapp_user"].sum())
out["peak_rss_mb"] = rss()
print("RESULT " + json.dumps(out))
"""


def _run(n: int, mode: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(n), mode],
        capture_output=True,
        text=True,
        timeout=3600,
        check=True,
    )
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _print(res: dict) -> None:
    print()
    for key, value in res.items():
        if isinstance(value, float):
            value = f"{value:,.2f}"
        print(f"  {key}: {value}")


def test_linking_1m_people_mechanisms_1_2_4():
    res = _run(int(os.environ.get("BENCH_LINKING_N", 1_000_000)), "plain")
    _print(res)
    assert res["linking_all_scenarios_s"] > 0


def test_linking_100k_people_with_address_book_inference():
    res = _run(int(os.environ.get("BENCH_LINKING_SOCIAL_N", 100_000)), "social")
    _print(res)
    assert res["accounts_given_a_number"] > 0
