"""The engine wrapper: answers that do not depend on fact order, ids, or earlier runs."""

from __future__ import annotations

import random
import threading

import pytest

from rgpdcheck import engine
from rgpdcheck.condition import compile_condition
from rgpdcheck.engine import Match, collision_free, evaluate, fnv1a_32


def rule(rule_id: str, condition: list) -> engine.EngineRule:
    compiled = compile_condition({"all": condition}, next(iter(condition[0])).split("$")[0], ["m"])
    return engine.EngineRule(rule_id, compiled.durable, compiled.join_ends)


NEGATION = rule("sans-mesure", [
    {"t": {"kind": "traitement"}},
    {"m$not": {"kind": "mesure", "tid": {"t": "tid"}}},
])
JOIN = rule("finalite-vague", [
    {"t": {"kind": "traitement"}},
    {"f": {"kind": "finalite", "tid": {"t": "tid"}, "texte": {"$in": ["divers", "gestion"]}}},
])
OR_BOTH = rule("ou", [
    {"t": {"kind": "traitement", "$or": [{"nom": "a"}, {"tid": "T0"}]}},
])


def facts(n: int) -> list[dict]:
    out = []
    for i in range(n):
        out.append({"id": f"traitement:T{i}", "kind": "traitement", "tid": f"T{i}", "nom": "a" if i % 3 == 0 else "b"})
        if i % 2:
            out.append({"id": f"mesure:T{i}", "kind": "mesure", "tid": f"T{i}", "nom": "chiffrement"})
        if i % 5 == 0:
            out.append({"id": f"finalite:T{i}", "kind": "finalite", "tid": f"T{i}", "texte": "divers", "rang": 1})
        out.append({"id": f"autre:{i}", "kind": "registre", "commune": "x"})  # matches no pattern
    return out


def expected_negation(n: int) -> set[Match]:
    return {Match("sans-mesure", (("t", f"traitement:T{i}"),)) for i in range(n) if i % 2 == 0}


def test_negation_is_right_whatever_the_order():
    """durable_rules alone gets `[t, m$not]` wrong when m comes after t in a batch."""
    base = facts(60)
    want = evaluate([NEGATION, JOIN, OR_BOTH], base)
    assert {m for m in want if m.rule_id == "sans-mesure"} == expected_negation(60)
    rng = random.Random(20181231)
    for _ in range(25):
        shuffled = base[:]
        rng.shuffle(shuffled)
        assert evaluate([NEGATION, JOIN, OR_BOTH], shuffled) == want


def test_negation_with_the_cancelling_fact_last():
    ordered = [{"id": "traitement:A", "kind": "traitement", "tid": "A", "nom": "x"},
               {"id": "mesure:A", "kind": "mesure", "tid": "A", "nom": "chiffrement"}]
    assert evaluate([NEGATION], ordered) == set()


def test_fact_matching_both_or_branches_is_one_match():
    matches = evaluate([OR_BOTH], [{"id": "traitement:T0", "kind": "traitement", "tid": "T0", "nom": "a"}])
    assert matches == {Match("ou", (("t", "traitement:T0"),))}


def test_known_hash_collision_is_not_dropped():
    assert fnv1a_32("fact-25388") == fnv1a_32("fact-909936")
    colliding = [{"id": "fact-25388", "kind": "traitement", "tid": "A", "nom": "x"},
                 {"id": "fact-909936", "kind": "traitement", "tid": "B", "nom": "x"}]
    matches = evaluate([NEGATION], colliding)
    assert {m.fact_id("t") for m in matches} == {"fact-25388", "fact-909936"}


def test_numbered_ids_hash_apart_and_apart_from_the_sentinel():
    hashes = {fnv1a_32(str(n)) for n in range(engine.NUMBERED_IDS)}
    assert len(hashes) == engine.NUMBERED_IDS
    assert fnv1a_32(engine._SENTINEL_ID) not in hashes


