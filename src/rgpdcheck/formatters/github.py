"""GitHub Actions workflow commands: one annotation per finding on the register's line.

`::error file=registre.yaml,line=12,title=va1-base-legale-absente::message`. Findings
accepted by a waiver are not annotated (they do not count).
"""

from __future__ import annotations

from ..audit import summary
from ..reports import AuditReport, DeadlineReport

COMMANDS = {"erreur": "error", "avertissement": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def audit(report: AuditReport) -> str:
    results = report.results
    out = []
    for result in results:
        for f in result.findings:
            if not f.counted:
                continue
            title = f"{f.rule_id} ({f.treatment})" if f.treatment else f.rule_id
            message = f"{f.message} [{' ; '.join(f.citations)}]"
            out.append(f"::{COMMANDS[f.severity]} file={_property(f.file)},line={f.line},"
                       f"title={_property(title)}::{_data(message)}")
    totals = summary(results)
    by = totals["by_severity"]
    out.append(f"rgpdcheck : {totals['findings']} constat(s) : {by['erreur']} erreur(s), "
               f"{by['avertissement']} avertissement(s), {by['info']} info(s).")
    return "\n".join(out) + "\n"


def deadlines(report: DeadlineReport) -> str:
    return audit(report.as_problems())
