"""The synthetic population: people, accounts, devices, usage and 2016 consent state.

Generation is vectorised. Faker provides per-locale *pools*: its own name lists with
their frequency weights, and a few seeded city names; people then draw from the pools
with numpy.
Faker's per-record speed (a few thousand records a second) would otherwise
dominate: see ``benchmarks/``.

Every random choice flows from ``WorldParams.seed``. Each component draws from
its own stream (:func:`stream`), so adding a column never shifts the others.

>>> from analysis.world import WorldParams
>>> people = generate_population(WorldParams(n_people=200, seed=1))
>>> len(people), people["person_id"].is_unique
(200, True)
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

from analysis.core.reference import load, normalised_shares
from analysis.core.seeds import stream
from analysis.world.params import WorldParams
from analysis.world.phones import draw_subscribers, e164_text

__all__ = [
    "CONSENT_STATES",
    "EMAIL_DOMAINS",
    "LAUNCH_DATE",
    "OPT_OUT_WINDOW_DAYS",
    "POLICY_DATE",
    "LocalePools",
    "generate_population",
    "locale_pools",
]


#: The announcement of the new terms; new users joined after it, with no choice.
POLICY_DATE = pd.Timestamp("2016-08-25")


#: WhatsApp's public launch; no registration is earlier.
LAUNCH_DATE = pd.Timestamp("2009-05-01")


#: Length of the in-app window to untick "Share my account info" after accepting.
OPT_OUT_WINDOW_DAYS = 30


CONSENT_STATES = (
    "kept_default",
    "unticked_before_agreeing",
    "opted_out_in_window",
    "new_user_no_choice",
    "left_whatsapp",
    "never_whatsapp",
)
"""WhatsApp consent state in 2016, one per person.

* ``kept_default``: existing user who accepted with the sharing box ticked.
* ``unticked_before_agreeing``: existing user who unticked the box, then agreed.
* ``opted_out_in_window``: existing user who accepted, then unticked it in Settings on
  day ``opt_out_day`` (1-30) of the window.
* ``new_user_no_choice``: joined after 2016-08-25; no choice was offered.
* ``left_whatsapp``: existing user who deleted the account (the only full opt-out).
* ``never_whatsapp``: no WhatsApp account.
"""


EMAIL_DOMAINS = np.array(["example.com", "example.org", "example.net"], dtype=object)
"""RFC 2606 reserved domains: no generated email address can reach anyone."""


@dataclass(frozen=True)
class LocalePools:
    """Faker's values for one locale, with their weights, sampled by numpy."""

    first_names: np.ndarray
    first_weights: np.ndarray
    last_names: np.ndarray
    last_weights: np.ndarray
    cities: np.ndarray
    first_slugs: np.ndarray
    last_slugs: np.ndarray


def _values_and_weights(values) -> tuple[np.ndarray, np.ndarray]:
    """Faker lists are tuples (uniform) or mappings of value -> frequency weight."""
    if isinstance(values, dict):
        names = np.array(list(values), dtype=object)
        weights = np.array(list(values.values()), dtype=float)
    else:
        names = np.array(list(values), dtype=object)
        weights = np.ones(len(names))
    return names, weights / weights.sum()


