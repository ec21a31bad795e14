"""Seeded random streams: the one place randomness comes from.

Every random choice in the package flows from a ``seed``. :func:`stream` gives each
component its own generator, derived from the seed and the component's name, so adding
a component never shifts the draws of another; :func:`person_uniforms` gives each
person a uniform number fixed by (seed, salt, person id) alone, independent of row
order and population size.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = [
    "person_uniforms",
    "replay",
    "stream",
]


def stream(seed: int, name: str) -> np.random.Generator:
    """Return an independent random stream for one component, derived from the seed.

    >>> int(stream(1, "a").integers(100)) == int(stream(1, "a").integers(100))
    True
    """
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def replay(entropy: int) -> np.random.Generator:
    """Return a generator that draws the same numbers every time it is made from ``entropy``.

    ``entropy`` is itself drawn from a :func:`stream`; a step that is redone (e.g. a
    layer of ties rebuilt at another scale during calibration) replays the same draws.

    >>> float(replay(7).random()) == float(replay(7).random())
    True
    """
    return np.random.default_rng(entropy)


def person_uniforms(person_id: np.ndarray, seed: int, salt: str) -> np.ndarray:
    """Draw a uniform in [0, 1) per person, fixed by (seed, salt, person_id) alone.

    Independent of row order and of the population size, so thresholds on it are
    monotone across scenario settings (splitmix64 hash).

    >>> u = person_uniforms(np.arange(3), 1, "x")
    >>> bool(((0 <= u) & (u < 1)).all()), bool((u == person_uniforms(np.arange(3), 1, "x")).all())
    (True, True)
    """
    key = np.uint64((int(seed) << 32) ^ zlib.crc32(salt.encode()))
    with np.errstate(over="ignore"):
        x = np.asarray(person_id).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + key
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) * 2.0**-53
