"""The command line: exit codes 0 / 1 / 2, text and JSON, --fail-on, --as-of."""

from __future__ import annotations

import json

from conftest import ROOT

BRUGES = str(ROOT / "fixtures" / "bruges" / "registre.yaml")
CONFORME = str(ROOT / "fixtures" / "conforme" / "registre.yaml")


def test_compliant_register_exits_0_with_no_finding(cli):
    result = cli("audit", CONFORME, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["findings"] == []
    assert document["summary"]["treatments"] == 2


def test_findings_exit_1(cli):
    result = cli("audit", BRUGES)
    assert result.exit_code == 1
    assert "va1-infractions-base-inadaptee" in result.stdout
    assert "Traitement T-MUNICIPOL" in result.stdout
    assert " constats : " in " ".join(result.stdout.splitlines()[-4:])  # the summary, at the end


def test_fail_on_threshold(cli, tmp_path):
    only_warning = tmp_path / "registre.yaml"
    text = (ROOT / "fixtures" / "conforme" / "registre.yaml").read_text(encoding="utf-8")
    only_warning.write_text(text.replace("    procedure_rectification: true\n", "", 1), encoding="utf-8")
    assert cli("audit", str(only_warning)).exit_code == 0
    assert cli("audit", str(only_warning), "--fail-on", "avertissement").exit_code == 1
    assert cli("audit", str(only_warning), "--fail-on", "info").exit_code == 1


def test_json_shape(cli):
    document = json.loads(cli("audit", BRUGES, "--format", "json").stdout)
    finding = document["findings"][0]
    assert set(finding) >= {"rule_id", "severity", "treatment", "message", "citations", "location"}
    assert set(finding["location"]) == {"file", "line"}
    assert document["summary"]["by_severity"]["erreur"] == sum(1 for f in document["findings"] if f["severity"] == "erreur")


def test_json_is_byte_identical_across_runs(cli):
    first = cli("audit", BRUGES, "--format", "json").stdout
    assert cli("audit", BRUGES, "--format", "json").stdout == first


def test_as_of_replays_the_register(cli):
    later = json.loads(cli("audit", BRUGES, "--format", "json", "--as-of", "2019-12-31").stdout)
    now = json.loads(cli("audit", BRUGES, "--format", "json").stdout)
    assert now["summary"]["set_aside"] == {"traitements": 1, "evenements": 1}
    assert later["summary"]["set_aside"] == {"traitements": 0, "evenements": 0}
    assert "T-VIDEO" not in {f["treatment"] for f in now["findings"]}
    assert "T-VIDEO" in {f["treatment"] for f in later["findings"]}
    assert later["summary"]["registers"][0]["as_of"] == "2019-12-31"


def test_bad_as_of_is_a_usage_error(cli):
    result = cli("audit", BRUGES, "--as-of", "2019-13-01")
    assert result.exit_code == 2
    assert "la date « 2019-13-01 » n'existe pas : il n'y a pas de mois 13" in result.stderr


def test_several_files_one_bad(cli, tmp_path):
    bad = tmp_path / "registre.yaml"
    bad.write_text("version: 1\n", encoding="utf-8")
    result = cli("audit", CONFORME, str(bad))
    assert result.exit_code == 2
    assert f"{bad}:1" in result.stderr


def test_several_files_are_all_reported(cli):
    document = json.loads(cli("audit", CONFORME, BRUGES, "--format", "json").stdout)
    assert [r["file"] for r in document["summary"]["registers"]] == [CONFORME, BRUGES]
