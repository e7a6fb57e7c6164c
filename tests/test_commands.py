"""The commands around the audit: rules, explain, schema, validate; and baselines."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import ROOT, TODAY

from rgpdcheck.audit import audit_file
from rgpdcheck.clauses import clauses
from rgpdcheck.rulebook import load as load_rules

BRUGES = ROOT / "fixtures" / "bruges" / "registre.yaml"
REGISTERS = sorted(ROOT.glob("fixtures/*/registre.yaml")) + sorted((ROOT / "tests" / "rules").glob("*.yaml"))


def test_rules_lists_every_rule_in_each_format(cli):
    ids = [r.id for r in load_rules()]
    listed = json.loads(cli("rules", "--format", "json").stdout)["rules"]
    assert [r["id"] for r in listed] == ids
    assert all(r["citations"] for r in listed)
    text = cli("rules").stdout
    markdown = cli("rules", "--format", "markdown").stdout
    for rule_id in ids:
        assert rule_id in text and f"`{rule_id}`" in markdown


def test_every_cited_clause_is_quoted():
    known = clauses()
    for rule in load_rules():
        for ref in rule.spec.references.avenant:
            assert ref in known, f"{rule.id} cite {ref}, absent de data/clauses.yaml"


def test_explain_a_rule_quotes_its_clause(cli):
    result = cli("explain", "vd-demande-reponse-tardive")
    assert result.exit_code == 0
    assert "RGPD art. 12(3)" in result.stdout
    # the quoted clause V-d/demandes, whatever the wrapping
    assert "est d'un mois à compter de l'entrée en vigueur du RGPD" in " ".join(result.stdout.split())
    assert "source : document d'origine, ligne" in result.stdout and "ligne(s)" not in result.stdout


def test_explain_a_clause_lists_its_rules(cli):
    result = cli("explain", "v-k")
    assert result.exit_code == 0
    assert "31 décembre 2018" in " ".join(result.stdout.split())
    for rule_id in ("vk-etat-des-lieux-absent", "vk-communication-cnil-absente"):
        assert rule_id in result.stdout


def test_explain_unknown_subject_suggests(cli):
    result = cli("explain", "vk-etat-des-lieux")
    assert result.exit_code == 2
    assert "vk-etat-des-lieux-absent" in result.stderr


@pytest.fixture(scope="module")
def register_schema():
    from click.testing import CliRunner

    from rgpdcheck.cli import main

    schema = json.loads(CliRunner().invoke(main, ["schema"]).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.mark.parametrize("path", REGISTERS, ids=lambda p: p.name)
def test_bundled_registers_satisfy_the_schema(register_schema, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))  # dates as the strings the editor sees
    jsonschema.Draft202012Validator(register_schema).validate(data)


def test_schema_refuses_what_the_loader_refuses(register_schema):
    bad = {"version": 1, "commune": "bruges", "traitements": [{"id": "T-1", "nom": "x", "champ_inconnu": 1}]}
    assert list(jsonschema.Draft202012Validator(register_schema).iter_errors(bad))


def test_validate_command(cli, tmp_path):
    ok = cli("validate", str(BRUGES))
    assert ok.exit_code == 0 and "valide" in ok.stdout
    broken = tmp_path / "registre.yaml"
    broken.write_text(BRUGES.read_text(encoding="utf-8").replace("base_legale: mission_interet_public", "base_legale: mission", 1), encoding="utf-8")
    result = cli("validate", str(broken))
    assert result.exit_code == 2
    assert f"{broken}:" in result.stderr and "base_legale" in result.stderr


# -- baselines -------------------------------------------------------------------------------

def test_baseline_hides_known_findings_and_shows_new_ones(cli, tmp_path):
    baseline = tmp_path / "reference.json"
    written = cli("audit", str(BRUGES), "--write-baseline", str(baseline), "-f", "json")
    assert written.exit_code == 0
    total = len(audit_file(str(BRUGES), None, TODAY).findings)
    assert json.loads(written.stdout)["summary"]["findings"] == total
    again = cli("audit", str(BRUGES), "--baseline", str(baseline), "-f", "json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["findings"] == []
    assert json.loads(again.stdout)["summary"]["baselined"] == total

    # Moving everything down and adding a defect: only the new one is reported.
    text = BRUGES.read_text(encoding="utf-8")
    assert "    procedure_rectification: true\n" in text
    changed = tmp_path / "registre.yaml"
    changed.write_text("# décalé\n\n" + text.replace("    procedure_rectification: true\n", "", 1), encoding="utf-8")
    new = json.loads(cli("audit", str(changed), "--baseline", str(baseline), "-f", "json").stdout)
    assert [f["rule_id"] for f in new["findings"]] == ["va4-rectification-absente"]


@pytest.mark.parametrize("content, message", [
    ("{}", "référence rgpdcheck"),
    ("pas du json", "illisible"),
    ('{"format": "rgpdcheck-baseline/1", "constats": [{"regle": "x"}]}', "entrée n°1"),
])
def test_bad_baseline_is_an_input_error(cli, tmp_path, content, message):
    baseline = tmp_path / "reference.json"
    baseline.write_text(content, encoding="utf-8")
    result = cli("audit", str(BRUGES), "--baseline", str(baseline))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
