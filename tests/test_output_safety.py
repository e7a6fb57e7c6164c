"""Each output format keeps its promise against hostile register texts: no terminal escape
in text and github output, well-formed JUnit XML, no formula in an export."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from rgpdcheck.sanitize import csv_cell, terminal_safe, xml_safe

# YAML double-quoted escapes put any character in a value: ESC, OSC (set the window title),
# BEL, a C1 CSI, a bidi override, a backspace, a carriage return.
HOSTILE = r'"Cantine\e]0;pirate\a\e[2J\x9b31m\u202eR\b\rX"'
REGISTER = f"""version: 1
commune: bruges
date_reference: 2019-03-01
traitements:
  - id: T-1
    nom: {HOSTILE}
    finalites: ["=HYPERLINK(\\"http://x\\",\\"clic\\")", "+33 5 56", "-2+3", "@SUM(A1)", "\\tcmd"]
  - id: T-2
    nom: "=1+1"
    base_legale: contrat
evenements:
  - type: demande_droit
    traitement: T-1
    recue_le: 2018-12-01
"""
RAW_CONTROLS = [chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]] + ["\u202e"]


@pytest.fixture
def register(tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text(REGISTER, encoding="utf-8")
    return str(path)


def _no_raw_control(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in RAW_CONTROLS})
    assert found == [], found


@pytest.mark.parametrize("args", [["audit", "{r}"], ["audit", "{r}", "-f", "github"], ["echeances", "{r}", "--within", "400"],
                                  ["liability", "{r}", "-t", "T-1"]], ids=lambda a: " ".join(a[:1] + a[2:]))
def test_no_terminal_escape_reaches_a_text_output(cli, register, args):
    result = cli(*(a.format(r=register) for a in args))
    assert result.exit_code in (0, 1), result.output
    _no_raw_control(result.stdout)
    if args[0] != "echeances":  # (its report does not quote the treatment's name)
        assert "Cantine\\x1b]0;pirate\\x07" in result.stdout and "\\x9b31m\\u202e" in result.stdout


def test_junit_is_well_formed_whatever_the_names_hold(cli, register, tmp_path):
    report = tmp_path / "r.xml"
    assert cli("audit", register, "-f", "junit", "-o", str(report)).exit_code == 1
    root = ET.fromstring(report.read_bytes())  # raises on a control character
    assert any("Cantine\\x1b]0;pirate" in (f.get("message") or "") for f in root.iter("failure"))


def test_an_export_holds_no_formula(cli, register):
    result = cli("export", register)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=1+1" in cells
    assert any(c.startswith("'=HYPERLINK") for c in cells) or any("'=HYPERLINK" in c for c in cells)


def test_an_input_error_quoting_a_hostile_value_is_escaped(cli, tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text('version: 1\ncommune: bruges\ntraitements:\n  - id: T-1\n    nom: A\n    base_legale: "\\e]0;x\\a"\n',
                    encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 2
    _no_raw_control(result.stderr)
    assert "\\x1b]0;x\\x07" in result.stderr


def test_the_rules_themselves():
    assert terminal_safe("a\tb\nc\x1bd\x7f\x85\u2066") == "a\tb\nc\\x1bd\\x7f\\x85\\u2066"
    assert xml_safe("<a b='\x01'>\x0c</a>") == "<a b='\\x01'>\\x0c</a>"
    assert [csv_cell(v) for v in ["=A1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "", 3]] == [
        "'=A1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "a=b", "", 3]


def test_validate_and_import_summaries_quote_texts_escaped(cli, register, tmp_path):
    hostile = tmp_path / "contrat.yaml"
    hostile.write_text('version: 1\ncommune: villeneuve\ncontrat: {date_effet: 2019-01-01, violations_confiees_metropole: false, '
                       'dpo_mutualise: false, nom: "V\\e]0;x\\a"}\n',
                       encoding="utf-8")
    result = cli("validate", str(hostile))
    assert result.exit_code == 0, result.output
    _no_raw_control(result.stdout)
    assert "V\\x1b]0;x\\x07" in result.stdout
    table = tmp_path / "t.csv"
    table.write_text("Nom du traitement;Base légale;Colonne\x1b[2J;Finalités\n"
                     "Cantine;\x1b]0;y\x07;\"Repas\u2028scolaires\"\n", encoding="utf-8")
    result = cli("import", str(table), "--commune", "bruges", "-o", str(tmp_path / "r.yaml"))
    assert result.exit_code == 0, result.output
    _no_raw_control(result.stderr)
    assert "« \\x1b]0 »" in result.stderr and "Colonne\\x1b[2J" in result.stderr  # (`;` split the cell)
    draft = (tmp_path / "r.yaml").read_text(encoding="utf-8")
    _no_raw_control(draft)  # the draft's comments quote the cells escaped: it stays a valid register
