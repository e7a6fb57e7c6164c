"""Hypothesis strategies that build valid registers (treatments, actors, dated events)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import strategies as st

COMMUNES = ["bruges", "bordeaux", "begles", "merignac"]
NAMES = ["Inscriptions scolaires", "Cantine", "État civil", "Police municipale", "Paie", "Aides sociales"]
PURPOSES = ["Gestion des inscriptions scolaires", "divers", "Facturation de la cantine", "gestion", "Délivrance des actes"]
BASES = ["consentement", "contrat", "obligation_legale", "interets_vitaux", "mission_interet_public", "interets_legitimes"]
SENSITIVE = ["sante", "biometrique", "infractions_condamnations", "nir", "opinions_politiques"]
CRITERIA = ["evaluation_notation", "surveillance_systematique", "grande_echelle", "personnes_vulnerables", "croisement"]
STEPS = ["saisine_dgnsi", "diagnostic_securite", "validation_projet", "conception_technique", "redaction_dce", "mise_en_oeuvre"]
RULE_IDS = ["va4-rectification-absente", "va7-aipd-manquante", "vc-dpo-non-consulte"]

days = st.dates(date(2012, 1, 1), date(2020, 6, 30))


def maybe(strategy):
    return st.one_of(st.none(), strategy)


def _clean(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if v is not None}


ADDRESSES = ["Place de la Mairie, 33520 Bruges", "Esplanade Charles-de-Gaulle, 33045 Bordeaux Cedex"]
PHONES = ["05 56 16 80 80", "+33 5 56 99 84 84"]
EMAILS = ["mairie@bruges.example", "dpo@bordeaux-metropole.example"]


def contacts(draw) -> dict:
    """Contact details (art. 30(1)(a)), each present or not."""
    return _clean({"adresse": draw(maybe(st.sampled_from(ADDRESSES))), "telephone": draw(maybe(st.sampled_from(PHONES))),
                   "courriel": draw(maybe(st.sampled_from(EMAILS)))})


@st.composite
def treatments(draw, index: int, actors: list[str], joint: tuple[str, ...] = ()) -> dict:
    created = draw(maybe(days))
    status = draw(maybe(st.sampled_from(["actif", "clos"])))
    providers = [
        _clean({
            "acteur": actor,
            "rang": draw(maybe(st.sampled_from([1, "ulterieur"]))),
            "selectionne_par": draw(maybe(st.sampled_from(["metropole", "commune"]))),
            "contrat_ecrit": draw(maybe(st.booleans())),
            "instructions_documentees": draw(maybe(st.booleans())),
            "autorisation": draw(maybe(st.sampled_from(["generale", "specifique", "aucune"]))),
            "information_commune": draw(maybe(st.booleans())),
        })
        for actor in draw(st.lists(st.sampled_from(actors), unique=True, max_size=2) if actors else st.just([]))
    ]
    return _clean({
        "id": f"T-{index}",
        "nom": draw(st.sampled_from(NAMES)),
        "finalites": draw(maybe(st.lists(st.sampled_from(PURPOSES), max_size=2))),
        "base_legale": draw(maybe(st.sampled_from(BASES))),
        "preuve_consentement": draw(maybe(st.booleans())),
        "personnes_concernees": draw(maybe(st.lists(st.sampled_from(["usagers", "agents"]), max_size=2))),
        "categories_donnees": draw(maybe(st.lists(st.sampled_from(["identite", "adresse"]), max_size=2))),
        "donnees_sensibles": draw(maybe(st.lists(st.sampled_from(SENSITIVE), unique=True, max_size=2))),
        "exception_art9": draw(maybe(st.just("art. 9(2)(h)"))),
        "justification_minimisation": draw(maybe(st.just("nécessaire à la mission"))),
        "destinataires": draw(maybe(st.lists(st.sampled_from(["service", "trésorerie"]), max_size=2))),
        "transferts_hors_ue": draw(maybe(st.lists(st.fixed_dictionaries(
            {"pays": st.just("US")}, optional={"garantie": st.sampled_from(["clauses_types", "decision_adequation", "regles_entreprise", "derogation_art49"])}),
            max_size=1))),
        "duree_conservation": draw(maybe(st.sampled_from(["P3Y", "P6M"]))),
        "sort_final": draw(maybe(st.sampled_from(["effacement", "anonymisation", "archivage_intermediaire", "archivage_definitif"]))),
        "information_personnes": draw(maybe(st.fixed_dictionaries({"realisee": st.booleans()}))),
        "procedure_rectification": draw(maybe(st.booleans())),
        "mesures_securite": draw(maybe(st.lists(st.sampled_from(["habilitations", "chiffrement", "journalisation"]), unique=True, max_size=3))),
        "criteres_aipd": draw(maybe(st.lists(st.sampled_from(CRITERIA), unique=True, max_size=3))),
        "aipd": draw(maybe(st.fixed_dictionaries({"realisee_le": days}))),
        "cree_le": created,
        "statut": status,
        "clos_le": created + timedelta(days=draw(st.integers(0, 2000))) if status == "clos" and created else None,
        "exploitation": draw(maybe(st.sampled_from(["service_commun", "commune"]))),
        "metropole": draw(maybe(st.fixed_dictionaries({}, optional={
            "role_declare": st.sampled_from(["responsable", "responsable_conjoint", "sous_traitant", "aucun"]),
            "definit_finalites_moyens": st.booleans(),
            "pouvoir_adjudicateur": st.booleans(),
        }))),
        "accord_conjoint": draw(maybe(st.fixed_dictionaries({"signe_le": days}))),
        "sous_traitants": providers or None,
        "responsables_conjoints": draw(st.lists(st.sampled_from(joint), unique=True)) if joint else None,
        "acquisition": draw(maybe(st.fixed_dictionaries({"voie": st.sampled_from(
            ["projet_numerique", "commande_publique", "saisine_directe", "anterieur"])}))),
    })


def _instant(day: date, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, 0).isoformat(timespec="minutes")


@st.composite
def events(draw, index: int, treatment_ids: list[str]) -> dict:
    kind = draw(st.sampled_from([
        "saisine_dpo", "step", "evolution", "violation", "demande_droit", "fin_conservation",
        "etat_des_lieux", "communication_cnil", "declaration_arret", "plan_action_anterieurs",
        "notification_processus", "sensibilisation",
    ]))
    when = draw(days)
    base = {"id": f"E-{index}", "traitement": draw(st.sampled_from(treatment_ids))}
    if kind == "saisine_dpo":
        return _clean({**base, "type": kind, "date": when,
                       "avis": draw(maybe(st.sampled_from(["favorable", "conforme", "reserve", "defavorable", "en_attente"]))),
                       "dpo": draw(maybe(st.just("dpo-1"))),  # dropped by `registers` when it lists no DPO
                       "preuve_conservee": draw(maybe(st.booleans()))})
    if kind == "step":
        step = draw(st.sampled_from(STEPS))
        done_by = draw(maybe(st.sampled_from(["commune", "metropole"]))) if step == "mise_en_oeuvre" else None
        return _clean({**base, "type": step, "date": when, "par": done_by})
    if kind == "evolution":
        return _clean({**base, "type": kind, "date": when,
                       "nature": draw(maybe(st.sampled_from(["croisement", "nouvelle_extraction"]))),
                       "demandee_par": draw(maybe(st.just("maitrise_usage"))),
                       "traitee_par": draw(maybe(st.sampled_from(["metropole", "commune"]))),
                       "processus_standard": draw(maybe(st.booleans()))})
    if kind == "violation":
        detected = draw(st.integers(0, 23))
        notified = draw(maybe(st.integers(0, 24 * 10)))
        informed = draw(maybe(st.integers(0, 24 * 10)))
        start = datetime(when.year, when.month, when.day, detected)
        return _clean({**base, "type": kind, "detectee_le": start.isoformat(timespec="minutes"),
                       "notifiee_cnil_le": (start + timedelta(hours=notified)).isoformat(timespec="minutes") if notified is not None else None,
                       "personnes_informees_le": (start + timedelta(hours=informed)).isoformat(timespec="minutes") if informed is not None else None,
                       "motif_retard": draw(maybe(st.just("analyse technique"))),
                       "motif_retard_personnes": draw(maybe(st.just("demande des enquêteurs"))),
                       "risque": draw(maybe(st.sampled_from(["faible", "risque", "eleve"]))),
                       "inscrite_registre": draw(maybe(st.booleans())),
                       "geree_par": draw(maybe(st.sampled_from(["metropole", "commune"]))),
                       "observations_commune": draw(maybe(st.booleans()))})
    if kind == "demande_droit":
        answered = draw(maybe(st.integers(0, 120)))
        extension = draw(maybe(st.integers(0, 40)))
        return _clean({**base, "type": kind, "recue_le": when,
                       "droit": draw(maybe(st.sampled_from(["acces", "rectification", "effacement"]))),
                       "repondue_le": when + timedelta(days=answered) if answered is not None else None,
                       "prolongation": {"motif": "complexité", "notifiee_le": when + timedelta(days=extension)} if extension is not None else None,
                       "observations_commune": draw(maybe(st.booleans()))})
    if kind == "fin_conservation":
        return _clean({**base, "type": kind, "date_prevue": when,
                       "option": draw(maybe(st.sampled_from(["effacement", "anonymisation", "archivage_intermediaire", "archivage_definitif"]))),
                       "commune_informee_le": draw(maybe(days)),
                       "accord_commune_le": draw(maybe(days)),
                       "decide_par": draw(maybe(st.sampled_from(["COMMUNE", "metropole"]))),
                       "realisee_le": draw(maybe(days)),
                       "acces_restreint": draw(maybe(st.booleans()))})
    if kind == "etat_des_lieux":
        return _clean({"id": base["id"], "type": kind, "remis_le": when, "exhaustif": draw(maybe(st.booleans())),
                       "traitements": draw(maybe(st.lists(st.sampled_from(treatment_ids), unique=True)))})
    if kind == "sensibilisation":
        return {"id": base["id"], "type": kind, "date": when}
    return {**base, "type": kind, "date": when}


@st.composite
def registers(draw) -> dict:
    actors = [f"presta-{i}" for i in range(draw(st.integers(0, 2)))]
    partners = draw(st.sampled_from([(), ("ccas",)]))
    n_treatments = draw(st.integers(1, 4))
    items = [draw(treatments(i, actors, partners)) for i in range(n_treatments)]
    ids = [t["id"] for t in items]
    n_events = draw(st.integers(0, 6))
    register = {
        "version": 1,
        "commune": draw(st.sampled_from(COMMUNES)),
        "date_reference": draw(st.dates(date(2018, 6, 1), date(2021, 12, 31))),
        "acteurs": [{"id": a, "type": "prestataire"} for a in actors]
        + [{"id": p, "type": "etablissement_public", "nom": "Centre communal d'action sociale", **contacts(draw)}
           for p in partners],
        "dpo": draw(st.lists(st.fixed_dictionaries({
            "id": st.just("dpo-1"), "organismes": st.sampled_from([["metropole"], ["metropole", "COMMUNE"], ["COMMUNE"]]),
        }, optional={"designe_le": days, "lettre_de_mission": st.booleans(), "communique_cnil_le": days}), max_size=1)),
        "traitements": items,
        "evenements": [draw(events(i, ids)) for i in range(n_events)],
        "derogations": draw(st.lists(st.fixed_dictionaries({
            "regle": st.sampled_from(RULE_IDS), "motif": st.just("plan d'action"), "jusqu_au": days,
        }, optional={"traitement": st.sampled_from(ids)}), max_size=1)),
    }
    if draw(st.integers(0, 4)) == 0:  # a commune party to no avenant: audited against the GDPR alone
        register["commune"] = "saint-hors-metropole"
        register["cadre"] = "rgpd"
    for event in register["evenements"]:
        if event.get("decide_par") == "COMMUNE":
            event["decide_par"] = register["commune"]
        if event["type"] == "saisine_dpo" and not register["dpo"]:
            event.pop("dpo", None)
    for dpo in register["dpo"]:
        dpo["organismes"] = [register["commune"] if o == "COMMUNE" else o for o in dpo["organismes"]]
        dpo.update(contacts(draw))
    if draw(st.booleans()):  # the commune listed with its contact details and its representative
        representative = _clean({"nom": draw(maybe(st.just("Brigitte Terraza"))), **contacts(draw)})
        register["acteurs"].insert(0, _clean({"id": register["commune"], "type": "commune", "nom": "Ville",
                                              **contacts(draw), "representant": representative or None}))
    _created_before_its_events(register)
    return register


def _created_before_its_events(register: dict) -> None:
    """A treatment is created before what happens to it in service (else an input error):
    its `cree_le` is moved back to its earliest breach, request or evolution."""
    by_id = {t["id"]: t for t in register["traitements"]}
    for event in register["evenements"]:
        treatment = by_id.get(event.get("traitement"))
        if event["type"] not in ("violation", "demande_droit", "evolution") or not treatment or not treatment.get("cree_le"):
            continue
        when = event.get("date") or event.get("recue_le") or event.get("detectee_le")
        when = date.fromisoformat(when[:10]) if isinstance(when, str) else when
        if when is not None and when < treatment["cree_le"]:
            treatment["cree_le"] = when
