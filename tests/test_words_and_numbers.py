"""One label map and one number format: every code name has plain words, zeros read "0"."""

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.core import formatting, labels
from analysis.core.formatting import fmt_estimate, fmt_range, fmt_share, is_true_zero
from analysis.report.tables import plain_table


def test_every_code_name_of_the_pipeline_has_plain_words():
    from analysis.effects.exposure.params import SENSITIVE_PAIR_KINDS
    from analysis.linking.params import MECHANISMS, PURPOSE_CLASSES
    from analysis.policy.flows import PURPOSES, USES
    from analysis.policy.scenarios import builtin_scenarios
    from analysis.results.robustness import SENSITIVITY_PARAMETERS
    from analysis.world.params import TIE_KINDS
    from analysis.world.population import CONSENT_STATES

    needed = {
        "mechanism": [*MECHANISMS, "any"],
        "purpose_class": PURPOSE_CLASSES,
        "purpose": PURPOSES,
        "use": USES,
        "consent_state": CONSENT_STATES,
        "tie_kind": TIE_KINDS,
        "sensitive_pair": [*SENSITIVE_PAIR_KINDS, "none"],
        "parameter": list(SENSITIVITY_PARAMETERS),
        "scenario": list(builtin_scenarios()),
    }
    for kind, codes in needed.items():
        words = labels.labels_for(kind)
        missing = [c for c in codes if c not in words]
        assert missing == [], f"{kind}: no plain words for {missing}"
        assert all(w and "_" not in w for w in words.values()), kind


def test_scenario_labels_are_the_scenario_files_titles():
    from analysis.policy.scenarios import builtin_scenarios

    assert labels.scenario_labels() == {k: s.title for k, s in builtin_scenarios().items()}


def test_old_names_still_import_from_their_stage_and_are_the_same_maps():
    from analysis import linking, results, world
    from analysis.effects import exposure

    assert linking.MECHANISM_LABELS is labels.MECHANISM_LABELS
    assert linking.PURPOSE_CLASS_LABELS is labels.PURPOSE_CLASS_LABELS
    assert world.CONSENT_LABELS is labels.CONSENT_LABELS
    assert exposure.SENSITIVE_PAIR_LABELS is labels.SENSITIVE_PAIR_LABELS
    assert results.PARAMETER_LABELS is labels.PARAMETER_LABELS


def test_metric_labels_come_from_the_metric_definitions_and_are_unique():
    from analysis import results

    assert {m.unit for m in results.METRICS.values()} <= {"share", "count", "rate"}
    assert labels.labels_for("metric") == {k: m.label for k, m in results.METRICS.items()}
    words = [m.label for m in results.METRICS.values()]
    assert len(words) == len(set(words))


def test_unknown_label_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="label kind = 'colour' is not known; allowed"):
        labels.label("colour", "red")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("is_whatsapp_user", "WhatsApp user?"),
        ("match_without_whatsapp_share", "Match without WhatsApp (%)"),
        ("entry_e164", "Entry E.164"),
        ("tie_count", "Ties"),
        ("audiences_unlocked_count", "Audiences unlocked"),
    ],
)
def test_column_headers_in_plain_words(name, words):
    assert labels.column_label(name) == words


shares = st.floats(0, 1, allow_nan=False)


@given(shares, shares)
def test_a_range_is_written_low_dash_high_percent(a, b):
    low, high = min(a, b), max(a, b)
    text = fmt_range(low, high)
    if low == high:
        assert text == fmt_share(low)
        return
    m = re.fullmatch(r"(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)%", text)
    assert m, text
    assert float(m[1]) <= float(m[2])
    assert m[1] != m[2] or len(m[1]) > 4  # never "74-74%": up to three more decimals first


@given(shares, shares, shares)
def test_only_a_true_zero_reads_0(a, b, c):
    low, mean, high = sorted((a, b, c))
    text = fmt_estimate(mean, low, high)
    if low == mean == high == 0:
        assert text == "0"
    elif low == high:
        assert text == f"{fmt_share(mean)} (in every seed)"
    else:
        assert text.startswith(fmt_share(mean))
        assert "(95% interval " in text or "(in every seed, to the nearest 0.1%)" in text
    assert "0.0% (0.0-0.0%)" not in text and "0% (95% interval 0-0%)" not in text


def test_true_zero_carries_its_reason():
    reason = labels.ZERO_REASONS["all_leave"]
    assert fmt_estimate(0.0, 0.0, 0.0, zero_reason=reason) == f"0 ({reason})"
    assert is_true_zero(0.0, 0.0, 0.0) and not is_true_zero(0.0, 0.0, 1e-9)
    # a small but real figure keeps its interval and a decimal
    assert fmt_estimate(0.004, 0.001, 0.007) == "0.4% (95% interval 0.1-0.7%)"


def test_the_old_interval_spelling_is_unchanged():
    # sentences written before fmt_estimate keep their words until they move to it
    assert formatting.fmt_interval(0.738, 0.731, 0.748) == "74% (95% interval 73-75%)"
    assert formatting.fmt_interval(0.0, 0.0, 0.0) == "0% (95% interval 0-0%)"


