"""Linking WhatsApp users to Facebook identities, under each policy scenario.

Four mechanisms, each a join on columns (no loop per person), each scored against
the ground truth (``person_id``: a WhatsApp user and a Facebook account are the same
human when they are the same row):

1. **phone number**: WhatsApp's verified number (``phone_e164``) against the numbers
   Facebook holds (``facebook_phone_e164``: profile, Messenger, two-factor). Stale,
   recycled numbers on Facebook's side make false links.
2. **device identifier**: the Facebook app on the same phone sees the same device id.
   The device id flows for infrastructure/analytics/security even after the partial
   opt-out, so this link survives it.
3. **address-book inference** ("filling in"): a Facebook account that never gave a
   number gets one from its Facebook friends' uploaded contacts whose entry label
   matches the account's name (rapidfuzz similarity), then joins WhatsApp's number.
4. **attribute fingerprint** (:mod:`analysis.linking`): device fields unique on
   both sides.

A link is *made* from the data that reached Facebook and *usable* for a purpose when
every field the mechanism needs may be used for that purpose by Facebook for its own ends
(:func:`analysis.policy.flow_cube`); :mod:`analysis.linking.tiers` names the tiers.

>>> from analysis.world import WorldParams
>>> from analysis.world import generate_population
>>> from analysis.policy import builtin_scenarios
>>> people = generate_population(WorldParams(n_people=400, seed=5))
>>> t = link_table(people, builtin_scenarios()["before_change"])
>>> int(t["is_linked_any"].sum())
0

Modules
-------
params       mechanisms, purpose classes, LinkingParams, output tables
inference    address-book inference of numbers
fingerprint  how identifying the shared device fields are
links        the four mechanisms per scenario, the link table and its shares
tiers        the tiers (reached, own-use join, suggestions, ads); held and flowing data
runs         linking over many seeded worlds
"""

from analysis.linking import fingerprint, inference, links, params, runs, tiers
from analysis.linking.fingerprint import *
from analysis.linking.inference import *
from analysis.linking.links import *
from analysis.linking.params import *
from analysis.linking.runs import *
from analysis.linking.tiers import *

__all__ = [
    *params.__all__,
    *inference.__all__,
    *fingerprint.__all__,
    *links.__all__,
    *tiers.__all__,
    *runs.__all__,
]
