"""One line per finding, for scripts and editors: `fichier:ligne: gravité règle message`
(yamllint's `parsable`, grep's and compilers' `file:line:` form)."""

from __future__ import annotations

from ..reports import AuditReport, DeadlineReport
from ..sanitize import terminal_safe


def _line(text: str) -> str:
    return " ".join(terminal_safe(text).split())


def audit(report: AuditReport) -> str:
    out = [f"{f.file}:{f.line}: {f.severity} {f.rule_id} {_line(f.message)}"
           for r in report.results for f in r.findings if f.counted]
    return "".join(line + "\n" for line in out)


def deadlines(report: DeadlineReport) -> str:
    return audit(report.as_problems())
