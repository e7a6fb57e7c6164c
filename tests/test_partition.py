"""Partitioned evaluation (large registers) finds exactly what one whole evaluation finds."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TODAY
from hypothesis import given
from strategies import registers

from rgpdcheck import engine, partition, rulebook
from rgpdcheck.dates import day, end_of_day
from rgpdcheck.fact_schema import FACT_FIELDS, REGISTER_KINDS, make_fact
from rgpdcheck.facts import build_facts
from rgpdcheck.loader import load_document, parse_document
from rgpdcheck.validate import validate

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate

RULES = rulebook.load("audit")
RULE_IDS = {r.id for r in RULES}
REGISTERS = sorted(ROOT.glob("fixtures/*/registre.yaml")) + sorted((ROOT / "tests" / "rules").glob("*.yaml"))


def facts_of(document):
    register = validate(document, None, TODAY, RULE_IDS)
    return build_facts(register)


def both_ways(rules, facts, size):
    return partition.evaluate(rules, facts, size=size), engine.evaluate([r.engine_rule for r in rules], facts.facts)


@pytest.mark.parametrize("path", REGISTERS, ids=lambda p: p.parent.name + "/" + p.name)
def test_bundled_registers_one_treatment_per_partition(path: Path):
    facts = facts_of(load_document(str(path)))
    split, whole = both_ways(RULES, facts, size=1)  # size 1: every treatment in its own partition
    assert split == whole


@given(registers())
def test_generated_registers_one_treatment_per_partition(data):
    facts = facts_of(parse_document(yaml.safe_dump(data, allow_unicode=True), "registre.yaml"))
    split, whole = both_ways(RULES, facts, size=1)
    assert split == whole


def test_the_shipped_rules_are_all_evaluated_by_partition():
    replicated = partition.replicated_kinds(RULES)
    assert replicated == {"sensibilisation", "communication_cnil", "etat_des_lieux", "plan_action_anterieurs"}
    assert [r.id for r in RULES if not partition.partition_safe(r, replicated)] == []


def test_partitions_keep_each_treatment_whole_and_share_register_wide_facts():
    facts = facts_of(load_document(str(ROOT / "fixtures" / "bruges" / "registre.yaml")))
    replicated = partition.replicated_kinds(RULES)
    # register-wide: kinds with no `tid`, and replicated kinds; a `tid: absent` fact of another
    # kind is in the group `absent`, like a treatment's
    shared = [f for f in facts.facts if "tid" not in FACT_FIELDS[f["kind"]] or f["kind"] in replicated]
    groups = partition.partitions(facts, replicated, size=len(shared) + 12)
    assert len(groups) > 3
    home: dict[str, int] = {}
    for index, group in enumerate(groups):
        assert all(f in group for f in shared)
        for fact in group:
            if fact not in shared:
                assert home.setdefault(fact["tid"], index) == index  # one partition per treatment
    assert sum(len(g) - len(shared) for g in groups) == len(facts.facts) - len(shared)


RELATING_RULES = """
sorte: audit
famille: essai
titre: Essai
regles:
  - id: essai-meme-nom
    titre: Deux traitements de même nom
    severite: info
    references: {avenant: [V-a]}
    description: Essai.
    message: "{a.tid} et {b.tid} portent le même nom"
    lieu: {alias: a}
    condition:
      all:
        - a: {kind: traitement}
        - b: {kind: traitement, nom: {a: nom}, tid: {$neq: {a: tid}}}
  - id: essai-aucune-violation
    titre: Aucune violation dans tout le registre
    severite: info
    references: {avenant: [V-b]}
    description: Essai.
    message: "{r.commune} n'a aucune violation"
    lieu: {alias: r}
    condition:
      all:
        - r: {kind: registre}
        - v$not: {kind: violation}
