"""The steps of docs/regles.md's checklist that no other test checks: a register key the
reference does not document or the strategies never generate, a family missing from the
report's order, an operator the language reference does not describe."""

from __future__ import annotations

import ast
import io
import re
import tokenize

import pytest
from conftest import ROOT

from rgpdcheck import condition, rulebook, schema
from rgpdcheck.errors import RuleFileError
from rgpdcheck.formatters.html import FAMILY_ORDER

# Register keys the strategies leave out on purpose, with why.
NOT_GENERATED = {
    "application": "free text, read by no rule",
    "editeur": "free text, read by no rule",
    "commentaire": "free text, read by no rule",
    "support": "free text, read by no rule",
    "point_de_depart": "free text, read by no rule",
    "phase": "read by no rule (the steps are dated events)",
    "public": "free text, read by no rule",
    "participants": "a count read by no rule",
    "documents": "only counted; the notification's date is what rules read",
    "avenant": "contract block: generated registers use the communes' own parameters",
    "date_effet": "contract block: generated registers use the communes' own parameters",
    "violations_confiees_metropole": "contract block: generated registers use the communes' own parameters",
    "dpo_mutualise": "contract block: generated registers use the communes' own parameters",
    "duree": "written as the short form `duree_conservation: P3Y`",
}


def register_keys() -> set[str]:
    """Every key of the register format (every field of every model schema.py documents)."""
    return {name for cls in schema.models().values() for name in cls.model_fields}


def test_every_register_key_is_documented():
    text = (ROOT / "docs" / "registre.md").read_text(encoding="utf-8")
    missing = sorted(k for k in register_keys() if not re.search(rf"\b{re.escape(k)}\b", text))
    assert missing == [], f"docs/registre.md ne documente pas : {missing}"


STRATEGIES = ROOT / "tests" / "strategies.py"


def string_literals(source: str) -> set[str]:
    """The string literals of a Python source: a name in a comment or inside a docstring's
    sentence is not a key the strategies write."""
    out = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            try:
                value = ast.literal_eval(token.string)
            except ValueError:  # an f-string (a STRING token before Python 3.12)
                continue
            if isinstance(value, str):
                out.add(value)
    return out


def test_string_literals_leave_comments_and_sentences_out():
    source = '# "phase" is not generated\nx = {"statut": "clos"}  # "public"\n"""Writes "support"."""\ny = f"{x}"\n'
    assert string_literals(source) == {"statut", "clos", 'Writes "support".'}


def test_every_register_key_is_generated_by_the_strategies():
    literals = string_literals(STRATEGIES.read_text(encoding="utf-8"))
    missing = sorted(k for k in register_keys() - set(NOT_GENERATED) if k not in literals)
    assert missing == [], f"tests/strategies.py never writes {missing}: generate them or list them in NOT_GENERATED"
    assert set(NOT_GENERATED) <= register_keys(), "NOT_GENERATED names a key the models no longer have"


# A fact field compared to a text value reads the register key of the same name, except:
FACT_TO_REGISTER = {
    ("traitement", "role_metropole"): "role_declare",  # metropole.role_declare
    ("etape", "etape"): "type",  # the step is the event's type
    ("finalite", "texte"): "finalites",  # one fact per purpose, compared without accents
}
# Fields whose compared values are not register values, with why.
NOT_REGISTER_VALUES = {
    ("dpo", "designe"): "computed (present/absent at the audit date) from designe_le",
    ("traitement", "responsable_type"): "the type of the treatment's responsable (an actor's type, or the commune's "
                                        "or the métropole's): the strategies never set responsable, each treatment "
                                        "is the commune's; the rules reading it are exercised by tests/rules only",
    ("mesure", "nature"): "computed from the words of a measure (facts.py); the strategies write « chiffrement »",
}
# Fields compared to a list of accepted wordings: one of them generated exercises the rule.
ONE_OF = {
    ("finalite", "texte"): "vague purposes the rule knows; the strategies write two of them",
}
ENCODINGS = {"oui", "non", "absent"}  # how facts carry booleans and absent values


