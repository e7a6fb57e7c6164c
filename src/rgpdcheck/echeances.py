"""Upcoming deadlines: what falls due by the end of a window, and what is already overdue.

The rules of `rules/echeances/` run in the engine on the audit's own facts plus one
`horizon` fact (the last day and second of the window), so a due date here is computed by
the same code as the one the audit rules judge (facts.py: one calendar month for a request,
72 hours for a breach, the planned end of retention, the V-k inventory date).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from . import rulebook
from .audit import AuditResult
from .dates import day, end_of_day
from .fact_schema import make_fact
from .facts import build_facts
from .findings import Finding, to_findings
from .rulebook import Rule
from .validate import Register
from .wording import Names, french_instant


@dataclass(frozen=True)
class Deadline:
    """One thing to do by a date, located in the register and tied to its clauses."""

    due: str  # ISO date, or date and time for a breach (Paris time)
    days_left: int  # negative when overdue
    finding: Finding
    treatment_name: str = ""  # the name of the finding's treatment, for people

    @property
    def due_words(self) -> str:
        """The due date in French (« 16 mai 2019 à 14 h »)."""
        return french_instant(self.due)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def to_dict(self) -> dict[str, Any]:
        f = self.finding
        return {
            "due": self.due, "days_left": self.days_left, "status": "depassee" if self.overdue else "a_venir",
            "rule_id": f.rule_id, "treatment": f.treatment, "message": f.message, "citations": list(f.citations),
            "location": {"file": f.file, "line": f.line},
        }


def upcoming(register: Register, within: int, rules: tuple[Rule, ...] | None = None) -> list[Deadline]:
    """Deadlines due on or before `as_of + within` days, soonest first (overdue ones too)."""
    rules = rules if rules is not None else rulebook.load("echeance")
    rules = tuple(r for r in rules if r.applies(register.contract.avenant))  # `cadre: rgpd`: the GDPR's alone
    as_of = register.as_of
    end = as_of + timedelta(days=within)
    horizon = make_fact("horizon", "horizon", jour_fin=day(end), s_fin=end_of_day(end))
    facts = build_facts(register)
    hits = rulebook.run(rules, facts, register.document, extra=[horizon])
    by_rule = {r.id: r for r in rules}
    by_id = facts.by_id()
    out = []
    names = Names.of(register)
    for finding in to_findings(hits, register.file, names, register.contract.avenant):
        due = by_id[finding.subject][by_rule[finding.rule_id].spec.echeance]
        days_left = (date.fromisoformat(due[:10]) - as_of).days
        name = names.treatments.get(finding.treatment, finding.treatment) if finding.treatment else ""
        out.append(Deadline(due, days_left, finding, name))
    return sorted(out, key=lambda d: (d.due, d.finding.treatment or "", d.finding.rule_id, d.finding.subject))


def as_audit_result(register: Register, deadlines: list[Deadline]) -> AuditResult:
    """The deadlines in the audit's result shape, for the SARIF, JUnit, GitHub and HTML
    formatters: overdue ones as errors, the others as information, the date in the message."""
    findings = [replace(d.finding, severity="erreur" if d.overdue else d.finding.severity,
                        message=f"{'Dépassée depuis le' if d.overdue else 'Échéance le'} {d.due_words} — {d.finding.message}")
                for d in deadlines]
    return AuditResult(file=register.file, commune=register.model.commune, as_of=register.as_of, findings=findings,
                       treatments=len(register.model.traitements), commune_name=register.contract.nom)
