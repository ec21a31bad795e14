"""Headline findings with uncertainty, their sensitivity to unknown parameters, and convergence.

Every headline names what it counts, its tier and its denominator (:mod:`metrics`):

* **linking** in tiers (:mod:`analysis.linking.tiers`), under ``no_opt_out``,
  ``all_partial_opt_out``, ``all_leave`` and ``mix_2016``: (a) WhatsApp data about the
  person reached Facebook, (b) Facebook may join it to their account for its own purposes,
  (c) the join may be used for friend suggestions, (d) for ads; shares of WhatsApp users;
* **time**: what Facebook still holds about people who accepted, shared and left, or opted
  out during the window, beside what flows afterwards;
* **suggestions**: WhatsApp-only suggestions, people suggested to others because of them,
  patients suggested to fellow patients, sensitive suggestions split by what they reveal;
* **exposure** as harm to the exposed person (:mod:`analysis.effects.exposure.harm`), for
  people who took the partial opt-out, left, or never used WhatsApp;
* **ads**: customer-list entries matched with and without WhatsApp's numbers.

:func:`headline_metrics` takes a generated or an already-built world (e.g. one loaded from
an edge list); :func:`headline_over_seeds` and :func:`summarise` give means with 95%
t-intervals; :func:`sentences` renders them in plain words. :func:`sensitivity` re-runs the
headlines across each unknown parameter's plausible range, :func:`check_conclusions` says
which conclusions hold in every run, and :func:`convergence` runs them at several sizes.

>>> FindingsParams().n_people
1500
>>> from analysis.core import fmt_share
>>> fmt_share(0.6149), fmt_share(0.0042)
('61%', '0.4%')

Modules
-------
metrics     what each headline counts: label, unit, tier, denominator
headlines   headline metrics of one world and over seeds
wording     the findings in plain words
robustness  sensitivity to unknown parameters, conclusions, convergence
methods     methods tables generated from the package's metadata
pooling     per-country values pooled, weighted by 2016 WhatsApp users
countries   results per country, with denominators and a publication threshold
regulators  what regulators found, beside the model's figure for the same population
dictionary  the data dictionary
phone_audit the phone-safety audit over every table and the committed notebooks
world_export every table of one world as parquet (python -m analysis world)
worlds      the worlds results run on: generated, or on a loaded network, per seed
personas    what Facebook could learn about one kind of person, over seeded worlds
ad_seeds    Custom Audience match rates over seeded worlds, with 95% intervals
"""

from analysis.results import (
    ad_seeds,
    countries,
    dictionary,
    headlines,
    methods,
    metrics,
    personas,
    phone_audit,
    pooling,
    regulators,
    robustness,
    wording,
    world_export,
    worlds,
)
from analysis.results.ad_seeds import *
from analysis.results.countries import *
from analysis.results.dictionary import *
from analysis.results.headlines import *
from analysis.results.methods import *
from analysis.results.metrics import *
from analysis.results.personas import *
from analysis.results.phone_audit import *
from analysis.results.pooling import *
from analysis.results.regulators import *
from analysis.results.robustness import *
from analysis.results.wording import *
from analysis.results.world_export import *
from analysis.results.worlds import *

__all__ = [
    *metrics.__all__,
    *headlines.__all__,
    *wording.__all__,
    *robustness.__all__,
    *methods.__all__,
    *pooling.__all__,
    *countries.__all__,
    *regulators.__all__,
    *personas.__all__,
    *dictionary.__all__,
    *phone_audit.__all__,
    *world_export.__all__,
    *worlds.__all__,
    *ad_seeds.__all__,
]