"""


def test_rules_that_relate_treatments_are_evaluated_whole(tmp_path):
    """A rule comparing two treatments cannot be split; a negation over all the register's
    facts of a kind replicates that kind; both still give the whole-register answer."""
    (tmp_path / "essai.yaml").write_text(RELATING_RULES, encoding="utf-8")
    rules = rulebook.load("audit", tmp_path)
    replicated = partition.replicated_kinds(rules)
    assert replicated == {"violation"}
    assert not partition.partition_safe(rules[1], replicated)  # essai-meme-nom
    text = (ROOT / "fixtures" / "bruges" / "registre.yaml").read_text(encoding="utf-8")
    text = text.replace("nom: Gestion des listes électorales", "nom: Tenue des registres de l'état civil")
    facts = facts_of(parse_document(text, "registre.yaml"))
    split, whole = both_ways(rules, facts, size=1)
    assert split == whole
    assert any(m.rule_id == "essai-meme-nom" for m in whole)


# liability apportions an avenant's burden: registers of a commune party to none (cadre: rgpd) have none
WITH_AVENANT = [p for p in sorted(ROOT.glob("fixtures/*/registre.yaml"))
                if yaml.safe_load(p.read_text(encoding="utf-8")).get("cadre") != "rgpd"]


@pytest.mark.parametrize("path", WITH_AVENANT, ids=lambda p: p.parent.name)
def test_liability_judged_on_one_treatment_is_the_whole_register_answer(path: Path, monkeypatch):
    """A determination evaluates the treatment's facts and the register-wide ones only
    (rulebook.run with `treatments`); the answer must be the one the whole register gives."""
    from rgpdcheck.liability import determine, determine_all

    rules = rulebook.load("responsabilite")
    replicated = partition.replicated_kinds(rules)
    assert all(partition.partition_safe(r, replicated) for r in rules)  # else every answer reads the whole register
    register = validate(load_document(str(path)), None, TODAY, RULE_IDS)
    together = determine_all(register, rules)
    assert together
    seen = []
    evaluate = engine.evaluate
    monkeypatch.setattr(engine, "evaluate", lambda r, f: seen.append(len(f)) or evaluate(r, f))
    split = {tid: determine(register, tid, None, rules).to_dict() for tid in together}
    whole_size = len(build_facts(register).facts) + 1  # with the question
    if len(together) > 1:
        assert max(seen) < whole_size  # each evaluation saw a part of the register
    seen.clear()
    run = rulebook.run
    monkeypatch.setattr(rulebook, "run", lambda *a, treatments=None, **k: run(*a, **k))  # whole register
    whole = {tid: determine(register, tid, None, rules).to_dict() for tid in together}
    assert min(seen) == whole_size
    assert split == whole == {tid: answer.to_dict() for tid, answer in together.items()}


def test_many_register_wide_waivers_and_awareness_events_give_the_whole_answer():
    """Register-wide waivers (the group `absent`) and many `sensibilisation` events (a
    replicated kind read by a register-wide rule, evaluated once), besides waivers of one
    treatment: partitioned and whole evaluations agree, audit and deadline rules alike."""
    text = generate.register(40, waivers=30, awareness=30)
    text += "".join(f"  - {{regle: va1-base-legale-absente, traitement: T-{t:05d}, motif: essai, jusqu_au: 2020-01-0{1 + t % 9}}}\n"
                    for t in range(0, 40, 3))
    register = validate(parse_document(text, "registre.yaml"), None, TODAY, RULE_IDS)
    facts = build_facts(register)
    assert Counter(f["tid"] for f in facts.facts if f["kind"] == "derogation")["absent"] == 30
    end = date(2022, 6, 30)
    horizon = [make_fact("horizon", "horizon", jour_fin=day(end), s_fin=end_of_day(end))]  # as echeances.upcoming
    for rules, extra, fires in ((RULES, [], "derogation-expiree"), (rulebook.load("echeance"), horizon, None)):
        whole = engine.evaluate([r.engine_rule for r in rules], facts.facts + extra)
        assert not fires or sum(m.rule_id == fires for m in whole) > 10
        for size in (1, 50):
            assert partition.evaluate(rules, facts, size=size, extra=extra) == whole


@pytest.mark.parametrize("extra", [{"waivers": 3000}, {"awareness": 3000}], ids=["waivers", "awareness"])
def test_register_wide_facts_are_each_handed_to_one_evaluation(extra):
    """Issue 17: 3,000 register-wide waivers or `sensibilisation` events were copied into every
    partition, leaving room for one treatment each (2,000 evaluations of 3,000 facts for 2,000
    treatments). Now each is handed to one engine evaluation, no evaluation exceeds the
    partition size by more than the few register-wide facts, and the engine is given about
    as many facts as the register holds (no timing: the plan is counted). Fails on the
    former partitioning (each waiver in 700 evaluations, one per treatment)."""
    register = validate(parse_document(generate.register(700, **extra), "registre.yaml"), None, TODAY, RULE_IDS)
    facts = build_facts(register)
    assert len(facts.facts) > 2 * partition.PARTITION_FACTS  # evaluated by partitions
    evaluations = partition.plan(RULES, facts)
    handed = Counter(f["id"] for e in evaluations for f in e.facts)
    many = [f["id"] for f in facts.facts if f["kind"] in ("derogation", "sensibilisation")]
    assert len(many) > 3000 and all(handed[i] == 1 for i in many)
    small = [i for i, n in handed.items() if n > 1]  # registre, dpo, the state of the art...
    assert len(small) < 10
    assert sum(handed.values()) <= len(facts.facts) + len(small) * len(evaluations)
    # every evaluation within the partition size, but the one given the thousands of waivers
    # or events, which must be evaluated together, and little else
    # (with the other register-wide facts: the listed actors, the registre, the inventories)
    wide = sum(1 for f in facts.facts if f["kind"] in REGISTER_KINDS and f["id"] not in set(many))
    big = [len(e.facts) for e in evaluations if len(e.facts) > partition.PARTITION_FACTS + len(small)]
    assert len(big) <= 1 and all(n <= len(many) + wide + 10 for n in big)
    assert {r.id for e in evaluations for r in e.rules} == RULE_IDS  # every rule is run


def test_many_shared_facts_never_collapse_partitions_to_one_treatment():
    """When the register-wide facts a partition needs outnumber the partition size, a partition
    still holds as many treatment facts (up to the size): the copies at most double the work."""
    facts = facts_of(parse_document(generate.register(60, awareness=120), "registre.yaml"))
    replicated = partition.replicated_kinds(RULES)
    shared, by_treatment = facts.split(replicated)
    assert len(shared) > 120
    for size in (50, 100, 400):
        groups = partition.partitions(facts, replicated, size=size)
        own = sum(len(g) - len(shared) for g in groups)
        assert own == len(facts.facts) - len(shared)
        largest_treatment = max(len(v) for v in by_treatment.values())
        assert len(groups) < len(by_treatment) / 2
        assert all(len(g) - len(shared) >= min(size, len(shared)) - largest_treatment for g in groups[:-1])
