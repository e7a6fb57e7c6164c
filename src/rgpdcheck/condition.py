"""The rule language: a rule's `condition` compiled once into a `Condition`.

A condition is `all: [patterns]`, each pattern `alias: {kind: …, field: value, …}` or
`alias$not: {…}` (docs/regles.md is the reference, with an example of each form). The
compiler checks it against the fact schema (fact_schema.FACT_FIELDS) — an unknown kind,
field, alias or message placeholder is an error at load time, never a rule that silently
matches nothing — and records what the other steps need to know about it, so that none of
them reads the condition language again:
- each pattern's alias, kind, negation and the alias its `tid` is joined to (partition.py);
- the kind of the fact a result is located at (the `lieu`);
- the durable_rules patterns, and where each pattern's top-level joins end (engine.py
  guards the last join of every `$and` against a read past the end of the rule).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from .fact_schema import FACT_FIELDS, bound
from .wording import check_placeholder

COMPARISONS = {"$neq", "$lt", "$lte", "$gt", "$gte", "$mt", "$imt"}
ARITHMETIC = ("$add", "$sub", "$mul", "$div")


@dataclass(frozen=True)
class Pattern:
    """One pattern of a condition, compiled."""

    alias: str
    kind: str
    negated: bool
    tid_join: str | None  # the alias whose `tid` this pattern's `tid` equals, if any
    durable: dict[str, Any]  # the durable_rules pattern
    # index, in the pattern's top-level `$and`, just after its last join; None without one
    join_end: int | None

    @property
    def bound(self) -> bool:
        """Whether the facts it matches may belong to one treatment."""
        return bound(self.kind)


@dataclass(frozen=True)
class Condition:
    """A rule's condition, checked and compiled."""

    patterns: tuple[Pattern, ...]
    location: str  # the alias a result is located at (the rule's `lieu`)

    @property
    def durable(self) -> tuple[dict[str, Any], ...]:
        return tuple(p.durable for p in self.patterns)

    @property
    def join_ends(self) -> tuple[int | None, ...]:
        return tuple(p.join_end for p in self.patterns)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(p.kind for p in self.patterns)

    @property
    def subject_kind(self) -> str:
        """The kind of fact a result is about."""
        return next(p.kind for p in self.patterns if p.alias == self.location)


def compile_condition(condition: dict[str, Any], location: str, templates: list[str],
                      texts: list[str] | None = None) -> Condition:
    """Check a condition, the alias a result is located at and the templates that read the
    bound facts (`texts`: those people read, whose placeholders must print in words, see
    wording.py); raise ValueError (in French) on the first problem."""
    if set(condition) != {"all"} or not condition["all"]:
        raise ValueError("la condition s'écrit « all: [motifs…] »")
    kinds: dict[str, str] = {}
    negated: set[str] = set()
    patterns = []
    for pattern in condition["all"]:
        if not isinstance(pattern, dict) or len(pattern) != 1:
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
        scope = _Scope(kinds, negated, alias)
        durable, join_end = scope.expression(expression, kind)
        patterns.append(Pattern(alias, kind, bool(suffix), _tid_join(expression), {key: durable}, join_end))
    if location not in kinds or location in negated:
        raise ValueError(f"lieu : alias « {location} » absent de la condition")
    for template in templates:
        _check_template(template, kinds, negated)
    for text in texts or ():
        _check_template(text, kinds, negated, printed=True)
    return Condition(tuple(patterns), location)


def _tid_join(expression: dict[str, Any]) -> str | None:
    join = expression.get("tid")
    if isinstance(join, dict) and len(join) == 1:
        (other, field), = join.items()
        if not other.startswith("$") and field == "tid":
            return other
    return None


