"""The alternative to the population generator: Faker called once per record.

What a user would write without ``analysis.world``: for each of N people, in their
country's locale, Faker's ``first_name``, ``last_name``, ``email``, ``city`` and
``phone_number`` (five of the generator's 31 columns; Faker's phone numbers are not
even guaranteed to be unallocated). Run side by side with the generator::

    python benchmarks/faker_records.py --n-people 100000
    python benchmarks/stages.py --n-people 100000 --stages population

Prints the people made and the wall and CPU seconds of the generation alone (locales
loaded first).
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    """Make the records one by one and print the time taken."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-people", type=int, default=100_000)
    args = parser.parse_args()
    import numpy as np
    from faker import Faker

    from analysis.core import load
    from analysis.world import WorldParams

    params = WorldParams(n_people=args.n_people)
    ref = load("countries").set_index("country_code")
    countries = np.random.default_rng(1).choice(list(params.countries), size=params.n_people)
    fakers = {}
    for code in params.countries:  # both sides pay for loading the locales
        fake = Faker(ref.at[code, "faker_locale"])
        fake.seed_instance(1)
        fakers[code] = fake
    start, cpu = time.perf_counter(), time.process_time()
    rows = []
    for code in countries:
        f = fakers[code]
        rows.append((f.first_name(), f.last_name(), f.email(), f.city(), f.phone_number()))
    print(
        f"faker people={len(rows)} seconds={time.perf_counter() - start:.3f} "
        f"cpu={time.process_time() - cpu:.3f}"
    )


if __name__ == "__main__":
    main()
