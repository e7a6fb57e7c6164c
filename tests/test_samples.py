"""The layouts DPOs keep (tests/import/make_samples.py writes them from a bundled register):
each imports in one command into a valid draft that audits, and every cell it does not carry
over is listed with its sheet, row and column."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "import"))
import make_samples


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return make_samples.write_samples(make_samples.load(), tmp_path_factory.mktemp("echantillons"))


def draft(cli, tmp_path, sample, *args, commune="bruges"):
    target = tmp_path / "registre.yaml"
    result = cli("import", str(sample), "--commune", commune, "-o", str(target), *args)
    assert result.exit_code == 0, result.stderr
    assert cli("validate", str(target)).exit_code == 0
    assert cli("audit", str(target), "--as-of", "2025-01-01").exit_code in (0, 1)  # audited, not refused
    text = target.read_text(encoding="utf-8")
    return result, yaml.safe_load(text), text


def by_name(data):
    return {t["nom"]: t for t in data["traitements"]}


@pytest.mark.parametrize("name", ["modele-cnil.xlsx", "modele-cnil.ods"])
def test_a_dpo_copy_of_the_cnil_model_workbook(cli, tmp_path, samples, name):
    result, data, text = draft(cli, tmp_path, samples[name])
    assert "(modèle de registre de la CNIL)" in text
    treatments = by_name(data)
    assert len(treatments) == 4  # one per fiche: the list sheet's rows are not read a second time
    etat_civil = treatments["Tenue des registres de l'état civil"]
    assert etat_civil["id"] == "T-SIECLE" and etat_civil["cree_le"] == "2009-01-05"  # 05/01/2009
    assert etat_civil["categories_donnees"] == ["identite", "filiation", "situation familiale", "adresse"]
    assert etat_civil["duree_conservation"] == {"duree": "P75Y", "point_de_depart": "date de l'acte"}
    assert etat_civil["sous_traitants"] == [{"acteur": "logitud-solutions"}]
    assert "responsable" not in etat_civil  # « Mairie de Bruges » is the commune
    assert treatments["Main courante et procès-verbaux de la police municipale"]["donnees_sensibles"] == [
        "infractions_condamnations"]
    commune = next(a for a in data["acteurs"] if a["id"] == "bruges")
    assert commune["adresse"] == "87 avenue Charles de Gaulle, 33520 Bruges"  # street, postcode, town columns
    assert commune["courriel"] == "mairie@bruges.example" and commune["representant"] == {"nom": "Le maire"}
    [dpo] = data["dpo"]
    assert dpo["telephone"] == "05 56 99 84 84" and dpo["organismes"] == ["bruges"]
    for where in ("feuille « Activité 1 », ligne 7, colonne B « Dernière mise à jour » : « 15/01/2024 »",
                  "feuille « Mode d'emploi », ligne 1, colonne A"):
        assert where in text and where in result.stderr


def test_a_madis_export(cli, tmp_path, samples):
    result, data, text = draft(cli, tmp_path, samples["madis.csv"])
    assert "(export des traitements de Madis)" in text
    cogito = by_name(data)["Inscriptions scolaires et périscolaires"]
    assert cogito["base_legale"] == "mission_interet_public"  # « L'exécution d'une mission d'intérêt public »
    assert cogito["cree_le"] == "2016-09-01"  # « 01/09/2016 10:30 »
    assert cogito["duree_conservation"] == {"duree": "P3Y", "point_de_depart": "fin de scolarité dans la commune"}
    assert cogito["sort_final"] == "effacement"  # « 1: Destruction »
    assert cogito["personnes_concernees"] == ["Usagers (élèves, représentants légaux)"]  # a ticked box and its comment
    assert cogito["mesures_securite"] == ["Contrôle d'accès", "Traçabilité", "Sauvegarde"]
    assert cogito["criteres_aipd"] == ["personnes_vulnerables"] and cogito["application"] == "COGITO"
    assert cogito["categories_donnees"] == ["identite", "coordonnees", "scolarite", "quotient familial"]  # « - »
    assert "ligne 2, colonne « Structure - SIREN » : « 213300650 »" in result.stderr
    assert "colonne « Détails - Délai de conservation - Sort final » : « 1: Conservation » — sort final non reconnu" in text


def test_an_openrgpd_export(cli, tmp_path, samples):
    result, data, text = draft(cli, tmp_path, samples["openrgpd.csv"])
    assert "(export CSV d'OpenRGPD)" in text
    etat_civil = by_name(data)["Tenue des registres de l'état civil"]
    assert etat_civil["id"] == "1" and etat_civil["base_legale"] == "obligation_legale"
    assert etat_civil["categories_donnees"] == ["identite", "filiation", "situation familiale", "adresse"]  # « / »
    assert etat_civil["destinataires"] == ["officiers de l'état civil", "procureur de la République", "INSEE"]  # &#039;
    assert etat_civil["sort_final"] == "archivage_definitif" and etat_civil["transferts_hors_ue"] == []
    assert "ligne 2, colonne « Pôle » : « Population »" in result.stderr


def test_a_home_made_spreadsheet_of_a_commune_outside_the_metropole(cli, tmp_path, samples):
    result, data, text = draft(cli, tmp_path, samples["tableur-maison.xlsx"], "--correspondance",
                               str(samples["correspondance-maison.yaml"]), commune="saint-emilion")
    # no avenant with Bordeaux Métropole: the draft says so, and names the commune in its actor entry
    assert data["cadre"] == "rgpd" and "contrat" not in data and "hors Bordeaux Métropole" in text
    assert {"id": "saint-emilion", "type": "commune", "nom": "Saint-Emilion"} in data["acteurs"]
    police = by_name(data)["Main courante et procès-verbaux de la police municipale"]
    assert police["finalites"] == ["Rédaction des rapports et procès-verbaux", "Gestion des fourrières et objets trouvés"]
    assert police["base_legale"] == "consentement" and police["donnees_sensibles"] == ["infractions_condamnations"]
    assert police["personnes_concernees"] == ["contrevenants", "victimes", "témoins"]  # by --correspondance
    assert police["application"] == "MUNICIPOL"  # « Logiciel », by synonym
    assert "feuille « Traitements », ligne 3, colonne J « Service pilote » : « Population »" in result.stderr


def test_the_script_regenerates_the_samples(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "import" / "make_samples.py"),
                           str(ROOT / "fixtures" / "bordeaux" / "registre.yaml"), str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(make_samples.SAMPLES)
    assert str(tmp_path / "madis.csv") in done.stdout
