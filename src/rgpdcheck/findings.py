"""Step 5 of the audit: the rules' hits become findings, one frozen type for all formats."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .fact_schema import ABSENT
from .rulebook import Hit
from .vocabulary import SEVERITY_RANK
from .wording import Names, render


@dataclass(frozen=True)
class Waiver:
    """The register's acceptance of a finding: why, and until when."""

    motif: str
    jusqu_au: date


@dataclass(frozen=True)
class Finding:
    """A problem a DPO must fix, located in the register and tied to its clauses."""

    rule_id: str
    severity: str
    message: str
    file: str
    line: int
    treatment: str | None
    citations: tuple[str, ...]
    family: str
    title: str
    waiver: Waiver | None = None  # the waiver in force that accepts it
    subject: str = ""  # id of the fact the finding is about (`violation:V-1`), stable across moves

    @property
    def counted(self) -> bool:
        """Whether it counts for the summary and the exit code (no waiver in force)."""
        return self.waiver is None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, SEVERITY_RANK[self.severity], self.rule_id, self.treatment or "", self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "treatment": self.treatment,
            "message": self.message,
            "citations": list(self.citations),
            "location": {"file": self.file, "line": self.line},
            "family": self.family,
            "title": self.title,
            "waived": None if self.waiver is None else {"motif": self.waiver.motif, "jusqu_au": self.waiver.jusqu_au.isoformat()},
        }


def _treatment_of(fact: dict[str, Any]) -> str | None:
    tid = fact.get("tid")
    return None if tid in (None, ABSENT) else tid


def apply_waivers(findings: list[Finding], waivers: list[Any], as_of: date) -> list[Finding]:
    """Mark the findings accepted by a waiver still in force on `as_of`.

    An expired waiver hides nothing (the `derogation-expiree` rule reports it).
    """
    out = []
    for finding in findings:
        for waiver in waivers:
            if (waiver.regle == finding.rule_id and waiver.traitement in (None, finding.treatment)
                    and waiver.jusqu_au >= as_of):
                finding = replace(finding, waiver=Waiver(waiver.motif, waiver.jusqu_au))
                break
        out.append(finding)
    return out


def to_findings(hits: list[Hit], file: str, names: Names, avenant: bool = True) -> list[Finding]:
    """One finding per hit (rule and subject fact), sorted for reports; the message names
    what the register's ids stand for (`names`, wording.py). Without an avenant (`cadre: rgpd`)
    a finding cites the GDPR alone: the avenant's clauses bind other communes."""
    findings = []
    for hit in hits:
        rule = hit.rule
        citations = rule.citations() if avenant else [c for c in rule.citations() if not c.startswith("Avenant ")]
        findings.append(Finding(
            rule_id=rule.id,
            severity=rule.spec.severite,
            message=render(rule.spec.message, hit.bound, names).strip(),
            file=file,
            line=hit.line,
            treatment=_treatment_of(hit.bound[rule.spec.lieu.alias]),
            citations=tuple(citations),
            family=rule.family,
            title=rule.spec.titre,
            subject=hit.subject,
        ))
    return sorted(findings, key=Finding.sort_key)
