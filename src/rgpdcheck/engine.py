"""Step 4 of the audit: run the rules in durable_rules. The only module that imports it.

durable_rules 2.0.28 has traps that silently change answers; each is handled here
(see docs/engine.md for the measurements):
- negation depends on fact order within a batch: every rule starts with a sentinel
  pattern, and the sentinel fact is asserted after all the others, so every rule is
  evaluated on the complete set of facts;
- a fact matching no pattern makes the batch raise MessageNotHandledException and
  defers the actions to a timer thread: we catch it and drain the action queue
  ourselves, so every action has run when `evaluate` returns;
- facts whose ids collide under the engine's 32-bit FNV-1a hash are silently
  dropped: ids are checked and re-suffixed before asserting;
- each Host starts timer threads that never stop and C memory is never freed: our
  Host does not start them, and each evaluation deletes its ruleset;
- `set_rulesets` mutates its argument: a fresh definition is built each time;
- exceptions inside actions are swallowed into the state: the state is checked;
- a fact matching several `$or` branches fires several times: matches are a set.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import json
import os
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

try:
    from durable import engine as _durable
    from durable.engine import durable_rules_engine as _native
except ImportError as exc:  # durable-rules built for Python 3.13 without the README's CPPFLAGS
    if "PyEval_CallObject" not in str(exc):
        raise
    sys.stderr.write("rgpdcheck : durable-rules a été compilé sans la définition que Python 3.13 demande ; "
                     "réinstallez-le : CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install "
                     "--no-cache-dir --force-reinstall durable-rules==2.0.28\n")
    raise SystemExit(2) from None

# durable's clock calls datetime.utcfromtimestamp(0), deprecated since Python 3.12, on every action
# (43,008 warnings in a test run). A warnings filter cannot silence it under pytest, which puts
# "always" for DeprecationWarning in front of every test; so the clock is replaced, here only,
# by the same value computed without the deprecated call (its epoch is naive 1970-01-01).
_durable._unix_now = lambda: (datetime.datetime.now() - datetime.datetime(1970, 1, 1)).total_seconds()

from . import interrupt

SENTINEL_ALIAS = "fin_des_faits"
SENTINEL_KIND = "__fin_des_faits__"
_SENTINEL_ID = "__fin_des_faits__"
_CONTROL_RULE = "__controle_fin_des_faits__"
_names = itertools.count()
_lock = threading.Lock()  # the C engine has no locks of its own


class EngineError(RuntimeError):
    """The engine failed (an action raised, or a ruleset could not be built)."""


@dataclass(frozen=True, order=True)
class Match:
    """One rule matched: its id and the facts bound to its aliases, by fact id."""

    rule_id: str
    bindings: tuple[tuple[str, str], ...]

    def fact_id(self, alias: str) -> str:
        return dict(self.bindings)[alias]


@dataclass(frozen=True)
class EngineRule:
    """What the engine needs of a rule: an id, durable_rules patterns and, for each pattern,
    the index just after the last join of its top-level `$and` (None without one: see
    `_guard_joins`). condition.py compiles both."""

    id: str
    patterns: tuple[Any, ...]
    join_ends: tuple[int | None, ...]


class _Host(_durable.Host):
    """A Host without the background timer threads (we drain actions ourselves)."""

    def _run(self) -> None:
        return None


def fnv1a_32(text: str) -> int:
    """The engine's hash of a fact id (state.c: fnv1Hash32 over the id's bytes, signed char)."""
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h ^= b if b < 0x80 else (b - 0x100) & 0xFFFFFFFF
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def collision_free(facts: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Copies of the facts whose ids hash apart, and the map from new id to original id."""
    seen: set[int] = {fnv1a_32(_SENTINEL_ID)}
    out, original = [], {}
    for fact in facts:
        new_id, n = fact["id"], 0
        while (h := fnv1a_32(new_id)) in seen:
            n += 1
            new_id = f"{fact['id']}~{n}"
        seen.add(h)
        original[new_id] = fact["id"]
        out.append(fact if new_id == fact["id"] else {**fact, "id": new_id})
    return out, original


# The decimal ids "0" to "199999" hash apart under the engine's FNV-1a, and apart from the
# sentinel's id (tests/test_engine.py computes all of them). An evaluation of up to that many
# facts gives them those ids: no hash to compute per fact in Python (18 ms of 106 for 3,145
# facts, the engine's step of a 300-treatment audit), and shorter JSON for the engine.
NUMBERED_IDS = 200_000


