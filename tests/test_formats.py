"""Output formats on the bundled fixture: SARIF 2.1.0, JUnit XML, GitHub annotations,
and several --format/--output pairs in one run."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import jsonschema
import pytest
from conftest import ROOT, TODAY
from pydantic import BaseModel
from sarif_pydantic import Sarif

from rgpdcheck.audit import audit_file

BRUGES = ROOT / "fixtures" / "bruges" / "registre.yaml"
# Every format must carry exactly the findings of the audit itself.
FINDINGS = audit_file(str(BRUGES), None, TODAY).findings
WAIVED = ROOT / "tests" / "rules" / "derogation-expiree.yaml"

# sarif-pydantic types the SARIF 2.1.0 objects (required members, types, the level enum)
# but accepts unknown keys (extra="allow"), and it models `result.suppression` where the
# 2.1.0 schema has `result.suppressions` (an array). So the test refuses every key the
# models do not know, except the members below, which it checks itself against §3.35.
SPEC_MEMBERS_MISSING_FROM_MODELS = {("Result", "suppressions")}
SUPPRESSION_KINDS = {"inSource", "external"}
SUPPRESSION_STATUSES = {"accepted", "underReview", "rejected"}


def unknown_keys(model: BaseModel, where: str = "$") -> list[str]:
    found = []
    for key in model.model_extra or {}:
        if (type(model).__name__, key) not in SPEC_MEMBERS_MISSING_FROM_MODELS:
            found.append(f"{where}.{key}")
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name == "properties":  # a property bag holds anything (§3.8)
            continue
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, BaseModel):
                found += unknown_keys(item, f"{where}.{name}[{i}]")
    return found


def check_sarif(text: str) -> dict:
    document = json.loads(text)
    log = Sarif.model_validate(document)
    assert log.version == "2.1.0"
    assert unknown_keys(log) == []
    for result in document["runs"][0]["results"]:
        for suppression in result.get("suppressions", []):
            assert suppression["kind"] in SUPPRESSION_KINDS
            assert suppression.get("status", "accepted") in SUPPRESSION_STATUSES
            assert isinstance(suppression["justification"], str) and suppression["justification"]
    return document


def run_format(cli, fmt: str, path=BRUGES, *extra: str) -> str:
    result = cli("audit", str(path), "--format", fmt, *extra)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_strict_sarif_check_catches_a_misspelt_member(cli):
    document = json.loads(run_format(cli, "sarif"))
    document["runs"][0]["results"][0]["partialFingerprint"] = {"x": "y"}
    with pytest.raises(AssertionError):
        check_sarif(json.dumps(document))


def test_sarif_is_valid_and_every_result_points_inside_the_register(cli):
    document = check_sarif(run_format(cli, "sarif"))
    run = document["runs"][0]
    lines = len(BRUGES.read_text(encoding="utf-8").splitlines())
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(FINDINGS)
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == BRUGES.as_uri()
        assert 1 <= location["region"]["startLine"] <= lines
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["partialFingerprints"]["rgpdcheck/v1"]


def test_sarif_rule_help_quotes_the_clause_and_citations(cli):
    rules = {r["id"]: r for r in check_sarif(run_format(cli, "sarif"))["runs"][0]["tool"]["driver"]["rules"]}
    late = rules["vd-violation-notification-tardive"]
    assert "RGPD art. 33(1)" in late["help"]["text"]
    assert "Le RGPD définit un délai de 72 heures" in late["help"]["text"]
    assert late["defaultConfiguration"]["level"] == "error"


def test_sarif_relative_path_stays_relative(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    document = check_sarif(run_format(cli, "sarif", "fixtures/bruges/registre.yaml"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris == {"fixtures/bruges/registre.yaml"}


def test_sarif_fingerprints_survive_moving_a_treatment(cli, tmp_path):
    text = BRUGES.read_text(encoding="utf-8")
    moved = tmp_path / "registre.yaml"
    # Two blank comment lines above everything shift every line; fingerprints must not move.
    moved.write_text("# déplacé\n# déplacé\n" + text, encoding="utf-8")

    def prints(path):
        results = check_sarif(run_format(cli, "sarif", path))["runs"][0]["results"]
        return sorted((r["ruleId"], r["partialFingerprints"]["rgpdcheck/v1"]) for r in results), \
            sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results)

    (before, lines_before), (after, lines_after) = prints(BRUGES), prints(moved)
    assert before == after
    assert [n + 2 for n in lines_before] == lines_after
    assert len({p for _, p in before}) == len(before)  # one fingerprint per finding


def test_sarif_waived_findings_carry_a_suppression(cli):
    document = check_sarif(run_format(cli, "sarif", WAIVED, "--as-of", "2019-02-01"))
    suppressed = [r for r in document["runs"][0]["results"] if r.get("suppressions")]
    assert {r["ruleId"] for r in suppressed} == {"va4-rectification-absente"}
    assert all("Plan d'action" in r["suppressions"][0]["justification"] for r in suppressed)


def test_junit_one_case_per_rule_and_treatment(cli):
    root = ET.fromstring(run_format(cli, "junit"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    failures = [f for c in cases for f in c.findall("failure")]
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == len(failed)
    assert len(failures) == len(FINDINGS)
    names = {c.get("name") for c in cases}
    assert "va1-base-legale-absente [T-SIECLE]" in names  # a passing case is listed too
    assert "vk-etat-des-lieux-absent [registre]" in names
    assert not any("[T-VIDEO]" in n for n in names)  # set aside by the as-of date
    magnolia = next(c for c in cases if c.get("name") == "vd-demande-reponse-tardive [T-MAGNOLIA]")
    assert "RGPD art. 12(3)" in magnolia.find("failure").text


def test_junit_waived_case_is_skipped(cli):
    root = ET.fromstring(run_format(cli, "junit", WAIVED, "--as-of", "2019-02-01"))
    skipped = [c for c in root.iter("testcase") if c.find("skipped") is not None]
    assert {c.get("name") for c in skipped} == {"va4-rectification-absente [T-1]", "va4-rectification-absente [T-2]"}


def test_github_annotations(cli):
    # a register with fewer findings than GitHub's limits: every finding is annotated
    small = ROOT / "tests" / "rules" / "vc-dpo-non-designe--designe.yaml"
    findings = [f for f in audit_file(str(small), None, TODAY).findings if f.counted]
    output = run_format(cli, "github", small)
    annotations = annotations_of(output)
    assert 0 < len(annotations) == len(findings) <= 10
    assert sum(a.startswith("::error ") for a in annotations) == sum(f.severity == "erreur" for f in findings)
    first = annotations[0]
    assert f"file={small}".replace(":", "%3A") in first or f"file={small}" in first
    assert f"title={findings[0].rule_id}" in first or any(f"title={f.rule_id}" in first for f in findings)
    assert ",line=" in first and "::" in first[2:]
    assert "non annoté" not in output


def test_github_escapes_newlines_and_separators():
    from rgpdcheck.formatters.github import _data, _property

    assert _data("a\nb%") == "a%0Ab%25"
    assert _property("x:y,z") == "x%3Ay%2Cz"


def test_several_formats_in_one_run(cli, tmp_path):
    sarif, junit = tmp_path / "r.sarif", tmp_path / "r.xml"
    result = cli("audit", str(BRUGES), "-f", "sarif", "-o", str(sarif), "-f", "junit", "-o", str(junit), "-f", "text")
    assert result.exit_code == 1
    check_sarif(sarif.read_text(encoding="utf-8"))
    ET.fromstring(junit.read_text(encoding="utf-8"))
    assert "constat(s)" in result.stdout
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary file


@pytest.mark.parametrize("args, message", [
    (["-f", "json", "-o", "a.json", "-o", "b.json"], "plus de --output"),
    (["-f", "json", "-f", "sarif"], "un seul format"),
])
def test_bad_format_output_pairs_are_usage_errors(cli, args, message):
    result = cli("audit", str(BRUGES), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_output_never_overwrites_an_audited_register(cli, tmp_path):
    register = tmp_path / "registre.yaml"
    register.write_bytes(BRUGES.read_bytes())
    result = cli("audit", str(register), "-f", "json", "-o", str(register))
    assert result.exit_code == 2
    assert "fichier audité" in result.stderr
    assert register.read_bytes() == BRUGES.read_bytes()


# --- SARIF against the official schema, with a path a URI must encode -------------------------

SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BUNDLED = sorted((ROOT / "fixtures").glob("*/registre.yaml"))
AWKWARD = "mes registres/é/registre.yaml"  # a space and an accent, as a DPO's folders have


def official_sarif_errors(document: dict) -> list[str]:
    checker = jsonschema.FormatChecker()
    assert "uri-reference" in checker.checkers  # else the format is silently not checked
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=checker)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_official_schema_check_catches_an_unencoded_uri(cli):
    document = json.loads(run_format(cli, "sarif"))
    document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = AWKWARD
    assert any("uri-reference" in e for e in official_sarif_errors(document))


@pytest.mark.parametrize("register", BUNDLED, ids=lambda p: p.parent.name)
def test_sarif_of_every_bundled_register_is_valid_against_the_official_schema(register, cli, tmp_path, monkeypatch):
    target = tmp_path / AWKWARD
    target.parent.mkdir(parents=True)
    shutil.copy(register, target)
    monkeypatch.chdir(tmp_path)
    document = json.loads(run_format(cli, "sarif", AWKWARD))
    assert official_sarif_errors(document) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris <= {"mes%20registres/%C3%A9/registre.yaml"}
    assert document["runs"][0]["properties"]["registres"][0]["fichier"] == "mes%20registres/%C3%A9/registre.yaml"
    assert {unquote(u) for u in uris} <= {AWKWARD}


def test_sarif_absolute_path_is_a_file_uri(cli, tmp_path):
    target = tmp_path / AWKWARD
    target.parent.mkdir(parents=True)
    shutil.copy(BRUGES, target)
    document = json.loads(run_format(cli, "sarif", str(target)))
    assert official_sarif_errors(document) == []
    uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == target.as_uri() and uri.endswith("/mes%20registres/%C3%A9/registre.yaml")


# --- GitHub: GitHub's limits, and the full list in the step summary ----------------------------

def annotations_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("::")]


def test_github_most_severe_first_within_githubs_limits(cli):
    from rgpdcheck.formatters.github import MAX_PER_TYPE

    counted = [f for f in FINDINGS if f.counted]
    assert sum(f.severity == "erreur" for f in counted) > MAX_PER_TYPE  # Bruges makes more than GitHub shows
    output = run_format(cli, "github")
    annotations = annotations_of(output)
    kinds = [a[2:].split(" ", 1)[0] for a in annotations]
    for kind, severity in (("error", "erreur"), ("warning", "avertissement"), ("notice", "info")):
        assert kinds.count(kind) == min(MAX_PER_TYPE, sum(f.severity == severity for f in counted))
    assert kinds == sorted(kinds, key=["error", "warning", "notice"].index)  # the most severe first
    errors = [a for a in annotations if a.startswith("::error ")]
    first_lines = sorted(f.line for f in counted if f.severity == "erreur")[:MAX_PER_TYPE]
    assert [int(a.split(",line=")[1].split(",")[0]) for a in errors] == first_lines
    left_out = len(counted) - len(annotations)
    assert f"{left_out} constats non annotés" in output
    assert "constat(s)" not in output and f"{len(counted)} constats : " in output


def test_github_step_summary_is_appended_with_every_finding(cli, tmp_path, monkeypatch):
    summary_file = tmp_path / "summary.md"
    summary_file.write_text("## étape précédente\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))
    output = run_format(cli, "github")
    run_format(cli, "github")
    text = summary_file.read_text(encoding="utf-8")
    assert text.startswith("## étape précédente\n")  # appended, never replaced
    assert text.count("## Audit RGPD (rgpdcheck)") == 2
    first = text.split("## Audit RGPD (rgpdcheck)")[1]
    rows = [line for line in first.splitlines() if line.startswith("| ") and not line.startswith("| gravité")]
    counted = [f for f in FINDINGS if f.counted]
    assert len(rows) == len(counted)
    severities = [row.split(" | ")[0].strip("| ") for row in rows]
    assert severities == sorted(severities, key=["erreur", "avertissement", "info"].index)
    late = next(f for f in counted if f.rule_id == "vd-violation-notification-tardive")
    assert any(f"| {late.line} | `vd-violation-notification-tardive` |" in row for row in rows)
    assert "la liste complète est dans le résumé de l'étape" in output


def test_github_without_step_summary_says_where_the_full_list_is(cli):
    assert "--format text" in run_format(cli, "github")


def test_github_unwritable_step_summary_is_a_warning_not_a_crash(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "absent" / "summary.md"))
    result = cli("audit", str(BRUGES), "--format", "github")
    assert result.exit_code == 1
    assert "impossible d'écrire le résumé de l'étape" in result.stderr and "Traceback" not in result.stderr
    assert annotations_of(result.stdout)
