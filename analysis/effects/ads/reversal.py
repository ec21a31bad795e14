"""Reversing hashed customer numbers by enumerating a block."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.seeds import stream
from analysis.effects.ads.customers import CustomerLists
from analysis.effects.hashing import (
    ReversalResult,
    normalise_phones,
    reverse_by_enumeration,
    sha256_hex,
)
from analysis.world.phones import blocks

__all__ = [
    "ReversalDemo",
    "reverse_customer_sample",
]


@dataclass
class ReversalDemo:
    """A sample of uploaded customer hashes reversed by enumerating a synthetic block.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row: ``numbers_hashed_count``, ``targets_count``, ``in_block_count`` (targets
        whose true key lies in the enumerated range), ``recovered_count``,
        ``is_all_recovered_correct`` (every recovered key hashes to its target and is the
        customer's own normalised number), ``is_all_in_block_recovered``; with ``people``
        and ``matched_customer_ids`` also ``unmatched_targets_count`` (targets that matched
        no account), ``unmatched_recovered_count`` (their numbers recovered: whoever holds
        the uploaded hashes learns them and that they are the business's customers) and
        ``non_facebook_recovered_count`` (recovered targets with no Facebook account).
    sample : pandas.DataFrame
        The targets: ``customer_id``, ``key_sha256``, ``recovered_key`` (null if not found).
    result : ReversalResult
        Timing and the raw lookup (machine-dependent speed).
    """

    summary: pd.DataFrame
    sample: pd.DataFrame
    result: ReversalResult


def reverse_customer_sample(
    lists: CustomerLists,
    customer_keys: pd.DataFrame,
    country_code: str,
    *,
    sample_size: int,
    seed: int,
    stop: int | None = None,
    chunk_size: int = 200_000,
    people: pd.DataFrame | None = None,
    matched_customer_ids: np.ndarray | None = None,
) -> ReversalDemo:
    """Reverse a random sample of one country's uploaded phone hashes by enumeration.

    The adversary is whoever holds the uploaded hashes (Facebook, which receives the
    list, or anyone the file reaches); they see only the hashes. Hashes that matched no
    account are of people Facebook does not know by that number, often non-users:
    reversing them reveals their numbers and their relationship with the business. The
    customers' true numbers are used afterwards only to check every recovered number.
    Targets whose typed number had a typo may fall outside the block and stay unrecovered.

    Parameters
    ----------
    lists, customer_keys
        From :func:`generate_customer_lists` and :func:`hash_customer_keys`.
    country_code : str
        The block enumerated.
    sample_size, seed
        How many distinct hashes are targeted, and the seed of the sample.
    stop, chunk_size
        Passed to :func:`analysis.effects.hashing.reverse_by_enumeration`.
    people : pandas.DataFrame, optional
        The population, to count recovered customers with no Facebook account.
    matched_customer_ids : numpy.ndarray, optional
        Customers matched to an account (e.g. the permitted matches of a scenario).
    """
    rng = stream(seed, "ads-reversal-sample")
    phones = customer_keys[
        (customer_keys["key_kind"] == "phone") & customer_keys["key_sha256"].notna()
    ]
    country = lists.customers["country_code"].astype(str).to_numpy()[phones["customer_id"]]
    pool = phones[country == country_code].drop_duplicates("key_sha256")
    if pool.empty:
        raise ValueError(f"no hashed phone numbers from customers in {country_code!r}")
    take = min(sample_size, len(pool))
    sample = pool.iloc[np.sort(rng.choice(len(pool), size=take, replace=False))]
    result = reverse_by_enumeration(
        sample["key_sha256"].tolist(), country_code, stop=stop, chunk_size=chunk_size
    )
    recovered = sample["key_sha256"].map(result.recovered)
    # ground truth: the key each customer's typed number normalises to
    truth = normalise_phones(
        lists.customers["phone_raw"].to_numpy(dtype=object)[sample["customer_id"]],
        country_code,
    )["match_key"].to_numpy(dtype=object)
    found = recovered.notna().to_numpy()
    rehash = sha256_hex(recovered[found].tolist())
    correct = bool(
        (rehash == sample["key_sha256"].to_numpy()[found]).all()
        and (recovered[found].to_numpy() == truth[found]).all()
    )
    block = blocks()[country_code]
    head = f"{block.calling_code}{block.prefix}"
    stop_ = block.capacity if stop is None else stop
    width = block.national_number_length - len(block.prefix)
    truth_s = pd.Series(truth, dtype="object").fillna("")
    in_block = (
        truth_s.str.startswith(head)
        & (truth_s.str.len() == len(head) + width)
        & (pd.to_numeric(truth_s.str.slice(len(head)), errors="coerce") < stop_)
    ).to_numpy()
    row = {
        "numbers_hashed_count": result.numbers_hashed,
        "targets_count": take,
        "in_block_count": int(in_block.sum()),
        "recovered_count": int(found.sum()),
        "is_all_recovered_correct": correct,
        "is_all_in_block_recovered": bool((found == in_block).all()),
    }
    cid = sample["customer_id"].to_numpy()
    if matched_customer_ids is not None:
        unmatched = ~np.isin(cid, np.asarray(matched_customer_ids))
        row["unmatched_targets_count"] = int(unmatched.sum())
        row["unmatched_recovered_count"] = int((unmatched & found).sum())
    if people is not None:
        who = lists.customers["person_id"].to_numpy()[cid]
        no_fb = ~people["is_facebook_user"].to_numpy(bool)[who]
        row["non_facebook_recovered_count"] = int((no_fb & found).sum())
    summary = pd.DataFrame([row])
    table = pd.DataFrame(
        {
            "customer_id": sample["customer_id"].to_numpy(),
            "key_sha256": sample["key_sha256"].to_numpy(),
            "recovered_key": pd.array(recovered.to_numpy(dtype=object), dtype="string"),
        }
    )
    return ReversalDemo(summary, table, result)
