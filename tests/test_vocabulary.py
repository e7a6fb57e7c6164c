"""The domain's words: every enumerated value of the register format has a French label,
and the severity tables of the formats cover every severity."""

from __future__ import annotations

import typing

from rgpdcheck import model, schema
from rgpdcheck.vocabulary import LABELS, SENSITIVE, SEVERITIES, SEVERITY_RANK, label


def enumerations() -> dict[str, set[object]]:
    """register key -> every value its Literal allows, walking all the models."""
    out: dict[str, set[object]] = {}

    def literals(annotation: object) -> set[object]:
        if typing.get_origin(annotation) is typing.Literal:
            return set(typing.get_args(annotation))
        return set().union(*(literals(a) for a in typing.get_args(annotation))) if typing.get_args(annotation) else set()

    for cls in schema.models().values():
        for name, info in cls.model_fields.items():
            values = literals(info.annotation)
            if values:
                out.setdefault("acteur_type" if cls is model.Acteur and name == "type" else name, set()).update(values)
    return out


def test_every_enumerated_value_has_a_french_label():
    found = enumerations()
    assert {"base_legale", "droit", "avis", "type", "donnees_sensibles"} <= set(found)
    missing = {key: sorted(map(str, values - set(LABELS.get(key, {})))) for key, values in found.items()}
    assert {k: v for k, v in missing.items() if v} == {}


def test_labels_are_french_words_not_identifiers():
    for key, table in LABELS.items():
        for value, text in table.items():
            assert "_" not in text, (key, value, text)
    assert label("avis", "reserve") == "réservé"
    assert label("droit", "acces") == "droit d'accès"
    assert label("inconnu", "x") == "x"


def test_severities_are_ordered_and_sensitive_categories_are_the_models():
    assert SEVERITIES[0] == "erreur" and list(SEVERITY_RANK) == list(SEVERITIES)
    assert typing.get_args(model.DonneeSensible) == SENSITIVE


def test_every_format_maps_every_severity():
    from rgpdcheck.formatters import github, html, sarif

    for table in (sarif.LEVELS, github.COMMANDS, html.COLOURS):
        assert list(table) == list(SEVERITIES)
