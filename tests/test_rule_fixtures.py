"""Every rule has annotated registers in tests/rules/<rule-id>.yaml (semgrep style).

A register-wide rule needs two registers to show firing and not firing: more files
may be named `<rule-id>--<case>.yaml`.

`# ruleid: <id>` before a line: the audit must report rule <id> at that line.
`# ok: <id>` before a line: it must not. And the rule must report nothing else in the
file, so a rule that starts firing on a compliant twin fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TODAY

from rgpdcheck.rulebook import load as load_rules

FIXTURES = Path(__file__).parent / "rules"
ANNOTATION = re.compile(r"^\s*#\s*(ruleid|ok):\s*([a-z0-9-]+)\s*$")
RULE_IDS = [r.id for r in load_rules()]


def annotations(path: Path) -> dict[str, dict[str, set[int]]]:
    """{rule id: {"ruleid": lines, "ok": lines}}, each line the next non-comment line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: dict[str, dict[str, set[int]]] = {}
    for number, text in enumerate(lines, 1):
        match = ANNOTATION.match(text)
        if not match:
            continue
        target = next(n for n in range(number + 1, len(lines) + 1)
                      if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#"))
        out.setdefault(match[2], {"ruleid": set(), "ok": set()})[match[1]].add(target)
    return out


def files_of(rule_id: str) -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.yaml") if p.stem.split("--")[0] == rule_id)


def test_every_rule_has_a_fixture():
    missing = [rid for rid in RULE_IDS if not (FIXTURES / f"{rid}.yaml").exists()]
    assert not missing, f"rules without tests/rules/<id>.yaml: {missing}"


def test_every_fixture_names_a_rule():
    assert {p.stem.split("--")[0] for p in FIXTURES.glob("*.yaml")} == set(RULE_IDS)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_is_shown_firing_and_silent(rule_id):
    kinds = {kind for path in files_of(rule_id) for kind, lines in annotations(path).get(rule_id, {}).items() if lines}
    assert "ruleid" in kinds, f"{rule_id}: no `# ruleid:` case (the rule is never shown firing)"
    assert "ok" in kinds, f"{rule_id}: no `# ok:` case (the rule is never shown silent)"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_annotated_register(path):
    from rgpdcheck.audit import audit_file

    rule_id = path.stem.split("--")[0]
    expected = annotations(path)
    assert rule_id in expected, f"{path} has no annotation for {rule_id}"
    result = audit_file(str(path), None, TODAY)
    for rid, lines in expected.items():
        fired = {f.line for f in result.findings if f.rule_id == rid}
        missed = sorted(lines["ruleid"] - fired)
        assert not missed, f"{rid} should fire at lines {missed} of {path.name}"
        wrong = sorted(lines["ok"] & fired)
        assert not wrong, f"{rid} fired at lines {wrong} of {path.name}, annotated ok"
        if rid == rule_id:
            unexpected = sorted(fired - lines["ruleid"])
            assert not unexpected, f"{rid} fired at unannotated lines {unexpected} of {path.name}"
