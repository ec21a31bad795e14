"""Chart functions, one module per stage; each returns ``(fig, data)``."""

from analysis.report.charts.common import *
from analysis.report.charts.effects import *
from analysis.report.charts.linking import *
from analysis.report.charts.results import *
from analysis.report.charts.run import *
from analysis.report.charts.world import *

__all__ = [
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
    "stacked_shares",
]
