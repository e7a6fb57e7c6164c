"""Who bears liability for a treatment or an incident, and on which clause.

The determination is made by rules (`rules/responsabilite/*.yaml`) evaluated in the same
engine, on the same facts as the audit, plus one `cible` fact naming the treatment (and
the event) in question. Each rule that holds states conclusions (roles, the contractual
allocation between the commune and the Métropole with a rank, who answers externally,
the duty attached to an event, the escalation path) and a reason quoting the facts it
read. This module only composes them:

- roles, external answerability, citations: the union of the conclusions;
- contractual allocation: the conclusions of the highest rank win (an exception written
  in the avenant outranks the general case it derogates from); two different bearers at
  that rank make it "shared";
- reasons: in the order the reasoning uses them (its `etape`, then the rule file order).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from . import rulebook
from .errors import InputError, InputErrors
from .fact_schema import ABSENT, FactSet, fact_id, make_fact
from .facts import build_facts
from .findings import render as render_template
from .rulebook import Rule
from .validate import Register

NO_EVENT = "__aucun__"
SHARED = "partage"
EVENT_TYPES = ("violation", "demande_droit")


@dataclass(frozen=True)
class Reason:
    rule_id: str
    text: str
    fact: str  # id of the fact the reason reads first (its `lieu`)
    line: int
    citations: tuple[str, ...]


@dataclass
class Determination:
    """The answer for one treatment (and possibly one event), as of one date."""

    file: str
    treatment: str
    treatment_name: str
    event: str | None
    as_of: date
    roles: dict[str, list[str]] = field(default_factory=dict)
    bears: str | None = None
    exonerated: list[str] = field(default_factory=list)
    may_claim_costs: list[str] = field(default_factory=list)
    contractual_citations: list[str] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    answerable: list[str] = field(default_factory=list)
    external_citations: list[str] = field(default_factory=list)
    escalation: list[str] = field(default_factory=list)
    event_duty: dict[str, Any] | None = None
    clauses: list[str] = field(default_factory=list)  # clause ids cited, for the text output
    names: dict[str, str] = field(default_factory=dict)  # actor id -> name, for the text output

    def to_dict(self) -> dict[str, Any]:
        return {
            "treatment": self.treatment,
            "event": self.event,
            "as_of": self.as_of.isoformat(),
            "roles": self.roles,
            "contractual": {
                "bears": self.bears,
                "exonerated": self.exonerated,
                "may_claim_costs": self.may_claim_costs,
                "citations": self.contractual_citations,
                "reasons": [
                    {"rule": r.rule_id, "text": r.text, "fact": r.fact, "line": r.line, "citations": list(r.citations)}
                    for r in self.reasons
                ],
            },
            "external": {"answerable": self.answerable, "citations": self.external_citations},
            "event_duty": self.event_duty,
            "escalation": self.escalation,
        }


def _target_errors(register: Register, treatment: str | None, event: str | None) -> tuple[str, str | None]:
    model = register.model
    ids = {t.id for t in model.traitements}

    def fail(message: str) -> InputErrors:
        return InputErrors([InputError(register.file, 0, message)])

    found = None
    if event is not None:
        found = next((e for e in model.evenements if e.id == event), None)
        if found is None:
            known = ", ".join(sorted(e.id for e in model.evenements if e.id and e.type in EVENT_TYPES)) or "aucun"
            raise fail(f"événement « {event} » introuvable (violations et demandes identifiées : {known})")
        if found.type not in EVENT_TYPES:
            raise fail(f"l'événement « {event} » est de type {found.type} : seules une violation ou une demande d'exercice des droits ont une échéance à imputer")
        if found.traitement is None:
            raise fail(f"l'événement « {event} » ne nomme pas son traitement (traitement:)")
        if treatment is not None and treatment != found.traitement:
            raise fail(f"l'événement « {event} » concerne le traitement « {found.traitement} », pas « {treatment} »")
        treatment = found.traitement
    if treatment is None:
        raise fail("précisez le traitement (--treatment) ou l'événement (--event)")
    if treatment not in ids:
        raise fail(f"traitement « {treatment} » introuvable (traitements : {', '.join(sorted(ids))})")
    return treatment, event


def determine_all(register: Register, rules: tuple[Rule, ...] | None = None) -> dict[str, Determination]:
    """The determination for every treatment of the register as of its audit date.

    The facts are built once; each treatment is judged on its own facts and the
    register-wide ones only (rulebook.run), not on the whole register again.
    """
    rules = rules if rules is not None else rulebook.load("responsabilite")
    facts = build_facts(register)
    return {f["tid"]: determine(register, f["tid"], None, rules, facts) for f in facts.facts if f["kind"] == "traitement"}


def determine(register: Register, treatment: str | None, event: str | None,
              rules: tuple[Rule, ...] | None = None, facts: FactSet | None = None) -> Determination:
    """Raises InputErrors when the treatment or event is unknown (or set aside by the as-of date).

    `facts`: the register's facts when the caller has them already."""
    rules = rules if rules is not None else rulebook.load("responsabilite")
    treatment, event = _target_errors(register, treatment, event)
    facts = facts if facts is not None else build_facts(register)
    by_id = facts.by_id()
    subject = by_id.get(fact_id("traitement", treatment))
    if subject is None:
        raise InputErrors([InputError(register.file, 0, f"le traitement « {treatment} » est créé après la date d'audit {register.as_of} : il n'existait pas encore")])
    if event is not None and not any(f.get("eid") == event for f in facts.facts):
        raise InputErrors([InputError(register.file, 0, f"l'événement « {event} » est daté après la date d'audit {register.as_of} : il n'était pas encore connu")])
    question = make_fact("cible", "cible", tid=treatment, eid=event or NO_EVENT)
    hits = rulebook.run(rules, facts, register.document, extra=[question], treatments={treatment})
    out = Determination(register.file, treatment, subject["nom"], event, register.as_of)
    commune = register.model.commune
    out.names = {**register.actor_names(), "shared": "partagée"}
    roles: dict[str, list[str]] = {"controller": [], "joint_controllers": [], "processors": [], "sub_processors": []}
    contractual: list[tuple[int, str, list[str], list[str]]] = []
    for hit in sorted(hits, key=lambda h: (h.rule.spec.etape, h.rule.order, h.subject)):
        rule = hit.rule
        fill = partial(_fill, hit.bound, commune)
        c = rule.spec.conclut
        citations = tuple(rule.citations())
        out.reasons.append(Reason(rule.id, " ".join(fill(rule.spec.raison).split()), hit.subject, hit.line, citations))
        out.clauses += [ref for ref in rule.spec.references.avenant if ref not in out.clauses]
        if c.roles:
            for key, values in (("controller", c.roles.responsable), ("joint_controllers", c.roles.responsables_conjoints),
                                ("processors", c.roles.sous_traitants), ("sub_processors", c.roles.sous_traitants_ulterieurs)):
                _extend(roles[key], [fill(v) for v in values])
        if c.contractuel:
            k = c.contractuel
            contractual.append((k.rang, fill(k.supporte), [fill(v) for v in k.exoneres], [fill(v) for v in k.peut_reclamer]))
            _extend(out.contractual_citations, list(citations))
        if c.externe:
            _extend(out.answerable, [fill(v) for v in c.externe.repondent])
            _extend(out.external_citations, list(citations))
        if c.evenement:
            e = c.evenement
            out.event_duty = {"must_act": [fill(v) for v in e.doit_agir], "deadline": fill(e.echeance),
                              "in_time": {"oui": True, "non": False, "en_cours": None}[e.a_temps]}
        _extend(out.escalation, [" ".join(fill(v).split()) for v in c.escalade])
    out.roles = roles
    if contractual:
        top = max(rank for rank, *_ in contractual)
        winners = [entry for entry in contractual if entry[0] == top]
        bearers = {bearer for _, bearer, _, _ in winners}
        out.bears = "shared" if len(bearers) > 1 or SHARED in bearers else bearers.pop()
        for _, _, exonerated, claim in winners:
            _extend(out.exonerated, exonerated)
            _extend(out.may_claim_costs, claim)
    if out.event_duty is not None:
        out.event_duty["failure_borne_by"] = None if out.event_duty["in_time"] is not False else out.bears
    return out


def _fill(bound: dict[str, dict[str, Any]], commune: str, template: str) -> str:
    """A conclusion template on the bound facts; the word `commune` alone is the commune's id."""
    value = render_template(template, bound).strip()
    return commune if value == "commune" else value


def _extend(target: list[str], values: list[str]) -> None:
    for value in values:
        if value and value != ABSENT and value not in target:
            target.append(value)
