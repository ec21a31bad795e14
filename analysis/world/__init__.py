"""The synthetic world: people, phones, ties, Facebook friendships, address books.

Stage 1 of the pipeline. Everything here is ground truth about synthetic people;
nothing here knows about the 2016 policy.

Modules
-------
params       WorldParams (population) and SocialParams (social world)
tables       field metadata of people, ties, person attributes, address books
phones       the synthetic phone-number scheme (never a real subscriber's)
writing      how people write numbers (the one number writer)
reading      how typed numbers are read back (normalisation by writing pattern)
population   the synthetic population generator
summaries    population summary tables
ties         the tie model: foci, sensitive roles, Facebook friendships
addressbook  typed and normalised phone address books
bookcodes    address-book entries as integer codes (chunked draws, label forms)
socialworld  SocialWorld and build_social_world
structure    degrees, clustering, visibility, ego networks
ordering     node orders that are the same on every machine (seating people on a network)
edgelist     real networks (SNAP edge lists) as input
"""

from analysis.world import (
    addressbook,
    edgelist,
    ordering,
    params,
    phones,
    population,
    reading,
    socialworld,
    structure,
    summaries,
    tables,
    ties,
    writing,
)
from analysis.world.addressbook import *
from analysis.world.edgelist import *
from analysis.world.ordering import *
from analysis.world.params import *
from analysis.world.phones import *
from analysis.world.population import *
from analysis.world.reading import *
from analysis.world.socialworld import *
from analysis.world.structure import *
from analysis.world.summaries import *
from analysis.world.tables import *
from analysis.world.ties import *
from analysis.world.writing import *

__all__ = [
    *params.__all__,
    *tables.__all__,
    *phones.__all__,
    *writing.__all__,
    *reading.__all__,
    *population.__all__,
    *summaries.__all__,
    *ties.__all__,
    *addressbook.__all__,
    *socialworld.__all__,
    *structure.__all__,
    *ordering.__all__,
    *edgelist.__all__,
]
