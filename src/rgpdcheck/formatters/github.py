"""GitHub Actions workflow commands: one annotation per finding on the register's line.

`::error file=registre.yaml,line=12,title=va1-base-legale-absente::message`. Findings
accepted by a waiver are not annotated (they do not count).

GitHub shows at most 10 annotations of each type (error, warning, notice) per step and
drops the rest silently, so the most severe findings come first and at most
`MAX_PER_TYPE` of each type are written; a last line says how many were left out.
When `$GITHUB_STEP_SUMMARY` is set (it is in every GitHub Actions step), the full
list is appended to that file as Markdown, which GitHub shows on the run's page.
"""

from __future__ import annotations

import os
import sys

from ..audit import AuditResult, summary
from ..findings import Finding
from ..reports import AuditReport, DeadlineReport
from ..sanitize import terminal_safe
from ..vocabulary import SEVERITY_RANK, count

COMMANDS = {"erreur": "error", "avertissement": "warning", "info": "notice"}
MAX_PER_TYPE = 10  # GitHub's limit per annotation type and per step
SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
_WORDS = {"constat": "constats", "erreur": "erreurs", "avertissement": "avertissements", "info": "infos",
          "constat non annoté": "constats non annotés", "traitement audité": "traitements audités"}


def _count(n: int, word: str) -> str:
    return count(n, word, _WORDS[word])


def _data(text: str) -> str:
    return terminal_safe(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _counted(results: list[AuditResult]) -> list[Finding]:
    """Counted findings, most severe first, then in file and line order."""
    found = [f for r in results for f in r.findings if f.counted]
    return sorted(found, key=lambda f: (SEVERITY_RANK[f.severity], f.sort_key()))


def _annotation(f: Finding) -> str:
    title = f"{f.rule_id} ({f.treatment})" if f.treatment else f.rule_id
    message = f"{f.message} [{' ; '.join(f.citations)}]"
    return f"::{COMMANDS[f.severity]} file={_property(f.file)},line={f.line},title={_property(title)}::{_data(message)}"


def _totals(results: list[AuditResult]) -> str:
    totals = summary(results)
    by = totals["by_severity"]
    return (f"{_count(totals['findings'], 'constat')} : {_count(by['erreur'], 'erreur')}, "
            f"{_count(by['avertissement'], 'avertissement')}, {_count(by['info'], 'info')}")


def audit(report: AuditReport) -> str:
    results = report.results
    out = []
    shown = {severity: 0 for severity in SEVERITY_RANK}
    findings = _counted(results)
    for f in findings:
        if shown[f.severity] < MAX_PER_TYPE:
            shown[f.severity] += 1
            out.append(_annotation(f))
    out.append(f"rgpdcheck : {_totals(results)}.")
    left_out = len(findings) - sum(shown.values())
    summary_file = os.environ.get(SUMMARY_ENV)
    written = bool(summary_file) and _append_summary(summary_file, results, findings)
    if left_out:
        where = ("la liste complète est dans le résumé de l'étape" if written
                 else "la liste complète : rgpdcheck audit … --format text")
        out.append(f"rgpdcheck : {_count(left_out, 'constat non annoté')} (GitHub n'affiche que {MAX_PER_TYPE} "
                   f"annotations de chaque type par étape) ; {where}.")
    return "\n".join(out) + "\n"


# -- the step summary --------------------------------------------------------------------

def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(results: list[AuditResult], findings: list[Finding]) -> str:
    """Every counted finding as a Markdown table, most severe first."""
    out = ["## Audit RGPD (rgpdcheck)", ""]
    for r in results:
        out.append(f"- `{_cell(r.file)}` — {_cell(r.commune_name or r.commune)} — au {r.as_of.isoformat()} — "
                   f"{_count(r.treatments, 'traitement audité')}")
    out += ["", f"**{_totals(results)}.**", ""]
    if findings:
        out += ["| gravité | fichier | ligne | règle | traitement | constat | références |",
                "|---|---|---:|---|---|---|---|"]
        for f in findings:
            out.append(f"| {f.severity} | `{_cell(f.file)}` | {f.line} | `{f.rule_id}` | {_cell(f.treatment or '—')} | "
                       f"{_cell(f.message)} | {_cell(' ; '.join(f.citations))} |")
    else:
        out.append("Aucun constat.")
    return "\n".join(out) + "\n\n"


def _append_summary(path: str, results: list[AuditResult], findings: list[Finding]) -> bool:
    """Append the Markdown summary (GitHub expects appends: each step adds to the file)."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown(results, findings))
    except OSError as exc:
        print(f"rgpdcheck : impossible d'écrire le résumé de l'étape dans {path} ({exc.strerror})", file=sys.stderr)
        return False
    return True


def deadlines(report: DeadlineReport) -> str:
    return audit(report.as_problems())
