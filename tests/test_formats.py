"""Output formats on the bundled fixture: SARIF 2.1.0, JUnit XML, GitHub annotations,
and several --format/--output pairs in one run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

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
    lines = run_format(cli, "github").splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert len(annotations) == len(FINDINGS)
    assert sum(a.startswith("::error ") for a in annotations) == sum(f.severity == "erreur" for f in FINDINGS)
    tardive = next(a for a in annotations if "title=vd-violation-notification-tardive" in a)
    assert f"file={BRUGES}".replace(":", "%3A") in tardive or f"file={BRUGES}" in tardive
    assert ",line=" in tardive and "::" in tardive[2:]
    assert "\n" not in tardive


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
