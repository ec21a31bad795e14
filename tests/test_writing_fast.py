"""The typo writer against the pandas version it replaced (same output on every input).

``_reference_typo`` is the former ``analysis.world.writing._typo``, which sliced strings with
one vectorised pandas call per digit position; the package now slices each text in plain
Python (about 20 ms per group less in small worlds). Both must give the same texts.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.world import write_numbers
from analysis.world.phones import blocks, draw_numbers
from analysis.world.writing import STYLES, TYPO_KINDS, TYPO_STYLES, _typo


def _reference_typo(
    text: pd.Series, kind: str, at: np.ndarray, subscriber_digits: int
) -> pd.Series:
    """Put one typo of ``kind`` into texts of one layout, among the subscriber digits.

    ``at`` in [0, 1) picks the digit (and, for a substitution, the new digit). All
    texts share one layout, so the digit positions are those of the first text.
    """
    first = text.iloc[0]
    digit_pos = [i for i, ch in enumerate(first) if ch.isdigit()][-subscriber_digits:]
    k = len(digit_pos)
    slot = np.minimum((at * k).astype(np.int64), k - 1)
    replacement = 1 + np.minimum(((at * k - slot) * 9).astype(np.int64), 8)
    out = np.empty(len(text), dtype=object)
    values = text.reset_index(drop=True)
    for s in np.unique(slot):  # at most one group per subscriber digit
        rows = np.flatnonzero(slot == s)
        part = values.iloc[rows]
        i = digit_pos[s]
        head, here, tail = part.str.slice(0, i), part.str.slice(i, i + 1), part.str.slice(i + 1)
        if kind == "drop":
            res = head + tail
        elif kind == "double":
            res = head + here + here + tail
        else:
            digit = here.astype(int).to_numpy()
            new = pd.Series((digit + replacement[rows]) % 10, index=part.index).astype(str)
            res = head + new + tail
            if kind == "swap":
                j = digit_pos[s + 1] if s + 1 < k else digit_pos[s - 1]
                lo, hi = min(i, j), max(i, j)
                a, b = part.str.slice(lo, lo + 1), part.str.slice(hi, hi + 1)
                swapped = part.str.slice(0, lo) + b + part.str.slice(lo + 1, hi) + a
                swapped = swapped + part.str.slice(hi + 1)
                # swapping two equal digits changes nothing: replace the digit instead
                res = swapped.where(a != b, res)
            elif kind != "substitute":
                raise ValueError(f"unknown typo kind {kind!r}; allowed: {list(TYPO_KINDS)}")
        out[rows] = res.to_numpy(dtype=object)
    return pd.Series(out, dtype=object)


LAYOUTS = ["07610 000001", "+49 1530 0000001", "(11) 9 6000-0001", "0044 7610 000001", "1115550000"]


@settings(max_examples=60, deadline=None)
@given(
    layout=st.sampled_from(LAYOUTS),
    kind=st.sampled_from(TYPO_KINDS),
    width=st.integers(1, 7),
    digits=st.lists(st.text("0123456789", min_size=16, max_size=16), min_size=1, max_size=30),
    at=st.lists(st.floats(0, 1, exclude_max=True), min_size=30, max_size=30),
)
def test_typo_equals_the_pandas_version(layout, kind, width, digits, at):
    """Texts of one layout (the digits of each text drawn freely, so equal neighbours occur)."""
    texts = []
    for d in digits:
        it = iter(d)
        texts.append("".join(next(it) if ch.isdigit() else ch for ch in layout))
    text = pd.Series(texts, dtype=object)
    where = np.asarray(at[: len(texts)])
    expected = _reference_typo(text, kind, where, width)
    got = _typo(text, kind, where, width)
    assert got.tolist() == expected.tolist()


def test_every_country_kind_and_style_as_before():
    """Each country with each typo kind, the styles taken in turn (every style is used)."""
    rng = np.random.default_rng(5)
    used = set()
    for c, code in enumerate(sorted(blocks())):
        numbers = draw_numbers(code, 100, rng)
        block = blocks()[code]
        width = block.national_number_length - len(block.prefix)
        for t, kind in enumerate(TYPO_KINDS):
            style = TYPO_STYLES[(c * len(TYPO_KINDS) + t) % len(TYPO_STYLES)]
            used.add(style)
            clean = write_numbers(numbers, [code] * numbers.size, [style] * numbers.size)
            at = rng.random(numbers.size)
            expected = _reference_typo(clean, kind, at, width)
            assert _typo(clean, kind, at, width).tolist() == expected.tolist(), (code, style, kind)
    assert used == set(TYPO_STYLES) and used <= set(STYLES)


def test_unknown_kind_is_named():
    with pytest.raises(ValueError, match="unknown typo kind 'smudge'"):
        _typo(pd.Series(["07610 000001"]), "smudge", np.zeros(1), 6)


def test_one_text_at_a_time_equals_the_vectorised_writer(monkeypatch):
    """Small groups are written per text in plain Python, large ones with vectorised calls:
    every style, typo kind, country and call prefix gives the same texts either way."""
    import analysis.world.writing as writing

    rng = np.random.default_rng(11)
    codes = sorted(blocks())
    rows = []
    for code in codes:
        numbers = draw_numbers(code, 60, rng)
        for style in STYLES:
            if style == "as_is":
                continue
            kinds = ["", *TYPO_KINDS] if style in TYPO_STYLES else [""]
            for kind in kinds:
                region = codes[int(rng.integers(0, len(codes)))]
                rows += [(x, code, style, region, kind, rng.random()) for x in numbers[:5]]
    e164, country, style, region, typo, at = (list(c) for c in zip(*rows, strict=True))
    kw = dict(region=region, typo=typo, typo_at=at)
    per_text = writing.write_numbers(e164, country, style, **kw)
    monkeypatch.setattr(writing, "SMALL_GROUP", 0)
    vectorised = writing.write_numbers(e164, country, style, **kw)
    assert per_text.tolist() == vectorised.tolist()
    assert len(set(per_text)) > len(rows) // 2
