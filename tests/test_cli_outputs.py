"""`-f/--format` and `-o/--output` on every command that prints a result; explain in JSON."""

from __future__ import annotations

import json

import click
import pytest
from conftest import ROOT

from rgpdcheck.cli import main
from rgpdcheck.rulebook import load as load_rules

BRUGES = str(ROOT / "fixtures" / "bruges" / "registre.yaml")
# validate's result is its exit code and, on failure, the input errors on stderr; import's
# output is the draft register it creates (--output, required). Every other command prints
# a result a script may want as data or in a file.
NOT_REPORTS = {"validate", "import"}


def _option_names(command: click.Command) -> set[str]:
    return {name for p in command.params if isinstance(p, click.Option) for name in p.opts}


@pytest.mark.parametrize("name", sorted(set(main.commands) - NOT_REPORTS))
def test_every_command_that_prints_a_result_has_format_and_output(name):
    assert {"-f", "--format", "-o", "--output"} <= _option_names(main.commands[name])


def test_the_exceptions_are_still_commands():
    assert NOT_REPORTS <= set(main.commands)


@pytest.mark.parametrize("args", [["rules"], ["explain", "vd-violation-notification-tardive"],
                                  ["explain", "Avenant V-d (violations)"], ["schema"], ["schema", "--draft", "7"],
                                  ["liability", BRUGES, "-t", "T-MAGNOLIA"], ["echeances", BRUGES, "--within", "1a"]])
def test_output_file_holds_what_stdout_shows(cli, tmp_path, args):
    target = tmp_path / "sortie.txt"
    printed = cli(*args)
    written = cli(*args, "-o", str(target))
    assert printed.exit_code == written.exit_code and printed.exit_code in (0, 1)
    assert written.stdout == ""
    assert target.read_text(encoding="utf-8") == printed.stdout != ""


def test_schema_to_a_file_is_the_json_schema(cli, tmp_path):
    target = tmp_path / "registre.schema.json"
    assert cli("schema", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["$schema"].startswith("https://json-schema.org/")


def test_explain_a_rule_in_json(cli):
    rule_id = "vd-violation-notification-tardive"
    data = json.loads(cli("explain", rule_id, "-f", "json").stdout)
    rule = next(r for r in load_rules("audit") if r.id == rule_id)
    assert data["kind"] == "rule"
    assert data["rule"]["id"] == rule_id and data["rule"]["severity"] == rule.spec.severite
    assert data["rule"]["citations"] == rule.citations()
    assert {c["id"] for c in data["clauses"]} <= set(rule.spec.references.avenant)
    assert data["clauses"] and all(c["text"].strip() for c in data["clauses"])
    cases = [case["attendu"] for example in data["examples"] for case in example["cas"]]
    assert "constat" in cases and "aucun" in cases  # the annotated example, firing and silent


def test_explain_a_clause_and_an_article_in_json(cli):
    clause = json.loads(cli("explain", "Avenant V-d (violations)", "-f", "json").stdout)
    assert clause["kind"] == "clause" and clause["clause"]["id"] == "V-d/violations"
    assert "vd-violation-notification-tardive" in {r["id"] for r in clause["rules"]}
    article = json.loads(cli("explain", "RGPD art. 33", "-f", "json").stdout)
    assert article["kind"] == "article" and article["article"] == "33"
    assert article["rules"] and all(any(c.startswith("art. 33") or c.startswith("33") for c in r["cited"])
                                    for r in article["rules"])


def test_explain_unknown_subject_in_json_is_the_same_french_error(cli):
    text, data = cli("explain", "nimporte-quoi"), cli("explain", "nimporte-quoi", "-f", "json")
    assert text.exit_code == data.exit_code == 2
    assert data.stdout == "" and data.stderr == text.stderr and "n'est ni une règle" in data.stderr
