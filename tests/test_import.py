"""`rgpdcheck import`: a messy spreadsheet becomes a valid draft register; nothing is lost
silently and no file is ever replaced."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT

from rgpdcheck.importer import parse_duration

HERE = ROOT / "tests" / "import"
TABLEUR = HERE / "registre-tableur.csv"  # Windows-1252, ';', a multi-line cell, blank cells and lines


def draft(tmp_path, cli, *args):
    target = tmp_path / "registre.yaml"
    result = cli("import", *args, "-o", str(target))
    return result, target


def test_cnil_model_spreadsheet_becomes_a_valid_draft(cli, tmp_path):
    result, target = draft(tmp_path, cli, str(TABLEUR), "--commune", "bruges")
    assert result.exit_code == 0, result.stderr
    assert cli("validate", str(target)).exit_code == 0
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    by_name = {t["nom"]: t for t in data["traitements"]}
    assert list(by_name) == ["État civil", "Cantine scolaire", "Inscriptions périscolaires", "Vidéoprotection",
                             "Recensement citoyen"]
    etat_civil = by_name["État civil"]
    assert etat_civil["base_legale"] == "obligation_legale"
    assert etat_civil["duree_conservation"] == {"duree": "P75Y", "point_de_depart": "clôture du registre"}
    assert etat_civil["cree_le"] == "2010-03-12"  # 12/03/2010, French order
    assert etat_civil["donnees_sensibles"] == [] and etat_civil["transferts_hors_ue"] == []
    assert etat_civil["categories_donnees"] == ["Identité", "filiation"]
    cantine = by_name["Cantine scolaire"]
    assert cantine["personnes_concernees"] == ["Enfants", "Représentants légaux"]  # a cell on two lines
    assert cantine["finalites"] == ["Inscription, facturation et suivi de la restauration scolaire"]  # commas kept
    assert cantine["donnees_sensibles"] == ["sante"] and cantine["aipd"] == {"realisee_le": "2019-01-15"}
    assert cantine["information_personnes"] == {"realisee": True}  # "x"
    assert cantine["duree_conservation"] == "P1Y"
    assert by_name["Inscriptions périscolaires"]["information_personnes"] == {"realisee": False}  # "NON"
    assert by_name["Vidéoprotection"]["id"] == "2-2"  # the spreadsheet gave "2" twice
    assert by_name["Recensement citoyen"]["donnees_sensibles"] == ["nir"]


def test_what_could_not_be_mapped_is_listed_with_its_line(cli, tmp_path):
    result, target = draft(tmp_path, cli, str(TABLEUR), "--commune", "bruges")
    header = target.read_text(encoding="utf-8").split("\nversion: 1")[0]
    for text in ["ligne 6 : pas de nom de traitement",
                 "ligne 7, colonne « Base juridique » : « intérêt général »",
                 "ligne 7, colonne « Données sensibles » : « Oui »",
                 "ligne 7, colonne « Transferts de données hors UE » : « Oui - USA (hébergement du logiciel) »",
                 "ligne 7, colonne « Durée de conservation » : « Durée de l'inscription »",
                 "ligne 7, colonne « Date de création » : « 2019-13-45 »",
                 "ligne 8, colonne « AIPD » : « A faire »",
                 "Colonnes non reconnues : « Service référent »"]:
        assert text in header
        assert text.lower() in result.stderr.lower()  # and told on the terminal
    assert all(line.startswith("#") for line in header.splitlines())  # the notes are YAML comments


def test_a_column_mapping_for_a_home_made_spreadsheet(cli, tmp_path):
    result, target = draft(tmp_path, cli, str(HERE / "tableur-maison.csv"), "--commune", "bordeaux",
                           "--correspondance", str(HERE / "correspondance.yaml"))
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["commune"] == "bordeaux"
    rh = data["traitements"][0]
    assert rh == {"id": "T-001", "nom": "Logiciel RH", "finalites": ["Paie, carrière et formation des agents"],
                  "duree_conservation": {"duree": "P5Y", "point_de_depart": "départ"}, "donnees_sensibles": []}
    assert "« Editeur »" in result.stderr


def test_never_replaces_a_file(cli, tmp_path):
    target = tmp_path / "registre.yaml"
    target.write_text("mon registre\n", encoding="utf-8")
    result = cli("import", str(TABLEUR), "--commune", "bruges", "-o", str(target))
    assert result.exit_code == 2 and "existe déjà" in result.stderr
    assert target.read_text(encoding="utf-8") == "mon registre\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--commune", "Atlantide !"], "commune « Atlantide ! » invalide"),
    (["--commune", "bruges", "--correspondance", "{dir}/correspondance-fausse.yaml"], "champ inconnu « nom_du_traitement »"),
])
def test_bad_arguments_are_input_errors(cli, tmp_path, args, message):
    (tmp_path / "correspondance-fausse.yaml").write_text("colonnes: {Application: nom_du_traitement}\n", encoding="utf-8")
    result, target = draft(tmp_path, cli, str(TABLEUR), *(a.format(dir=tmp_path) for a in args))
    assert result.exit_code == 2 and message in result.stderr and not target.exists()


def test_a_spreadsheet_without_a_name_column_is_refused(cli, tmp_path):
    sheet = tmp_path / "tableur.csv"
    sheet.write_text("Objet;Durée\nPaie;5 ans\n", encoding="utf-8")
    result, target = draft(tmp_path, cli, str(sheet), "--commune", "bruges")
    assert result.exit_code == 2 and f"{sheet}:1: aucune colonne ne donne le nom du traitement" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize(("text", "expected"), [
    ("1 an", {"duree": "P1Y"}), ("6 mois", {"duree": "P6M"}), ("30 jours", {"duree": "P30D"}),
    ("1 an et 6 mois", {"duree": "P1Y6M"}), ("2 années", {"duree": "P2Y"}),
    ("5 ans après le départ", {"duree": "P5Y", "point_de_depart": "départ"}),
    ("3 ans à compter de la fin du contrat", {"duree": "P3Y", "point_de_depart": "fin du contrat"}),
    ("10 ans après l’ouverture du dossier", {"duree": "P10Y", "point_de_depart": "ouverture du dossier"}),
    ("Durée de l'inscription", None), ("5 ans renouvelables", None), ("", None),
])
def test_free_text_durations(text, expected):
    assert parse_duration(text) == expected


def test_missing_or_folder_csv_is_an_input_error(cli, tmp_path):
    for path, message in ((tmp_path / "absent.csv", "fichier introuvable"), (tmp_path, "pas un tableur")):
        result = cli("import", str(path), "--commune", "bruges", "-o", str(tmp_path / "sortie.yaml"))
        assert result.exit_code == 2 and message in result.stderr
