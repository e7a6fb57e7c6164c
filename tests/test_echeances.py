"""`rgpdcheck echeances`: annotated registers per deadline rule (tests/echeances/), the
same deadline as the audit rules, ordering, formats and exit codes."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TODAY
from hypothesis import given
from hypothesis import strategies as st
from strategies import registers
from test_rule_fixtures import annotations

from rgpdcheck.audit import audit_register
from rgpdcheck.echeances import upcoming
from rgpdcheck.loader import load_document, parse_document
from rgpdcheck.rulebook import load as load_rules
from rgpdcheck.validate import validate

FIXTURES = Path(__file__).parent / "echeances"
RULES = load_rules("echeance")
AUDIT_RULES = load_rules()
AUDIT_IDS = {r.id for r in AUDIT_RULES}
WITHIN = re.compile(r"^# echeances-within: (\d+)$", re.MULTILINE)


def register_of(path: Path, as_of: date | None = None):
    return validate(load_document(str(path)), as_of, TODAY, AUDIT_IDS)


def test_every_deadline_rule_is_shown_firing_and_silent():
    for rule in RULES:
        kinds = {kind for p in FIXTURES.glob(f"{rule.id}*.yaml") for kind, lines in
                 annotations(p).get(rule.id, {}).items() if lines}
        assert kinds == {"ruleid", "ok"}, rule.id


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_annotated_register(path):
    rule_id = path.stem.split("--")[0]
    text = path.read_text(encoding="utf-8")
    within = int(m[1]) if (m := WITHIN.search(text)) else 30
    expected = annotations(path)[rule_id]
    fired = {d.finding.line for d in upcoming(register_of(path), within, RULES) if d.finding.rule_id == rule_id}
    assert fired == expected["ruleid"]
    assert not fired & expected["ok"]


def test_soonest_first_with_days_left_and_overdue():
    found = upcoming(register_of(FIXTURES / "echeance-demande-reponse.yaml"), 30, RULES)
    assert [(d.finding.subject, d.due, d.days_left, d.overdue) for d in found] == [
        # received 2019-01-10: one calendar month, to Sunday 2019-02-10, so Monday the 11th; passed
        ("demande:E-2", "2019-02-11", -18, True),
        ("demande:E-1", "2019-03-20", 19, False),  # received 2019-02-20
    ]


def test_a_valid_extension_moves_the_due_date_by_two_months():
    found = {d.finding.subject: d for d in upcoming(register_of(FIXTURES / "echeance-demande-reponse.yaml"), 60, RULES)}
    # received 2019-01-20, extension notified within the month: three months, to Saturday
    # 2019-04-20; Monday the 22nd is Easter Monday, so Tuesday the 23rd (Regulation 1182/71 art. 3(4))
    assert found["demande:E-5"].due == "2019-04-23"
    assert found["demande:E-2"].due == "2019-02-11"


@given(registers(), st.integers(0, 400))
def test_an_overdue_deadline_is_exactly_what_the_audit_reports(data, days_later):
    """The same deadline logic: on any register and any date, a request whose deadline is
    listed as overdue is the one the audit reports unanswered, and a breach overdue here is
    one the audit reports not notified."""
    text = yaml.safe_dump(data, allow_unicode=True)
    as_of = data["date_reference"] + timedelta(days=days_later)
    register = validate(parse_document(text, "registre.yaml"), as_of, TODAY, AUDIT_IDS)
    deadlines = upcoming(register, 0, RULES)
    audit = audit_register(register, AUDIT_RULES)
    unanswered = {f.subject for f in audit.findings if f.rule_id == "vd-demande-sans-reponse"}
    overdue = {d.finding.subject for d in deadlines if d.overdue and d.finding.rule_id == "echeance-demande-reponse"}
    assert overdue == unanswered
    late = {f.subject for f in audit.findings if f.rule_id == "vd-violation-non-notifiee"}
    listed = {d.finding.subject for d in deadlines if d.finding.rule_id == "echeance-violation-notification"}
    assert {d.finding.subject for d in deadlines if d.overdue and d.finding.rule_id == "echeance-violation-notification"} <= late
    assert late <= listed


def test_cli_text_json_and_exit_codes(cli):
    path = str(FIXTURES / "echeance-demande-reponse.yaml")
    result = cli("echeances", path)
    assert result.exit_code == 1  # one deadline already passed
    assert "dépassée de 18 j" in result.output and "dans 19 j" in result.output
    data = json.loads(cli("echeances", path, "--format", "json").output)
    assert data["within_days"] == 30 and data["as_of"] == "2019-03-01"
    assert [d["status"] for d in data["deadlines"]][:2] == ["depassee", "a_venir"]
    none = cli("echeances", str(ROOT / "fixtures" / "conforme" / "registre.yaml"))
    assert none.exit_code == 0 and "Aucune échéance" in none.output


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github", "html"])
def test_cli_other_formats(cli, fmt):
    result = cli("echeances", str(FIXTURES / "echeance-demande-reponse.yaml"), "--format", fmt)
    assert result.exit_code == 1
    # the due date leads the message, in French (the JSON keeps it ISO in `due`)
    assert "11 février 2019" in result.output and "echeance-demande-reponse" in result.output


def test_cli_bad_input(cli, tmp_path):
    bad = tmp_path / "registre.yaml"
    bad.write_text("version: 1\ncommune: bruges\ntraitements: 3\n", encoding="utf-8")
    result = cli("echeances", str(bad))
    assert result.exit_code == 2 and f"{bad}:3" in result.stderr


def test_many_deadline_evaluations_in_one_process_do_not_crash_the_engine():
    """durable_rules 2.0.28 crashed CI (segmentation fault in assert_facts) on deadline
    rules: when the last join of an `$and` is false, it reads past the rule's expressions
    (docs/engine.md, engine._guard_joins). This loop of echeance-effacement-information-commune
    alone crashed every time with the package installed, before the guard. It runs in a
    child process: a crash must fail this test, not kill the test run."""
    import os
    import subprocess
    import sys

    import rgpdcheck

    script = (
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from rgpdcheck.echeances import upcoming\n"
        "from rgpdcheck.loader import load_document\n"
        "from rgpdcheck.rulebook import load as load_rules\n"
        "from rgpdcheck.validate import validate\n"
        "rules = tuple(r for r in load_rules('echeance') if r.id == 'echeance-effacement-information-commune')\n"
        "ids = {r.id for r in load_rules()}\n"
        f"files = sorted(Path({str(FIXTURES)!r}).glob('*.yaml'))\n"
        "for _ in range(20):\n"
        "    for f in files:\n"
        "        upcoming(validate(load_document(str(f)), None, date(2026, 1, 1), ids), 30, rules)\n"
        "print('ok')\n"
    )
    for seed in ("1", "6"):
        # the child imports the same rgpdcheck as this test (installed in CI, src/ here)
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(rgpdcheck.__file__).parents[1])}
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
        assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-1500:]
