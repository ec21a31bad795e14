"""Chart functions, one module per stage; each returns ``(fig, data)``."""

from analysis.report.charts import (
    common,
    countries,
    effects,
    linking,
    network,
    results,
    run,
    scale,
    world,
)
from analysis.report.charts.common import *
from analysis.report.charts.countries import *
from analysis.report.charts.effects import *
from analysis.report.charts.linking import *
from analysis.report.charts.network import *
from analysis.report.charts.results import *
from analysis.report.charts.run import *
from analysis.report.charts.scale import *
from analysis.report.charts.world import *

__all__ = [
    *common.__all__,
    *world.__all__,
    *linking.__all__,
    *effects.__all__,
    *results.__all__,
    *run.__all__,
    *network.__all__,
    *countries.__all__,
    *scale.__all__,
]
