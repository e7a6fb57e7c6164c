"""The audit, end to end: load -> validate -> facts -> engine -> findings.

Each step is its own module; this one only chains them. The as-of date is an explicit
input (the CLI resolves `--as-of`, else the register's `date_reference`, else today);
nothing below reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import rulebook
from .errors import InputError
from .facts import build_facts
from .findings import Finding, apply_waivers, to_findings
from .gcpause import collector_paused
from .rulebook import Rule
from .validate import Register, load_register
from .vocabulary import SEVERITY_RANK
from .wording import Names


@dataclass(frozen=True)
class AuditResult:
    """What one audit of one register found."""

    file: str
    commune: str
    as_of: date
    findings: list[Finding]
    set_aside: dict[str, int] = field(default_factory=dict)
    treatments: int = 0
    baselined: int = 0  # findings left out because a baseline already counts them
    commune_name: str = ""  # "Bruges", for reports written for people
    treatment_names: tuple[tuple[str, str], ...] = ()  # (id, name) of the audited treatments (not set aside), by id
    avenant: bool = True  # False: a commune party to no avenant (`cadre: rgpd`), audited against the GDPR alone
    warnings: tuple[InputError, ...] = ()  # what the register probably did not mean (loader.py), not findings

    @property
    def treatment_ids(self) -> tuple[str, ...]:
        return tuple(tid for tid, _ in self.treatment_names)

    def counts(self) -> dict[str, int]:
        """Findings by severity, waived ones left out."""
        out = {severity: 0 for severity in SEVERITY_RANK}
        for f in self.findings:
            if f.counted:
                out[f.severity] += 1
        return out


def audit_file(path: str, as_of: date | None, today: date, rules: tuple[Rule, ...] | None = None,
               waivers: bool = True, progress: Callable[[int, int], None] | None = None) -> AuditResult:
    """Audit one register file. Raises InputErrors on bad input."""
    rules = rules if rules is not None else rulebook.load("audit")
    with collector_paused():
        register = load_register(path, as_of, today, {r.id for r in rules})
        return audit_register(register, rules, waivers, progress)


def audit_register(register: Register, rules: tuple[Rule, ...], waivers: bool = True,
                   progress: Callable[[int, int], None] | None = None) -> AuditResult:
    """Audit a validated register; `progress(done, total)` is told of each partition evaluated."""
    facts = build_facts(register)
    # a commune party to no avenant (`cadre: rgpd`) is audited against the GDPR alone
    rules = tuple(r for r in rules if r.applies(register.contract.avenant))
    findings = to_findings(rulebook.run(rules, facts, register.document, progress=progress), register.file,
                           Names.of(register), register.contract.avenant)
    if waivers:
        findings = apply_waivers(findings, register.model.derogations, register.as_of)
    return AuditResult(
        file=register.file,
        commune=register.model.commune,
        as_of=register.as_of,
        findings=findings,
        set_aside=dict(facts.set_aside),
        treatments=len(register.model.traitements) - facts.set_aside["traitements"],
        commune_name=register.contract.nom,
        avenant=register.contract.avenant,
        treatment_names=tuple(sorted((f["tid"], f["nom"]) for f in facts.facts if f["kind"] == "traitement")),
        warnings=tuple(register.document.warnings),
    )


def summary(results: list[AuditResult]) -> dict[str, Any]:
    counts = {severity: 0 for severity in SEVERITY_RANK}
    for result in results:
        for severity, n in result.counts().items():
            counts[severity] += n
    return {
        "files": len(results),
        "treatments": sum(r.treatments for r in results),
        "findings": sum(counts.values()),
        "by_severity": counts,
        "waived": sum(1 for r in results for f in r.findings if not f.counted),
        "baselined": sum(r.baselined for r in results),
        "set_aside": {
            "traitements": sum(r.set_aside.get("traitements", 0) for r in results),
            "evenements": sum(r.set_aside.get("evenements", 0) for r in results),
        },
    }


def exit_code(results: list[AuditResult], fail_on: str) -> int:
    """0 when no finding reaches `fail_on`, else 1."""
    threshold = SEVERITY_RANK[fail_on]
    return int(any(SEVERITY_RANK[f.severity] <= threshold and f.counted for r in results for f in r.findings))

