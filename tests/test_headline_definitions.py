"""Each headline definition pinned on the hand-built clinic world (tests/handbuilt.py).

Every expected value below is worked out by hand from the world's table of people, ties,
Facebook friendships and address books (see the docstring of ``handbuilt.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from handbuilt import NUMBERS, clinic_world, swap_policy
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import linking, results
from analysis.effects import ads, exposure
from analysis.effects.ads import AdsParams, CustomerLists
from analysis.effects.suggest import SuggestParams
from analysis.policy import builtin_scenarios

MIX = builtin_scenarios()["mix_2016"]
K = SuggestParams(k=10)  # more than anyone's candidates: the top-k is every candidate

#: Every Facebook member's candidates are two hops away or a direct contact edge. Without
#: WhatsApp data Facebook sees its friendships 1-4, 4-7, 3-5 and the contact edge 2->0
#: (2 uploaded 0's number, which 0's profile holds). WhatsApp numbers resolve 2->4, 4->1 and
#: 4->5 (their owners uploaded them; 4, 1, 5 kept the default and have the Facebook app on
#: the phone). The new candidates are the WhatsApp-only suggestions:
WHATSAPP_ONLY = {
    (0, 4), (1, 2), (1, 5), (2, 1), (2, 4), (2, 5), (2, 7), (3, 4), (4, 0),
    (4, 2), (4, 3), (4, 5), (5, 1), (5, 2), (5, 4), (5, 7), (7, 2), (7, 5),
}  # fmt: skip


@pytest.fixture(scope="module")
def world():
    return clinic_world()


@pytest.fixture(scope="module")
def result(world):
    return exposure.scenario_suggestions(world, MIX, K)


def test_whatsapp_only_suggestions_by_hand(result):
    only = result.whatsapp_only
    assert set(zip(only.person_id, only.suggested_person_id, strict=True)) == WHATSAPP_ONLY
    base = result.baseline
    assert set(zip(base.person_id, base.suggested_person_id, strict=True)) == {
        (1, 7), (7, 1), (0, 2), (2, 0),
    }  # fmt: skip


def test_exposure_counts_harm_to_the_person_named(world, result):
    per = exposure.person_exposure(world, result, MIX).set_index("person_id")
    # (i) distinct people shown them: read off WHATSAPP_ONLY's second column
    assert per["suggested_count"].to_dict() == {
        0: 1,
        1: 2,
        2: 4,
        3: 1,
        4: 4,
        5: 4,
        6: 0,
        7: 2,
        8: 0,
    }
    # (ii) other people's books Facebook holds (2's and 4's uploads) with their right number:
    # 2 is in no one else's uploaded book (its own upload does not count); 3's entry has a typo
    assert per["tie_known_count"].to_dict() == {
        0: 1,
        1: 1,
        2: 0,
        3: 0,
        4: 1,
        5: 1,
        6: 1,
        7: 1,
        8: 1,
    }
    # (iii) 4's upload attaches 1's and 7's numbers to their accounts (labels match their
    # names, 4 is their Facebook friend); 6 and 8 have no account: shadow profiles
    assert per["number_attached_count"].to_dict() == {
        0: 0, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 1, 8: 1,
    }  # fmt: skip
    assert not per[["tie_known_whatsapp_count", "number_attached_whatsapp_count"]].any().any()
    assert per["exposure_group"].to_dict() == {
        0: "shares", 1: "shares", 2: "opted_out", 3: "never_whatsapp", 4: "shares",
        5: "shares", 6: "shares", 7: "left", 8: "never_whatsapp",
    }  # fmt: skip


def test_exposure_shares_and_denominators(world, result):
    per = exposure.person_exposure(world, result, MIX)
    s = exposure.exposure_shares(per).set_index(["exposure_group", "exposure"])
    expect = {  # (people in the group, share exposed)
        ("opted_out", "suggested"): (1, 1.0),  # 2
        ("opted_out", "tie_known"): (1, 0.0),
        ("opted_out", "number_attached"): (1, 0.0),
        ("left", "suggested"): (1, 1.0),  # 7
        ("left", "tie_known"): (1, 1.0),
        ("left", "number_attached"): (1, 1.0),
        ("never_whatsapp", "suggested"): (2, 0.5),  # 3, a Facebook member; 8 is not
        ("never_whatsapp", "tie_known"): (2, 0.5),  # 8 yes, 3 no
        ("never_whatsapp", "number_attached"): (2, 0.5),
    }
    for key, (n, share) in expect.items():
        assert s.loc[key, "people_count"] == n and s.loc[key, "exposed_share"] == share, key
    assert s.loc[("never_whatsapp", "suggested"), "member_count"] == 1  # only 3 is on Facebook
    assert s.loc[("never_whatsapp", "suggested"), "member_exposed_share"] == 1.0
    dist = exposure.exposure_distribution(per).set_index(
        ["exposure_group", "exposure", "count_bin"]
    )
    assert dist.loc[("opted_out", "suggested", "3-5"), "people_count"] == 1  # 2 has 4 viewers
    assert dist.loc[("never_whatsapp", "tie_known", "0"), "people_count"] == 1


def test_address_book_switch_adds_whatsapp_copies(world):
    on = MIX.replace(address_books=True)
    r = exposure.scenario_suggestions(world, on, K)
    per = exposure.person_exposure(world, r, on).set_index("person_id")
    # 5 does not upload, but WhatsApp's copy of 5's book holds 2's number; 1's copy holds 4's
    assert per.loc[2, "tie_known_count"] == 1 and per.loc[2, "tie_known_whatsapp_count"] == 1
    assert per.loc[4, "tie_known_count"] == 2 and per.loc[4, "tie_known_whatsapp_count"] == 1
    assert per["tie_known_whatsapp_count"].sum() == 2
    # with 1's copy, the inference attaches 4's number to 4's account (1 is 4's friend)
    assert per.loc[4, "number_attached_count"] == 1
    assert per["number_attached_whatsapp_count"].to_dict() == {i: int(i == 4) for i in range(9)}
    got = set(zip(r.whatsapp_only.person_id, r.whatsapp_only.suggested_person_id, strict=True))
    assert got == WHATSAPP_ONLY


@settings(max_examples=25, deadline=None)
@given(
    who=st.integers(0, 8),
    shown=st.lists(st.integers(0, 8), max_size=6, unique=True),
)
def test_exposure_never_changes_when_only_what_a_person_is_shown_changes(world, result, who, shown):
    """Replace everything ``who`` is shown (with and without WhatsApp): their exposure stays."""
    from dataclasses import replace

    def swap(frame: pd.DataFrame) -> pd.DataFrame:
        kept = frame[frame["person_id"] != who]
        new = pd.DataFrame(
            {"person_id": who, "suggested_person_id": [v for v in shown if v != who]}
        )
        return pd.concat([kept, new.reindex(columns=frame.columns)], ignore_index=True)

    changed = replace(
        result,
        whatsapp_only=swap(result.whatsapp_only),
        with_whatsapp=swap(result.with_whatsapp),
        baseline=swap(result.baseline),
    )
    before = exposure.person_exposure(world, result, MIX).set_index("person_id").loc[who]
    after = exposure.person_exposure(world, changed, MIX).set_index("person_id").loc[who]
    pd.testing.assert_series_equal(before, after)


def test_sensitive_split_by_what_it_reveals(world, result):
    counts = exposure.sensitive_counts({"mix": result}).set_index("sensitive_kind")
    # 1 and 2 are both patients of clinician 0: a third party; 0 and 4 are ex-partners
    assert counts.loc["co_patients", "suggestion_count"] == 2
    assert counts.loc["ex_partner", "suggestion_count"] == 2
    assert counts.groupby("scope")["suggestion_count"].sum().to_dict() == {
        "own_tie": 2,
        "third_party": 2,
    }
    clients = exposure.client_exposure(world, result).set_index("person_id")
    # Facebook members who are patients: 1, 2 (clinician 0) and 5 (clinician 3; 6 is not on
    # Facebook, so 5 has no fellow patient to be suggested to)
    assert clients["co_client_suggested_count"].to_dict() == {1: 1, 2: 1, 5: 0}


def _tiers(world, scenario=MIX):
    t = linking.link_table(world.people, scenario, world).set_index("person_id")
    return {c: set(t.index[t[c]]) for c in linking.TIER_COLUMNS.values()}


def test_linking_tiers_by_hand(world):
    t = _tiers(world)
    # WhatsApp users 0 1 2 4 5 6 7; 7 left before accepting, 6 has no Facebook account
    assert t["is_reached"] == {0, 1, 2, 4, 5, 6}
    # 0 by phone number (on file), 1 by device and by 4's upload, 2 by device (the partial
    # opt-out keeps infrastructure, Facebook's own use), 4 and 5 by device
    assert t["is_joined_for_own_use"] == {0, 1, 2, 4, 5}
    assert t["is_usable_for_suggestions"] == t["is_usable_for_ads"] == {0, 1, 4, 5}


def test_processor_cells_separate_tier_a_from_tier_b(world, tmp_path):
    """With the default's device id processed only on WhatsApp's behalf, device joins drop out."""
    edit = {
        "consent,kept_default,device_id,yes,yes,yes,yes,yes,": "consent,kept_default,device_id,"
        "processor,processor,processor,processor,processor,"
    }
    with swap_policy(edit)(tmp_path):
        t = _tiers(world)
    assert t["is_reached"] == {0, 1, 2, 4, 5, 6}  # still reaches Facebook
    # 4 and 5 were joined only by device: now reached, not Facebook's own; 1 keeps the
    # address-book join; 2's device id is governed by its own (partial opt-out) row
    assert t["is_joined_for_own_use"] == {0, 1, 2}
    assert t["is_usable_for_ads"] == {0, 1}
    assert _tiers(world)["is_joined_for_own_use"] == {0, 1, 2, 4, 5}  # table restored


def test_held_after_leaving_and_after_opting_out_in_the_window(world):
    people = world.people

    def row(links, who):
        return linking.link_table(people, MIX, world, links=links).set_index("person_id").loc[who]

    # 7 left before accepting: nothing held. Had 7 accepted and left on day 3, Facebook would
    # hold 7's number, joined through 4's upload (the inferred number of 7's account)
    never = linking.held_links(people, MIX, world)
    assert not row(never, 7)[["is_reached", "is_joined_for_own_use"]].any()
    held = linking.held_links(people, MIX, world, leave_day=3)
    assert row(held, 7)[["is_reached", "is_joined_for_own_use", "is_usable_for_ads"]].all()
    now = linking.held_links(people, MIX, world, leave_day=3, held_use="as_now")
    assert row(now, 7)["is_reached"] and not row(now, 7)["is_joined_for_own_use"]
    assert not row(linking.held_links(people, MIX, world, leave_day=0), 7)["is_reached"]
    # 2 unticked before agreeing: nothing for ads, ever. Had 2 opted out on day 3 of the
    # window, the device join would still be held for ads from days 0-2
    assert not row(linking.held_links(people, MIX, world), 2)["is_usable_for_ads"]
    later = people.assign(
        consent_state=people["consent_state"].where(
            people["person_id"] != 2, "opted_out_in_window"
        ),
        opt_out_day=people["opt_out_day"].where(people["person_id"] != 2, 3),
    )
    in_window = linking.held_links(later, MIX, world)
    t = linking.link_table(later, MIX, world, links=in_window).set_index("person_id")
    assert t.loc[2, "is_usable_for_ads"]
    flowing = linking.link_table(later, MIX, world).set_index("person_id")
    assert not flowing.loc[2, "is_usable_for_ads"] and flowing.loc[2, "is_joined_for_own_use"]


def test_ads_attach_numbers_only_through_the_models_mechanisms(world):
    people = world.people
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(9, dtype=np.int64),
            "business_id": np.zeros(9, dtype=np.int64),
            "country_code": ["US"] * 9,
            "person_id": np.arange(9, dtype=np.int64),
            "phone_style": ["e164"] * 9,
            "phone_raw": NUMBERS,
            "is_phone_typo": [False] * 9,
            "email_raw": pd.array([None] * 9, dtype="string"),
        }
    )
    lists = CustomerLists(
        pd.DataFrame({"business_id": [0], "country_code": ["US"], "list_size_count": [9]}),
        customers,
    )
    params = AdsParams(match_emails=False, min_audience_size=20)
    res = ads.run_scenarios(people, world, params, seed=1, scenarios={"mix": MIX}, lists=lists)
    keys = res.facebook_keys
    shadow = keys[keys["source"].astype(str) == "shadow_contacts"]
    assert sorted(shadow["person_id"]) == [1, 7]  # the inferred numbers, nothing else
    assert not (keys["source"].astype(str) == "whatsapp_contacts").any()
    rate = res.match_rates.set_index("country_code").loc["ALL"]
    # own numbers on file: 0, 3; inferred from 4's upload: 1, 7. 4 and 5 are in uploaded
    # books too, but nothing attaches their numbers to their accounts without WhatsApp
    assert rate["matched_without_whatsapp_count"] == 4
    # WhatsApp numbers permitted for ads (kept the default, on Facebook): 0, 1, 4, 5
    assert rate["matched_count"] == 6
    # with the switch on, 1's WhatsApp copy lets the inference attach 4's number to 4
    on = {"on": MIX.replace(address_books=True)}
    no_wa = params.replace(shadow_contacts_usable=False)
    res_on = ads.run_scenarios(people, world, no_wa, seed=1, scenarios=on, lists=lists)
    wkeys = ads.whatsapp_contact_keys(people, world, people["is_whatsapp_user"].to_numpy(bool))
    assert wkeys["person_id"].tolist() == [4]
    # own numbers 0, 3; WhatsApp numbers 1, 4, 5 (4 also through 1's copy); 7's inferred
    # number is not used without shadow contacts
    assert res_on.match_rates.set_index("country_code").loc["ALL", "matched_count"] == 5


def test_headline_metrics_on_the_built_world(world):
    m = results.headline_metrics(world, seed=1, parts=["linking", "suggestions", "exposure"])
    v = m.set_index(["metric", "scenario"])["value"]
    assert v[("reached_share", "mix_2016")] == pytest.approx(6 / 7)
    assert v[("own_join_share", "mix_2016")] == pytest.approx(5 / 7)
    assert v[("ads_join_share", "mix_2016")] == pytest.approx(4 / 7)
    assert v[("opted_out_suggested_share", "mix_2016")] == 1.0
    assert v[("left_tie_known_share", "mix_2016")] == 1.0
    assert v[("never_whatsapp_number_attached_share", "mix_2016")] == 0.5
    assert v[("never_whatsapp_people_count", "mix_2016")] == 2
    assert v[("never_whatsapp_suggested_share", "mix_2016")] == 0.5
    assert v[("never_whatsapp_suggested_member_share", "mix_2016")] == 1.0
    assert v[("co_client_suggested_share", "mix_2016")] == pytest.approx(2 / 3)
    members = 7
    assert v[("third_party_sensitive_per_1000_members", "mix_2016")] == pytest.approx(
        2000 / members
    )
    assert v[("whatsapp_only_suggestion_share", "mix_2016")] == pytest.approx(18 / 22)
    # 0 1 2 3 4 5 7 are each suggested to someone else because of WhatsApp data
    assert v[("members_suggested_share", "mix_2016")] == 1.0
    with pytest.raises(ValueError, match="only with a world to generate"):
        results.headline_metrics(world, object(), seed=1)
