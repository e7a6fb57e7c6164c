"""What each command hands to the formatters: one report type per command, one protocol.

A formatter module (formatters/) renders a report of kind K with its function named K:
`text.audit(report)`, `json_format.deadlines(report)`, `text.liability(report)`. The
registry in formatters/__init__.py says which formats render which kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from .audit import AuditResult

if TYPE_CHECKING:  # annotations only: an audit does not import the other commands' modules
    from .echeances import Deadline
    from .liability import Determination
    from .rulebook import Rule


@dataclass(frozen=True)
class AuditReport:
    """`rgpdcheck audit`: the findings of each register, and the rules that were run."""

    kind: ClassVar[str] = "audit"
    results: list[AuditResult]
    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        # the rules run on at least one register: avenant rules are not run on registers of
        # communes party to none (cadre: rgpd), so SARIF, JUnit and HTML do not describe them
        if self.results:
            ran = tuple(r for r in self.rules if any(r.applies(res.avenant) for res in self.results))
            object.__setattr__(self, "rules", ran)


@dataclass(frozen=True)
class DeadlineReport:
    """`rgpdcheck echeances`: what falls due in a register by the end of a window."""

    kind: ClassVar[str] = "deadlines"
    file: str
    commune: str  # the commune's id
    commune_name: str
    as_of: date
    within: int  # days after the audit date
    treatments: int
    deadlines: list[Deadline]
    rules: tuple[Rule, ...]

    def as_problems(self) -> AuditReport:
        """The deadlines as located problems, for the formats made for CI and review tools
        (SARIF, JUnit, GitHub, HTML): an overdue one at the error level, the others at
        their rule's level, the due date leading the message."""
        findings = [replace(d.finding, severity="erreur" if d.overdue else d.finding.severity,
                            message=f"{'Dépassée depuis le' if d.overdue else 'Échéance le'} {d.due_words} — {d.finding.message}")
                    for d in self.deadlines]
        result = AuditResult(file=self.file, commune=self.commune, as_of=self.as_of, findings=findings,
                             treatments=self.treatments, commune_name=self.commune_name)
        return AuditReport([result], self.rules)


@dataclass(frozen=True)
class LiabilityReport:
    """`rgpdcheck liability`: who bears a treatment or an incident, and why."""

    kind: ClassVar[str] = "liability"
    determination: Determination
