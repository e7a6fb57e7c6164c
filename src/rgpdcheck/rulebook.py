"""The rule core: what a rule is, how rule files load, and the one path by which rules run.

Rules are data: YAML files in `rules/`, one file per family, each declaring its `sorte`
(the kind of rule it holds) — `audit` (findings), `echeance` (deadlines) or
`responsabilite` (liability reasons). Every rule has the same common fields (id, title,
references, description, location, condition); each kind adds its own (a severity and a
message; a due-date field; a step, a reason and conclusions). docs/regles.md is the
reference of the language and the checklist for adding a rule.

`run` is the one way any rule kind is evaluated: partition-aware (partition.py), one hit
per rule and subject fact (the first match in a stable order), with the bound facts and
the register line of the subject. The audit, the deadlines and the liability
determination all go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import engine, packagedata, partition, rulecache
from .clauses import clauses
from .condition import Condition, compile_condition
from .errors import RuleFileError
from .fact_schema import FACT_FIELDS, REGISTER_KINDS, FactSet
from .loader import Document
from .vocabulary import Severity

RuleKind = Literal["audit", "echeance", "responsabilite"]


class Strict(BaseModel):
    """Rule files refuse unknown keys: a typo in a rule must not be silently ignored."""

    # Built when first used: only RuleFile and the three rule specs validate anything.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class References(Strict):
    avenant: list[str] = []
    rgpd: list[str] = []
    autres: list[str] = []


class Location(Strict):
    """Where a result is located: the fact bound to `alias`, at its `champ` when given."""

    alias: str
    champ: str | None = None


class RuleSpec(Strict):
    """The fields every rule has, whatever its kind."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    titre: str
    references: References
    description: str = ""
    # `avenant`: a duty that exists only through the avenant, though the rule cites the GDPR
    # article behind it; without it, the frame follows the references (see Rule.cadre)
    cadre: Literal["avenant"] | None = None
    lieu: Location
    condition: dict[str, list[dict[str, Any]]]

    def templates(self) -> list[str]:
        """The templates that read the bound facts (`{alias.field}`), checked at load time."""
        return []

    def texts(self) -> list[str]:
        """Those of the templates people read: their placeholders print in words (wording.py)."""
        return []


class AuditRuleSpec(RuleSpec):
    """A finding: a severity and a French message."""

    severite: Severity
    message: str

    def templates(self) -> list[str]:
        return [self.message]

    def texts(self) -> list[str]:
        return [self.message]


class DeadlineRuleSpec(AuditRuleSpec):
    """A deadline: also the field of the `lieu` fact holding the due date (ISO)."""

    echeance: str


class Roles(Strict):
    responsable: list[str] = []
    responsables_conjoints: list[str] = []
    sous_traitants: list[str] = []
    sous_traitants_ulterieurs: list[str] = []


class Basis(Strict):
    """Whether a conclusion is the clause's literal effect or an interpretation, and then the
    principle that decides it (spec: reading.md)."""

    nature: Literal["texte", "interpretation"]
    principe: str = ""


class Contractual(Strict):
    """Who bears the burden between the parties, on one subject of the question: the
    treatment (its inherited state, its creation path, its evolutions, its roles), an event
    (the duty it triggered), or a provider. A conclusion may set aside others on the same
    subject (`deroge_a`: the special rule over the general one, an exception over its rule);
    its reason says why."""

    sujet: Literal["traitement", "evenement", "prestataire"]
    supporte: str
    exoneres: list[str] = []
    peut_reclamer: list[str] = []
    fondement: Basis
    deroge_a: list[str] = []


class External(Strict):
    repondent: list[str] = []


class EventDuty(Strict):
    """The duty an event triggered: who had to act (one rule) and by when, and whether it was
    done in time (the same rule, or another one reading the dates)."""

    doit_agir: list[str] = []
    echeance: str | None = None
    a_temps: Literal["oui", "non", "en_cours"] | None = None
    fondement: Basis | None = None