def engine_ids(facts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Copies of the facts under ids that hash apart, and the map from new id to original id."""
    if len(facts) > NUMBERED_IDS:
        return collision_free(facts)
    return [{**fact, "id": str(n)} for n, fact in enumerate(facts)], {str(n): f["id"] for n, f in enumerate(facts)}


def evaluate(rules: Iterable[EngineRule], facts: list[dict[str, Any]]) -> set[Match]:
    """Run `rules` on `facts` in a fresh ruleset; return every match, once."""
    ids = [f["id"] for f in facts]
    if len(set(ids)) != len(ids):
        raise EngineError("identifiants de faits en double")
    safe_facts, original = engine_ids(facts)
    matches: set[Match] = set()

    def action_for(rule_id: str) -> Any:
        def action(c: Any) -> None:
            bound = c._m  # alias -> fact dict (private API of the pinned version)
            matches.add(Match(rule_id, tuple(sorted(
                (alias, original[fact["id"]]) for alias, fact in bound.items() if alias != SENTINEL_ALIAS))))
        return action

    sentinel = {SENTINEL_ALIAS: {"kind": SENTINEL_KIND}}
    completed: list[bool] = []
    definition: dict[str, Any] = {
        # Fires once the sentinel is in: proves the run went through, and leaves the state
        # in the shape delete_state expects (it crashes on a state where no action ran).
        _CONTROL_RULE: {"all": [sentinel], "run": lambda c: completed.append(True)},
    }
    for rule in rules:
        definition[rule.id] = {"all": [sentinel, *_guard_joins(rule)],
                               "run": action_for(rule.id)}
    name = f"rgpdcheck_{os.getpid()}_{next(_names)}"
    # Ctrl-C or SIGTERM is acted on after the ruleset is deleted, never inside a native call
    # or an action called back from one (that crashed the C engine: see interrupt.py).
    with interrupt.deferred(), _lock:
        host = _Host()
        try:
            host.set_rulesets({name: definition})
        except Exception as exc:  # the native code reports bad definitions as plain exceptions
            raise EngineError(f"jeu de règles refusé par le moteur : {exc}") from exc
        ruleset = host.get_ruleset(name)
        try:
            if safe_facts:
                _assert(ruleset, safe_facts)
            _assert(ruleset, [{"id": _SENTINEL_ID, "kind": SENTINEL_KIND}])
            _drain(ruleset)
            if completed != [True]:
                raise EngineError("le moteur n'a pas évalué toutes les règles (fait sentinelle non vu)")
            state = ruleset.get_state("0")
            if "exception" in state:
                raise EngineError(f"une action a échoué : {state['exception']}")
        finally:
            try:
                ruleset.delete_state("0")
            finally:
                _native.delete_ruleset(ruleset._handle)
    return matches


# An always-true join: no fact a rule names is of the sentinel's kind. (Not on `id`: the
# engine reads a stored fact's id from the caller's freed JSON text, a use after free.)
_TRUE_JOIN = {"$neq": {"kind": {SENTINEL_ALIAS: "kind"}}}


def _guard_joins(rule: EngineRule) -> list[dict[str, Any]]:
    """Fresh copies of the rule's patterns, an always-true join after the last join of every `$and`.

    durable_rules 2.0.28 (events.c, reduceExpressionSequence): when the last join of an
    `$and` is false, the short-circuit looks for the closing OP_END from the expression it
    just left, one step too far, and reads on past the end of the rule's expressions until
    some byte happens to equal OP_END. Usually that byte is near and the answer is right;
    at the end of the node pool it is a segmentation fault (seen in CI, found with
    valgrind: docs/engine.md). A join after the last one leaves the scan a step to take.
    The copies also keep `set_rulesets` from mutating the compiled rule.
    """
    out = []
    for pattern, join_end in zip(copy.deepcopy(list(rule.patterns)), rule.join_ends, strict=True):
        if join_end is not None:
            (key, expression), = pattern.items()
            terms = expression["$and"]
            pattern = {key: {"$and": [*terms[:join_end], _TRUE_JOIN, *terms[join_end:]]}}
        out.append(pattern)
    return out


def _assert(ruleset: Any, facts: list[dict[str, Any]]) -> None:
    try:
        ruleset.assert_facts(facts)
    except _durable.MessageNotHandledException:
        pass  # some facts match no pattern: normal, actions are drained below
    except _durable.MessageObservedException as exc:  # pragma: no cover - ids are made unique above
        raise EngineError(f"fait ignoré par le moteur (identifiant en collision) : {exc}") from exc


def _drain(ruleset: Any) -> None:
    """Run every pending action now, on this thread."""
    while result := _native.start_action(ruleset._handle):
        ruleset._flush_actions(json.loads(result[0]), {"message": json.loads(result[1])}, result[2], _ignore)


def _ignore(error: Any, state: Any) -> None:
    if error:
        raise EngineError(f"une action a échoué : {error}")