def test_more_facts_than_numbered_ids_are_renamed_apart(monkeypatch):
    monkeypatch.setattr(engine, "NUMBERED_IDS", 1)  # the fallback: ids kept, renamed on a collision
    colliding = [{"id": "fact-25388", "kind": "traitement", "tid": "A", "nom": "x"},
                 {"id": "fact-909936", "kind": "traitement", "tid": "B", "nom": "x"}]
    assert engine.engine_ids(colliding)[0][1]["id"] == "fact-909936~1"
    assert {m.fact_id("t") for m in evaluate([NEGATION], colliding)} == {"fact-25388", "fact-909936"}


def test_collision_free_renames_only_the_later_fact():
    out, original = collision_free([{"id": "fact-25388"}, {"id": "fact-909936"}, {"id": "z"}])
    assert out[0]["id"] == "fact-25388" and out[1]["id"] != "fact-909936"
    assert len({fnv1a_32(f["id"]) for f in out}) == 3
    assert original[out[1]["id"]] == "fact-909936"


def test_evaluations_do_not_interfere():
    first = evaluate([NEGATION], facts(10))
    evaluate([JOIN], facts(30))
    assert evaluate([NEGATION], facts(10)) == first


def test_concurrent_evaluations_agree():
    want = evaluate([NEGATION, JOIN], facts(40))
    results = []

    def worker():
        results.append(evaluate([NEGATION, JOIN], facts(40)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [want] * 4


def test_no_timer_threads_left_behind():
    before = threading.active_count()
    for _ in range(20):
        evaluate([NEGATION], facts(5))
    assert threading.active_count() == before


def test_duplicate_fact_ids_are_refused():
    with pytest.raises(engine.EngineError):
        evaluate([NEGATION], [{"id": "a", "kind": "traitement", "tid": "A"}] * 2)


def test_empty_facts_give_no_match():
    assert evaluate([NEGATION], []) == set()


# `$in` compiles to an `$or`; written before the join, durable_rules 2.0.28 would drop the join.
LATE_ASSENT = [
    {"t": {"kind": "traitement"}},
    {"m": {"kind": "etape", "tid": {"t": "tid"}, "etape": "mise_en_oeuvre"}},
    {"s$not": {"kind": "saisine_dpo", "avis": {"$in": ["conforme", "favorable"]}, "tid": {"t": "tid"}, "jour": {"$lte": {"m": "jour"}}}},
]
ASSENT_FACTS = [
    {"id": "traitement:T1", "kind": "traitement", "tid": "T1"},
    {"id": "etape:E1", "kind": "etape", "tid": "T1", "etape": "mise_en_oeuvre", "jour": 10},
    {"id": "saisine_dpo:S1", "kind": "saisine_dpo", "tid": "T1", "avis": "favorable", "jour": 11},
]


def test_join_after_an_or_is_kept():
    compiled = rule("avis-tardif", LATE_ASSENT)
    negated = compiled.patterns[2]["s$not"]["$and"]
    assert "$or" in negated[-1]  # the compound term went last
    assert evaluate([compiled], ASSENT_FACTS) == {Match("avis-tardif", (("m", "etape:E1"), ("t", "traitement:T1")))}
    in_time = [*ASSENT_FACTS[:2], {**ASSENT_FACTS[2], "jour": 10}]
    assert evaluate([compiled], in_time) == set()


def test_the_engine_still_drops_a_join_written_after_an_or():
    """Documents the engine bug the compiler works around; if an upgrade fixes it, this fails."""
    raw = engine.EngineRule("brut", (
        {"t": {"kind": "traitement"}},
        {"m": {"$and": [{"kind": "etape"}, {"tid": {"t": "tid"}}]}},
        {"s$not": {"$and": [{"kind": "saisine_dpo"}, {"tid": {"t": "tid"}},
                            {"$or": [{"avis": "conforme"}, {"avis": "favorable"}]}, {"$lte": {"jour": {"m": "jour"}}}]}},
    ), (None, None, None))
    assert evaluate([raw], ASSENT_FACTS) == set()  # wrong: the late assent cancels the negation


def test_join_inside_an_or_is_refused():
    with pytest.raises(ValueError, match="dans un « \\$or »"):
        rule("refus", [
            {"r": {"kind": "registre"}},
            {"f": {"kind": "fin_conservation", "$or": [{"commune_informee": "non"}, {"jour_prevue": {"$gte": {"r": "jour_reference"}}}]}},
        ])
