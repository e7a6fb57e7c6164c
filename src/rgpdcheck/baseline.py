"""Baselines: accept today's findings as known debt and report only new ones.

A baseline counts findings by (commune, rule id, treatment id): not by line, so moving
a treatment in the file or editing a neighbour does not resurface old debt; and with a
count, so a second late breach on the same treatment is new.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

from .audit import AuditResult
from .errors import InputError, InputErrors
from .findings import Finding
from .loader import read_bytes

FORMAT = "rgpdcheck-baseline/1"
MAX_BASELINE_BYTES = 64 * 1024 * 1024
MAX_COUNT = 10**9
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
    def fail(message: str, line: int = 0, column: int | None = None) -> InputErrors:
        return InputErrors([InputError(path, line, message, column)])

    raw = read_bytes(path, MAX_BASELINE_BYTES, "fichier de référence", missing="fichier de référence introuvable")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise fail("fichier de référence illisible (pas en UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise fail("fichier de référence illisible (JSON mal formé)", exc.lineno, exc.colno) from None
    except ValueError:  # an integer of more than 4,300 digits, Infinity, NaN
        raise fail("fichier de référence illisible (nombre trop long ou infini)") from None
    except RecursionError:
        raise fail("fichier de référence illisible (JSON imbriqué trop profondément)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("constats"), list):
        raise fail(f"ce n'est pas une référence rgpdcheck (format attendu : {FORMAT}, écrite par --write-baseline)")
    counts: Counter[Key] = Counter()
    for i, entry in enumerate(data["constats"]):
        key = _entry_key(entry)
        if key is None:
            shown = json.dumps(entry, ensure_ascii=False)
            raise fail(f"entrée n°{i + 1} invalide : {shown if len(shown) <= 200 else shown[:200] + '…'}")
        counts[key] += entry["nombre"]
    return counts


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # Infinity, -Infinity, NaN: not JSON, never written by --write-baseline


def _entry_key(entry: Any) -> Key | None:
    """The key of a well-formed entry, else None (what --write-baseline writes, nothing else)."""
    if not isinstance(entry, dict):
        return None
    commune, rule, treatment, count = (entry.get(k) for k in ("commune", "regle", "traitement", "nombre"))
    if not (isinstance(commune, str) and isinstance(rule, str) and (treatment is None or isinstance(treatment, str))):
        return None
    if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= MAX_COUNT:
        return None
    return (commune, rule, treatment)


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
