"""The steps of docs/regles.md's checklist that no other test checks: a register key the
reference does not document or the strategies never generate, a family missing from the
report's order, an operator the language reference does not describe."""

from __future__ import annotations

import re
import typing

from conftest import ROOT
from pydantic import BaseModel

from rgpdcheck import condition, model, rulebook
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
    keys: set[str] = set()

    def walk(cls: type[BaseModel]) -> None:
        for name, info in cls.model_fields.items():
            keys.add(name)
            for arg in [info.annotation, *typing.get_args(info.annotation)]:
                for inner in [arg, *typing.get_args(arg)]:
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner)

    walk(model.Registre)
    for cls in model.EVENT_CLASSES.values():
        walk(cls)
    return keys


def test_every_register_key_is_documented():
    text = (ROOT / "docs" / "registre.md").read_text(encoding="utf-8")
    missing = sorted(k for k in register_keys() if not re.search(rf"\b{re.escape(k)}\b", text))
    assert missing == [], f"docs/registre.md ne documente pas : {missing}"


def test_every_register_key_is_generated_by_the_strategies():
    text = (ROOT / "tests" / "strategies.py").read_text(encoding="utf-8")
    missing = sorted(k for k in register_keys() - set(NOT_GENERATED) if f'"{k}"' not in text)
    assert missing == [], f"tests/strategies.py never writes {missing}: generate them or list them in NOT_GENERATED"
    assert set(NOT_GENERATED) <= register_keys(), "NOT_GENERATED names a key the models no longer have"


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
