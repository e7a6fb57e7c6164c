"""JSON output: `{"findings": [...], "summary": {...}}`, stable bytes for the same input."""

from __future__ import annotations

import json

from ..audit import AuditResult, summary
from ..rules import Rule


def render(results: list[AuditResult], rules: tuple[Rule, ...] = ()) -> str:
    document = {
        "findings": [f.to_dict() for r in results for f in r.findings],
        "summary": {
            **summary(results),
            "registers": [
                {"file": r.file, "commune": r.commune, "as_of": r.as_of.isoformat(), "set_aside": r.set_aside}
                for r in results
            ],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
