"""Root pytest configuration: the kernel environment nbval's kernels inherit.

Kernels started by nbval inherit this process's environment, so the fixed hash
seed (and the absence of a forced Matplotlib backend) is set here, before any
notebook runs, exactly as ``analysis.report.execute`` does when outputs are
refreshed.
"""

import os

from analysis.report.notebooks import KERNEL_ENV

os.environ.update(KERNEL_ENV)
