"""Custom Audiences: businesses upload hashed customer lists, Facebook matches them to accounts.

The seed article names Custom Audiences as the advertising use of WhatsApp's phone
numbers. This module simulates it end to end:

1. **Customer lists** (:func:`generate_customer_lists`): synthetic businesses, each in
   one country, hold lists of customers drawn from the population, with the phone
   number written as the customer gave it (national or international format, spaces,
   ``00`` prefix, no country code, typos) and sometimes an email address.
2. **Upload** (:func:`hash_customer_keys`): normalised and SHA-256 hashed as the
   Marketing API asks (:mod:`analysis.effects.hashing`).
3. **Facebook's side** (:func:`facebook_match_keys`): the hashes of every phone number
   and email Facebook holds, each attached to an account, with where it came from:

   * ``profile``, ``messenger``, ``two_factor``: the number on file
     (``people.facebook_phone_e164``; sometimes stale, i.e. now someone else's);
   * ``shadow_contacts``: numbers the linking module attached to accounts that never gave
     one, from their friends' uploaded address books (:func:`analysis.linking.infer_numbers`:
     a contact label that matches the account's name). Only mechanisms the model has
     attach a number to an account, never who the number truly belongs to (Venkatadri
     et al., PETS 2019, showed such numbers were usable for ad targeting);
   * ``email``: the account's email address (assumption: ``people.email``);
   * ``whatsapp``: WhatsApp's verified number (``people.phone_e164``) of a Facebook
     user, usable only where the scenario permits the *ads* purpose for that person
     (:func:`analysis.policy.permitted_purposes`);
   * ``whatsapp_contacts``: numbers the same inference attaches only once WhatsApp-held
     address books are added, only when the scenario's address-book switch is on
     (:func:`analysis.policy.address_books_flow`) and only from owners who permit ads.
4. **Matching** (:func:`match_customers`, :func:`evaluate_scenario`): one hash join for
   all sources, then a per-scenario filter of the WhatsApp-sourced rows. Reported:
   match rates per scenario and country, extra reach from WhatsApp data, audiences
   that reach the minimum audience size only because of it, and how many people whose
   ads purpose is off (opted out, left, paused) are still reachable through numbers
   Facebook got elsewhere.

>>> params = AdsParams(n_businesses=3, list_size_median=40)
>>> params.min_audience_size
100

Modules
-------
params     AdsParams, vocabulary, output tables
customers  businesses and customer lists
keys       match keys on both sides
matching   matching per scenario, reach, audiences
audiences  audiences unlocked, as a curve over list size and minimum audience size
reversal   reversing hashed numbers by enumeration: who learns what
"""

from analysis.effects.ads import audiences, customers, keys, matching, params, reversal
from analysis.effects.ads.audiences import *
from analysis.effects.ads.customers import *
from analysis.effects.ads.keys import *
from analysis.effects.ads.matching import *
from analysis.effects.ads.params import *
from analysis.effects.ads.reversal import *

__all__ = [
    *params.__all__,
    *customers.__all__,
    *keys.__all__,
    *matching.__all__,
    *audiences.__all__,
    *reversal.__all__,
]
