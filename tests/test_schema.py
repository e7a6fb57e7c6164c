"""The editor schema (`rgpdcheck schema`): every key titled and described in French from one
source (data/champs.yaml, which also writes docs/registre.md's tables), instants as the
documented forms, draft 7 for older editors, and every bundled register valid with a format
checker, read as an editor reads it (dates are text)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT

from rgpdcheck import schema as schema_mod
from rgpdcheck.errors import InputErrors
from rgpdcheck.loader import parse_document
from rgpdcheck.validate import validate

REGISTERS = sorted(ROOT.glob("fixtures/*/registre.yaml")) + sorted((ROOT / "tests" / "rules").glob("*.yaml"))
DOC = ROOT / "docs" / "registre.md"


class EditorLoader(yaml.SafeLoader):
    """YAML as yaml-language-server reads it: YAML 1.2 has no timestamps, so dates stay text."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def as_editor_sees(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)


@pytest.fixture(scope="module")
def schemas(cli_module):
    out = {}
    for draft in ("2020-12", "7"):
        result = cli_module("schema", *(["--draft", draft] if draft != "2020-12" else []))
        assert result.exit_code == 0, result.output
        out[draft] = json.loads(result.stdout)
    return out


@pytest.fixture(scope="module")
def cli_module():
    from click.testing import CliRunner

    from rgpdcheck.cli import main

    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


VALIDATORS = {"2020-12": jsonschema.Draft202012Validator, "7": jsonschema.Draft7Validator}


_VALIDATORS: dict[str, jsonschema.protocols.Validator] = {}


def validator(schemas, draft: str) -> jsonschema.protocols.Validator:
    if draft not in _VALIDATORS:
        checker = jsonschema.FormatChecker()
        assert {"date", "date-time"} <= set(checker.checkers)  # else formats are silently not checked
        cls = VALIDATORS[draft]
        cls.check_schema(schemas[draft])
        _VALIDATORS[draft] = cls(schemas[draft], format_checker=checker)
    return _VALIDATORS[draft]


def properties(schema: dict) -> list[tuple[str, str, dict]]:
    """(definition, key, property) for every property of the schema."""
    defs = schema.get("$defs", schema.get("definitions", {}))
    return [(name, key, prop) for name, d in [("Registre", schema), *defs.items()]
            for key, prop in d.get("properties", {}).items()]


# --- titles and descriptions -------------------------------------------------------------------

def test_every_property_has_a_french_title_and_a_description_from_the_reference(schemas):
    props = properties(schemas["2020-12"])
    assert len(props) > 150
    models = schema_mod.models()
    for name, key, prop in props:
        text = schema_mod.field_text(models[name], key)
        assert text is not None, f"{name}.{key} : pas d'entrée dans data/champs.yaml"
        assert prop["title"] == text["titre"] and prop["description"] == text["description"], (name, key)
        assert len(prop["description"]) > 8
    assert schemas["2020-12"]["$defs"]["Traitement"]["properties"]["base_legale"]["title"] == "Base légale"  # not "Base Legale"
    violation = schemas["2020-12"]["$defs"]["Violation"]["properties"]["detectee_le"]
    assert violation["title"] == "Détectée le" and "2018-10-02T09:30" in violation["description"]
    for name, definition in schemas["2020-12"]["$defs"].items():
        entry = schema_mod.fields()[name]
        assert (definition["title"], definition["description"]) == (entry["titre"], entry["description"])


def test_required_keys_are_described_as_required(schemas):
    for name, definition in [("Registre", schemas["2020-12"]), *schemas["2020-12"]["$defs"].items()]:
        for key in definition.get("required", []):
            if key != "type":  # an event's tag: its own description says what the event is
                assert "obligatoire" in definition["properties"][key]["description"], (name, key)


def test_the_reference_names_no_key_the_models_do_not_have():
    models = {**schema_mod.models(), "_Evenement": schema_mod.model._Evenement}
    entries = schema_mod.fields()
    assert set(entries) <= set(models), set(entries) - set(models)
    for name, entry in entries.items():
        cls = models[name]
        inherited = {key for base in cls.__mro__[1:] for key in getattr(base, "model_fields", {})}
        declared = set(cls.model_fields) - inherited
        assert set(entry["champs"]) <= declared, (name, set(entry["champs"]) - declared)
        assert entry["titre"] and entry["description"]


def test_docs_tables_are_generated_from_the_same_source():
    text = DOC.read_text(encoding="utf-8")
    assert schema_mod.rewrite_doc(text) == text, "docs/registre.md est périmé : python tools/registre_doc.py"
    for key in ("detectee_le", "selectionne_par", "jusqu_au", "participants"):
        text_of = next(t for t in [schema_mod.fields()[n]["champs"].get(key) for n in schema_mod.fields()] if t)
        assert f"| `{key}` | {text_of['titre']} |" in text


