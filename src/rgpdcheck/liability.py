"""Who bears liability for a treatment or an incident, and on which clause.

The determination is made by rules (`rules/responsabilite/*.yaml`) evaluated through the
rule core on the register's facts plus one `cible` fact naming the question. Each rule that
holds gives a reason quoting the facts it read and may conclude: roles (V-c), who answers
externally, the duty an event triggered (who had to act, by when, in time or not), and who
bears the burden between the parties on one *subject* — the treatment (its inherited state
V-k, its creation path V-e/V-j, its evolutions, its roles V-c), an event (V-d), a provider.
This module only composes them, by subject, never by a global order of clauses:

- on each subject, a conclusion that another one sets aside (`deroge_a`: the special rule
  over the general one, an exception over its rule) drops out, and the composed answer lists
  which rule set it aside; two standing conclusions with different bearers make it shared,
  an interpretation;
- an event's failure is borne by the party that had to act (C. civ. art. 1231-1), on the
  basis of the rules that named the duty (an interpretation as soon as one of them is);
- the question decides which subject answers `contractual`: the event's when it was not
  handled in time, else the treatment's;
- reasons come in the order the reasoning uses them (`etape`, then the rule file order).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any, ClassVar

from . import rulebook
from .errors import InputError, InputErrors
from .fact_schema import ABSENT, FactSet, fact_id, make_fact
from .facts import build_facts
from .idents import ident
from .loader import parse_document, read_text
from .rulebook import Rule
from .validate import Register, validate
from .wording import Names, french_date, render, render_ids

NO_EVENT = "__aucun__"
SHARED = "partage"
EVENT_TYPES = ("violation", "demande_droit")


TEXT, INTERPRETATION = "texte", "interpretation"


@dataclass(frozen=True)
class Basis:
    """The basis of a conclusion: the clause's literal effect, or an interpretation and the
    principle that decides it; `rules`: the rules it rests on."""

    nature: str
    principle: str
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"nature": self.nature, "principle": self.principle or None, "rules": list(self.rules)}


def _weakest(bases: list[Basis]) -> Basis:
    """A conclusion drawn from several premises is an interpretation if one of them is."""
    rules = tuple(dict.fromkeys(r for b in bases for r in b.rules))
    readings = [b.principle for b in bases if b.nature == INTERPRETATION]
    if readings:
        return Basis(INTERPRETATION, " ; ".join(dict.fromkeys(readings)), rules)
    return Basis(TEXT, "", rules)


@dataclass(frozen=True)
class Conclusion:
    """Who bears the burden on one subject, according to one rule."""

    rule_id: str
    subject: str  # traitement | evenement | prestataire
    bears: str
    exonerated: tuple[str, ...]
    may_claim_costs: tuple[str, ...]
    basis: Basis
    sets_aside: frozenset[str]
    citations: tuple[str, ...]
    set_aside_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "rule": self.rule_id, "bears": self.bears, "exonerated": list(self.exonerated),
                "may_claim_costs": list(self.may_claim_costs), "basis": self.basis.to_dict(),
                "set_aside_by": list(self.set_aside_by)}


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
    subject: str | None = None  # the subject that answers `contractual`
    basis: Basis | None = None
    conclusions: list[Conclusion] = field(default_factory=list)
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
                "subject": self.subject,
                "basis": self.basis.to_dict() if self.basis else None,
                "set_aside": [{"rule": c.rule_id, "by": list(c.set_aside_by)} for c in self.conclusions if c.set_aside_by],
                "reasons": [
                    {"rule": r.rule_id, "text": r.text, "fact": r.fact, "line": r.line, "citations": list(r.citations)}
                    for r in self.reasons
                ],
            },
            "external": {"answerable": self.answerable, "citations": self.external_citations},
            "event_duty": self.event_duty,
            "conclusions": [c.to_dict() for c in self.conclusions],
            "escalation": self.escalation,
        }


# The fact kinds whose value depends on treatments other than the one they describe: an
# actor is a controller of *some* treatment (facts._actor_facts). A determination made on
# one treatment's part of the register (`needed`) must not read them.
_WHOLE_REGISTER_KINDS = frozenset({"acteur"})


@dataclass(frozen=True)
class Needed:
    """The part of a register one treatment's determination rests on (a loader Selection):
    that treatment, its events and waivers, and everything register-wide (the contract, the
    actors, the DPOs, events and waivers that name no treatment). Other treatments, and the
    events and waivers that name them, are parsed but neither built nor validated, so a defect
    there does not prevent the answer (`rgpdcheck validate` reports it). The event asked
    about is kept whatever its treatment, for `_target_errors` to say it is another one's."""

    treatment: str
    event: str | None = None
    keys: ClassVar[dict[str, tuple[str, ...]]] = {
        "traitements": ("id",), "evenements": ("traitement", "id"), "derogations": ("traitement",)}

    def keeps(self, section: str, values: dict[str, str]) -> bool:
        if section == "traitements":
            return ident(values.get("id")) == self.treatment
        if "traitement" not in values or ident(values["traitement"]) == self.treatment:
            return True
        return section == "evenements" and self.event is not None and ident(values.get("id")) == self.event


