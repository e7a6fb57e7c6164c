"""Step 6 of the audit: one formatter per output format, each a function of the results."""

from __future__ import annotations

from collections.abc import Callable

from ..audit import AuditResult
from . import json_format, text

Formatter = Callable[[list[AuditResult]], str]

FORMATTERS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_format.render,
}
