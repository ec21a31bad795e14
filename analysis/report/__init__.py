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

from analysis.report.charts import *
from analysis.report.figures import *

__all__ = [
    "PALETTE",
    "SLUG",
    "STYLE",
    "SavedFigure",
    "grouped_bars",
    "horizontal_bars",
    "plot_clinician_example",
    "plot_clustering_by_degree",
    "plot_clustering_by_world_size",
    "plot_convergence",
    "plot_degree_distribution",
    "plot_ego_network",
    "plot_exposure_curve",
    "plot_headline",
    "plot_headlines",
    "plot_linking",
    "plot_new_suggestions",
    "plot_normalisation_by_country",
    "plot_precision_recall",
    "plot_sensitive_ties",
    "plot_shadow_auc",
    "plot_tornado",
    "plot_uniqueness",
    "plot_uploader_curve",
    "plot_visibility_by_kind",
    "plot_window_curve",
    "run_figures",
    "save_figure",
    "stacked_shares",
    "use_style",
]
