"""A hand-built world of nine people, two clinics and one leaver, for tests with known answers.

Everyone lives in the US (one city); numbers are ``+1292555000<i>``.

===  ===================  ========================  ========  ============  =======  =======
id   who                  2016 state                Facebook  number on FB  FB app   uploads
===  ===================  ========================  ========  ============  =======  =======
0    clinician A          kept_default              yes       own           no       no
1    patient of A         kept_default              yes       none          yes      no
2    patient of A         unticked_before_agreeing  yes       none          yes      yes
3    clinician B          never_whatsapp            yes       own           no       no
4    friend               kept_default              yes       none          yes      yes
5    patient of B         kept_default              yes       none          yes      no
6    patient of B         kept_default              no        --            no       no
7    the leaver           left_whatsapp             yes       none          no       no
8    outsider             never_whatsapp            no        --            no       no
===  ===================  ========================  ========  ============  =======  =======

Ties: patient-clinician 0-1, 0-2, 3-5, 3-6; ex-partners 0-4; friends 1-4, 2-4, 4-5, 4-6,
4-7, 4-8. Facebook friends: 1-4, 4-7, 3-5.

Address books: 2 and 4 upload theirs to Facebook. 2 holds 0 ("Dr Quill") and 4; 4 holds
1, 5, 6, 7, 8 under their full names, and 3 with a typo (a number that is nobody's). 5
and 1 do not upload: 5 holds 2, and 1 holds 4 (1's Facebook friend, whose account has no
number); they reach Facebook only as WhatsApp's copies, with the address-book switch on.

The device fields are the same for everyone, so the fingerprint links nobody.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.world import SocialParams, SocialWorld, WorldParams, generate_population

NUMBERS = [f"+1292555000{i}" for i in range(9)]
FIRST = ["Ada", "Ben", "Cleo", "Dan", "Eli", "Fay", "Gil", "Hana", "Ivo"]
LAST = ["Quill", "Ross", "Stone", "Troy", "Umber", "Vance", "Wolfe", "Xu", "Young"]


def clinic_world() -> SocialWorld:
    """Build the world described in the module docstring."""
    people = generate_population(WorldParams(n_people=9, seed=1, country_weights={"US": 1.0}))
    people["phone_e164"] = pd.array(NUMBERS, dtype="string")
    people["first_name"] = pd.array(FIRST, dtype="string")
    people["last_name"] = pd.array(LAST, dtype="string")
    people["full_name"] = people["first_name"] + " " + people["last_name"]
    people["city"] = pd.Categorical(["Springfield"] * 9)
    states = [
        "kept_default",
        "kept_default",
        "unticked_before_agreeing",
        "never_whatsapp",
        "kept_default",
        "kept_default",
        "kept_default",
        "left_whatsapp",
        "never_whatsapp",
    ]
    people["consent_state"] = pd.Categorical(
        states, categories=people["consent_state"].cat.categories
    )
    people["opt_out_day"] = pd.array(
        [None, None, 0, None, None, None, None, None, None], dtype="Int64"
    )
    people["is_whatsapp_user"] = [s != "never_whatsapp" for s in states]
    people["is_facebook_user"] = [True, True, True, True, True, True, False, True, False]
    on_file = [True, False, False, True, False, False, False, False, False]
    people["is_facebook_phone_on_file"] = on_file
    people["facebook_phone_e164"] = pd.array(
        [NUMBERS[i] if on_file[i] else None for i in range(9)], dtype="string"
    )
    people["is_facebook_phone_stale"] = False
    people["facebook_phone_source"] = pd.Categorical(
        ["profile" if f else "none" for f in on_file],
        categories=people["facebook_phone_source"].cat.categories,
    )
    people["has_facebook_app_same_phone"] = [
        False,
        True,
        True,
        False,
        True,
        True,
        False,
        False,
        False,
    ]
    people["device_id"] = pd.array([f"{i:016x}" for i in range(9)], dtype="string")
    for col in ("os_name", "os_version", "screen_resolution", "mcc", "mnc"):
        people[col] = pd.Categorical([str(people[col].iloc[0])] * 9)
    people["whatsapp_registered_on"] = pd.Timestamp("2015-01-01")
    people.loc[~people["is_whatsapp_user"], "whatsapp_registered_on"] = pd.NaT

    pairs = [
        (0, 1, "patient_clinician", False),
        (0, 2, "patient_clinician", False),
        (3, 5, "patient_clinician", True),
        (3, 6, "patient_clinician", False),
        (0, 4, "ex_partner", False),
        (1, 4, "friend", True),
        (2, 4, "friend", False),
        (4, 5, "friend", False),
        (4, 6, "friend", False),
        (4, 7, "friend", True),
        (4, 8, "friend", False),
    ]
    from analysis.world.params import SENSITIVE_KINDS, TIE_KINDS

    kinds = [k for _, _, k, _ in pairs]
    ties = pd.DataFrame(
        {
            "person_a_id": np.array([a for a, _, _, _ in pairs], dtype=np.int64),
            "person_b_id": np.array([b for _, b, _, _ in pairs], dtype=np.int64),
            "tie_kind": pd.Categorical(kinds, categories=list(TIE_KINDS)),
            "is_sensitive": [k in SENSITIVE_KINDS for k in kinds],
            "is_facebook_friend": [f for _, _, _, f in pairs],
        }
    )
    entries = [(2, 0, "Dr Quill", NUMBERS[0]), (2, 4, "Eli Umber", NUMBERS[4])]
    entries += [(4, i, f"{FIRST[i]} {LAST[i]}", NUMBERS[i]) for i in (1, 5, 6, 7, 8)]
    entries += [(4, 3, "Dr Troy", "+12925550093"), (5, 2, "Cleo Stone", NUMBERS[2])]
    entries += [(1, 4, "Eli Umber", NUMBERS[4])]
    book = pd.DataFrame(
        {
            "owner_person_id": np.array([e[0] for e in entries], dtype=np.int64),
            "entry_label": pd.array([e[2] for e in entries], dtype="string"),
            "entry_raw": pd.array([e[3] for e in entries], dtype="string"),
            "contact_person_id": pd.array([e[1] for e in entries], dtype="Int64"),
            "contact_kind": pd.Categorical(["person"] * len(entries)),
            "entry_e164": pd.array([e[3] for e in entries], dtype="string"),
            "normalise_reason": pd.Categorical(["ok"] * len(entries)),
        }
    )
    roles = [
        "clinician",
        "client",
        "client",
        "clinician",
        "none",
        "client",
        "client",
        "none",
        "none",
    ]
    attrs = pd.DataFrame(
        {
            "person_id": np.arange(9, dtype=np.int64),
            "sensitive_role": pd.Categorical(roles),
            "uploads_contacts_to_facebook": [
                False,
                False,
                True,
                False,
                True,
                False,
                False,
                False,
                False,
            ],
            "tie_count": np.bincount(
                ties[["person_a_id", "person_b_id"]].to_numpy().ravel(), minlength=9
            ),
            "facebook_friend_count": np.bincount(
                ties.loc[ties["is_facebook_friend"], ["person_a_id", "person_b_id"]]
                .to_numpy()
                .ravel(),
                minlength=9,
            ),
        }
    )
    return SocialWorld(people, attrs, ties, book, SocialParams(seed=1))


def swap_policy(edits: dict[str, str]):
    """Context manager: the policy table with some lines' cells replaced (``old -> new`` text)."""
    import contextlib

    import pytest

    from analysis.policy import flows

    @contextlib.contextmanager
    def _swap(tmp_dir):
        text = flows.FLOW_TABLE_PATH.read_text()
        for old, new in edits.items():
            assert old in text, old
            text = text.replace(old, new)
        edited = tmp_dir / "policy_flows.csv"
        edited.write_text(text)
        flows.load_flow_table.cache_clear()
        flows._layer_cube.cache_clear()
        try:
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(flows, "FLOW_TABLE_PATH", edited)
                yield
        finally:
            flows.load_flow_table.cache_clear()
            flows._layer_cube.cache_clear()

    return _swap
