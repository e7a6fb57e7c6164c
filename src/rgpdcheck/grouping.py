"""What a person reads first: the same omission on many treatments as one group, and the
plan d'action (the few fixes that clear the most findings).

Only the text and HTML reports group; the formats made for tools (JSON, SARIF, JUnit,
GitHub, parsable) keep one finding per rule and treatment, so that each stays located and
can be waived or baselined on its own.

A group is one rule that judges the treatment record itself (its `lieu` is the treatment
fact: a field of the entry is missing or wrong) and fires on GROUP_FROM treatments or more.
Findings about events, providers or purposes stay with their treatment: each one says
something the others do not (a date, a provider, a request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .findings import Finding
from .rulebook import Rule
from .vocabulary import SEVERITY_RANK, count

GROUP_FROM = 3  # the same finding on this many treatments is one grouped line
PLAN_SIZE = 8  # the plan d'action's entries (it fits one screen of 24 lines at 80 columns)


@dataclass(frozen=True)
class Group:
    """One rule's findings on many treatments: the treatment ids with their lines."""

    rule_id: str
    severity: str
    title: str
    field: str | None  # the register key the rule points at (its `lieu.champ`)
    citations: tuple[str, ...]
    items: tuple[tuple[str, int], ...]  # (treatment id, line), by line


@dataclass(frozen=True)
class Action:
    """An entry of the plan d'action: fixing what one rule reports."""

    rule_id: str
    severity: str
    title: str
    findings: int
    treatments: int  # how many treatments it concerns (0 for register-wide findings)


def split(findings: list[Finding], rules: dict[str, Rule]) -> tuple[list[Group], list[Finding]]:
    """The counted findings as groups (rules on the treatment record firing on GROUP_FROM
    treatments or more) and the rest, one by one, in their original order."""
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        rule = rules.get(f.rule_id)
        if f.counted and f.treatment and rule is not None and rule.subject_kind == "traitement":
            by_rule.setdefault(f.rule_id, []).append(f)
    grouped = {rule_id for rule_id, members in by_rule.items() if len({f.treatment for f in members}) >= GROUP_FROM}
    groups = []
    for rule_id in sorted(grouped, key=lambda r: (SEVERITY_RANK[by_rule[r][0].severity], -len(by_rule[r]), r)):
        members = sorted(by_rule[rule_id], key=lambda f: (f.line, f.treatment or ""))
        first = members[0]
        groups.append(Group(rule_id, first.severity, first.title, rules[rule_id].spec.lieu.champ, first.citations,
                            tuple((f.treatment or "", f.line) for f in members)))
    return groups, [f for f in findings if not (f.counted and f.rule_id in grouped)]


def plan(findings: list[Finding]) -> list[Action]:
    """Every rule's counted findings as one fix, by severity, then by how many findings the
    fix clears, then by rule id (callers show the first PLAN_SIZE)."""
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        if f.counted:
            by_rule.setdefault(f.rule_id, []).append(f)
    actions = [Action(rule_id, members[0].severity, members[0].title, len(members),
                      len({f.treatment for f in members if f.treatment}))
               for rule_id, members in by_rule.items()]
    return sorted(actions, key=lambda a: (SEVERITY_RANK[a.severity], -a.findings, a.rule_id))


def action_count(action: Action) -> str:
    """`112 traitements`, or `2 constats` when the findings are not one per treatment."""
    if action.treatments == action.findings and action.treatments:
        return count(action.treatments, "traitement", "traitements")
    return count(action.findings, "constat", "constats")


def rest(actions: list[Action]) -> dict[str, Any]:
    """What the plan leaves out: how many fixes, how many findings."""
    left = actions[PLAN_SIZE:]
    return {"actions": len(left), "findings": sum(a.findings for a in left)}
