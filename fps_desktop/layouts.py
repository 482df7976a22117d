"""The print layouts a clerk, IT's settings and PBMS may name.

Below ``config`` and every package, so settings can check a layout's name without
importing what lays pages out.
"""

from __future__ import annotations

import enum


class Layout(enum.StrEnum):
    AUTO = "auto"  # fewest sheets at true size, by kind (``printing.imposition``)
    ACTUAL = "actual"  # one page a sheet, true size, shrink only when it does not fit
    FIT = "fit"  # one page a sheet, scaled to fill it
    TWO_UP = "two-up"  # two invoices per sheet, one above the other, cut line between
    GRID = "grid"  # rows × columns of equal cells
    STRIPS = "strips"  # reimbursement strips of a fixed height, cut lines between
    PASTE = "paste"  # 粘贴单: binding margin, signature table, items packed below


GRID_PRESETS = ("grid-2x1", "grid-2x2", "grid-3x2", "grid-3x3")  # rows × columns
# the layouts a setting may name: the whole print's, and each kind's within "auto"
LAYOUT_CHOICES = ("auto", "actual", "fit", "two-up", *GRID_PRESETS, "strips", "paste")
KIND_LAYOUT_CHOICES = ("auto", "actual", "fit", *GRID_PRESETS, "strips")
