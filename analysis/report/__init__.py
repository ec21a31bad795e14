"""Everything a reader sees: charts, saved figures, notebooks run, the HTML report.

The report layer draws; it computes nothing. Charts take the tables the computing
stages return (``analysis.report.charts``), :func:`save_figure` saves each with its
data and caption, :mod:`analysis.report.notebooks` executes the notebooks and
:mod:`analysis.report.build` renders the report.

Modules and packages
--------------------
figures    save every figure with its plotted data and caption; the chart style
charts     one module of chart functions per stage
notebooks  reproducible notebook execution
build      the main job: execute notebooks, render the HTML report
"""

from analysis.report import charts, figures
from analysis.report.charts import *
from analysis.report.figures import *

__all__ = [*figures.__all__, *charts.__all__]