@dataclass(frozen=True)
class _EventAsked:
    """A first read for an event asked about alone: that event only, to learn its treatment."""

    event: str
    keys: ClassVar[dict[str, tuple[str, ...]]] = {
        "traitements": ("id",), "evenements": ("id",), "derogations": ("traitement",)}

    def keeps(self, section: str, values: dict[str, str]) -> bool:
        return section == "evenements" and ident(values.get("id")) == self.event


def needed(treatment: str | None, event: str | None, rules: tuple[Rule, ...]) -> Needed | None:
    """What to read of the register for this question; None when it takes the whole register:
    an event asked about without its treatment (its treatment is known only once it is read:
    see `_treatment_of`), or rules that read facts a part of the register would get wrong."""
    if treatment is None or any(r.condition.kinds & _WHOLE_REGISTER_KINDS for r in rules):
        return None
    target = ident(treatment)
    return Needed(target, ident(event) if event is not None else None) if target is not None else None


def _treatment_of(text: str, file: str, event: str) -> str | None:
    """The treatment the event `event` names, read from the register's text without building
    the rest (its events passed over but that one); None when it cannot say."""
    asked = ident(event)
    if asked is None:
        return None
    try:
        document = parse_document(text, file, _EventAsked(asked))
    except InputErrors:
        return None  # the whole register's read reports it
    items = document.data.get("evenements") if isinstance(document.data, dict) else None
    named = {ident(item.get("traitement")) for item in items if isinstance(item, dict) and ident(item.get("id")) == asked} \
        if isinstance(items, list) else set()
    return named.pop() if len(named) == 1 else None


def determine_file(path: str, treatment: str | None, event: str | None, as_of: date | None, today: date,
                   rule_ids: set[str], rules: tuple[Rule, ...],
                   warn: Callable[[list[InputError]], None] = lambda warnings: None) -> Determination:
    """The determination for a register file; `warn` gets the file's warnings (loader.py)
    before any input error is raised.

    Reads only the part the question needs (`needed`) when it can; when that part gives no
    answer (an input error: the treatment or event unknown or invalid), the whole register is
    read and says why, as it would have: every error message is the whole register's. The
    file is read once; each of these readings parses its text."""
    text = read_text(path)

    def register(selection: Needed | None) -> Register:
        return validate(parse_document(text, path, selection), as_of, today, rule_ids)

    selection = needed(treatment, event, rules)
    if selection is None and treatment is None and event is not None:
        # an event alone: a first read learns its treatment, the second reads that one's part
        found = _treatment_of(text, path, event)
        selection = needed(found, event, rules) if found is not None else None
    if selection is not None:
        try:
            part = register(selection)
            answer = determine(part, treatment, event, rules)
        except InputErrors:
            pass
        else:
            warn(part.document.warnings)
            return answer
    whole = register(None)
    warn(whole.document.warnings)
    return determine(whole, treatment, event, rules)


def _target_errors(register: Register, treatment: str | None, event: str | None) -> tuple[str, str | None]:
    model = register.model
    ids = {t.id for t in model.traitements}
    omitted = {i for i in map(ident, register.document.omitted_ids.get("traitements", ())) if i is not None}

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
        raise fail(f"traitement « {treatment} » introuvable (traitements : {', '.join(sorted(ids | omitted))})")
    return treatment, event


