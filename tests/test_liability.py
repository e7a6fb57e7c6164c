"""`rgpdcheck liability`: the scenario table written from the clauses, the text answer,
and the errors on unknown treatments or events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from rgpdcheck.rulebook import load as load_rules

SCENARIOS = yaml.safe_load((Path(__file__).parent / "liability" / "scenarios.yaml").read_text(encoding="utf-8"))["cas"]
BORDEAUX = ROOT / "fixtures" / "bordeaux" / "registre.yaml"


def ask(cli, tmp_path, case, fmt="json"):
    path = tmp_path / "registre.yaml"
    path.write_text(yaml.safe_dump(case["registre"], allow_unicode=True, sort_keys=False), encoding="utf-8")
    args = ["liability", str(path), "--format", fmt]
    question = case["question"]
    if "traitement" in question:
        args += ["--treatment", question["traitement"]]
    if "evenement" in question:
        args += ["--event", question["evenement"]]
    return cli(*args)


def test_the_table_has_at_least_fifteen_cases():
    assert len(SCENARIOS) >= 15
    assert len({case["nom"] for case in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize("case", SCENARIOS, ids=[c["nom"] for c in SCENARIOS])
def test_scenario(cli, tmp_path, case):
    result = ask(cli, tmp_path, case)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    expected = case["attendu"]
    assert answer["roles"] == expected["roles"]
    for key in ("bears", "exonerated", "may_claim_costs"):
        assert answer["contractual"][key] == expected["contractual"][key], key
    if "basis" in expected["contractual"]:
        assert answer["contractual"]["basis"]["nature"] == expected["contractual"]["basis"]
    assert answer["external"]["answerable"] == expected["external"]["answerable"]
    duty = answer["event_duty"] and {k: v for k, v in answer["event_duty"].items() if k != "basis"}
    assert duty == expected["event_duty"]
    if expected["event_duty"] and "duty_basis" in expected:
        assert answer["event_duty"]["basis"]["nature"] == expected["duty_basis"]
    for wanted in expected.get("conclusions", []):
        found = [c for c in answer["conclusions"] if c["rule"] == wanted["rule"]]
        assert found, f"no conclusion of {wanted['rule']}"
        assert found[0]["subject"] == wanted["subject"] and found[0]["bears"] == wanted["bears"]
        assert found[0]["basis"]["nature"] == wanted["basis"]
    assert [r["rule"] for r in answer["contractual"]["reasons"]] == expected["reasons"]
    assert len(answer["escalation"]) == 3 and "CNIL" in answer["escalation"][-1]
    for reason in answer["contractual"]["reasons"]:
        assert reason["line"] >= 1 and reason["citations"], reason


def test_every_liability_rule_is_exercised_by_a_scenario():
    used = {rule for case in SCENARIOS for rule in case["attendu"]["reasons"]}
    assert {r.id for r in load_rules("responsabilite")} - used == set()


def test_text_answer_states_the_result_and_quotes_the_clause(cli, tmp_path):
    case = next(c for c in SCENARIOS if c["nom"] == "anterieur-sans-evolution")
    raw = ask(cli, tmp_path, case, fmt="text").stdout
    text = " ".join(raw.split())
    assert "la charge revient à Bruges" in text
    assert "exonéré : Bordeaux Métropole" in text and "(s)" not in text and "(ent)" not in text
    assert "Raisonnement :" in raw and "En cas de différend :" in raw
    assert "ne peut être recherchée à aucun titre que ce soit" in text  # V-k quoted


@pytest.mark.parametrize("args, message", [
    (["-t", "T-INCONNU"], "traitement « T-INCONNU » introuvable"),
    (["-e", "E-INCONNU"], "événement « E-INCONNU » introuvable"),
    (["-e", "E-MEO-PF"], "seules une violation ou une demande"),
    (["-t", "T-PORTAIL", "-e", "E-DEM-CANTINE"], "concerne le traitement « T-CANTINE »"),
    ([], "précisez le traitement"),
    (["-e", "E-VIOL-PF", "--as-of", "2018-12-31"], "pas encore connu"),
])
def test_unknown_or_wrong_target_is_exit_2(cli, args, message):
    result = cli("liability", str(BORDEAUX), *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
