"""Hashing throughput, reversal by enumeration and Custom Audiences matching (``make bench``).

Each measurement runs in a fresh interpreter (``measure.py``): wall time of the work
only, peak resident memory of the whole process (interpreter and pandas included,
about 150 MB). The machine is shared, so read the numbers as orders of magnitude.
"""

from measure import measure, report

HASH_SETUP = """
import numpy as np
from analysis.effects.hashing import block_keys, sha256_hex
keys = [k.decode() for k in block_keys("ES", 0, 1_000_000).tolist()]
"""

REVERSE_SETUP = """
from analysis.effects.hashing import reverse_by_enumeration, sha256_hex
targets = sha256_hex([f"34750{i:06d}" for i in range(0, 1_000_000, 5_000)])
"""

# the approach the demonstration avoids: one giant table of every hash in the block
TABLE_WORK = """
import hashlib
table = {hashlib.sha256(f"34750{i:06d}".encode()).hexdigest(): i for i in range(1_000_000)}
found = sum(t in table for t in targets)
"""

NORMALISE_SETUP = """
import numpy as np
from analysis.world import draw_numbers, format_number
from analysis.effects.hashing import normalise_phones
e164 = draw_numbers("GB", 20_000, np.random.default_rng(1))
raw = [format_number(e, "national") for e in e164]
"""

MATCH_SETUP = """
import types
import numpy as np
import pandas as pd
from analysis.effects.ads import AdsParams, run_scenarios
from analysis.world import WorldParams
from analysis.world import generate_population
n = {n}
people = generate_population(WorldParams(n_people=n, seed=2016))
social = None
if {shadow}:
    # random uploaded address books: 20% of people upload 50 contacts each
    rng = np.random.default_rng(0)
    owners = np.repeat(rng.choice(n, n // 5, replace=False), 50)
    contacts = rng.integers(0, n, owners.size)
    book = pd.DataFrame({{
        "owner_person_id": owners.astype(np.int64),
        "contact_person_id": pd.array(contacts, dtype="Int64"),
        "entry_e164": pd.array(people["phone_e164"].to_numpy(dtype=object)[contacts],
                               dtype="string"),
    }})
    uploads = np.zeros(n, bool); uploads[owners] = True
    fb = people["is_facebook_user"].to_numpy()
    attrs = pd.DataFrame({{"person_id": np.arange(n),
                          "uploads_contacts_to_facebook": uploads & fb}})
    social = types.SimpleNamespace(address_book=book, person_attrs=attrs)
params = AdsParams(n_businesses=600)
"""

MATCH_WORK = """
results = run_scenarios(people, social, params, seed=2016)
"""


def test_hashing_throughput_and_reversal():
    rows = []
    got = measure(HASH_SETUP, "h = sha256_hex(keys)", repeat=3)
    rows.append(
        {"task": "sha256_hex, 10^6 distinct keys", **got, "per_second": 1e6 / got["seconds"]}
    )
    got = measure(NORMALISE_SETUP, "out = normalise_phones(raw, 'GB')", repeat=3)
    rows.append(
        {
            "task": "normalise_phones, 2x10^4 typed GB numbers",
            **got,
            "per_second": 2e4 / got["seconds"],
        }
    )
    work = (
        "r = reverse_by_enumeration(targets, 'ES', stop=1_000_000)\nassert len(r.recovered) == 200"
    )
    got = measure(REVERSE_SETUP, work, repeat=3)
    rows.append(
        {
            "task": "reverse 200 hashes, ES block 10^6 (chunks of 2x10^5)",
            **got,
            "per_second": 1e6 / got["seconds"],
        }
    )
    enumerate_rate = rows[-1]["per_second"]
    got = measure(REVERSE_SETUP, TABLE_WORK, repeat=1)
    rows.append(
        {
            "task": "same with one full hash table (avoided)",
            **got,
            "per_second": 1e6 / got["seconds"],
        }
    )
    report("Hashing and reversal (one CPU core)", rows)
    hours = 4e9 / enumerate_rate / 3600
    print(
        f"\nIndia, 4 x 10^9 mobile numbers / {enumerate_rate:,.0f} hashes/s "
        f"= {hours:.1f} hours on one core"
    )
    assert rows[2]["peak_mb"] < rows[3]["peak_mb"], "chunked reversal should use less memory"
    assert enumerate_rate > 1e5


def test_matching_at_scale():
    rows = []
    for n, shadow in ((100_000, True), (1_000_000, False)):
        got = measure(MATCH_SETUP.format(n=n, shadow=shadow), MATCH_WORK, repeat=1)
        books = "random books, 10^6 entries" if shadow else "none"
        rows.append(
            {"people": n, "shadow_contacts": books, "businesses": 600, "scenarios": 9, **got}
        )
    report("Custom Audiences matching, all 9 scenarios (population generation not timed)", rows)
    assert rows[-1]["seconds"] < 300