@cache
def locale_pools(locale: str, seed: int, n_cities: int) -> LocalePools:
    """Faker's own name lists (with their frequency weights) and seeded cities for ``locale``.

    Names are read from the locale's Faker person provider, not generated one call at a
    time, so sampling them with numpy reproduces Faker's distribution at numpy speed.
    Cities are the first ``n_cities`` distinct values Faker generates for the seed (fewer
    if the locale knows fewer).
    """
    # only the providers used: loading all of Faker's providers costs more than the sampling
    fake = Faker(locale, providers=["faker.providers.person", "faker.providers.address"])
    fake.seed_instance(zlib.crc32(f"{seed}:{locale}".encode()))
    person = fake.factories[0].provider("faker.providers.person")
    first, first_w = _values_and_weights(person.first_names)
    last, last_w = _values_and_weights(person.last_names)
    cities: dict[str, None] = {}
    for _ in range(50 * n_cities):
        cities.setdefault(fake.city(), None)
        if len(cities) == n_cities:
            break

    def slugs(names: np.ndarray) -> np.ndarray:
        folded = (
            pd.Series(names, dtype=object)
            .str.normalize("NFKD")
            .str.encode("ascii", "ignore")
            .str.decode("ascii")
            .str.lower()
            .str.replace(r"[^a-z0-9]", "", regex=True)
        )
        return folded.where(folded != "", "user").to_numpy(dtype=object)

    return LocalePools(
        first,
        first_w,
        last,
        last_w,
        np.array(list(cities), dtype=object),
        slugs(first),
        slugs(last),
    )