def compared_values() -> dict[tuple[str, str], dict[str, set[str]]]:
    """{(fact kind, field): {text value: ids of the audit rules comparing the field to it}},
    read from the compiled conditions (joins, `$m` and numbers left out)."""
    out: dict[tuple[str, str], dict[str, set[str]]] = {}

    def walk(kind: str, expression, rule_id: str) -> None:
        if isinstance(expression, list):
            for item in expression:
                walk(kind, item, rule_id)
            return
        for key, value in expression.items():
            if key.startswith("$"):
                walk(kind, value, rule_id)
            elif isinstance(value, str) and key != "kind":
                out.setdefault((kind, key), {}).setdefault(value, set()).add(rule_id)

    for rule in rulebook.load("audit"):
        for pattern in rule.condition.patterns:
            (expression,) = pattern.durable.values()
            walk(pattern.kind, expression, rule.id)
    return out


def generated_values(source: str) -> dict[str, set[str]]:
    """{register key: the text values the strategies may write for it}: the string constants
    of the expression each dict literal gives the key, following the names it uses."""
    tree = ast.parse(source)
    assigned: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)

    def strings(node: ast.AST, seen: frozenset[str] = frozenset()) -> set[str]:
        out = set()
        for inner in ast.walk(node):
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                out.add(inner.value)
            elif isinstance(inner, ast.Name) and inner.id in assigned and inner.id not in seen:
                for value in assigned[inner.id]:
                    out |= strings(value, seen | {inner.id})
        return out

    keys: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.setdefault(key.value, set()).update(strings(value))
    return keys


def test_generated_values_follow_the_names_a_key_is_given():
    source = 'STEPS = ["a", "b"]\ndef f(draw):\n    step = draw(STEPS)\n    return {"type": step, "x": "c"}  # "z"\n'
    assert generated_values(source) == {"type": {"a", "b"}, "x": {"c"}}


def test_every_value_an_audit_rule_compares_is_generated_by_the_strategies():
    """A rule comparing a field to a value the strategies never write (`garantie:
    derogation_art49`) is never exercised by the property tests (determinism, order,
    partitions)."""
    generated = generated_values(STRATEGIES.read_text(encoding="utf-8"))
    keys = register_keys()
    missing, unmapped = [], []
    for (kind, field), values in sorted(compared_values().items()):
        wanted = {v: rules for v, rules in values.items() if v not in ENCODINGS}
        if not wanted or (kind, field) in NOT_REGISTER_VALUES:
            continue
        key = FACT_TO_REGISTER.get((kind, field), field)
        if key not in keys:
            unmapped.append(f"{kind}.{field}")
            continue
        absent = {v: rules for v, rules in wanted.items() if v not in generated.get(key, set())}
        if (kind, field) in ONE_OF and len(absent) < len(wanted):
            continue
        missing += [f"{key}: {v} ({', '.join(sorted(rules))})" for v, rules in sorted(absent.items())]
    assert unmapped == [], (f"fact fields compared to text values with no register key of the same name: {unmapped}; "
                            "name the key in FACT_TO_REGISTER, or list the field in NOT_REGISTER_VALUES with why")
    assert missing == [], (f"tests/strategies.py never writes these values the audit rules compare: {missing}; "
                           "generate them, or list the field with why in NOT_REGISTER_VALUES or ONE_OF")
    stale = [f for f in {*FACT_TO_REGISTER, *NOT_REGISTER_VALUES, *ONE_OF} if f not in compared_values()]
    assert stale == [], f"exceptions naming a field no audit rule compares to a text value: {stale}"


def test_every_audit_family_has_its_place_in_the_report():
    families = {r.family for r in rulebook.load("audit")}
    assert families - set(FAMILY_ORDER) == set(), "add the family to FAMILY_ORDER (formatters/html.py)"


