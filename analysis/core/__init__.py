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
progress    progress bars for people, none in batch runs
"""

from analysis.core.formatting import *
from analysis.core.io import *
from analysis.core.params import *
from analysis.core.paths import *
from analysis.core.progress import *
from analysis.core.reference import *
from analysis.core.schema import *
from analysis.core.seeds import *
from analysis.core.stats import *

__all__ = [
    "BUILD_DIR",
    "CONFIG_DIR",
    "DATA_DICTIONARY",
    "DATA_DIR",
    "FIGURES_DIR",
    "KINDS",
    "NOTEBOOKS_DIR",
    "PACKAGE_DIR",
    "PROCESSED_DIR",
    "REFERENCE_DIR",
    "REPORTS_DIR",
    "ROOT",
    "SCENARIOS_DIR",
    "TABLES",
    "Field",
    "ParameterError",
    "Params",
    "ReferenceDataError",
    "Table",
    "apply_dtypes",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_with",
    "ensure_dir",
    "fmt_interval",
    "fmt_share",
    "iterate",
    "known_country_codes",
    "load",
    "mean_t_interval",
    "normalised_shares",
    "notebook_paths",
    "param",
    "person_uniforms",
    "register",
    "show_progress",
    "stream",
    "write_csv",
    "write_parquet",
]
