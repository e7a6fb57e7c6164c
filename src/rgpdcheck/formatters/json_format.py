"""JSON output, stable bytes for the same input: the audit as `{"findings": [...],
"summary": {...}}`, the deadlines, a liability answer."""

from __future__ import annotations

import json

from ..audit import summary
from ..reports import AuditReport, DeadlineReport, LiabilityReport


def _dump(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def audit(report: AuditReport) -> str:
    results = report.results
    document = {
        "findings": [f.to_dict() for r in results for f in r.findings],
        "summary": {
            **summary(results),
            "registers": [
                {"file": r.file, "commune": r.commune, "as_of": r.as_of.isoformat(), "set_aside": r.set_aside}
                for r in results
            ],
        },
        # what the registers probably did not mean (a sentence cut at a comma): not findings
        "warnings": [{"file": w.file, "line": w.line, "column": w.column, "message": w.message}
                     for r in results for w in r.warnings],
    }
    return _dump(document)


def deadlines(report: DeadlineReport) -> str:
    return _dump({"file": report.file, "commune": report.commune_name, "as_of": report.as_of.isoformat(),
                  "within_days": report.within, "deadlines": [d.to_dict() for d in report.deadlines]})


def liability(report: LiabilityReport) -> str:
    return _dump(report.determination.to_dict())
