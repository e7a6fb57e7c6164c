"""Waivers: a finding accepted until a date is shown as waived and does not fail the run."""

from __future__ import annotations

import json

from conftest import ROOT

FIXTURE = str(ROOT / "tests" / "rules" / "derogation-expiree.yaml")


def findings(cli, *extra):
    return json.loads(cli("audit", FIXTURE, "--format", "json", "--fail-on", "avertissement", *extra).stdout)


def test_waiver_in_force_hides_from_exit_code_but_is_shown(cli):
    document = findings(cli, "--as-of", "2019-02-01")  # both waivers in force
    va4 = [f for f in document["findings"] if f["rule_id"] == "va4-rectification-absente"]
    assert {f["treatment"] for f in va4} == {"T-1", "T-2"}
    assert all(f["waived"]["motif"].startswith("Plan d'action") for f in va4)
    assert document["summary"]["waived"] == 2
    assert cli("audit", FIXTURE, "--as-of", "2019-02-01", "--fail-on", "avertissement").exit_code == 0


def test_expired_waiver_hides_nothing_and_says_so(cli):
    document = findings(cli)  # date_reference 2019-03-01: T-1's waiver ended the day before
    by_treatment = {f["treatment"]: f for f in document["findings"] if f["rule_id"] == "va4-rectification-absente"}
    assert by_treatment["T-1"]["waived"] is None
    assert by_treatment["T-2"]["waived"] is not None
    assert [f["rule_id"] for f in document["findings"] if f["rule_id"] == "derogation-expiree"] == ["derogation-expiree"]
    assert cli("audit", FIXTURE, "--fail-on", "avertissement").exit_code == 1


def test_no_waivers_flag_ignores_them_all(cli):
    document = findings(cli, "--as-of", "2019-02-01", "--no-waivers")
    assert document["summary"]["waived"] == 0
    assert cli("audit", FIXTURE, "--as-of", "2019-02-01", "--fail-on", "avertissement", "--no-waivers").exit_code == 1


def test_text_output_sets_waived_findings_apart(cli):
    out = cli("audit", FIXTURE, "--as-of", "2019-02-01").stdout
    assert "dérogation" in out.lower()
    assert "Plan d'action validé" in out