def test_the_language_reference_describes_every_operator():
    text = (ROOT / "docs" / "regles.md").read_text(encoding="utf-8")
    operators = condition.COMPARISONS | set(condition.ARITHMETIC) | {"$in", "$nin", "$and", "$or", "$m", "$not"}
    assert sorted(op for op in operators if f"{op}" not in text) == []
    for kind in rulebook.SPECS:
        assert f"`{kind}`" in text


def test_rules_are_read_from_the_checkout_when_running_from_it(tmp_path):
    """An edited rule file is seen at once from a source checkout (no reinstall); an
    installed package (no pyproject.toml above it) reads its own copy."""
    assert rulebook.default_rules_dir() == ROOT / "rules"
    installed = tmp_path / "lib" / "site-packages" / "rgpdcheck" / "rulebook.py"
    installed.parent.mkdir(parents=True)
    (tmp_path / "lib" / "rules").mkdir()
    assert rulebook.default_rules_dir(installed) != tmp_path / "lib" / "rules"
    assert rulebook.default_rules_dir(installed).name == "rules"


# -- step 3: what the loader refuses in a rule's text ------------------------------------------

RULE_FILE = """sorte: {kind}
famille: essai
titre: Essai
regles:
  - id: essai-regle
    titre: Essai
{severity}    references: {{avenant: [{clause}]}}
{description}{body}    lieu: {{alias: t}}
    condition:
      all:
        - t: {{kind: traitement}}
"""
BODIES = {
    "audit": ("    severite: info\n", '    message: "{t.nom}"\n'),
    "echeance": ("    severite: info\n", '    message: "{t.nom}"\n    echeance: date_cree\n'),
    "responsabilite": ("", "    etape: 1\n    raison: Essai.\n    conclut: {escalade: [Essai]}\n"),
}


def write_rule(tmp_path, kind: str, description: str = "    description: Essai.\n", clause: str = "V-e/3"):
    severity, body = BODIES[kind]
    (tmp_path / "essai.yaml").write_text(
        RULE_FILE.format(kind=kind, severity=severity, clause=clause, description=description, body=body), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("kind", ["audit", "echeance"])
@pytest.mark.parametrize("description", ["", "    description: '  '\n"], ids=["absente", "vide"])
def test_the_loader_refuses_an_audit_or_deadline_rule_without_a_description(tmp_path, kind, description):
    with pytest.raises(RuleFileError) as caught:
        rulebook.load_all(write_rule(tmp_path, kind, description))
    message = str(caught.value)
    assert "essai.yaml" in message and "« essai-regle »" in message and "description manquante" in message


def test_a_liability_rule_needs_no_description_its_reason_is_the_text(tmp_path):
    [rule] = rulebook.load_all(write_rule(tmp_path, "responsabilite", description=""))
    assert rule.kind == "responsabilite"


def test_a_rule_with_its_description_and_known_clauses_loads(tmp_path):
    assert [r.id for r in rulebook.load_all(write_rule(tmp_path, "audit", clause="V-d/violations"))] == ["essai-regle"]


@pytest.mark.parametrize("kind", list(BODIES))
@pytest.mark.parametrize("clause", ["V-a/8", "V-d/violation", "v-e/3", "V-z"])
def test_the_loader_refuses_a_clause_that_clauses_yaml_does_not_quote(tmp_path, kind, clause):
    with pytest.raises(RuleFileError) as caught:
        rulebook.load_all(write_rule(tmp_path, kind, clause=clause))
    message = str(caught.value)
    assert "« essai-regle »" in message and f"clause « {clause} » inconnue de data/clauses.yaml" in message


def test_a_broken_rule_file_is_a_french_message_and_exit_2(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from rgpdcheck.cli import main

    monkeypatch.setattr(rulebook, "default_rules_dir", lambda: write_rule(tmp_path, "audit", description=""))
    rulebook.load_all.cache_clear()  # the real rules were loaded already (cached)
    try:
        result = CliRunner().invoke(main, ["rules"])
    finally:
        rulebook.load_all.cache_clear()
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.startswith("rgpdcheck : ") and "description manquante" in result.stderr