def test_plain_table_has_no_index_and_plain_words():
    frame = pd.DataFrame(
        {
            "scenario": ["no_opt_out", "all_partial_opt_out", "all_leave"],
            "mechanism": ["phone_number", "any", "any"],
            "purpose_class": ["ads", "own_use_only", "not_reached"],
            "mean": [0.738, 0.044, 0.0],
            "low": [0.731, 0.039, 0.0],
            "high": [0.748, 0.049, 0.0],
            "people_count": [1500, 1500, 1500],
            "is_default": [True, False, False],
        }
    )
    table = plain_table(frame, caption="Linked WhatsApp users")
    assert list(table.frame.columns) == [
        "Scenario",
        "Mechanism",
        "Highest tier reached",
        "Share (95% interval)",
        "People",
        "Default?",
    ]
    rows = table.frame.to_dict("records")
    assert rows[0]["Scenario"] == "Everyone keeps the default"
    assert rows[0]["Share (95% interval)"] == "74% (73-75%)"
    assert rows[1]["Share (95% interval)"] == "4.4% (3.9-4.9%)"
    assert rows[2]["Share (95% interval)"] == "0 (nobody is left on WhatsApp)"
    assert rows[0]["People"] == "1,500" and rows[0]["Default?"] == "yes"
    page = table._repr_html_()
    assert "<th></th>" not in page and ">0</td>" not in page  # no index column
    assert '<th scope="col" class="text">Scenario</th>' in page
    assert '<td class="num">74% (73-75%)</td>' in page
    assert page.startswith('<div class="table-box">') and "<caption>Linked WhatsApp users" in page
    assert table._repr_html_() == plain_table(frame, caption="Linked WhatsApp users")._repr_html_()


def test_plain_table_keeps_a_meaningful_index_as_a_column():
    frame = pd.DataFrame({"whatsapp_share": [0.9, 0.477]}, index=pd.Index(["BR", "DE"]))
    frame.index.name = "country_code"
    table = plain_table(frame)
    assert table.frame.to_dict("list") == {"Country": ["BR", "DE"], "WhatsApp": ["90%", "48%"]}
    assert table.numeric == (False, True)


def test_plain_table_estimates_take_their_unit_from_the_metric():
    frame = pd.DataFrame(
        {
            "metric": ["ads_join_share", "third_party_sensitive_per_1000_members"],
            "scenario": ["mix_2016", "mix_2016"],
            "mean": [0.73, 29.7],
            "low": [0.72, 22.7],
            "high": [0.74, 36.6],
        }
    )
    cells = plain_table(frame).frame["Value (95% interval)"].tolist()
    assert cells == ["73% (72-74%)", "29.7 (22.7-36.6)"]


def test_plain_table_refuses_two_columns_with_one_header():
    frame = pd.DataFrame({"scenario": ["a"], "scenario_title": ["A"]})
    with pytest.raises(ValueError, match="same header"):
        plain_table(frame)


def test_plain_table_takes_extra_words_for_codes_the_label_map_lacks():
    frame = pd.DataFrame({"scenario": ["mix_2016", "mix_books"], "group": ["left", "opted_out"]})
    table = plain_table(
        frame,
        labels={
            "scenario": {"mix_books": "The 2016 mix, with address books"},
            "group": {"left": "left WhatsApp", "opted_out": "took the partial opt-out"},
        },
    )
    assert table.frame["Scenario"].tolist() == ["The 2016 mix", "The 2016 mix, with address books"]
    assert table.frame["Group"].tolist() == ["left WhatsApp", "took the partial opt-out"]


def test_plain_table_writes_a_share_with_its_low_high_columns_as_one_estimate():
    frame = pd.DataFrame(
        {
            "scenario": ["no_opt_out", "all_leave"],
            "match_share": [0.5012, 0.0],
            "match_share_low": [0.49, 0.0],
            "match_share_high": [0.512, 0.0],
        }
    )
    table = plain_table(frame, zero_reasons={})
    assert list(table.frame.columns) == ["Scenario", "Match (95% interval)"]
    assert table.frame.iloc[:, 1].tolist() == ["50% (49-51%)", "0"]
    named = plain_table(frame, headers={"match_share": "Matched"})
    assert list(named.frame.columns) == ["Scenario", "Matched"]


def test_plain_table_never_prints_a_tiny_share_as_zero():
    t = plain_table(pd.DataFrame({"tie_share": [0.0003, 0.0, 0.021]}))
    assert t.frame.iloc[:, 0].tolist() == ["under 0.1%", "0%", "2.1%"]


def test_plain_table_gives_a_scenarios_true_zero_its_reason_in_any_number_column():
    t = pd.DataFrame(
        {
            "scenario": ["before_change", "mix_2016"],
            "extra_share": [0.0, 0.0],
            "edge_count": [0, 12],
        }
    )
    table = plain_table(t)
    reason = labels.ZERO_REASONS["before_change"]
    # the reason is written once per row, at the first zero
    assert table.frame.iloc[0, 1:].tolist() == [f"0 ({reason})", "0"]
    assert table.frame.iloc[1, 1:].tolist() == ["0%", "12"]  # a zero by chance has no reason
