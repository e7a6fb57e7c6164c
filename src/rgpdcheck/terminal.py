"""The terminal's width, as shutil.get_terminal_size gives it, without importing shutil.

shutil brings re, bz2, lzma and zlib: a third of Python's own start. The console entry point
reads the width for the fast `--help`, the text report to wrap its lines; neither imports
shutil for it.
"""

from __future__ import annotations

import os
import sys


def terminal_columns(fallback: int = 80) -> int:
    """shutil.get_terminal_size((fallback, 24)).columns, which click uses (with 80), without
    importing shutil (it brings re, bz2, lzma and zlib: a third of Python's own start)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((fallback, 24))
        if columns <= 0:
            columns = size.columns or fallback
    return columns
