"""What linking does to people: friend suggestions, exposure, ads, hashing.

Stage 4 of the pipeline.

Modules and packages
--------------------
suggest          friend suggestions (common neighbours, Adamic-Adar) on sparse matrices
pairs            the scoring engine: candidate pairs by block sparse products
link_prediction  held-out evaluation of suggestions
exposure         suggestions per scenario, sensitive ties, collective exposure, shadow ties
hashing          Custom Audiences normalisation and hashing; reversing hashes by enumeration
ads              Custom Audiences phone matching per scenario
"""

from analysis.effects import ads, exposure, hashing, link_prediction, pairs, suggest

__all__ = ["ads", "exposure", "hashing", "link_prediction", "pairs", "suggest"]
