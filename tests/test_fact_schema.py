"""Every fact the builders make has exactly the fields of its kind in the schema.

The rule loader checks rules against fact_schema.FACT_FIELDS; this checks the other side:
that the facts the engine receives (register facts, the deadline window, the liability
question) carry those fields and no others, on every bundled and generated register.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TODAY
from hypothesis import given
from strategies import registers

from rgpdcheck import engine, rulebook
from rgpdcheck.echeances import upcoming
from rgpdcheck.fact_schema import FACT_FIELDS
from rgpdcheck.facts import build_facts
from rgpdcheck.liability import determine
from rgpdcheck.loader import parse_document
from rgpdcheck.validate import load_register, validate

RULE_IDS = {r.id for r in rulebook.load("audit")}
REGISTERS = (sorted(ROOT.glob("fixtures/*/registre.yaml")) + sorted((ROOT / "tests" / "rules").glob("*.yaml"))
             + sorted((ROOT / "tests" / "echeances").glob("*.yaml")))


def wrong_fields(facts: list[dict]) -> list[str]:
    out = []
    for fact in facts:
        kind = fact["kind"]
        if kind not in FACT_FIELDS:
            out.append(f"{fact['id']}: kind {kind} is not in the schema (add it to fact_schema.FACT_FIELDS)")
            continue
        fields = set(fact) - {"id", "kind"}
        if fields != FACT_FIELDS[kind]:
            out.append(f"{fact['id']}: fields the builder makes but fact_schema.FACT_FIELDS[{kind!r}] lacks (add them "
                       f"there, and to docs/faits.md) {sorted(fields - FACT_FIELDS[kind])}; fields the schema lists but "
                       f"the builder omits (facts.py) {sorted(FACT_FIELDS[kind] - fields)}")
    return out


@pytest.mark.parametrize("path", REGISTERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_facts_given_to_the_engine_match_the_schema(path: Path, monkeypatch):
    register = load_register(str(path), None, TODAY, RULE_IDS)
    seen: list[dict] = []
    evaluate = engine.evaluate
    monkeypatch.setattr(engine, "evaluate", lambda rules, facts: seen.extend(facts) or evaluate(rules, facts))
    upcoming(register, 30)
    for treatment in register.model.traitements:
        if (treatment.cree_le is None or treatment.cree_le <= register.as_of) and register.contract.avenant:
            determine(register, treatment.id, None)  # (no liability question without an avenant)
    kinds = {f["kind"] for f in seen}
    assert "horizon" in kinds and ("cible" in kinds or not register.model.traitements or not register.contract.avenant)
    problems = wrong_fields(seen)
    assert problems == [], "\n".join(problems)


@given(registers())
def test_facts_of_generated_registers_match_the_schema(data):
    register = validate(parse_document(yaml.safe_dump(data, allow_unicode=True), "registre.yaml"), None, TODAY, RULE_IDS)
    problems = wrong_fields(build_facts(register).facts)
    assert problems == [], "\n".join(problems)


def test_a_fact_with_a_field_too_many_is_caught():
    [extra] = wrong_fields([{"id": "mesure:x", "kind": "mesure", "tid": "T", "nom": "n", "nature": "autre", "autre": 1}])
    assert "fact_schema.FACT_FIELDS['mesure'] lacks (add them there, and to docs/faits.md) ['autre']" in extra
    [missing] = wrong_fields([{"id": "mesure:x", "kind": "mesure", "tid": "T", "nature": "autre"}])
    assert "the builder omits (facts.py) ['nom']" in missing
    assert wrong_fields([{"id": "mesure:x", "kind": "mesure", "tid": "T", "nom": "n", "nature": "autre"}]) == []
