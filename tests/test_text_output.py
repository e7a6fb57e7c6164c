"""The text output fits the terminal: no line wider than COLUMNS (80 at least), one block per
finding under its treatment's name; `parsable` is one `fichier:ligne:` line per finding."""

from __future__ import annotations

import pytest
from conftest import ROOT

from rgpdcheck.audit import audit_file
from rgpdcheck.grouping import split
from rgpdcheck.rulebook import load as load_rules

REGISTERS = sorted(ROOT.glob("fixtures/*/registre.yaml"))


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("path", REGISTERS, ids=lambda p: p.parent.name)
def test_no_line_exceeds_the_terminal_width(cli, monkeypatch, path, width):
    monkeypatch.setenv("COLUMNS", str(width))
    for command in (["audit", str(path)], ["echeances", str(path), "--within", "400"]):
        output = cli(*command).stdout
        assert output.strip()
        too_wide = [line for line in output.splitlines() if len(line) > width]
        assert too_wide == [], f"{command[0]}: {len(too_wide)} lines over {width} columns: {too_wide[:2]}"


def test_narrow_terminals_get_80_columns(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    output = cli("audit", str(ROOT / "fixtures" / "bruges" / "registre.yaml")).stdout
    assert max(len(line) for line in output.splitlines()) > 60  # not squeezed to 40
    assert max(len(line) for line in output.splitlines()) <= 80


def test_findings_are_grouped_under_the_treatment_s_name(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    path = ROOT / "fixtures" / "bruges" / "registre.yaml"
    output = cli("audit", str(path)).stdout
    result = audit_file(str(path), None, __import__("conftest").TODAY)
    groups, singles = split(result.findings, {r.id: r for r in load_rules()})
    for tid, name in result.treatment_names:
        if any(f.treatment == tid and f.counted for f in singles):
            assert f"Traitement {tid} « {name} »" in output
    counted = [f for f in result.findings if f.counted]
    # one block per finding, but one for all the treatments a grouped finding is on
    assert groups and output.count("Références : ") == len([f for f in singles if f.counted]) + len(groups)
    assert sum(len(g.items) for g in groups) + len([f for f in singles if f.counted]) == len(counted)
    for g in groups:
        assert f"{g.severity} · {g.rule_id} · {len(g.items)} traitements" in output
    assert f"{len(counted)} constats : " in output and "(s)" not in output.splitlines()[-2]


def test_parsable_is_one_line_per_finding(cli):
    path = ROOT / "fixtures" / "bruges" / "registre.yaml"
    lines = cli("audit", "-f", "parsable", str(path)).stdout.splitlines()
    result = audit_file(str(path), None, __import__("conftest").TODAY)
    counted = [f for f in result.findings if f.counted]
    assert len(lines) == len(counted)
    for line, finding in zip(lines, counted, strict=True):
        assert line.startswith(f"{path}:{finding.line}: {finding.severity} {finding.rule_id} ")
