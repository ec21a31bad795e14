"""Headline findings with uncertainty, their sensitivity to unknown parameters, and convergence.

One synthetic world gives one value of each headline metric (:func:`headline_metrics`):

* **linking** (:mod:`analysis.linking`), under ``no_opt_out``, ``all_partial_opt_out``,
  ``all_leave`` and ``mix_2016``: share of WhatsApp users linked to their own Facebook
  account by any mechanism (``linked_share``) and share whose link may be used for ads
  (``usable_for_ads_share``) or for friend suggestions (``usable_for_suggestions_share``);
* **suggestions** (:mod:`analysis.effects.exposure`), under ``mix_2016``: share of friend
  suggestions that exist only because of WhatsApp data, share of Facebook members shown
  one, and WhatsApp-only suggestions revealing a sensitive tie (count and per 1,000 members);
* **exposure**, under ``mix_2016``: share of Facebook members who took the partial
  opt-out or left WhatsApp (and have ties) still exposed through other people's data
  (same definition as :func:`analysis.effects.exposure.collective_exposure`);
* **ads** (:mod:`analysis.effects.ads`), under ``mix_2016``: share of customer-list entries matched
  with and without WhatsApp's numbers, and the difference.

Many seeds give a mean and a 95% t-interval (:func:`headline_over_seeds`,
:func:`summarise`, reusing :func:`analysis.core.mean_t_interval`); :func:`sentences`
renders them in plain words. :func:`sensitivity` re-runs the headline across each unknown
parameter's documented plausible range, :func:`check_conclusions` says which conclusions
hold in every run, and :func:`convergence` runs it at several population sizes.

>>> FindingsParams().n_people
1500
>>> from analysis.core import fmt_share
>>> fmt_share(0.6149), fmt_share(0.0042)
('61%', '0.4%')

Modules
-------
headlines   headline metrics of one world and over seeds
wording     the findings in plain words
robustness  sensitivity to unknown parameters, conclusions, convergence
methods     methods tables generated from the package's metadata
dictionary  the data dictionary
phone_audit the phone-safety audit over every table and the committed notebooks
world_export every table of one world as parquet (python -m analysis world)
"""

from analysis.results import (
    dictionary,
    headlines,
    methods,
    phone_audit,
    robustness,
    wording,
    world_export,
)
from analysis.results.dictionary import *
from analysis.results.headlines import *
from analysis.results.methods import *
from analysis.results.phone_audit import *
from analysis.results.robustness import *
from analysis.results.wording import *
from analysis.results.world_export import *

__all__ = [
    *headlines.__all__,
    *wording.__all__,
    *robustness.__all__,
    *methods.__all__,
    *dictionary.__all__,
    *phone_audit.__all__,
    *world_export.__all__,
]
