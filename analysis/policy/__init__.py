"""Who may use which WhatsApp data for what: the 2016 policy as data, and its scenarios.

The policy model has two declarative parts:

* ``data/reference/policy_flows.csv``: for every *state* and every shared *field*,
  whether the field reaches Facebook and may be used for each *purpose*
  (infrastructure, analytics, security, suggestions, ads), with a ``source`` column.
  The ``consent`` layer holds the person's own choice (see
  :data:`analysis.world.CONSENT_STATES`); the ``regime`` layer holds what a
  regulator or the timeline imposed (nothing shared yet, EU pause, Hamburg order,
  Delhi cutoff, ...). A field may be used for a purpose only if *both* layers allow it.
  Every row cites a primary document of ``data/reference/sources.csv``
  (:mod:`analysis.policy.record`).
* Scenarios (``data/scenarios/*.toml``): how consent states are set (as in the
  population, re-drawn at another opt-out uptake, everybody keeping the default,
  everybody opting out, everybody leaving), which regimes apply to whom and from
  when, and the address-book switch. Researchers write their own in the same format
  and load it with :func:`load_scenario`.

No purpose rule is written as an ``if`` in this module: changing a rule means
changing a row of the table.

Scenario file format (every key but ``name`` is optional; unknown keys, states,
purposes, fields, countries and wrong types are rejected with the file name)::

    name = "my_scenario"                # lower-case letters, digits, underscores
    title = "Short label for charts"
    description = "One or two sentences in plain words."
    consent = "uptake"                  # population | uptake | all_default |
                                        # all_partial_opt_out | all_leave
    opt_out_uptake_share = 0.10         # used by consent = "uptake" (0-1)
    opt_out_before_agreeing_share = 0.5 # the rest opt out on a day of the window
    opt_out_day_half_life_days = 5.0
    keep_leavers = true                 # all_*: people who left stay gone
    include_new_users = false           # all_partial_opt_out / all_leave apply to new users
    address_books = false               # the address-book switch
    shared_fields = ["phone_number", "device_id"]   # default: every field
    blocked_purposes = ["ads"]          # purposes nothing may be used for
    as_of = "2016-12-01"                # regimes starting later do not apply
    seed = 2016                         # per-person draws of the uptake mode

    [remap_states]                      # applied after the consent mode
    opted_out_in_window = "kept_default"

    [[regimes]]                         # a regime state of policy_flows.csv
    regime = "eu_paused"
    countries = ["DE", "GB", "ES"]      # empty or absent: everybody
    starts_on = "2016-11-01"
    registered_before = "2016-09-25"    # optional: only accounts registered earlier
    ends_on = "2025-01-22"              # optional: last day it applies (lapsed, stayed)
    consent_states = ["unticked_before_agreeing"]   # optional: only people in these states

    [[citations]]                       # the primary documents it rests on (sources.csv)
    source_id = "delhi_hc_2016"
    section = "W.P.(C) 7663/2016, direction (ii)"
    changed = "What the document found or ordered, and what it changes here."

>>> from analysis.world import WorldParams
>>> from analysis.world import generate_population
>>> people = generate_population(WorldParams(n_people=300, seed=3))
>>> scenarios = builtin_scenarios()
>>> bool(permitted_purposes(people, scenarios["before_change"])[list(PURPOSES)].any().any())
False
>>> ok = permitted_purposes(people, scenarios["no_opt_out"])
>>> bool((ok["ads"] == people["is_whatsapp_user"]).all())
True

Modules
-------
record     the primary sources and the citation checks
decisions  what regulators and courts found or ordered (decisions.csv)
flows      the policy table (fields x purposes x states) and its loader
scenarios  Scenario, Regime, the built-in scenarios and the file format
consent    applying a scenario to people: effective states, permitted purposes
"""

from analysis.policy import consent, decisions, flows, record, scenarios
from analysis.policy.consent import *
from analysis.policy.decisions import *
from analysis.policy.flows import *
from analysis.policy.record import *
from analysis.policy.scenarios import *

__all__ = [
    *record.__all__,
    *flows.__all__,
    *scenarios.__all__,
    *consent.__all__,
    *decisions.__all__,
]
