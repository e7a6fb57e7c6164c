"""SARIF 2.1.0 output, as GitHub code scanning takes it.

One run; `tool.driver.rules` describes every rule (title, description, help text with
the citations and the quoted clause); each result points at the register's line and
carries a `partialFingerprints` entry computed from the rule id, the treatment id and
the subject's own id, so moving a treatment in the file keeps its alerts. A finding
accepted by a waiver is reported with a `suppressions` entry giving the justification.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..catalogue import clauses_of_rule
from ..findings import Finding
from ..reports import AuditReport, DeadlineReport
from ..rulebook import Rule

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"erreur": "error", "avertissement": "warning", "info": "note"}
FINGERPRINT = "rgpdcheck/v1"


def artifact_uri(path: str) -> str:
    """The path as a URI reference: percent-encoded UTF-8 (a space, an accent).

    A relative path stays relative (GitHub resolves it from the repository root).
    """
    pure = PurePath(path)
    if pure.is_absolute():
        return Path(path).as_uri()
    return quote(pure.as_posix(), safe="/")


def fingerprint(finding: Finding) -> str:
    key = "\x1f".join((finding.rule_id, finding.treatment or "", finding.subject))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _help(rule: Rule) -> tuple[str, str]:
    citations = rule.citations()
    text = ["Références : " + " ; ".join(citations)]
    markdown = ["**Références** : " + " ; ".join(citations)]
    if rule.spec.description.strip():
        description = " ".join(rule.spec.description.split())
        text += ["", description]
        markdown += ["", description]
    for clause in clauses_of_rule(rule):
        text += ["", f"{clause.id} — {clause.titre}", clause.texte, f"({clause.source()})"]
        quoted = "\n".join(f"> {line}" if line else ">" for line in clause.texte.splitlines())
        markdown += ["", f"**{clause.id} — {clause.titre}**", "", quoted, "", f"_({clause.source()})_"]
    return "\n".join(text), "\n".join(markdown)


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    text, markdown = _help(rule)
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.spec.titre},
        "fullDescription": {"text": " ".join((rule.spec.description or rule.spec.titre).split())},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.spec.severite]},
        "properties": {"tags": ["rgpd", rule.family, *rule.spec.references.avenant], "citations": rule.citations()},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message} [{' ; '.join(finding.citations)}]"},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(finding.file)},
                "region": {"startLine": finding.line},
            },
        }],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding)},
        "properties": {"traitement": finding.treatment, "citations": list(finding.citations)},
    }
    if finding.waiver is not None:
        result["suppressions"] = [{
            "kind": "inSource",
            "status": "accepted",
            "justification": f"{finding.waiver.motif} (dérogation jusqu'au {finding.waiver.jusqu_au.isoformat()})",
        }]
    return result


def audit(report: AuditReport) -> str:
    results, rules = report.results, report.rules
    index = {rule.id: i for i, rule in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rgpdcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(rule) for rule in rules],
            }},
            "invocations": [{"executionSuccessful": True}],
            "results": [_result(f, index) for r in results for f in r.findings],
            "properties": {"registres": [
                {"fichier": artifact_uri(r.file), "commune": r.commune, "date_audit": r.as_of.isoformat()}
                for r in results
            ]},
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def deadlines(report: DeadlineReport) -> str:
    return audit(report.as_problems())
