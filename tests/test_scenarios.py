"""Scenario registers: Bordeaux and its CCAS, and a commune outside the source document.

Each scenario's header lists its deliberate defects (`subject  rule-id  why`); the audit
must report exactly those, so a rule that misses a defect or fires on a compliant part
of a realistic register fails here.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from rgpdcheck.audit import audit_file

DEFECT = re.compile(r"^#\s+(T-[A-Z0-9-]+|registre)?\s+([a-z0-9]+(?:-[a-z0-9]+)+)\s{2,}\S")
BORDEAUX = ROOT / "fixtures" / "bordeaux" / "registre.yaml"
HORS_SEED = ROOT / "fixtures" / "hors-seed" / "registre.yaml"


def declared_defects(path: Path) -> set[tuple[str | None, str]]:
    defects, subject = set(), None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = DEFECT.match(line)
        if match:
            subject = match[1] or subject
            defects.add((None if subject == "registre" else subject, match[2]))
    return defects


def reported(path: Path, as_of: date | None = None) -> set[tuple[str | None, str]]:
    return {(f.treatment, f.rule_id) for f in audit_file(str(path), as_of, TODAY).findings}


@pytest.mark.parametrize("path", [BORDEAUX, HORS_SEED], ids=["bordeaux", "hors-seed"])
def test_scenario_reports_exactly_its_declared_defects(path):
    expected = declared_defects(path)
    assert len(expected) >= 2
    assert reported(path) == expected


def test_bordeaux_replayed_at_the_end_of_2018():
    result = audit_file(str(BORDEAUX), date(2018, 12, 31), TODAY)
    found = {(f.treatment, f.rule_id) for f in result.findings}
    # the request of 2018-12-20 was still within its month, and the 2019 erasure and breach
    # were not known yet: set aside, and counted
    assert ("T-CANTINE", "vd-demande-reponse-tardive") not in found
    assert ("T-LISTES", "vf1-commune-non-informee") not in found
    assert result.set_aside["evenements"] == 2
    # ...so the closed prior treatment had no recorded end of retention on that day
    assert ("T-LISTES", "vk-clos-sans-fin-conservation") in found
    assert ("T-PORTAIL", "ve1-saisine-dpo-tardive") in found


def test_bordeaux_ccas_is_controller_of_its_own_treatment():
    result = audit_file(str(BORDEAUX), None, TODAY)
    assert not [f for f in result.findings if f.rule_id == "vc-responsable-prestataire"]
    assert result.commune == "bordeaux"


def test_commune_outside_the_seed_uses_its_contract_block():
    result = audit_file(str(HORS_SEED), None, TODAY)
    rules = {f.rule_id for f in result.findings}
    # breach handling was not delegated to BM, and the DPO is not shared: no finding on either
    assert "vd-violation-geree-par-commune" not in rules
    assert not {"vd-dpo-mutualise-non-designe", "vd-dpo-mutualise-sans-lettre"} & rules
    [late] = [f for f in result.findings if f.rule_id == "vk-etat-des-lieux-absent"]
    assert "Saint-Louis-de-Montferrand" in late.message


def test_same_register_under_bruges_contract_gets_the_delegation_findings(tmp_path):
    """The contract, not the text of the register, decides: with Bruges's options, the same
    breach handled by the commune itself is a finding once the treatment is in the delegation's
    scope (run by the shared service); run by the commune itself, it stays the commune's."""
    text = HORS_SEED.read_text(encoding="utf-8")
    head, _, rest = text.partition("contrat:\n")
    rest = rest.split("date_reference:", 1)[1]
    as_bruges = tmp_path / "registre.yaml"
    bruges_text = (head.replace("commune: saint-louis-de-montferrand", "commune: bruges")
                   + "date_reference:" + rest.replace("saint-louis-de-montferrand", "bruges"))
    as_bruges.write_text(bruges_text, encoding="utf-8")
    rules = {f.rule_id for f in audit_file(str(as_bruges), None, TODAY).findings}
    assert "vd-violation-geree-par-commune" not in rules  # exploitation: commune, outside the delegation
    assert "vd-dpo-mutualise-non-designe" in rules
    assert "exploitation: commune" in bruges_text
    as_bruges.write_text(bruges_text.replace("exploitation: commune", "exploitation: service_commun"), encoding="utf-8")
    rules = {f.rule_id for f in audit_file(str(as_bruges), None, TODAY).findings}
    assert "vd-violation-geree-par-commune" in rules
