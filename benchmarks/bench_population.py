"""Population generation: vectorised generator vs per-record Faker (``make bench``)."""

from measure import measure, report

SETUP = """
from analysis.world import WorldParams
from analysis.world import generate_population
"""

FAKER_SETUP = """
from faker import Faker
from analysis.world import WorldParams
from analysis.core import load
import numpy as np
params = WorldParams(n_people=100_000)
ref = load("countries").set_index("country_code")
rng = np.random.default_rng(1)
countries = rng.choice(list(params.countries), size=params.n_people)
"""

# What the vectorised generator makes per person that Faker can make per record:
# a name, an email, a city and a phone number. (Faker's phone numbers are not even safe.)
FAKER_WORK = """
fakers = {}
for code in params.countries:  # both sides pay for loading the locales
    f = Faker(ref.at[code, "faker_locale"]); f.seed_instance(1); fakers[code] = f
rows = []
for code in countries:
    f = fakers[code]
    rows.append((f.first_name(), f.last_name(), f.email(), f.city(), f.phone_number()))
"""


def test_population_generation_speed_and_memory():
    rows = []
    faker = measure(FAKER_SETUP, FAKER_WORK, repeat=2)
    rows.append(
        {"method": "per-record Faker (name, email, city, phone)", "people": 100_000, **faker}
    )
    for n in (100_000, 1_000_000):
        got = measure(SETUP, f"people = generate_population(WorldParams(n_people={n}))", repeat=3)
        rows.append({"method": "analysis.world (all 31 columns)", "people": n, **got})
    speedup = faker["seconds"] / rows[1]["seconds"]
    report("Population generation", rows)
    print(f"\nspeed-up at 100k people: {speedup:.0f}x over per-record Faker")
    assert speedup >= 30, speedup
    assert rows[2]["seconds"] < 60 and rows[2]["peak_mb"] < 2048, rows[2]