def _choice(rng: np.random.Generator, options: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
    return options[rng.choice(len(options), size=n, p=p)]


def _categorical(codes: np.ndarray, labels) -> pd.Categorical:
    """Build a categorical from integer ``codes`` into ``labels`` (-1 = missing), sorted.

    Building categoricals from codes avoids hashing a million strings.
    """
    uniq, inverse = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
    codes = np.asarray(codes)
    mapped = np.where(codes >= 0, inverse[np.maximum(codes, 0)], -1)
    return pd.Categorical.from_codes(mapped, categories=uniq)


def _text(values: pa.Array | pa.ChunkedArray) -> pd.arrays.ArrowStringArray:
    """Wrap an Arrow string array as a pandas ``string`` column without copying.

    Past 2^20 rows some Arrow kernels return a ``ChunkedArray``; it is wrapped as it is
    (``pa.chunked_array([chunked])`` would rebuild it value by value).
    """
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    return pd.arrays.ArrowStringArray(values)


def _city_categorical(codes: np.ndarray, labels: list[str]) -> pd.Categorical:
    """City names (the country suffix used to keep homonyms apart is dropped)."""
    names = np.array([label.split("\x00")[0] for label in labels], dtype=object)
    return _categorical(codes, names)


def _facebook_given_whatsapp(
    wa: np.ndarray, fb: np.ndarray, overlap: float
) -> tuple[np.ndarray, np.ndarray]:
    """P(FB | WA) and P(FB | no WA) that keep both adoption shares.

    ``overlap`` 0 gives independence, 1 the largest P(FB | WA) the marginals allow.
    """
    highest = np.minimum(1.0, fb / np.maximum(wa, 1e-12))
    given_wa = (1 - overlap) * fb + overlap * highest
    given_not = np.where(wa < 1, (fb - wa * given_wa) / np.maximum(1 - wa, 1e-12), fb)
    return given_wa, np.clip(given_not, 0.0, 1.0)


def _truncated_exponential_days(rng, n, mean_days, max_days):
    """Days back from a date, exponential with ``mean_days``, truncated at ``max_days``."""
    u = rng.random(n)
    cdf_max = 1 - np.exp(-max_days / mean_days)
    return -mean_days * np.log1p(-u * cdf_max)


def generate_population(params: WorldParams) -> pd.DataFrame:
    """Generate the synthetic people described by ``params``.

    Parameters
    ----------
    params : WorldParams
        Validated parameters; ``params.seed`` drives every random choice.

    Returns
    -------
    pandas.DataFrame
        One row per person, columns as documented in :data:`analysis.world.PEOPLE`.
    """
    n, seed = params.n_people, params.seed
    countries_ref = load("countries").set_index("country_code")
    shares = params.country_shares()
    codes = np.array(list(shares), dtype=object)

    # --- where people live, who they are ------------------------------------------
    rng = stream(seed, "country")
    country_idx = rng.choice(codes.size, size=n, p=np.array(list(shares.values())))
    ref = countries_ref.loc[codes]
    first_code = np.empty(n, dtype=np.int64)
    last_code = np.empty(n, dtype=np.int64)
    city_code = np.empty(n, dtype=np.int64)
    subscriber = np.empty(n, dtype=np.int64)
    first_pool: list[np.ndarray] = []
    last_pool: list[np.ndarray] = []
    first_slug_pool: list[np.ndarray] = []
    last_slug_pool: list[np.ndarray] = []
    city_labels: list[str] = []
    members = {code: np.flatnonzero(country_idx == i) for i, code in enumerate(codes)}
    for code in codes:
        idx = members[code]
        pools = locale_pools(
            countries_ref.at[code, "faker_locale"], seed, params.cities_per_country
        )
        r = stream(seed, f"identity:{code}")
        fi = r.choice(pools.first_names.size, size=idx.size, p=pools.first_weights)
        li = r.choice(pools.last_names.size, size=idx.size, p=pools.last_weights)
        ranks = np.arange(1, pools.cities.size + 1, dtype=float)
        city_p = ranks**-params.city_zipf_exponent
        ci = r.choice(pools.cities.size, size=idx.size, p=city_p / city_p.sum())
        first_code[idx] = fi + sum(map(len, first_pool))
        last_code[idx] = li + sum(map(len, last_pool))
        city_code[idx] = ci + len(city_labels)
        first_pool.append(pools.first_names)
        last_pool.append(pools.last_names)
        first_slug_pool.append(pools.first_slugs)
        last_slug_pool.append(pools.last_slugs)
        # the same city name in two countries stays two places
        city_labels += [f"{c}\x00{code}" for c in pools.cities]
        subscriber[idx] = draw_subscribers(code, idx.size, stream(seed, f"phone:{code}"))

    def take(pool: list[np.ndarray], index: np.ndarray) -> pa.Array:
        return pa.array(np.concatenate(pool), pa.string()).take(pa.array(index))

    first = take(first_pool, first_code)
    last = take(last_pool, last_code)
    phone = e164_text(list(codes), country_idx, subscriber)
    person_id = np.arange(n, dtype=np.int64)
    rng = stream(seed, "email")
    domain = pa.array(EMAIL_DOMAINS, pa.string()).take(
        pa.array(rng.integers(0, EMAIL_DOMAINS.size, n))
    )
    email = pc.binary_join_element_wise(
        take(first_slug_pool, first_code),
        ".",
        take(last_slug_pool, last_code),
        pc.cast(pa.array(person_id), pa.string()),
        "@",
        domain,
        "",
    )

    # --- accounts -----------------------------------------------------------------
    wa_share = ref["whatsapp_adoption_share"].to_numpy(float)[country_idx]
    fb_share = ref["facebook_adoption_share"].to_numpy(float)[country_idx]
    rng = stream(seed, "accounts")
    is_wa = rng.random(n) < wa_share
    p_fb_wa, p_fb_not = _facebook_given_whatsapp(
        wa_share, fb_share, params.facebook_whatsapp_overlap
    )
    is_fb = rng.random(n) < np.where(is_wa, p_fb_wa, p_fb_not)
    is_ig = is_fb & (rng.random(n) < params.instagram_given_facebook_share)

    # --- consent state in 2016 ----------------------------------------------------
    rng = stream(seed, "consent")
    u_new, u_left, u_opt, u_how = rng.random((4, n))
    state_code = {name: i for i, name in enumerate(CONSENT_STATES)}
    state = np.full(n, state_code["never_whatsapp"], dtype=np.int64)
    existing = is_wa & (u_new >= params.whatsapp_new_user_share)
    state[is_wa & ~existing] = state_code["new_user_no_choice"]
    left = existing & (u_left < params.whatsapp_left_share)
    state[left] = state_code["left_whatsapp"]
    stays = existing & ~left
    opted = stays & (u_opt < params.opt_out_uptake_share)
    state[stays & ~opted] = state_code["kept_default"]
    before = opted & (u_how < params.opt_out_before_agreeing_share)
    state[before] = state_code["unticked_before_agreeing"]
    in_window = opted & ~before
    state[in_window] = state_code["opted_out_in_window"]

    days = np.arange(1, OPT_OUT_WINDOW_DAYS + 1)
    day_p = 0.5 ** ((days - 1) / params.opt_out_day_half_life_days)
    opt_out_day = np.full(n, -1, dtype=np.int64)
    opt_out_day[before] = 0
    opt_out_day[in_window] = rng.choice(days, size=int(in_window.sum()), p=day_p / day_p.sum())

    # --- registration, acceptance, last seen ---------------------------------------
    snapshot = pd.Timestamp(params.snapshot_date)
    rng = stream(seed, "usage")
    existing_span = (POLICY_DATE - LAUNCH_DATE).days
    back = _truncated_exponential_days(rng, n, 700.0, existing_span - 1)
    new_span = max((snapshot - POLICY_DATE).days, 1)
    registered_offset = np.where(
        existing, -np.ceil(back), 1 + np.floor(rng.random(n) * new_span)
    ).astype("int64")
    registered_on = POLICY_DATE + pd.to_timedelta(registered_offset, unit="D")
    delay = np.floor(rng.exponential(params.acceptance_delay_mean_days, n)).astype("int64")
    accepted_on = np.where(existing, POLICY_DATE + pd.to_timedelta(delay, unit="D"), registered_on)
    accepted_on = pd.DatetimeIndex(accepted_on)
    # People who accept after the snapshot are still counted by their state; leavers
    # leave on the day they would otherwise have accepted.
    hours_back = rng.exponential(params.last_seen_mean_hours, n)
    last_seen = snapshot - pd.to_timedelta(np.round(hours_back * 60), unit="min")
    last_seen = pd.DatetimeIndex(np.where(left, accepted_on, last_seen)).as_unit("s")
    last_seen = last_seen.where(is_wa)
    app_version_code = np.where(is_wa, rng.integers(100, 300, n) - 100, -1)
    app_versions = np.array([f"2.16.{v}" for v in range(100, 300)], dtype=object)

    # --- devices ------------------------------------------------------------------
    rng = stream(seed, "device")
    os_labels = np.array(sorted(load("os_share")["os_name"].unique()), dtype=object)
    os_code = np.empty(n, dtype=np.int64)
    carrier_row = np.empty(n, dtype=np.int64)
    os_by_country = normalised_shares("os_share", "country_code", "os_name", "market_share")
    carriers = load("carriers")
    for code in codes:
        idx = members[code]
        if idx.size == 0:
            continue
        names, p = os_by_country[code]
        os_code[idx] = np.searchsorted(os_labels, names.astype(object))[
            rng.choice(len(names), size=idx.size, p=p)
        ]
        rows = np.flatnonzero(carriers["country_code"].to_numpy() == code)
        weights = carriers["market_share"].to_numpy(float)[rows]
        carrier_row[idx] = rows[rng.choice(rows.size, size=idx.size, p=weights / weights.sum())]
    version_code = np.empty(n, dtype=np.int64)
    screen_code = np.empty(n, dtype=np.int64)
    version_labels: list[str] = []
    screen_labels: list[str] = []
    versions = normalised_shares("os_versions", "os_name", "os_version", "version_share")
    screens = normalised_shares(
        "screen_resolutions", "os_name", "screen_resolution", "resolution_share"
    )
    for os_ in versions:
        idx = np.flatnonzero(os_code == np.searchsorted(os_labels, os_))
        v, vp = versions[os_]
        sc, sp = screens[os_]
        version_code[idx] = len(version_labels) + rng.choice(len(v), size=idx.size, p=vp)
        screen_code[idx] = len(screen_labels) + rng.choice(len(sc), size=idx.size, p=sp)
        version_labels += list(v)
        screen_labels += list(sc)
    hex_ids = np.frombuffer(rng.bytes(8 * n).hex().encode(), dtype="S16")
    device_id = pc.cast(pa.array(hex_ids), pa.string())
    has_fb_app = is_fb & (rng.random(n) < params.facebook_app_same_phone_share)

    # --- Facebook's phone on file ---------------------------------------------------
    rng = stream(seed, "facebook_phone")
    on_file = is_fb & (rng.random(n) < params.facebook_phone_on_file_share)
    source_names = [*params.facebook_phone_source_weights, "none"]
    source_p = np.array(list(params.facebook_phone_source_weights.values()))
    source = np.full(n, len(source_names) - 1, dtype=np.int64)
    source[on_file] = rng.choice(
        len(source_p), size=int(on_file.sum()), p=source_p / source_p.sum()
    )
    fb_phone_holder = np.where(on_file, person_id, -1)  # whose number Facebook holds
    stale = on_file & (rng.random(n) < params.facebook_phone_stale_share)
    for code in codes:
        pool = members[code]
        idx_stale = pool[stale[pool]]
        if idx_stale.size == 0 or pool.size < 2:
            stale[idx_stale] = False
            continue
        # another person of the same country now holds the recycled number
        j = rng.integers(0, pool.size, idx_stale.size)
        other = pool[j]
        clash = other == idx_stale
        other[clash] = pool[(j[clash] + 1) % pool.size]
        fb_phone_holder[idx_stale] = other
    fb_phone = phone.take(pa.array(fb_phone_holder, mask=fb_phone_holder < 0))
    fb_ids = np.zeros(n, dtype=np.int64)
    fb_ids[is_fb] = 100_000_000_000_000 + rng.permutation(int(is_fb.sum()))

    people = pd.DataFrame(
        {
            "person_id": person_id,
            "country_code": _categorical(country_idx, codes),
            "faker_locale": _categorical(country_idx, ref["faker_locale"].to_numpy(object)),
            "first_name": _text(first),
            "last_name": _text(last),
            "full_name": _text(pc.binary_join_element_wise(first, last, " ")),
            "email": _text(email),
            "city": _city_categorical(city_code, city_labels),
            "phone_e164": _text(phone),
            "is_whatsapp_user": is_wa,
            "is_facebook_user": is_fb,
            "is_instagram_user": is_ig,
            "facebook_account_id": pd.arrays.IntegerArray(fb_ids, ~is_fb),
            "is_facebook_phone_on_file": on_file,
            "facebook_phone_source": _categorical(source, source_names),
            "facebook_phone_e164": _text(fb_phone),
            "is_facebook_phone_stale": stale,
            "os_name": _categorical(os_code, os_labels),
            "os_version": _categorical(version_code, version_labels),
            "screen_resolution": _categorical(screen_code, screen_labels),
            "carrier_name": _categorical(carrier_row, carriers["carrier_name"].to_numpy(object)),
            "mcc": _categorical(carrier_row, carriers["mcc"].to_numpy(object)),
            "mnc": _categorical(carrier_row, carriers["mnc"].to_numpy(object)),
            "device_id": _text(device_id),
            "has_facebook_app_same_phone": has_fb_app,
            "consent_state": _categorical(state, CONSENT_STATES),
            "opt_out_day": pd.array(np.where(opt_out_day >= 0, opt_out_day, pd.NA), dtype="Int64"),
            "whatsapp_registered_on": pd.DatetimeIndex(registered_on).as_unit("s").where(is_wa),
            "terms_accepted_on": accepted_on.as_unit("s").where(is_wa & ~left),
            "whatsapp_last_seen_at": last_seen,
            "whatsapp_app_version": _categorical(app_version_code, app_versions),
        }
    )
    from analysis.core.schema import apply_dtypes
    from analysis.world.tables import PEOPLE

    return apply_dtypes(people, PEOPLE)
