"""Everything a reader sees: charts, saved figures, notebooks run, the HTML report.

The report layer draws; it computes nothing. Charts take the tables the computing
stages return (``analysis.report.charts``), :func:`save_figure` saves each with its
data and caption, :mod:`analysis.report.notebooks` executes the notebooks and
:mod:`analysis.report.build` renders the report.

Modules and packages
--------------------
figures    save every figure with its plotted data and caption; the chart style
palette    one colour per tier, purpose, scenario, mechanism, consent state, service
tables     tables for readers: plain words, one number format, no index column
charts     one module of chart functions per stage
explorer   the "what could Facebook learn about me?" widgets (JupyterLab)
notebooks  reproducible notebook execution, and runs with other parameters
editions   the reader edition and the edition with code (nbconvert)
page       the report page: layout, contents menu, print styles
build      the main job: execute notebooks, render both editions of the report
"""

from analysis.report import charts, explorer, figures, palette, tables
from analysis.report.charts import *
from analysis.report.explorer import *
from analysis.report.figures import *
from analysis.report.palette import *
from analysis.report.tables import *

__all__ = [
    *figures.__all__,
    *palette.__all__,
    *tables.__all__,
    *charts.__all__,
    *explorer.__all__,
]
