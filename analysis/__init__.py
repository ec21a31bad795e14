"""Privacy-impact analysis of the 2016 WhatsApp -> Facebook data sharing.

Modules
-------
paths       every path the project reads or writes
params      validated, documented parameter objects (TOML in and out)
reference   loaders for the sourced tables in data/reference/
phones      the synthetic phone-number scheme and normalisation
population  the synthetic population generator
schema      field metadata and the generated data dictionary
figures     saving each figure with its plotted data and caption
io          atomic file writes
"""

__version__ = "0.1.0"
