"""Evaluating rules on independent partitions of the facts.

durable_rules' cost grows faster than the number of facts (a fixed-size message index in
its C core: docs/engine.md), and each evaluation pays a fixed cost (building the ruleset),
so a register of tens of thousands of treatments is cut into partitions: each holds the
facts of a group of treatments (every fact whose `tid` names one of them) and the
register-wide facts its rules read, and is evaluated in its own ruleset. The same cut
answers a question about one treatment (a liability determination) from that treatment's
facts and the register-wide ones only.

That gives the same matches as one evaluation of all the facts when no match, and no
cancelled negation, spans two treatments:
- a kind that some rule negates without a `tid` join (`s$not: {kind: sensibilisation}`:
  "no awareness action at all") is *replicated*: its facts are register-wide, wherever
  a rule naming the kind is evaluated it sees them all;
- a rule is *partition-safe* when its positive patterns on the other kinds that carry a
  `tid` are all tied together by `tid` joins (`tid: {t: tid}`), so a match binds facts of
  one `tid` value only. A negated pattern joined on `tid` only needs the facts of that
  value, which are in the same partition. Facts of such a kind with no treatment (`tid:
  absent`, a waiver of the whole register) are a group of their own, like a treatment's:
  a match binding one of them binds no treatment fact.
Three ways of evaluating follow, each giving the whole register's matches for its rules:
- a partition-safe rule that reads register-wide facts only (every pattern on a kind with
  no `tid`, or a replicated one: "no awareness action at all") is evaluated *once*, on
  those facts: they are the same in every partition, so one evaluation finds them all;
- the other partition-safe rules are evaluated by partition, each partition holding the
  register-wide facts of the kinds these rules name, and no other;
- rules that are not partition-safe are evaluated once on the whole register.
Every evaluation is given only the facts of the kinds its rules name (a pattern always
fixes `kind`, so other facts can match nothing). Matches are collected in one set, so a
match found in several partitions counts once. tests/test_partition.py checks partitioned
and whole evaluations give the same matches.

Formerly every register-wide fact was copied into every partition, which kept
`max(1, size - shared)` places for treatment facts: with 2,000 treatments and 3,000
register-wide waivers or `sensibilisation` events, one treatment per partition, 2,000
evaluations handed 6.0 million facts (9 evaluations and 23,803 facts now; issue 17: 341 s
where 2,500 took 7 s). The engine itself shows no cliff there (BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import engine
from .fact_schema import ABSENT, FactSet

if TYPE_CHECKING:
    from .rulebook import Rule

# Facts per partition. Below ~3,000 facts durable_rules is about linear (docs/engine.md);
# a register under twice this size is evaluated whole.
PARTITION_FACTS = 3000


def replicated_kinds(rules: Iterable[Rule]) -> frozenset[str]:
    """Kinds some rule negates without tying them to a treatment: every partition needs them."""
    return frozenset(p.kind for rule in rules for p in rule.condition.patterns
                     if p.negated and p.bound and p.tid_join is None)


def partition_safe(rule: Rule, replicated: frozenset[str]) -> bool:
    """Whether evaluating `rule` per partition finds exactly its matches on the whole."""
    patterns = [p for p in rule.condition.patterns if p.bound and p.kind not in replicated]
    positive = {p.alias for p in patterns if not p.negated}
    # union-find over `tid` joins between positive patterns
    parent = {alias: alias for alias in positive}

    def root(alias: str) -> str:
        while parent[alias] != alias:
            alias = parent[alias]
        return alias

    for p in patterns:
        if not p.negated and p.tid_join in positive:
            parent[root(p.alias)] = root(p.tid_join)
    if len({root(alias) for alias in positive}) > 1:
        return False
    return all(p.tid_join in positive for p in patterns if p.negated)


def register_wide(rule: Rule, replicated: frozenset[str]) -> bool:
    """Whether every fact `rule` reads is register-wide (of a kind with no `tid`, or a
    replicated one): then its matches are the same in every partition. Such a rule is
    partition-safe (it has no pattern the union-find looks at)."""
    return all(not p.bound or p.kind in replicated for p in rule.condition.patterns)


def partitions(facts: FactSet, replicated: frozenset[str] = frozenset(),
               size: int = PARTITION_FACTS, kinds: frozenset[str] | None = None) -> list[list[dict[str, Any]]]:
    """Groups of whole treatments (about `size` facts each), with every register-wide fact
    in each; only facts of `kinds` when given.

    When the register-wide facts leave little room, a partition still holds at least as
    many treatment facts as register-wide ones (up to `size`): copying them into every
    partition at most doubles the facts evaluated, instead of giving each treatment a
    partition of its own (issue 17)."""
    shared, by_treatment = facts.split(replicated)
    if kinds is not None:
        shared = [f for f in shared if f["kind"] in kinds]
    room = max(size - len(shared), min(len(shared), size), 1)
    groups: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    for tid in sorted(by_treatment):
        own = by_treatment[tid] if kinds is None else [f for f in by_treatment[tid] if f["kind"] in kinds]
        if not own:
            continue
        if current and len(current) + len(own) > room:
            groups.append(current)
            current = []
        current.extend(own)
    if current or not groups:
        groups.append(current)
    return [group + shared for group in groups]


@dataclass(frozen=True)
class Evaluation:
    """One call of the engine: rules and the facts they are given."""

    rules: tuple[Rule, ...]
    facts: list[dict[str, Any]]


def plan(rules: Iterable[Rule], facts: FactSet, size: int = PARTITION_FACTS, *,
         extra: list[dict[str, Any]] | None = None, treatments: set[str] | None = None) -> list[Evaluation]:
    """The engine evaluations that find every match of `rules` on `facts` (plus the
    `extra` facts): by partitions when the register is large; only on the `treatments`
    named and the register-wide facts when every rule is partition-safe."""
    rules = tuple(rules)
    if not rules:
        return []
    extra = extra or []
    replicated = replicated_kinds(rules)
    safe, whole = [], []
    for rule in rules:
        (safe if partition_safe(rule, replicated) else whole).append(rule)
    if treatments is not None and not whole:
        named = _kinds(rules)
        shared, by_treatment = facts.split(replicated)
        subset = [f for tid in sorted(treatments | {ABSENT}) for f in by_treatment.get(tid, ()) if f["kind"] in named]
        return [Evaluation(rules, subset + [f for f in shared if f["kind"] in named] + extra)]
    if len(facts.facts) < 2 * size:
        return [Evaluation(rules, facts.facts + extra)]
    once: list[Rule] = []
    split: list[Rule] = []
    for rule in safe:
        (once if register_wide(rule, replicated) else split).append(rule)
    out = []
    if split:
        out += [Evaluation(tuple(split), group + extra) for group in partitions(facts, replicated, size, _kinds(split))]
    for group in (once, whole):
        if group:
            named = _kinds(group)
            out.append(Evaluation(tuple(group), [f for f in facts.facts if f["kind"] in named] + extra))
    return out


def evaluate(rules: Iterable[Rule], facts: FactSet, size: int = PARTITION_FACTS, *,
             extra: list[dict[str, Any]] | None = None, treatments: set[str] | None = None,
             progress: Callable[[int, int], None] | None = None) -> set[engine.Match]:
    """Every match of `rules` on `facts` (plus the `extra` facts): the evaluations of `plan`."""
    evaluations = plan(rules, facts, size, extra=extra, treatments=treatments)
    found: list[set[engine.Match]] = []
    for done, evaluation in enumerate(evaluations, 1):
        found.append(engine.evaluate([r.engine_rule for r in evaluation.rules], evaluation.facts))
        if progress and len(evaluations) > 1:
            progress(done, len(evaluations))
    # one evaluation: the engine's answer as it is (tests reorder it to check nothing
    # downstream depends on its order)
    return found[0] if len(found) == 1 else set().union(*found)


def _kinds(rules: Iterable[Rule]) -> frozenset[str]:
    return frozenset().union(*(r.condition.kinds for r in rules))