class Conclusions(Strict):
    roles: Roles | None = None
    contractuel: Contractual | None = None
    externe: External | None = None
    evenement: EventDuty | None = None
    escalade: list[str] = []


class LiabilityRuleSpec(RuleSpec):
    """A step of a liability determination: a reason and what it concludes."""

    etape: int = Field(ge=1)
    raison: str
    conclut: Conclusions

    def templates(self) -> list[str]:
        c = self.conclut
        out = [self.raison]
        if c.roles:
            out += c.roles.responsable + c.roles.responsables_conjoints + c.roles.sous_traitants + c.roles.sous_traitants_ulterieurs
        if c.contractuel:
            out += [c.contractuel.supporte, *c.contractuel.exoneres, *c.contractuel.peut_reclamer]
        if c.externe:
            out += c.externe.repondent
        if c.evenement:
            out += [*c.evenement.doit_agir, *([c.evenement.echeance] if c.evenement.echeance else [])]
        return out + c.escalade

    def texts(self) -> list[str]:
        return [self.raison, *self.conclut.escalade]


SPECS: dict[str, type[RuleSpec]] = {
    "audit": AuditRuleSpec,
    "echeance": DeadlineRuleSpec,
    "responsabilite": LiabilityRuleSpec,
}


class RuleFile(Strict):
    sorte: RuleKind
    famille: str
    titre: str
    description: str = ""
    regles: list[dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """A loaded rule: its spec, its family, where it was read and its compiled condition."""

    spec: Any  # the RuleSpec subclass of its kind
    kind: RuleKind
    family: str
    family_title: str
    file: str
    order: int  # position in the rule files (file by name, then rule), for stable orders
    condition: Condition

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def cadre(self) -> str:
        """The legal frame the rule belongs to: `rgpd` (it applies to any controller, with or
        without an avenant) when it cites a GDPR article and does not declare `cadre: avenant`;
        else `avenant` (it runs only for a commune party to an avenant with Bordeaux Métropole).
        Liability rules apportion the avenant's burden between the parties: always `avenant`."""
        if self.kind == "responsabilite" or self.spec.cadre == "avenant" or not self.spec.references.rgpd:
            return "avenant"
        return "rgpd"

    def applies(self, with_avenant: bool) -> bool:
        """Whether the rule runs on a register of a commune with (or without) an avenant."""
        return with_avenant or self.cadre == "rgpd"

    @property
    def subject_kind(self) -> str:
        """The kind of fact a result of this rule is about (its `lieu`)."""
        return self.condition.subject_kind

    @property
    def per_treatment(self) -> bool:
        """Whether the rule judges each treatment (else the register as a whole)."""
        return self.subject_kind not in REGISTER_KINDS

    @property
    def engine_rule(self) -> engine.EngineRule:
        return engine.EngineRule(self.id, self.condition.durable, self.condition.join_ends)

    def citations(self) -> list[str]:
        refs = self.spec.references
        return [cite_clause(c) for c in refs.avenant] + [f"RGPD {a}" for a in refs.rgpd] + list(refs.autres)


def cite_clause(clause: str) -> str:
    """`V-a/3` -> `Avenant V-a règle d'or n°3`; `V-d/violations` -> `Avenant V-d (violations)`;
    other clauses -> `Avenant V-e/3`."""
    if clause.startswith("V-a/"):
        return f"Avenant V-a règle d'or n°{clause.removeprefix('V-a/')}"
    head, _, part = clause.partition("/")
    if part and not part[0].isdigit():  # a named part of a clause: `V-d/violations`
        return f"Avenant {head} ({part})"
    return f"Avenant {clause}"


def default_rules_dir(module: Path = Path(__file__)) -> Path:
    """The checkout's `rules/` when the package runs from a source checkout (an editable
    install, the README's test command), so an edited rule is seen at once; else the copy
    shipped in the package (a plain `pip install .`)."""
    checkout = module.resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "rules").is_dir():
        return checkout / "rules"
    from importlib import resources  # (tempfile, shutil, zipfile...: not imported by a checkout's run)

    return Path(str(resources.files("rgpdcheck").joinpath("rules")))


