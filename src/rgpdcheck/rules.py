"""Rules are data: YAML files in `rules/`, one file per rule family.

Each rule has a stable id, a title, a severity, references (the avenant clause and the
GDPR articles), a French message template and a condition written in the declarative
form of durable_rules (`all:` patterns of `alias: {field: value}`), with two shorthands
compiled here: `field: {$in: [a, b]}` and `field: {$nin: [a, b]}`, and comparisons
written field first (`nb_finalites: {$lt: 1}`).

Loading checks every rule against the fact schema (`facts.FACT_FIELDS`): an unknown
fact kind, field, alias or message placeholder is an error at load time, never a rule
that silently matches nothing.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .facts import FACT_FIELDS, REGISTER_KINDS

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SEVERITIES = ("erreur", "avertissement", "info")
COMPARISONS = {"$neq", "$lt", "$lte", "$gt", "$gte", "$mt", "$imt"}


class RuleFileError(Exception):
    """A rule file that cannot be used (a project bug, reported like an input error)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class References(_Strict):
    avenant: list[str] = []
    rgpd: list[str] = []
    autres: list[str] = []


class Location(_Strict):
    alias: str
    champ: str | None = None


class RuleSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    titre: str
    severite: Literal["erreur", "avertissement", "info"]
    references: References
    description: str = ""
    message: str
    lieu: Location
    condition: dict[str, list[dict[str, Any]]]
    # deadline rules only (rules/echeances/): the field of the `lieu` fact holding the due
    # date, in ISO form
    echeance: str | None = None


class FamilySpec(_Strict):
    famille: str
    titre: str
    description: str = ""
    regles: list[RuleSpec]