@dataclass
class _Scope:
    """What a pattern's expression may refer to: the aliases bound before it."""

    kinds: dict[str, str]
    negated: set[str]
    own: str

    def expression(self, expression: dict[str, Any], kind: str, in_or: bool = False) -> tuple[dict[str, Any], int | None]:
        """The durable_rules expression, and the index just after its last top-level join."""
        simple: list[tuple[dict[str, Any], bool]] = []
        compound = []
        for key, value in expression.items():
            if key in ("$and", "$or"):
                compound.append({key: [self.expression(v, kind, in_or or key == "$or")[0] for v in value]})
            elif key.startswith("$"):
                raise ValueError(f"opérateur « {key} » : écrivez-le après le champ (« champ: {{{key}: …}} »)")
            else:
                if key != "kind" and key not in FACT_FIELDS[kind]:
                    raise ValueError(f"champ « {key} » inconnu pour les faits « {kind} »")
                simple.append(self.term(key, value, in_or))
        # durable_rules 2.0.28 ignores a join that follows an `$or` in the same `$and`
        # (docs/engine.md): the compound terms (`$in` compiles to one) go last.
        ordered = ([t for t in simple if not _is_compound(t[0])] + [t for t in simple if _is_compound(t[0])]
                   + [(c, False) for c in compound])
        terms = [t for t, _ in ordered]
        if len(terms) == 1:
            return terms[0], None
        join_end = max((i + 1 for i, (_, joins) in enumerate(ordered) if joins), default=None)
        return {"$and": terms}, join_end

    def term(self, name: str, value: Any, in_or: bool) -> tuple[dict[str, Any], bool]:
        """One `field: value` term, and whether it joins another alias's fact."""
        if not isinstance(value, dict):
            return {name: _literal(value)}, False
        if len(value) != 1:
            raise ValueError(f"« {name} » : une seule comparaison par champ ({value})")
        (op, operand), = value.items()
        if op == "$in":
            return {"$or": [{name: _literal(v)} for v in operand]}, False
        if op == "$nin":
            return {"$and": [{"$neq": {name: _literal(v)}} for v in operand]}, False
        if op in COMPARISONS:
            compiled, joins = self.operand(operand, in_or)
            return {op: {name: compiled}}, joins
        if op in self.kinds:  # a join: `tid: {t: tid}`
            compiled, joins = self.operand(value, in_or)
            return {name: compiled}, joins
        raise ValueError(f"« {name} » : opérateur ou alias « {op} » inconnu")

    def operand(self, operand: Any, in_or: bool) -> tuple[Any, bool]:
        """A comparison's right-hand side (a literal, `{$m: field}`, a join or arithmetic)."""
        if not (isinstance(operand, dict) and len(operand) == 1):
            return _literal(operand), False
        (alias, field), = operand.items()
        if alias in ARITHMETIC:
            parts = {k: self.operand(v, in_or) for k, v in field.items()}
            return {alias: {k: compiled for k, (compiled, _) in parts.items()}}, any(j for _, j in parts.values())
        if alias == "$m":
            if field not in FACT_FIELDS[self.kinds[self.own]]:
                raise ValueError(f"champ « {field} » inconnu pour les faits « {self.kinds[self.own]} »")
            return operand, False
        if alias not in self.kinds or alias in self.negated or alias == self.own:
            raise ValueError(f"jointure sur l'alias « {alias} » qui n'est pas lié avant")
        if in_or:
            raise ValueError(f"jointure sur « {alias} » dans un « $or » : durable_rules 2.0.28 ne l'évalue pas "
                             "(docs/engine.md) ; écrivez deux règles ou sortez la jointure du $or")
        if field not in FACT_FIELDS[self.kinds[alias]]:
            raise ValueError(f"champ « {field} » inconnu pour les faits « {self.kinds[alias]} »")
        return operand, True


def _is_compound(term: dict[str, Any]) -> bool:
    return next(iter(term)) in ("$and", "$or")


def _literal(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"valeur « {value} » : seuls le texte et les entiers sont comparés (les faits n'ont pas de booléens)")
    return value


def _check_template(template: str, kinds: dict[str, str], negated: set[str], printed: bool = False) -> None:
    """`{alias.field}` placeholders must name a field of a positively bound fact; in a text
    people read (`printed`), one that prints in words (wording.check_placeholder)."""
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        alias, _, fact_field = name.partition(".")
        if alias not in kinds or alias in negated or fact_field not in FACT_FIELDS[kinds[alias]] | {"id", "kind"}:
            raise ValueError(f"message : « {{{name}}} » ne désigne pas un champ d'un fait lié")
        problem = check_placeholder(kinds[alias], fact_field, spec, conversion) if printed else None
        if problem:
            raise ValueError(f"message : « {{{name}}} » : {problem}")
