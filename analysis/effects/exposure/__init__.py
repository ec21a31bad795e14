"""What WhatsApp's data does to People You May Know, and who it exposes.

Contact edges
-------------
An address-book entry of owner ``o`` whose number *resolves* to the Facebook
account of person ``t`` is a **contact edge** ``o -> t``. Facebook sees it when it
holds the book and can resolve the number:

* the book: ``o`` uploaded their contacts to Facebook (Facebook's own data), or
  WhatsApp's copy of ``o``'s book reaches Facebook for suggestions (only when the
  scenario's address-book switch is on and ``o``'s ``address_book`` field may be used
  for the *suggestions* purpose);
* the number: Facebook holds it on an account (``facebook_phone_e164``; a stale,
  recycled number resolves to the wrong account), or it is ``t``'s WhatsApp number,
  linked to ``t``'s Facebook account (the Facebook app on the same phone, or the same
  number on file) and ``t``'s ``phone_number`` field may be used for suggestions.

**Who is involved.** The people *involved* in a contact edge are the people whose
WhatsApp data it uses: the owner ``o`` when the book is WhatsApp's copy, and the
contact ``t`` when the number is resolved through ``t``'s WhatsApp number. An edge
is visible with WhatsApp data only if the suggestions purpose is permitted for every
person involved in one of its routes (:func:`analysis.policy.field_purposes`). A
*WhatsApp-caused* edge is visible with WhatsApp data and not without it (Facebook's
own uploads and numbers). So an edge can never be caused by WhatsApp data when
neither of its two people may have their data used for suggestions, and nothing is
caused before the change (scenario ``before_change`` permits no purpose).

Suggestions
-----------
Suggestions are the top-k of :func:`analysis.effects.suggest.top_k_suggestions` on the
Facebook friendship graph plus the visible contact edges, shown to and made of
Facebook members. *WhatsApp-only* suggestions are in the top-k with WhatsApp data
and not in the top-k without it. Each is checked against the real-world tie graph
(precision) and classified as exposing a sensitive tie (:data:`SENSITIVE_PAIR_KINDS`).

A WhatsApp-only suggestion ``(u, v)`` is *attributed* to the people whose WhatsApp
data makes the WhatsApp-caused edges on its paths (the direct edge ``u-v`` and the
edges ``u-w``, ``w-v`` through a common neighbour ``w``). When ``u`` or ``v`` opted
out or left, the attribution says whether their own data, a contact's who kept the
default, or someone else's caused it; ``ranking shift`` means no WhatsApp-caused edge
is on its paths (another candidate fell out of the top-k).

Collective exposure and shadow ties
-----------------------------------
Exposure is harm to the person it names, never what they are shown
(:mod:`analysis.effects.exposure.harm`): (i) suggested to someone else because of
WhatsApp data; (ii) a tie of theirs known to Facebook through someone else's upload;
(iii) their number attached to an account or a shadow profile by other people's data.
:func:`collective_exposure` gives them for the people who took the partial opt-out, left,
or never used WhatsApp, against the share of their ties whose data may be used for
suggestions. Sensitive suggestions are split by what they reveal
(:data:`SENSITIVE_SCOPES`): between two people who share a sensitive third party (two
patients of one clinician), or a person's own private tie.
:func:`shadow_tie_auc`: ties between non-members (never WhatsApp users and leavers)
predicted from the books of the members who disclose, against negatives from the same
country and from the same city.

Modules
-------
params       vocabulary, ExposureParams, output tables
contacts     contact edges
suggestions  suggestions per scenario and their attribution
harm         exposure as harm to the exposed person, per person
collective   collective exposure and the clinician example
shadow       shadow ties among non-members
"""

from analysis.effects.exposure import collective, contacts, harm, params, shadow, suggestions
from analysis.effects.exposure.collective import *
from analysis.effects.exposure.contacts import *
from analysis.effects.exposure.harm import *
from analysis.effects.exposure.params import *
from analysis.effects.exposure.shadow import *
from analysis.effects.exposure.suggestions import *

__all__ = [
    *params.__all__,
    *contacts.__all__,
    *suggestions.__all__,
    *harm.__all__,
    *collective.__all__,
    *shadow.__all__,
]
