"""Contact details of the controller, joint controllers, representative and DPO (art. 30(1)(a))."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rgpdcheck.cli import main

REGISTER = """\
version: 1
commune: bruges
acteurs:
  - id: bruges
    type: commune
    nom: Bruges
    adresse: "87 avenue Charles de Gaulle, 33520 Bruges"
    telephone: "05 56 16 80 80"
    courriel: mairie@bruges.example
    representant: {nom: Brigitte Terraza, courriel: maire@bruges.example}
  - id: ccas
    type: etablissement_public
    nom: CCAS de Bruges
dpo:
  - id: dpo-bm
    nom: DPO mutualisé
    organismes: [metropole, bruges]
    adresse: "Esplanade Charles de Gaulle, 33000 Bordeaux"
    telephone: "05 56 99 84 84"
    courriel: dpo@bordeaux-metropole.example
traitements:
  - id: T-1
    nom: Aides facultatives
    responsables_conjoints: [ccas]
"""


def test_contact_details_are_part_of_the_format(tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text(REGISTER, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_a_joint_controller_must_be_a_known_actor(tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text(REGISTER.replace("[ccas]", "[cias]"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and f"{path}:24" in result.stderr and "cias" in result.stderr


def test_a_misspelt_contact_key_is_an_input_error(tmp_path):
    path = tmp_path / "registre.yaml"
    path.write_text(REGISTER.replace("    courriel: dpo@", "    couriel: dpo@"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and "couriel" in result.stderr


def test_the_schema_describes_the_contacts():
    schema = json.loads(CliRunner().invoke(main, ["schema"]).stdout)
    defs = schema["$defs"]
    assert {"adresse", "telephone", "courriel", "representant"} <= set(defs["Acteur"]["properties"])
    assert {"nom", "adresse", "telephone", "courriel"} <= set(defs["Dpo"]["properties"])
    assert "responsables_conjoints" in defs["Traitement"]["properties"]
