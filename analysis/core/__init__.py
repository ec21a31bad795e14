"""The small core every stage stands on: paths, files, parameters, tables, seeds.

Modules
-------
paths       every path the project reads or writes
io          atomic file writes (nothing half-written)
params      validated, documented parameter objects (TOML in and out)
schema      field metadata of output tables (the data dictionary's source)
reference   loaders for the sourced tables in data/reference/
seeds       seeded random streams (the only source of randomness)
stats       intervals over seeded worlds
formatting  one way to write a share or an interval in words
labels      plain words for code names (scenarios, tiers, mechanisms, metrics, columns)
progress    progress bars for people, none in batch runs
"""

from analysis.core import (
    formatting,
    io,
    labels,
    params,
    paths,
    progress,
    reference,
    schema,
    seeds,
    stats,
)
from analysis.core.formatting import *
from analysis.core.io import *
from analysis.core.labels import *
from analysis.core.params import *
from analysis.core.paths import *
from analysis.core.progress import *
from analysis.core.reference import *
from analysis.core.schema import *
from analysis.core.seeds import *
from analysis.core.stats import *

__all__ = [
    *paths.__all__,
    *io.__all__,
    *params.__all__,
    *schema.__all__,
    *reference.__all__,
    *seeds.__all__,
    *stats.__all__,
    *formatting.__all__,
    *labels.__all__,
    *progress.__all__,
]
