"""The synthetic population: people, accounts, devices, usage and 2016 consent state.

Generation is vectorised. Faker is called only to fill small per-locale *pools*
(first names, last names, cities); people then draw from the pools with numpy.
Faker's per-record speed (a few thousand records a second) would otherwise
dominate: see ``benchmarks/``.

Every random choice flows from ``WorldParams.seed``. Each component draws from
its own stream (:func:`stream`), so adding a column never shifts the others.

>>> from analysis.params import WorldParams
>>> people = generate_population(WorldParams(n_people=200, seed=1))
>>> len(people), people["person_id"].is_unique
(200, True)
"""

from __future__ import annotations

import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from faker import Faker

from analysis.params import WorldParams
from analysis.phones import draw_numbers
from analysis.reference import load, normalised_shares

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


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream for one component, derived from the seed.

    >>> int(stream(1, "a").integers(100)) == int(stream(1, "a").integers(100))
    True
    """
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


@dataclass(frozen=True)
class LocalePools:
    """Faker values for one locale, drawn once and sampled by numpy."""

    first_names: np.ndarray
    last_names: np.ndarray
    cities: np.ndarray
    first_slugs: np.ndarray
    last_slugs: np.ndarray


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@cache
def locale_pools(locale: str, seed: int, pool_size: int, n_cities: int) -> LocalePools:
    """Seeded pools of Faker values for ``locale``.

    Names are drawn ``pool_size`` times with repeats kept, so Faker's own name
    frequencies carry over. Cities are the first ``n_cities`` distinct values
    (fewer if the locale knows fewer).
    """
    fake = Faker(locale)
    fake.seed_instance(zlib.crc32(f"{seed}:{locale}".encode()))
    first = np.array([fake.first_name() for _ in range(pool_size)], dtype=object)
    last = np.array([fake.last_name() for _ in range(pool_size)], dtype=object)
    cities: dict[str, None] = {}
    for _ in range(50 * n_cities):
        cities.setdefault(fake.city(), None)
        if len(cities) == n_cities:
            break
    def slugs(names: np.ndarray) -> np.ndarray:
        return np.array([_ascii_slug(s) or "user" for s in names], dtype=object)

    return LocalePools(first, last, np.array(list(cities), dtype=object), slugs(first), slugs(last))


def _choice(rng: np.random.Generator, options: np.ndarray, p: np.ndarray, n: int) -> np.ndarray:
    return options[rng.choice(len(options), size=n, p=p)]


def _facebook_given_whatsapp(wa: np.ndarray, fb: np.ndarray, overlap: float) -> tuple[np.ndarray, np.ndarray]:
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
        One row per person, columns as documented in :data:`analysis.schema.PEOPLE`.
    """
    n, seed = params.n_people, params.seed
    countries_ref = load("countries").set_index("country_code")
    shares = params.country_shares()
    codes = np.array(list(shares), dtype=object)

    # --- where people live, who they are ------------------------------------------
    rng = stream(seed, "country")
    country_idx = rng.choice(codes.size, size=n, p=np.array(list(shares.values())))
    country = codes[country_idx]
    ref = countries_ref.loc[codes]
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    city = np.empty(n, dtype=object)
    email_local = np.empty(n, dtype=object)
    phone = np.empty(n, dtype=object)
    locale = ref["faker_locale"].to_numpy(dtype=object)[country_idx]
    members = {code: np.flatnonzero(country_idx == i) for i, code in enumerate(codes)}
    for code in codes:
        idx = members[code]
        if idx.size == 0:
            continue
        pools = locale_pools(countries_ref.at[code, "faker_locale"], seed,
                             params.name_pool_size, params.cities_per_country)
        r = stream(seed, f"identity:{code}")
        fi = r.integers(0, pools.first_names.size, idx.size)
        li = r.integers(0, pools.last_names.size, idx.size)
        ranks = np.arange(1, pools.cities.size + 1, dtype=float)
        city_p = ranks ** -params.city_zipf_exponent
        ci = r.choice(pools.cities.size, size=idx.size, p=city_p / city_p.sum())
        first[idx] = pools.first_names[fi]
        last[idx] = pools.last_names[li]
        city[idx] = pools.cities[ci]
        email_local[idx] = pools.first_slugs[fi] + "." + pools.last_slugs[li]
        phone[idx] = draw_numbers(code, idx.size, stream(seed, f"phone:{code}"))

    person_id = np.arange(n, dtype=np.int64)
    rng = stream(seed, "email")
    domain = EMAIL_DOMAINS[rng.integers(0, EMAIL_DOMAINS.size, n)]
    email = email_local + person_id.astype(str).astype(object) + "@" + domain

    # --- accounts -----------------------------------------------------------------
    wa_share = ref["whatsapp_adoption_share"].to_numpy(float)[country_idx]
    fb_share = ref["facebook_adoption_share"].to_numpy(float)[country_idx]
    rng = stream(seed, "accounts")
    is_wa = rng.random(n) < wa_share
    p_fb_wa, p_fb_not = _facebook_given_whatsapp(wa_share, fb_share, params.facebook_whatsapp_overlap)
    is_fb = rng.random(n) < np.where(is_wa, p_fb_wa, p_fb_not)
    is_ig = is_fb & (rng.random(n) < params.instagram_given_facebook_share)

    # --- consent state in 2016 ----------------------------------------------------
    rng = stream(seed, "consent")
    u_new, u_left, u_opt, u_how = rng.random((4, n))
    state = np.full(n, "never_whatsapp", dtype=object)
    existing = is_wa & (u_new >= params.whatsapp_new_user_share)
    state[is_wa & ~existing] = "new_user_no_choice"
    left = existing & (u_left < params.whatsapp_left_share)
    state[left] = "left_whatsapp"
    stays = existing & ~left
    opted = stays & (u_opt < params.opt_out_uptake_share)
    state[stays & ~opted] = "kept_default"
    before = opted & (u_how < params.opt_out_before_agreeing_share)
    state[before] = "unticked_before_agreeing"
    in_window = opted & ~before
    state[in_window] = "opted_out_in_window"

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
    app_version = ("2.16." + rng.integers(100, 300, n).astype(str).astype(object))

    # --- devices ------------------------------------------------------------------
    rng = stream(seed, "device")
    os_name = np.empty(n, dtype=object)
    carrier = np.empty(n, dtype=object)
    mcc = np.empty(n, dtype=object)
    mnc = np.empty(n, dtype=object)
    os_by_country = normalised_shares("os_share", "country_code", "os_name", "market_share")
    carriers = load("carriers")
    for code in codes:
        idx = members[code]
        if idx.size == 0:
            continue
        names, p = os_by_country[code]
        os_name[idx] = _choice(rng, names.astype(object), p, idx.size)
        rows = carriers[carriers["country_code"] == code]
        weights = rows["market_share"].to_numpy(float)
        pick = rng.choice(len(rows), size=idx.size, p=weights / weights.sum())
        carrier[idx] = rows["carrier_name"].to_numpy(object)[pick]
        mcc[idx] = rows["mcc"].to_numpy(object)[pick]
        mnc[idx] = rows["mnc"].to_numpy(object)[pick]
    os_version = np.empty(n, dtype=object)
    screen = np.empty(n, dtype=object)
    versions = normalised_shares("os_versions", "os_name", "os_version", "version_share")
    screens = normalised_shares("screen_resolutions", "os_name", "screen_resolution", "resolution_share")
    for os_ in versions:
        idx = np.flatnonzero(os_name == os_)
        v, vp = versions[os_]
        s, sp = screens[os_]
        os_version[idx] = _choice(rng, v.astype(object), vp, idx.size)
        screen[idx] = _choice(rng, s.astype(object), sp, idx.size)
    raw = np.frombuffer(rng.bytes(8 * n), dtype="S8")
    device_id = np.frombuffer(raw.tobytes().hex().encode(), dtype="S16").astype(str).astype(object)
    has_fb_app = is_fb & (rng.random(n) < params.facebook_app_same_phone_share)

    # --- Facebook's phone on file ---------------------------------------------------
    rng = stream(seed, "facebook_phone")
    on_file = is_fb & (rng.random(n) < params.facebook_phone_on_file_share)
    source_names = np.array(list(params.facebook_phone_source_weights), dtype=object)
    source_p = np.array(list(params.facebook_phone_source_weights.values()))
    source = np.full(n, "none", dtype=object)
    source[on_file] = _choice(rng, source_names, source_p / source_p.sum(), int(on_file.sum()))
    fb_phone = np.where(on_file, phone, None).astype(object)
    stale = on_file & (rng.random(n) < params.facebook_phone_stale_share)
    for code in codes:
        pool = members[code]
        idx_stale = pool[stale[pool]]
        if idx_stale.size == 0 or pool.size < 2:
            continue
        # another person of the same country now holds the recycled number
        j = rng.integers(0, pool.size, idx_stale.size)
        other = pool[j]
        clash = other == idx_stale
        other[clash] = pool[(j[clash] + 1) % pool.size]
        fb_phone[idx_stale] = phone[other]
    fb_ids = np.full(n, pd.NA, dtype=object)
    n_fb = int(is_fb.sum())
    fb_ids[is_fb] = 100_000_000_000_000 + rng.permutation(n_fb)

    people = pd.DataFrame(
        {
            "person_id": person_id,
            "country_code": country,
            "faker_locale": locale,
            "first_name": first,
            "last_name": last,
            "full_name": first + " " + last,
            "email": email,
            "city": city,
            "phone_e164": phone,
            "is_whatsapp_user": is_wa,
            "is_facebook_user": is_fb,
            "is_instagram_user": is_ig,
            "facebook_account_id": pd.array(fb_ids, dtype="Int64"),
            "is_facebook_phone_on_file": on_file,
            "facebook_phone_source": source,
            "facebook_phone_e164": fb_phone,
            "is_facebook_phone_stale": stale,
            "os_name": os_name,
            "os_version": os_version,
            "screen_resolution": screen,
            "carrier_name": carrier,
            "mcc": mcc,
            "mnc": mnc,
            "device_id": device_id,
            "has_facebook_app_same_phone": has_fb_app,
            "consent_state": state,
            "opt_out_day": pd.array(np.where(opt_out_day >= 0, opt_out_day, pd.NA), dtype="Int64"),
            "whatsapp_registered_on": pd.DatetimeIndex(registered_on).as_unit("s").where(is_wa),
            "terms_accepted_on": accepted_on.as_unit("s").where(is_wa & ~left),
            "whatsapp_last_seen_at": last_seen,
            "whatsapp_app_version": np.where(is_wa, app_version, None),
        }
    )
    from analysis.schema import PEOPLE, apply_dtypes

    return apply_dtypes(people, PEOPLE)