def test_a_description_changed_in_the_source_shows_in_schema_and_doc(monkeypatch):
    entries = json.loads(json.dumps(schema_mod.fields()))
    entries["Violation"]["champs"]["risque"]["description"] = "Texte modifié pour le test."
    monkeypatch.setattr(schema_mod, "fields", lambda: entries)
    prop = schema_mod.json_schema()["$defs"]["Violation"]["properties"]["risque"]
    assert prop["description"] == "Texte modifié pour le test."
    text = DOC.read_text(encoding="utf-8")
    assert schema_mod.rewrite_doc(text) != text


# --- instants ------------------------------------------------------------------------------------

DOCUMENTED = ["2018-10-02T09:30", "2018-10-02T09:30:15", "2018-10-02T09:30+02:00", "2018-10-02T09:30:15+02:00",
              "2018-10-02T07:30Z", "2018-10-02T09:30:15.5+0200", "2018-10-02 09:30", "2018-10-02"]
REFUSED = ["2018-10-02T9:30", "02/10/2018 09:30", "2018-10-02T25:00", "2018-13-02T09:30", "2018-10-02T09h30",
           "2018-10-02T09:30 +02:00", "hier"]


def test_no_date_time_format_is_left(schemas):
    assert '"date-time"' not in json.dumps(schemas["2020-12"]) and '"date-time"' not in json.dumps(schemas["7"])


@pytest.mark.parametrize("draft", ["2020-12", "7"])
def test_instants_accept_the_documented_forms_and_what_the_loader_reads(schemas, draft, tmp_path):
    check = validator(schemas, draft)

    def register(value: str) -> dict:
        return {"version": 1, "commune": "bruges",
                "evenements": [{"type": "violation", "date": "2018-10-02", "detectee_le": value}]}

    for value in DOCUMENTED:
        assert not list(check.iter_errors(register(value))), value
        # what the editor accepts, the loader accepts
        text = f"version: 1\ncommune: bruges\nevenements:\n  - type: violation\n    detectee_le: '{value}'\n"
        validate(parse_document(text, str(tmp_path / "registre.yaml")), None, __import__("datetime").date(2026, 1, 1))
    for value in REFUSED:
        assert list(check.iter_errors(register(value))), value
    assert re.match(schema_mod.INSTANT_PATTERN, "2018-10-02T09:30")


def test_a_value_the_pattern_refuses_is_refused_by_the_loader_too(tmp_path):
    text = "version: 1\ncommune: bruges\nevenements:\n  - type: violation\n    detectee_le: '2018-10-02T09h30'\n"
    with pytest.raises(InputErrors):
        validate(parse_document(text, str(tmp_path / "registre.yaml")), None, __import__("datetime").date(2026, 1, 1))


def test_durations_carry_the_loaders_pattern(schemas):
    check = validator(schemas, "2020-12")
    ok = {"version": 1, "commune": "bruges", "traitements": [{"id": "T", "nom": "n", "duree_conservation": "P3Y"}]}
    assert not list(check.iter_errors(ok))
    bad = {"version": 1, "commune": "bruges", "traitements": [{"id": "T", "nom": "n", "duree_conservation": "3 ans"}]}
    assert list(check.iter_errors(bad))


# --- every bundled register, with a format checker, in both drafts ------------------------------

@pytest.mark.parametrize("draft", ["2020-12", "7"])
@pytest.mark.parametrize("path", REGISTERS, ids=lambda p: p.name)
def test_bundled_registers_are_valid_with_a_format_checker(schemas, draft, path):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator(schemas, draft).iter_errors(as_editor_sees(path))]
    assert errors == []


@pytest.mark.parametrize("draft", ["2020-12", "7"])
def test_schema_still_refuses_what_the_loader_refuses(schemas, draft):
    check = validator(schemas, draft)
    for bad in (
        {"version": 1, "commune": "bruges", "traitements": [{"id": "T-1", "nom": "x", "champ_inconnu": 1}]},
        {"version": 1, "commune": "bruges", "evenements": [{"type": "saisine_dpo", "avis": "réservé"}]},
        {"version": 1, "commune": "bruges", "derogations": [{"regle": "x", "motif": "y", "jusqu_au": "2019-02-30"}]},
    ):
        assert list(check.iter_errors(bad)), bad


def test_draft_7_has_no_2020_12_construct(schemas):
    text = json.dumps(schemas["7"])
    assert schemas["7"]["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in text and "#/definitions/" in text
    def walk(node):  # draft 7 ignores every keyword beside a $ref: none may be there
        if isinstance(node, dict):
            assert "$ref" not in node or len(node) == 1, node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schemas["7"])


def test_unknown_draft_is_a_french_usage_error(cli_module):
    result = cli_module("schema", "--draft", "4")
    assert result.exit_code == 2
