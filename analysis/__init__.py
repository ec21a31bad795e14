"""Privacy-impact analysis of the 2016 WhatsApp -> Facebook data sharing.

Modules
-------
paths        every path the project reads or writes
params       validated, documented parameter objects (TOML in and out)
reference    loaders for the sourced tables in data/reference/
phones       the synthetic phone-number scheme and normalisation
population   the synthetic population generator
social       real-world ties, Facebook friendships, sensitive roles
addressbook  typed and normalised phone address books
edgelist     real networks (SNAP edge lists) as input
policy       the 2016 policy as data: fields x purposes x consent state, and scenarios
linking      cross-service identity linking, scored against ground truth
fingerprint  how identifying the shared device fields are
suggest      friend suggestions (common neighbours, Adamic-Adar) on sparse matrices
exposure     suggestions per scenario, sensitive ties, collective exposure, shadow ties
hashing      Custom Audiences normalisation/hashing, and reversing hashes by enumeration
ads          Custom Audiences phone matching per scenario
findings     headline numbers over seeds, sensitivity and convergence
methods      methods tables generated from the package's metadata
schema       field metadata and the generated data dictionary
figures      saving each figure with its plotted data and caption
plots        shared chart helpers
summaries    population summary tables
io           atomic file writes
notebooks    reproducible notebook execution
build        the main job: execute notebooks, render the HTML report
cli          the command line (python -m analysis ...)
"""

__version__ = "0.1.0"
