"""Step 6: one module per output format, each rendering the reports of reports.py.

A module renders a report of kind K with its function named K (`audit`, `deadlines`,
`liability`); FORMATS says which kinds each format renders, and is the only registry.
Modules are imported when a report is rendered, not before (start-up time).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# format -> (module, the report kinds it renders)
FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "text": ("text", ("audit", "deadlines", "liability")),
    "json": ("json_format", ("audit", "deadlines", "liability")),
    "sarif": ("sarif", ("audit", "deadlines")),
    "junit": ("junit", ("audit", "deadlines")),
    "github": ("github", ("audit", "deadlines")),
    "html": ("html", ("audit", "deadlines")),
}


def formats(kind: str) -> list[str]:
    """The formats that render reports of `kind`, in the registry's order."""
    return [name for name, (_, kinds) in FORMATS.items() if kind in kinds]


def render(fmt: str, report: Any) -> str:
    """`report` in format `fmt` (a format listed for its kind)."""
    module, kinds = FORMATS[fmt]
    if report.kind not in kinds:
        raise ValueError(f"format {fmt} does not render {report.kind} reports")
    return getattr(import_module(f".{module}", __name__), report.kind)(report)