@dataclass(frozen=True)
class Rule:
    """A loaded rule: its spec, its family and its compiled durable_rules patterns."""

    spec: RuleSpec
    family: str
    family_title: str
    file: str
    patterns: tuple[Any, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def subject_kind(self) -> str:
        """The kind of fact a finding of this rule is about (its `lieu`)."""
        return next(expr["kind"] for pattern in self.spec.condition["all"]
                    for key, expr in pattern.items() if key == self.spec.lieu.alias)

    @property
    def per_treatment(self) -> bool:
        """Whether the rule judges each treatment (else the register as a whole)."""
        return self.subject_kind not in REGISTER_KINDS

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


def default_rules_dir() -> Path:
    """The rules shipped with the package (or, in a source checkout, the repo's `rules/`)."""
    installed = Path(str(resources.files("rgpdcheck").joinpath("rules")))
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "rules"


@cache
def load_rules(directory: Path | None = None) -> tuple[Rule, ...]:
    """Every rule of every `*.yaml` file in `directory`, sorted by id."""
    directory = directory or default_rules_dir()
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RuleFileError(f"{directory}: aucun fichier de règles trouvé")
    rules: dict[str, Rule] = {}
    for path in files:
        for rule in _load_file(path):
            if rule.id in rules:
                raise RuleFileError(f"{path}: règle « {rule.id} » déjà définie dans {rules[rule.id].file}")
            rules[rule.id] = rule
    return tuple(rules[k] for k in sorted(rules))


def _load_file(path: Path) -> list[Rule]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        family = FamilySpec.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise RuleFileError(f"{path}: fichier de règles invalide : {exc}") from None
    out = []
    for spec in family.regles:
        try:
            rule = Rule(spec, family.famille, family.titre, str(path), compile_condition(spec))
            if spec.echeance is not None and spec.echeance not in FACT_FIELDS[rule.subject_kind]:
                raise ValueError(f"échéance : champ « {spec.echeance} » inconnu pour les faits « {rule.subject_kind} »")
        except ValueError as exc:
            raise RuleFileError(f"{path}: règle « {spec.id} » : {exc}") from None
        out.append(rule)
    return out


# -- compiling a condition into durable_rules patterns -----------------------------------

def compile_condition(spec: RuleSpec) -> tuple[Any, ...]:
    """Check a rule's condition and message, and return its durable_rules patterns."""
    return compile_patterns(spec.condition, spec.lieu.alias, [spec.message])


def compile_patterns(condition: dict[str, Any], location: str, templates: list[str]) -> tuple[Any, ...]:
    """Check a condition, the alias a result is located at and the text templates that
    read the bound facts; return the durable_rules patterns."""
    if set(condition) != {"all"} or not condition["all"]:
        raise ValueError("la condition s'écrit « all: [motifs…] »")
    kinds: dict[str, str] = {}
    negated: set[str] = set()
    patterns = []
    for pattern in condition["all"]:
        if len(pattern) != 1:
            raise ValueError(f"un motif est « alias: {{…}} », pas {pattern}")
        (key, expression), = pattern.items()
        alias, _, suffix = key.partition("$")
        if suffix not in ("", "not") or not alias.isidentifier() or alias in kinds:
            raise ValueError(f"alias « {key} » invalide ou répété")
        if not isinstance(expression, dict) or not isinstance(expression.get("kind"), str):
            raise ValueError(f"le motif « {key} » doit fixer « kind » (sinon il boucle sur l'état du moteur)")
        kind = expression["kind"]
        if kind not in FACT_FIELDS:
            raise ValueError(f"sorte de fait « {kind} » inconnue ({', '.join(sorted(FACT_FIELDS))})")
        kinds[alias] = kind
        if suffix:
            negated.add(alias)
        patterns.append({key: _compile_expression(expression, kind, kinds, negated, alias)})
    if location not in kinds or location in negated:
        raise ValueError(f"lieu : alias « {location} » absent de la condition")
    for template in templates:
        _check_message(template, kinds, negated)
    return tuple(patterns)


def _compile_expression(expression: dict[str, Any], kind: str, kinds: dict[str, str], negated: set[str], own: str,
                        in_or: bool = False) -> dict[str, Any]:
    simple, compound = [], []
    for key, value in expression.items():
        if key in ("$and", "$or"):
            compound.append({key: [_compile_expression(v, kind, kinds, negated, own, in_or or key == "$or") for v in value]})
        elif key.startswith("$"):
            raise ValueError(f"opérateur « {key} » : écrivez-le après le champ (« champ: {{{key}: …}} »)")
        else:
            if key != "kind" and key not in FACT_FIELDS[kind]:
                raise ValueError(f"champ « {key} » inconnu pour les faits « {kind} »")
            simple.append(_compile_term(key, value, kinds, negated, own, in_or))
    # durable_rules 2.0.28 ignores a join that follows an `$or` in the same `$and`
    # (docs/engine.md): the compound terms (`$in` compiles to one) go last.
    terms = [t for t in simple if not _is_compound(t)] + [t for t in simple if _is_compound(t)] + compound
    return terms[0] if len(terms) == 1 else {"$and": terms}


def _is_compound(term: dict[str, Any]) -> bool:
    return next(iter(term)) in ("$and", "$or")


def _compile_term(name: str, value: Any, kinds: dict[str, str], negated: set[str], own: str, in_or: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        _check_literal(value)
        return {name: value}
    if len(value) != 1:
        raise ValueError(f"« {name} » : une seule comparaison par champ ({value})")
    (op, operand), = value.items()
    if op == "$in":
        return {"$or": [{name: _check_literal(v)} for v in operand]}
    if op == "$nin":
        return {"$and": [{"$neq": {name: _check_literal(v)}} for v in operand]}
    if op in COMPARISONS:
        return {op: {name: _check_operand(operand, kinds, negated, own, in_or)}}
    if op in kinds:  # a join: `tid: {t: tid}`
        return {name: _check_operand(value, kinds, negated, own, in_or)}
    raise ValueError(f"« {name} » : opérateur ou alias « {op} » inconnu")


def _check_literal(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"valeur « {value} » : seuls le texte et les entiers sont comparés (les faits n'ont pas de booléens)")
    return value


def _check_operand(operand: Any, kinds: dict[str, str], negated: set[str], own: str, in_or: bool = False) -> Any:
    if isinstance(operand, dict) and len(operand) == 1:
        (alias, field), = operand.items()
        if alias in ("$add", "$sub", "$mul", "$div"):
            return {alias: {k: _check_operand(v, kinds, negated, own, in_or) for k, v in field.items()}}
        if alias == "$m":
            if field not in FACT_FIELDS[kinds[own]]:
                raise ValueError(f"champ « {field} » inconnu pour les faits « {kinds[own]} »")
            return operand
        if alias not in kinds or alias in negated or alias == own:
            raise ValueError(f"jointure sur l'alias « {alias} » qui n'est pas lié avant")
        if in_or:
            raise ValueError(f"jointure sur « {alias} » dans un « $or » : durable_rules 2.0.28 ne l'évalue pas "
                             "(docs/engine.md) ; écrivez deux règles ou sortez la jointure du $or")
        if field not in FACT_FIELDS[kinds[alias]]:
            raise ValueError(f"champ « {field} » inconnu pour les faits « {kinds[alias]} »")
        return operand
    return _check_literal(operand)


def _check_message(message: str, kinds: dict[str, str], negated: set[str]) -> None:
    for _, name, _, _ in string.Formatter().parse(message):
        if name is None:
            continue
        alias, _, fact_field = name.partition(".")
        if alias not in kinds or alias in negated or fact_field not in FACT_FIELDS[kinds[alias]] | {"id", "kind"}:
            raise ValueError(f"message : « {{{name}}} » ne désigne pas un champ d'un fait lié")
