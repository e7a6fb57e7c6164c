"""Properties that must hold for every valid register (hypothesis builds them: see
strategies.py). Profiles: `ci` (default, 40 reproducible examples per property) and `long`."""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import date, timedelta

import pytest
import yaml
from conftest import TODAY
from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st
from strategies import registers

from rgpdcheck.audit import AuditResult, audit_register, exit_code
from rgpdcheck.errors import InputErrors
from rgpdcheck.formatters import render
from rgpdcheck.loader import parse_document
from rgpdcheck.reports import AuditReport
from rgpdcheck.rulebook import load as load_rules
from rgpdcheck.validate import validate
from rgpdcheck.vocabulary import SEVERITIES, SEVERITY_RANK

RULES = load_rules()
RULE_IDS = {r.id for r in RULES}


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def audit(data: dict, as_of: date | None = None) -> AuditResult:
    register = validate(parse_document(dump(data), "registre.yaml"), as_of, TODAY, RULE_IDS)
    return audit_register(register, RULES)


def keys(result: AuditResult) -> Counter:
    """Findings without their lines (which move when the file is reordered)."""
    return Counter((f.rule_id, f.treatment, f.subject, f.message) for f in result.findings)


@given(registers())
def test_any_valid_register_audits_and_exits_by_its_findings(data):
    """Every finding lies on a line of the file, and the exit code is 1 exactly when a
    counted finding reaches the --fail-on severity."""
    lines = dump(data).count("\n")
    result = audit(data)
    assert all(1 <= f.line <= lines for f in result.findings)
    for fail_on in SEVERITIES:
        reached = [f for f in result.findings if f.counted and SEVERITY_RANK[f.severity] <= SEVERITY_RANK[fail_on]]
        assert exit_code([result], fail_on) == (1 if reached else 0)
    assert all(1 <= f.line <= len(dump(data).splitlines()) for f in result.findings)


@given(registers())
def test_same_register_gives_byte_identical_json(data):
    first, second = audit(data), audit(data)
    assert render("json", AuditReport([first], RULES)) == render("json", AuditReport([second], RULES))
    assert render("sarif", AuditReport([first], RULES)) == render("sarif", AuditReport([second], RULES))


@given(registers(), st.randoms(use_true_random=False))
def test_order_of_items_and_keys_does_not_matter(data, rng):
    shuffled = copy.deepcopy(data)
    for section in ("acteurs", "traitements", "evenements"):
        rng.shuffle(shuffled[section])
    for section in ("traitements", "evenements"):
        for i, item in enumerate(shuffled[section]):
            pairs = list(item.items())
            rng.shuffle(pairs)
            shuffled[section][i] = dict(pairs)
    top = list(shuffled.items())
    rng.shuffle(top)
    assert keys(audit(dict(top))) == keys(audit(data))


@given(registers())
def test_adding_an_unrelated_treatment_changes_no_other_finding(data):
    before = audit(data)
    larger = copy.deepcopy(data)
    larger["traitements"].append({"id": "T-AJOUT", "nom": "Traitement ajouté", "cree_le": date(2015, 1, 1)})
    after = audit(larger)

    def of_treatments(result):
        return Counter(k for k in keys(result) if k[1] is not None and k[1] != "T-AJOUT")

    assert of_treatments(after) == of_treatments(before)


def _supply_proof(data: dict, choice: int, index: int) -> dict:
    improved = copy.deepcopy(data)
    treatment = improved["traitements"][index % len(improved["traitements"])]
    if choice == 0:  # a lawful basis
        treatment.setdefault("base_legale", "mission_interet_public")
    elif choice == 1:  # a timely, complete and favourable DPO referral
        improved["evenements"].append({"id": "E-PREUVE", "type": "saisine_dpo", "traitement": treatment["id"],
                                       "date": date(2012, 1, 1), "avis": "conforme", "preuve_conservee": True})
    elif choice == 2:  # written contracts and instructions for its providers
        for provider in treatment.get("sous_traitants", []):
            provider.update(contrat_ecrit=True, instructions_documentees=True)
    else:  # a signed joint-controller agreement
        treatment["accord_conjoint"] = {"signe_le": date(2012, 1, 1)}
    return improved


@given(registers(), st.integers(0, 3), st.integers(0, 3))
def test_supplying_a_missing_proof_never_adds_a_finding(data, choice, index):
    before = {(f.rule_id, f.treatment, f.subject) for f in audit(data).findings}
    after = {(f.rule_id, f.treatment, f.subject) for f in audit(_supply_proof(data, choice, index)).findings}
    assert after <= before, after - before


DEADLINES = {
    "vd-demande-sans-reponse": "demande", "vd-demande-reponse-tardive": "demande",
    "vd-violation-non-notifiee": "violation", "vd-violation-notification-tardive": "violation",
    "vk-etat-des-lieux-absent": "etat-des-lieux",
}


@given(registers(), st.integers(1, 900))
def test_a_later_audit_date_never_removes_a_missed_deadline(data, days_later):
    first = data["date_reference"]
    explained = {f"violation:{e['id']}" for e in data["evenements"] if e.get("motif_retard")}  # a motivated delay is allowed

    def missed(as_of):
        return {(DEADLINES[f.rule_id], f.subject) for f in audit(data, as_of).findings
                if f.rule_id in DEADLINES and f.subject not in explained}

    assert missed(first) <= missed(first + timedelta(days=days_later))


@given(registers())
def test_register_dumped_from_the_models_gives_the_same_findings(data):
    register = validate(parse_document(dump(data), "registre.yaml"), None, TODAY, RULE_IDS)
    reloaded = json.loads(register.model.model_dump_json(exclude_none=True))
    assert keys(audit(reloaded)) == keys(audit(data))


@pytest.mark.parametrize("mutation", ["mauvais-type", "cle-inconnue", "reference-pendante"])
@given(data=registers(), pick=st.integers(0, 3))
def test_invalid_mutation_is_a_located_input_error(mutation, data, pick):
    broken = copy.deepcopy(data)
    treatment = broken["traitements"][pick % len(broken["traitements"])]
    if mutation == "mauvais-type":
        treatment["finalites"] = 3
        expected = "attend une liste"
    elif mutation == "cle-inconnue":
        treatment["base_legal"] = "contrat"
        expected = "vouliez-vous dire « base_legale »"
    else:
        assume(broken["evenements"] and "traitement" in broken["evenements"][0])
        broken["evenements"][0]["traitement"] = "T-INCONNU"
        expected = "traitement « T-INCONNU » inconnu"
    text = dump(broken)
    with pytest.raises(InputErrors) as caught:
        validate(parse_document(text, "registre.yaml"), None, TODAY, RULE_IDS)
    located = [e for e in caught.value.errors if expected in e.message]
    assert located, [str(e) for e in caught.value.errors]
    line = located[0].line
    assert 1 <= line <= len(text.splitlines())
    key = {"mauvais-type": "finalites:", "cle-inconnue": "base_legal:", "reference-pendante": "T-INCONNU"}[mutation]
    assert key in text.splitlines()[line - 1]


def test_strategy_builds_varied_registers():
    """Guards the generator itself: across the examples a profile draws it must reach many rule
    families, or the properties above would only ever be checked on registers with no finding."""
    family = {r.id: r.family for r in RULES}
    families: set[str] = set()

    @settings(phases=[Phase.generate], database=None)
    @given(registers())
    def collect(data):
        families.update(family[f.rule_id] for f in audit(data).findings)

    collect()
    assert len(families) >= 8, sorted(families)
