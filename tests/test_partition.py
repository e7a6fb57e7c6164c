"""Partitioned evaluation (large registers) finds exactly what one whole evaluation finds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TODAY
from hypothesis import given
from strategies import registers

from rgpdcheck import engine, partition, rulebook
from rgpdcheck.facts import build_facts
from rgpdcheck.loader import load_document, parse_document
from rgpdcheck.validate import validate

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
    shared = [f for f in facts.facts if f.get("tid") in (None, "absent") or f["kind"] in replicated]
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


@pytest.mark.parametrize("path", sorted(ROOT.glob("fixtures/*/registre.yaml")), ids=lambda p: p.parent.name)
def test_liability_judged_on_one_treatment_is_the_whole_register_answer(path: Path, monkeypatch):
    """A determination evaluates the treatment's facts and the register-wide ones only
    (rulebook.run with `treatments`); the answer must be the one the whole register gives."""
    from rgpdcheck.liability import determine, determine_all

    rules = rulebook.load("responsabilite")
    replicated = partition.replicated_kinds(rules)
    assert all(partition.partition_safe(r, replicated) for r in rules)  # else every answer reads the whole register
    register = validate(load_document(str(path)), None, TODAY, RULE_IDS)
    if not register.contract.avenant:
        pytest.skip("cadre: rgpd: liability apportions an avenant's burden, and refuses a register without one")
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
