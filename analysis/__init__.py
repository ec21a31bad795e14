"""Privacy-impact analysis of the 2016 WhatsApp -> Facebook data sharing.

The package is the pipeline, one stage package per step, each importing only from
the stages before it (a test checks the direction)::

    core  <-  world  <-  policy  <-  linking  <-  effects  <-  results  <-  report  <-  cli

core      paths, atomic files, parameters, table metadata, reference data, seeds,
          intervals, number formats, progress bars
world     the synthetic world: people, phones, ties, Facebook friendships, address
          books, and real networks loaded from edge lists
policy    the 2016 policy as data (fields x purposes x consent states) and scenarios
linking   cross-service identity linking, four mechanisms, scored against ground truth
effects   what linking does: friend suggestions, exposure, shadow ties, ads, hashing
results   headline numbers over seeds, sensitivity, convergence, methods, data dictionary
report    charts, saved figures, notebook execution, the HTML report (the only stage
          that imports matplotlib)
cli       the command line (``python -m analysis ...``)

Each stage package re-exports its public names (``from analysis import world;
world.generate_population(...)``); the topic packages of ``effects`` do the same
(``from analysis.effects import exposure, ads``).
"""

__version__ = "0.1.0"
