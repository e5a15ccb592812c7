"""What every notebook does in the cell after its parameters: `year = notebook.start(year)` (or `start()`).

It stops at once, naming the valid range, when `year` is not usable; sets the chart style; and warns when the
kernel's `helpers` code comes from another checkout than the data it works on (a JupyterLab kernel shared
between clones), so nobody reads numbers made by code they did not mean to run.
"""
from __future__ import annotations

import warnings

from ..chain import params, paths


def start(year=None, per_year: bool | None = None):
    """Validate `year` (when given), style charts, check the root; returns the validated year."""
    from . import plots
    plots.style()
    if paths.ROOT.resolve() != paths.PACKAGE_ROOT.resolve() and (paths.ROOT / "src" / "helpers").is_dir():
        warnings.warn(f"this notebook works on {paths.ROOT} but its helpers code comes from {paths.PACKAGE_ROOT}; "
                      f"run `make env` in {paths.ROOT} (or set PYTHONPATH={paths.ROOT / 'src'}) to use this "
                      "checkout's code", stacklevel=2)
    return None if year is None and per_year is not True else params.validate_year(year)
