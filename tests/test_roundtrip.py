"""Export then import gives the register back, on every field the CNIL model carries.

What the model carries, per treatment: id, name, creation date, status, software, controller,
joint controllers, purposes, lawful basis, data subjects, data categories, sensitive data and
their art. 9(2) exception, recipients, processors (and whether they are subsequent ones),
transfers with their guarantees, retention and its starting point, final fate, security
measures, information of the data subjects, DPIA date and WP248 criteria; and the names and
contact details of the controller, the joint controllers, the representative and the DPO.
Actors are compared by name (the spreadsheet has no identifiers for them), lists without
repeats (a spreadsheet cannot say a purpose twice); the DPO is written on each activity, so a
register with no activity as of its date carries none.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT, TODAY
from hypothesis import given
from strategies import registers

from rgpdcheck.cli import main
from rgpdcheck.loader import load_document
from rgpdcheck.rulebook import load as load_rules
from rgpdcheck.validate import validate

FIXTURES = sorted((ROOT / "fixtures").glob("*/registre.yaml"))
FORMATS = ["csv", "xlsx", "ods"]
RULE_IDS = {r.id for r in load_rules()}


def _unique(items) -> list:
    return list(dict.fromkeys(items))


def _contact(entry) -> tuple | None:
    if entry is None:
        return None
    return tuple(getattr(entry, k, None) for k in ("adresse", "telephone", "courriel"))


def carried(path: Path, as_of: date | None = None) -> dict:
    """The part of the register at `path` that the CNIL model carries (see the module's docstring)."""
    register = validate(load_document(str(path)), as_of, TODAY, RULE_IDS)
    model = register.model
    actors = {a.id: a for a in model.acteurs}
    names = register.actor_names()  # as the export names them: the commune and BM by their own names
    people: dict[str, tuple] = {}

    def person(ident: str) -> str:
        actor = actors.get(ident)
        representative = actor.representant.model_dump(exclude_none=True) if actor and actor.representant else None
        if actor is not None and (_contact(actor) != (None, None, None) or representative):
            people[names[ident]] = (_contact(actor), representative)
        return names[ident]

    treatments = {}
    for t in model.traitements:
        if t.cree_le is not None and t.cree_le > register.as_of:
            continue  # not in the register as of its date: not exported
        role = t.metropole.role_declare if t.metropole else None
        joint = (["metropole"] if role == "responsable_conjoint" else []) + list(t.responsables_conjoints)
        treatments[t.id] = {
            "nom": t.nom, "cree_le": t.cree_le, "statut": t.statut, "application": t.application,
            "responsable": person(t.responsable or model.commune), "conjoints": sorted(person(a) for a in joint),
            "finalites": _unique(t.finalites), "base_legale": t.base_legale,
            "personnes_concernees": _unique(t.personnes_concernees), "categories_donnees": _unique(t.categories_donnees),
            "donnees_sensibles": sorted(set(t.donnees_sensibles)) if t.donnees_sensibles is not None else None,
            "exception_art9": t.exception_art9, "destinataires": _unique(t.destinataires),
            "sous_traitants": sorted((names.get(s.acteur, s.acteur), s.rang == "ulterieur") for s in t.sous_traitants),
            "transferts_hors_ue": (sorted(_unique((x.pays, x.garantie) for x in t.transferts_hors_ue))
                                   if t.transferts_hors_ue is not None else None),
            "duree_conservation": ((t.duree_conservation.duree, t.duree_conservation.point_de_depart)
                                   if t.duree_conservation and t.duree_conservation.duree else None),
            "sort_final": t.sort_final, "mesures_securite": _unique(t.mesures_securite),
            "information_personnes": t.information_personnes.realisee if t.information_personnes else None,
            "aipd": t.aipd.realisee_le if t.aipd else None, "criteres_aipd": sorted(set(t.criteres_aipd)) if t.criteres_aipd is not None else None,
        }
    # the model writes the DPO on each activity's line or fiche: with no activity, there is none
    dpos = sorted((d.nom or d.id, _contact(d)) for d in model.dpo if model.commune in d.organismes) if treatments else []
    return {"commune": model.commune, "traitements": treatments, "dpo": dpos, "contacts": people}


def round_trip(source: Path, work: Path, fmt: str) -> Path:
    register = yaml.safe_load(source.read_text(encoding="utf-8"))
    exported = work / f"export.{fmt}"
    result = CliRunner().invoke(main, ["export", str(source), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    back = work / f"retour-{fmt}.yaml"
    result = CliRunner().invoke(main, ["import", str(exported), "--commune", register["commune"], "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert "non repris" not in result.stderr, result.stderr  # its own export: every cell is read back
    return back


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.parent.name)
def test_every_bundled_register_comes_back(path, fmt, tmp_path):
    back = round_trip(path, tmp_path, fmt)
    as_of = validate(load_document(str(path)), None, TODAY, RULE_IDS).as_of
    assert carried(back, as_of) == carried(path)


@pytest.mark.parametrize("fmt", FORMATS)
@given(register=registers())
def test_generated_registers_come_back(fmt, register, tmp_path_factory):
    work = tmp_path_factory.mktemp("aller-retour")
    source = work / "registre.yaml"
    source.write_text(yaml.safe_dump(register, allow_unicode=True, sort_keys=False), encoding="utf-8")
    back = round_trip(source, work, fmt)
    assert carried(back, register["date_reference"]) == carried(source)
