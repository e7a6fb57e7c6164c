"""Step 6 of the audit: one formatter per output format, each a function of the results
and of the rule catalogue (SARIF describes every rule, JUnit lists what passed)."""

from __future__ import annotations

from collections.abc import Callable

from ..audit import AuditResult
from ..rules import Rule
from . import github, html, json_format, junit, sarif, text

Formatter = Callable[[list[AuditResult], tuple[Rule, ...]], str]

FORMATTERS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "html": html.render,
}
