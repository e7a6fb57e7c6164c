"""The scenario inventory (fixtures/inventaire-2018, tools/inventaire_2018.py): a commune outside
Bordeaux Métropole, about a hundred sparse entries, some flagged as holding sensitive data.
It guards the signal against the noise a real 2018 inventory produced (issue 14): no contract
finding without an avenant, every sensitive-data flag reported, a plan d'action on one screen,
one finding per omission."""

from __future__ import annotations

import importlib.util

import yaml
from conftest import ROOT, TODAY

from rgpdcheck.audit import audit_file
from rgpdcheck.rulebook import load as load_rules

REGISTER = ROOT / "fixtures" / "inventaire-2018" / "registre.yaml"
EXPECTED = ROOT / "fixtures" / "inventaire-2018" / "attendu.txt"
RULES = {r.id: r for r in load_rules()}
# One omission, one finding: a finding the other implies on the same treatment must not be there.
IMPLIES = {
    "va7-duree-conservation-absente": {"va7-sort-final-absent"},  # no period, so no end to decide the fate of
    "vc-dpo-non-consulte": {"ve3-mise-en-oeuvre-sans-avis"},  # the same missing referral (issue 14, item 5)
}


def _result():
    return audit_file(str(REGISTER), None, TODAY)


def _generator():
    spec = importlib.util.spec_from_file_location("inventaire_2018", ROOT / "tools" / "inventaire_2018.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_register_is_the_generator_s_and_many_entries_say_little():
    assert REGISTER.read_text(encoding="utf-8") == _generator().register_text()
    data = yaml.safe_load(REGISTER.read_text(encoding="utf-8"))
    assert data["cadre"] == "rgpd" and "contrat" not in data and len(data["traitements"]) >= 90
    assert sum(1 for t in data["traitements"] if set(t) == {"id", "nom"}) > 30


def test_no_contract_finding_and_no_word_of_bordeaux_metropole_without_an_avenant(cli, monkeypatch):
    result = _result()
    assert result.findings and not result.avenant
    contractual = [f.rule_id for f in result.findings if RULES[f.rule_id].cadre != "rgpd"]
    assert contractual == []
    assert not any(c.startswith("Avenant") for f in result.findings for c in f.citations)
    monkeypatch.setenv("COLUMNS", "80")
    for fmt in ("text", "json", "html", "parsable"):  # (SARIF also carries each rule's help text)
        output = cli("audit", "-f", fmt, str(REGISTER)).stdout
        assert "Métropole" not in output, fmt
        assert "avenant" not in output.lower() or fmt == "html", fmt  # the HTML says « sans avenant »
    # SARIF and JUnit describe the rules that ran: none of the avenant's
    import json
    from xml.etree import ElementTree

    described = {r["id"] for r in json.loads(cli("audit", "-f", "sarif", str(REGISTER)).stdout)["runs"][0]["tool"]["driver"]["rules"]}
    junit = ElementTree.fromstring(cli("audit", "-f", "junit", str(REGISTER)).stdout)
    named = {case.get("name", "").split(" [")[0] for case in junit.iter("testcase")}
    assert described and all(RULES[r].cadre == "rgpd" for r in described)
    assert named <= set(RULES) and all(RULES[r].cadre == "rgpd" for r in named)


def test_every_sensitive_data_flag_leads_to_an_art_9_or_35_finding():
    data = yaml.safe_load(REGISTER.read_text(encoding="utf-8"))
    flagged = [t["id"] for t in data["traitements"] if t.get("donnees_sensibles") or t.get("criteres_aipd")]
    assert len(flagged) >= 8
    result = _result()
    for tid in flagged:
        cited = {c for f in result.findings if f.treatment == tid for c in f.citations}
        assert any(c.startswith(("RGPD art. 9", "RGPD art. 35")) for c in cited), tid


def test_no_treatment_gets_two_findings_for_one_omission():
    by_treatment: dict[str, set[str]] = {}
    for f in _result().findings:
        if f.treatment:
            by_treatment.setdefault(f.treatment, set()).add(f.rule_id)
    both = [(tid, cause) for tid, rules in by_treatment.items() for cause, implied in IMPLIES.items()
            if cause in rules and rules & implied]
    assert both == []
    # the case is there to be guarded: entries without a retention period nor a final fate
    assert sum(1 for rules in by_treatment.values() if "va7-duree-conservation-absente" in rules) > 50


def test_the_plan_d_action_fits_one_screen_and_leads_the_report(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = cli("audit", str(REGISTER)).stdout.splitlines()
    start = lines.index("Plan d'action : les corrections qui lèvent le plus de constats")
    end = lines.index("", start)
    assert start <= 3 and end - start <= 22 and all(len(line) <= 80 for line in lines[start:end])
    plan = lines[start + 1:end]
    # by severity, then by count: the errors first, the biggest fix first
    assert plan[0].startswith("  1. erreur · ") and "92 traitements" in plan[0]
    # the same finding on many treatments is one grouped block, not one per treatment
    assert len(lines) < 200 and len(_result().findings) > 500


def test_the_expected_audit_is_the_committed_one(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    output = cli("audit", str(REGISTER.relative_to(ROOT))).stdout
    assert output == EXPECTED.read_text(encoding="utf-8"), "audit changed: python tools/inventaire_2018.py, review the diff"
