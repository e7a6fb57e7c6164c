"""Evaluating rules on independent partitions of the facts.

durable_rules' cost grows faster than the number of facts (a fixed-size message index in
its C core: docs/engine.md), so a register of tens of thousands of treatments is cut into
partitions: each holds the facts of a group of treatments (every fact whose `tid` names one
of them) and every register-wide fact (no `tid`), and is evaluated in its own ruleset.
The same cut answers a question about one treatment (a liability determination) from
that treatment's facts and the register-wide ones only.

That gives the same matches as one evaluation of all the facts when no match, and no
cancelled negation, spans two treatments:
- a kind that some rule negates without a `tid` join (`s$not: {kind: sensibilisation}`:
  "no awareness action at all") is *replicated*: its facts go in every partition, so
  the negation sees them all wherever it is evaluated;
- a rule is *partition-safe* when its positive patterns on the other kinds that carry a
  `tid` are all tied together by `tid` joins (`tid: {t: tid}`), so a match binds facts of
  one treatment only. A negated pattern joined on `tid` only needs the facts of that
  treatment, which are in the same partition.
Rules that are not partition-safe are evaluated once on the whole register, given only
the kinds of fact they name. Matches are collected in one set, so a register-wide match
found in several partitions counts once. tests/test_partition.py checks partitioned and
whole evaluations give the same findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import engine
from .fact_schema import FactSet

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


def partitions(facts: FactSet, replicated: frozenset[str] = frozenset(),
               size: int = PARTITION_FACTS) -> list[list[dict[str, Any]]]:
    """Groups of whole treatments (about `size` facts each), with every register-wide fact
    and every fact of a replicated kind in each."""
    shared, by_treatment = facts.split(replicated)
    room = max(1, size - len(shared))
    groups: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    for tid in sorted(by_treatment):
        if current and len(current) + len(by_treatment[tid]) > room:
            groups.append(current)
            current = []
        current.extend(by_treatment[tid])
    if current or not groups:
        groups.append(current)
    return [group + shared for group in groups]


def evaluate(rules: Iterable[Rule], facts: FactSet, size: int = PARTITION_FACTS, *,
             extra: list[dict[str, Any]] | None = None, treatments: set[str] | None = None,
             progress: Callable[[int, int], None] | None = None) -> set[engine.Match]:
    """Every match of `rules` on `facts` (plus the `extra` facts), by partitions when the
    register is large; only on the `treatments` named and the register-wide facts when
    every rule is partition-safe."""
    rules = list(rules)
    extra = extra or []
    replicated = replicated_kinds(rules)
    safe, whole = [], []
    for rule in rules:
        (safe if partition_safe(rule, replicated) else whole).append(rule)
    if treatments is not None and not whole:
        shared, by_treatment = facts.split(replicated)
        subset = [f for tid in sorted(treatments) for f in by_treatment.get(tid, ())] + shared
        return engine.evaluate([r.engine_rule for r in rules], subset + extra)
    if len(facts.facts) < 2 * size:
        return engine.evaluate([r.engine_rule for r in rules], facts.facts + extra)
    groups = partitions(facts, replicated, size)
    matches: set[engine.Match] = set()
    engine_rules = [r.engine_rule for r in safe]
    for done, group in enumerate(groups, 1):
        matches |= engine.evaluate(engine_rules, group + extra)
        if progress:
            progress(done, len(groups))
    if whole:
        named = set().union(*(r.condition.kinds for r in whole))
        matches |= engine.evaluate([r.engine_rule for r in whole], [f for f in facts.facts + extra if f["kind"] in named])
    return matches
