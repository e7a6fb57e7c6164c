"""Baselines: accept today's findings as known debt and report only new ones.

A baseline counts findings by (commune, rule id, treatment id): not by line, so moving
a treatment in the file or editing a neighbour does not resurface old debt; and with a
count, so a second late breach on the same treatment is new.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from .audit import AuditResult
from .errors import InputError, InputErrors
from .findings import Finding

FORMAT = "rgpdcheck-baseline/1"
Key = tuple[str, str, str | None]


def _key(commune: str, finding: Finding) -> Key:
    return (commune, finding.rule_id, finding.treatment)


def to_json(results: list[AuditResult]) -> str:
    """The baseline of the counted findings (waived ones are accepted by their waiver already)."""
    counts = Counter(_key(r.commune, f) for r in results for f in r.findings if f.counted)
    entries = [
        {"commune": commune, "regle": rule, "traitement": treatment, "nombre": n}
        for (commune, rule, treatment), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
    ]
    return json.dumps({"format": FORMAT, "constats": entries}, ensure_ascii=False, indent=2) + "\n"


def load(path: str) -> Counter[Key]:
    """Read a baseline written by `--write-baseline`; a bad file is an input error."""
    def fail(message: str) -> InputErrors:
        return InputErrors([InputError(path, 0, message)])

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise fail("fichier de référence introuvable") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(f"fichier de référence illisible ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("constats"), list):
        raise fail(f"ce n'est pas une référence rgpdcheck (format attendu : {FORMAT}, écrite par --write-baseline)")
    counts: Counter[Key] = Counter()
    for i, entry in enumerate(data["constats"]):
        try:
            counts[(str(entry["commune"]), str(entry["regle"]), entry["traitement"])] += int(entry["nombre"])
        except (TypeError, KeyError, ValueError):
            raise fail(f"entrée n°{i + 1} invalide : {entry!r}") from None
    return counts


def apply(results: list[AuditResult], baseline: Counter[Key]) -> list[AuditResult]:
    """Each result without the findings the baseline already counts."""
    remaining = Counter(baseline)
    out = []
    for result in results:
        kept: list[Finding] = []
        known = 0
        # Same key: the baseline absorbs the findings in subject order, whatever their lines.
        for finding in sorted(result.findings, key=lambda f: (f.rule_id, f.treatment or "", f.subject)):
            key = _key(result.commune, finding)
            if finding.counted and remaining[key] > 0:
                remaining[key] -= 1
                known += 1
            else:
                kept.append(finding)
        kept.sort(key=Finding.sort_key)
        out.append(replace(result, findings=kept, baselined=known))
    return out
