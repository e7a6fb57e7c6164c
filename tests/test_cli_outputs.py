"""`-f/--format` and `-o/--output` on every command that prints a result; explain in JSON."""

from __future__ import annotations

import json

import click
import pytest
from conftest import ROOT

from rgpdcheck.cli import main
from rgpdcheck.rulebook import load as load_rules

BRUGES = str(ROOT / "fixtures" / "bruges" / "registre.yaml")
# import's output is the draft register it creates (--output, required, never replaced).
# Every other command prints a result a script may want as data or in a file.
NOT_REPORTS = {"import"}


def _option_names(command: click.Command) -> set[str]:
    return {name for p in command.params if isinstance(p, click.Option) for name in p.opts}


@pytest.mark.parametrize("name", sorted(set(main.commands) - NOT_REPORTS))
def test_every_command_that_prints_a_result_has_format_and_output(name):
    assert {"-f", "--format", "-o", "--output"} <= _option_names(main.commands[name])


def test_the_exceptions_are_still_commands():
    assert NOT_REPORTS <= set(main.commands)


@pytest.mark.parametrize("args", [["rules"], ["explain", "vd-violation-notification-tardive"],
                                  ["explain", "Avenant V-d (violations)"], ["schema"], ["schema", "--draft", "7"],
                                  ["liability", BRUGES, "-t", "T-MAGNOLIA"], ["echeances", BRUGES, "--within", "1a"],
                                  ["validate", BRUGES], ["validate", BRUGES, "-f", "json"]])
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
    assert article["rules"] and all(any(c.startswith(("art. 33", "33")) for c in r["cited"])
                                    for r in article["rules"])


def test_explain_unknown_subject_in_json_is_the_same_french_error(cli):
    text, data = cli("explain", "nimporte-quoi"), cli("explain", "nimporte-quoi", "-f", "json")
    assert text.exit_code == data.exit_code == 2
    assert data.stdout == "" and data.stderr == text.stderr and "n'est ni une règle" in data.stderr


def test_validate_in_json_lists_each_file_and_its_errors(cli, tmp_path):
    broken = tmp_path / "registre.yaml"
    broken.write_text("version: 1\ncommune: bruges\ndate_reference: 2018-02-30\ntraitements: []\n", encoding="utf-8")
    result = cli("validate", BRUGES, str(broken), "-f", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["valid"] is False
    good, bad = data["files"]
    assert good["file"] == BRUGES and good["valid"] is True and good["commune"] == "bruges" and good["treatments"] > 0
    assert bad["valid"] is False and bad["errors"][0]["line"] == 3 and "date_reference" in bad["errors"][0]["message"]
    assert f"{broken}:3: " in result.stderr  # the errors stay on stderr too, for a CI log
    assert json.loads(cli("validate", BRUGES, "-f", "json").stdout)["valid"] is True


def _readme_usage_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Utilisation", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.startswith("rgpdcheck ")]


@pytest.mark.parametrize("command", _readme_usage_commands())
def test_the_readme_s_commands_work_as_written(cli, tmp_path, monkeypatch, command):
    """Each command of the README's « Utilisation », run on the Bruges register (and on a
    folder of communes, a spreadsheet to import) as a shell would: no usage error."""
    import glob
    import shlex
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copy(BRUGES, tmp_path / "registre.yaml")
    for commune in ("bruges", "bruges-bis"):
        (tmp_path / "communes" / commune).mkdir(parents=True)
        shutil.copy(BRUGES, tmp_path / "communes" / commune / "registre.yaml")
    args = [expanded for arg in shlex.split(command)[1:] for expanded in (sorted(glob.glob(arg)) or [arg])]
    if ">" in args:
        args = args[:args.index(">")]
    if args[0] == "import":  # the DPO's spreadsheet: Bruges exported; the draft must not exist yet
        assert cli("export", "registre.yaml", "-o", args[1]).exit_code == 0
        (tmp_path / "registre.yaml").unlink()
    result = cli(*args)
    assert result.exit_code in (0, 1), result.stderr
    assert "Utilisation :" not in result.stderr


def test_errors_on_a_target_name_the_option_that_gave_it(cli, tmp_path):
    import shutil

    register = tmp_path / "registre.yaml"
    shutil.copy(BRUGES, register)
    before = register.read_bytes()
    result = cli("audit", str(register), "--write-baseline", str(register))
    assert result.exit_code == 2 and register.read_bytes() == before
    assert "--write-baseline désigne un fichier audité" in result.stderr and "--output" not in result.stderr
    assert "--output désigne un fichier audité" in cli("audit", str(register), "-o", str(register)).stderr
    same = tmp_path / "sortie.json"
    result = cli("audit", str(register), "-f", "json", "-o", str(same), "--write-baseline", str(same))
    assert result.exit_code == 2 and "--write-baseline : ce fichier reçoit déjà une autre sortie" in result.stderr