@cache
def load_all(directory: Path | None = None) -> tuple[Rule, ...]:
    """Every rule of every `*.yaml` file under `directory`, in file then rule order."""
    directory = directory or default_rules_dir()
    files = sorted(directory.rglob("*.yaml"), key=lambda p: p.relative_to(directory).as_posix())
    if not files:
        raise RuleFileError(f"{directory}: aucun fichier de règles trouvé")
    # compiled once per change of the rule files or of the code, then read back (rulecache.py)
    return rulecache.load(directory, files, lambda: _load_files(files),
                          lambda value: isinstance(value, tuple) and all(isinstance(r, Rule) for r in value))


def _load_files(files: list[Path]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        for rule in _load_file(path, len(rules)):
            if rule.id in seen:
                raise RuleFileError(f"{path}: règle « {rule.id} » déjà définie dans {seen[rule.id]}")
            seen[rule.id] = str(path)
            rules.append(rule)
    return tuple(rules)


def load(kind: RuleKind = "audit", directory: Path | None = None) -> tuple[Rule, ...]:
    """The rules of one kind, sorted by id."""
    return tuple(sorted((r for r in load_all(directory) if r.kind == kind), key=lambda r: r.id))


def _load_file(path: Path, first: int) -> list[Rule]:
    try:
        data = RuleFile.model_validate(packagedata.parse(path.read_text(encoding="utf-8")))
    except (packagedata.YAMLError, ValidationError) as exc:
        raise RuleFileError(f"{path}: fichier de règles invalide : {exc}") from None
    out = []
    for raw in data.regles:
        try:
            spec = SPECS[data.sorte].model_validate(raw)
        except ValidationError as exc:
            raise RuleFileError(f"{path}: fichier de règles invalide : {exc}") from None
        try:
            _check_text(spec, data.sorte)
            condition = compile_condition(spec.condition, spec.lieu.alias, spec.templates(), spec.texts())
            if data.sorte != "responsabilite":  # liability apportions the avenant's burden: avenant only
                _check_frame(spec, condition)
            if isinstance(spec, DeadlineRuleSpec) and spec.echeance not in FACT_FIELDS[condition.subject_kind]:
                raise ValueError(f"échéance : champ « {spec.echeance} » inconnu pour les faits « {condition.subject_kind} »")
        except ValueError as exc:
            raise RuleFileError(f"{path}: règle « {spec.id} » : {exc}") from None
        out.append(Rule(spec, data.sorte, data.famille, data.titre, str(path), first + len(out), condition))
    return out


def _check_text(spec: RuleSpec, kind: RuleKind) -> None:
    """What people read of a rule: an audit or deadline rule has a description (shown by
    `explain`, the SARIF help), and every clause it cites is one `data/clauses.yaml` quotes."""
    if kind != "responsabilite" and not spec.description.strip():
        raise ValueError("description manquante : citez la clause de l'avenant ou l'article du RGPD appliqué, "
                         "et dites ce que la règle vérifie et ce qu'elle ne vérifie pas (docs/regles.md)")
    unknown = [ref for ref in spec.references.avenant if ref not in clauses()]
    if unknown:
        several = len(unknown) > 1
        raise ValueError(f"références : {'clauses' if several else 'clause'} {', '.join(f'« {u} »' for u in unknown)} "
                         f"{'inconnues' if several else 'inconnue'} de data/clauses.yaml (par exemple V-e/3, "
                         "V-d/violations, V-a/7)")


# What only a commune party to an avenant has: the deliberation's options, the V-k inventory,
# Bordeaux Métropole's role and choices, the commune's observations. A rule that reads one of
# these is an avenant rule: on a register without an avenant they are empty or meaningless.
AVENANT_FIELDS: dict[str, frozenset[str]] = {
    "registre": frozenset({"violations_confiees_metropole", "dpo_mutualise", "jour_effet", "jour_limite_etat_des_lieux",
                           "date_limite_etat_des_lieux"}),
    "traitement": frozenset({"role_metropole", "metropole_definit_finalites_moyens", "metropole_pouvoir_adjudicateur",
                             "exploitation", "voie"}),  # voie: V-e's acquisition paths
    "etape": frozenset({"voie", "ecart_ve"}),
    "sous_traitant": frozenset({"information_commune"}),
    "violation": frozenset({"geree_par", "observations_commune"}),
    "demande": frozenset({"observations_commune"}),
}
AVENANT_KINDS = frozenset({"etat_des_lieux", "communication_cnil", "plan_action_anterieurs", "declaration_arret",
                           "notification_processus"})


def _fields_read(pattern: Any) -> set[str]:
    """The field names a pattern's body compares (inside `$or`/`$and` too)."""
    out: set[str] = set()
    if isinstance(pattern, dict):
        for key, value in pattern.items():
            if key in ("$or", "$and"):
                for part in value:
                    out |= _fields_read(part)
            elif not key.startswith("$"):
                out.add(key)
    return out


def _check_frame(spec: RuleSpec, condition: Condition) -> None:
    """A GDPR rule (one that also runs without an avenant) must cite a GDPR article and read
    none of the facts only an avenant gives (AVENANT_FIELDS, AVENANT_KINDS)."""
    if spec.cadre == "avenant" or not spec.references.rgpd:
        return
    for raw, pattern in zip(spec.condition["all"], condition.patterns, strict=True):
        body = next(iter(raw.values()))
        read = _fields_read(body) & AVENANT_FIELDS.get(pattern.kind, frozenset())
        if pattern.kind in AVENANT_KINDS or read:
            what = f"les faits « {pattern.kind} »" if pattern.kind in AVENANT_KINDS else \
                f"{', '.join(f'« {f} »' for f in sorted(read))} des faits « {pattern.kind} »"
            raise ValueError(f"la règle lit {what}, propres à l'avenant, mais s'appliquerait sans avenant (elle cite le "
                             "RGPD) : déclarez « cadre: avenant » (docs/regles.md)")


# -- running rules ---------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    """A rule that holds on one subject fact: the facts bound to its aliases, and the line."""

    rule: Rule
    subject: str  # id of the fact at the rule's `lieu`
    bound: dict[str, dict[str, Any]]  # alias -> fact
    line: int  # the subject's line in the register (at the `lieu`'s field when given)


def run(rules: Iterable[Rule], facts: FactSet, document: Document, *, extra: Iterable[dict[str, Any]] = (),
        treatments: set[str] | None = None, progress: Callable[[int, int], None] | None = None) -> list[Hit]:
    """Evaluate `rules` on the register's facts (plus `extra` facts that are not in the
    register, such as a deadline window or a liability question); one hit per rule and
    subject. `treatments`: only those treatments' results are wanted, so only their facts
    and the register-wide ones need evaluating (when every rule allows it)."""
    rules = list(rules)
    extra = list(extra)
    by_rule = {r.id: r for r in rules}
    matches = partition.evaluate(rules, facts, extra=extra, treatments=treatments, progress=progress)
    by_id = facts.by_id()
    extra_by_id = {f["id"]: f for f in extra}

    def fact(fact_id: str) -> dict[str, Any]:
        return extra_by_id.get(fact_id) or by_id[fact_id]

    chosen: dict[tuple[str, str], engine.Match] = {}
    for match in sorted(matches):
        chosen.setdefault((match.rule_id, match.fact_id(by_rule[match.rule_id].spec.lieu.alias)), match)
    hits = []
    for (rule_id, subject), match in chosen.items():
        rule = by_rule[rule_id]
        # an extra fact is located at the register as a whole
        path = facts.paths.get(subject, ()) + ((rule.spec.lieu.champ,) if rule.spec.lieu.champ else ())
        hits.append(Hit(rule, subject, {alias: fact(fact_id) for alias, fact_id in match.bindings},
                        document.line_of(path)))
    return hits