def without_avenant(register: Register) -> InputError:
    """A liability question on a register without an avenant (`cadre: rgpd`): there is no
    contractual burden to apportion; the GDPR alone says who answers (the controller)."""
    return InputError(register.file, register.document.line_of(("cadre",)),
                      f"{register.contract.nom} n'est partie à aucun avenant RGPD (cadre: rgpd) : il n'y a pas de charge "
                      "à répartir par contrat. Vis-à-vis de la CNIL et des personnes, la commune répond de ses traitements "
                      "comme responsable de traitement (RGPD art. 24 et 82), ses sous-traitants dans les limites de "
                      "l'art. 82(2) ; « rgpdcheck audit » vérifie le registre au regard du RGPD.")


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
    if not register.contract.avenant:
        raise InputErrors([without_avenant(register)])
    treatment, event = _target_errors(register, treatment, event)
    facts = facts if facts is not None else build_facts(register)
    by_id = facts.by_id()
    subject = by_id.get(fact_id("traitement", treatment))
    if subject is None:
        raise InputErrors([InputError(register.file, 0, f"le traitement « {treatment} » est créé après la date d'audit du {french_date(register.as_of)} : il n'existait pas encore")])
    if event is not None and not any(f.get("eid") == event for f in facts.facts):
        raise InputErrors([InputError(register.file, 0, f"l'événement « {event} » est daté après la date d'audit du {french_date(register.as_of)} : il n'était pas encore connu")])
    question = make_fact("cible", "cible", tid=treatment, eid=event or NO_EVENT)
    hits = rulebook.run(rules, facts, register.document, extra=[question], treatments={treatment})
    out = Determination(register.file, treatment, subject["nom"], event, register.as_of)
    commune = register.model.commune
    names = Names.of(register)
    out.names = {**names.actors, "shared": "partagée"}
    roles: dict[str, list[str]] = {"controller": [], "joint_controllers": [], "processors": [], "sub_processors": []}
    conclusions: list[Conclusion] = []
    duty: dict[str, Any] = {"must_act": [], "deadline": None, "in_time": None}
    duty_bases: list[Basis] = []
    for hit in sorted(hits, key=lambda h: (h.rule.spec.etape, h.rule.order, h.subject)):
        rule = hit.rule
        fill = partial(_fill, hit.bound, commune)
        c = rule.spec.conclut
        citations = tuple(rule.citations())
        out.reasons.append(Reason(rule.id, _words(rule.spec.raison, hit.bound, names), hit.subject, hit.line, citations))
        out.clauses += [ref for ref in rule.spec.references.avenant if ref not in out.clauses]
        if c.roles:
            for key, values in (("controller", c.roles.responsable), ("joint_controllers", c.roles.responsables_conjoints),
                                ("processors", c.roles.sous_traitants), ("sub_processors", c.roles.sous_traitants_ulterieurs)):
                _extend(roles[key], [fill(v) for v in values])
        if c.contractuel:
            k = c.contractuel
            bearer = fill(k.supporte)
            conclusions.append(Conclusion(
                rule.id, k.sujet, "shared" if bearer == SHARED else bearer, tuple(fill(v) for v in k.exoneres),
                tuple(fill(v) for v in k.peut_reclamer), Basis(k.fondement.nature, k.fondement.principe, (rule.id,)),
                frozenset(k.deroge_a), citations))
        if c.externe:
            _extend(out.answerable, [fill(v) for v in c.externe.repondent])
            _extend(out.external_citations, list(citations))
        if c.evenement:
            e = c.evenement
            _extend(duty["must_act"], [fill(v) for v in e.doit_agir])
            if e.echeance:
                duty["deadline"] = fill(e.echeance)
            if e.a_temps:
                duty["in_time"] = {"oui": True, "non": False, "en_cours": None}[e.a_temps]
            if e.fondement:
                duty_bases.append(Basis(e.fondement.nature, e.fondement.principe, (rule.id,)))
        _extend(out.escalation, [_words(v, hit.bound, names) for v in c.escalade])
    out.roles = roles
    out.conclusions = [replace(k, set_aside_by=tuple(o.rule_id for o in conclusions
                                                     if o.subject == k.subject and k.rule_id in o.sets_aside))
                       for k in conclusions]
    answer = _compose([k for k in out.conclusions if k.subject == "traitement" and not k.set_aside_by])
    if event is not None and (duty["must_act"] or duty["deadline"]):
        duty["failure_borne_by"] = None
        basis = _weakest(duty_bases) if duty_bases else None
        duty["basis"] = basis.to_dict() if basis else None
        if duty["in_time"] is False and duty["must_act"]:
            bearer = duty["must_act"][0] if len(duty["must_act"]) == 1 else "shared"
            duty["failure_borne_by"] = bearer
            answer = ("evenement", bearer, [], [], basis, [c for r in out.reasons if r.rule_id in (basis.rules if basis else ())
                                                           for c in r.citations])
        out.event_duty = duty
    if answer is not None:
        out.subject, out.bears, exonerated, claim, out.basis, citations = answer
        _extend(out.exonerated, list(exonerated))
        _extend(out.may_claim_costs, list(claim))
        _extend(out.contractual_citations, list(citations))
    return out


def _compose(standing: list[Conclusion]) -> tuple[str, str, list[str], list[str], Basis, list[str]] | None:
    """The treatment's allocation from the conclusions that stand on it."""
    if not standing:
        return None
    bearers = list(dict.fromkeys(k.bears for k in standing))
    citations = [c for k in standing for c in k.citations]
    if len(bearers) == 1:
        exonerated = [v for k in standing for v in k.exonerated]
        claim = [v for k in standing for v in k.may_claim_costs]
        return "traitement", bearers[0], exonerated, claim, _weakest([k.basis for k in standing]), citations
    principle = ("plusieurs clauses attribuent la charge à des parties différentes sans que l'une écarte l'autre : "
                 "chacune supporte la part qui lui revient")
    basis = _weakest([k.basis for k in standing] + [Basis(INTERPRETATION, principle, ())])
    return "traitement", "shared", [], [], basis, citations


def _fill(bound: dict[str, dict[str, Any]], commune: str, template: str) -> str:
    """A conclusion template on the bound facts (ids, for the JSON); the word `commune` alone
    is the commune's id."""
    value = render_ids(template, bound).strip()
    return commune if value == "commune" else value


def _words(template: str, bound: dict[str, dict[str, Any]], names: Names) -> str:
    """A reason or an escalation step, for people, on one line."""
    return " ".join(render(template, bound, names).split())


def _extend(target: list[str], values: list[str]) -> None:
    for value in values:
        if value and value != ABSENT and value not in target:
            target.append(value)
