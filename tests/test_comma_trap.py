"""The comma trap: `finalites: [Établir les actes de naissance, de mariage et de décès]` is two
purposes for YAML. The loader warns, at the item's line and column, when an item of a flow
sequence (after the first, unquoted) begins with a lower-case preposition, article or
conjunction; the commands print it on stderr and the JSON audit lists it under `warnings`.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

from rgpdcheck.loader import parse_document

# (YAML, the items warned about) — firing cases first, then silent ones
CASES = [
    ("finalites: [Établir les actes de naissance, de mariage et de décès]", ["de mariage et de décès"]),
    ("finalites: [Inscription, et radiation des électeurs]", ["et radiation des électeurs"]),
    ("finalites: [Contrôle, d'accès aux locaux]", ["d'accès aux locaux"]),
    ("finalites: [Gestion des prêts, l’envoi des rappels]", ["l’envoi des rappels"]),  # typographic apostrophe
    ("destinataires: [Services, à la demande, aux élus, pour information]", ["à la demande", "aux élus", "pour information"]),
    ("finalites: [Gestion, paie]", []),  # a lower-case noun: lists of short words are written so on purpose
    ("categories_donnees: [identite, coordonnees]", []),  # enumerated values, lower case
    ("finalites: [de quoi s'agit-il]", []),  # the first item has nothing before it
    ('finalites: [Actes de naissance, "de mariage et de décès"]', []),  # quoted: deliberate
    ("finalites: [Actes de naissance, De mariage]", []),  # capitalised: a new item
    ("finalites:\n  - Actes de naissance\n  - de mariage et de décès", []),  # a block list says what it means
    ("finalites: [Gestion, desserte]", []),  # `de` as a word, not as a word's start
]


@pytest.mark.parametrize("text, warned", CASES, ids=[c[0][:48] for c in CASES])
def test_flow_items_that_continue_a_sentence_are_warned(text, warned):
    document = parse_document(text + "\n", "registre.yaml")
    assert [w.message.split(" »")[0].removeprefix("« ") for w in document.warnings] == warned
    for w in document.warnings:
        line = (text + "\n").splitlines()[w.line - 1]
        assert line[w.column - 1:].startswith(w.message.split(" »")[0].removeprefix("« "))


def test_the_warning_is_printed_and_in_the_json_but_is_no_finding(cli, tmp_path):
    text = (ROOT / "fixtures" / "conforme" / "registre.yaml").read_text(encoding="utf-8")
    # the first purposes' block list, written as a flow list cut at a comma
    text = re.sub(r"finalites:\n(?:\s+- .*\n)+", "finalites: [Gestion des cours, de la facturation]\n", text, count=1)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "finalites: [" in row)
    path = tmp_path / "registre.yaml"
    path.write_text(text, encoding="utf-8")
    quiet = cli("audit", "-f", "json", str(ROOT / "fixtures" / "conforme" / "registre.yaml"))
    result = cli("audit", "-f", "json", str(path))
    assert result.exit_code == quiet.exit_code
    assert f"registre.yaml:{line}:" in result.stderr and "attention : « de la facturation »" in result.stderr
    document = json.loads(result.stdout)
    assert [(w["line"], w["message"][:20]) for w in document["warnings"]] == [(line, "« de la facturation ")]
    assert json.loads(quiet.stdout)["warnings"] == []
    assert "de la facturation" in cli("validate", str(path)).stderr
    assert "de la facturation" in cli("echeances", str(path)).stderr


def test_bundled_registers_and_examples_do_not_fall_into_it():
    paths = sorted(ROOT.glob("fixtures/*/registre.yaml")) + sorted((ROOT / "tests" / "rules").glob("*.yaml"))
    warned = {str(p.relative_to(ROOT)): parse_document(p.read_text(encoding="utf-8"), str(p)).warnings for p in paths}
    assert {p: w for p, w in warned.items() if w} == {}
