"""The fact schema: every kind of fact the rules match, with its fields, and the set that
holds one register's facts.

The builders (facts.py) make facts of these kinds only, with exactly these fields (a test
checks it on every bundled and generated register); the rule loader (condition.py) refuses
a condition or a message naming a kind or a field not listed here, so a typo in a rule
cannot silently never match. docs/faits.md documents each field (a test keeps it in step).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

# The value of an absent enumeration, yes/no answer or reference (the engine compares
# loosely and treats null as present: an explicit marker is safer).
ABSENT = "absent"

# Fields of each fact kind: the rule loader refuses a condition or a message that uses
# a field not listed here, so a typo in a rule cannot silently never match.
FACT_FIELDS: dict[str, frozenset[str]] = {
    "registre": frozenset({
        "commune", "nom_commune", "jour_reference", "s_reference", "jour_effet", "violations_confiees_metropole",
        "dpo_mutualise", "jour_limite_etat_des_lieux", "date_limite_etat_des_lieux", "jour_obligation_dpo", "date_effet",
        "coordonnees_commune",
    }),
    "horizon": frozenset({"jour_fin", "s_fin"}),
    # what a liability determination is about (added by `liability`, never in an audit)
    "cible": frozenset({"tid", "eid"}),
    "dpo": frozenset({"did", "nom", "couvre_commune", "couvre_metropole", "designe", "jour_designe", "lettre_de_mission",
                      "coordonnees", "communique_cnil", "nb_organismes_hors_metropole"}),
    # the actors listed in the register (art. 37(1)(a): public bodies that are controllers)
    "acteur": frozenset({"aid", "nom", "type", "responsable", "dpo_designe"}),
    "etat_des_lieux": frozenset({"eid", "date", "tid", "jour_remis", "exhaustif", "nb_traitements"}),
    # one per treatment an inventory lists (V-k)
    "traitement_inventorie": frozenset({"eid", "tid", "jour_remis"}),
    "communication_cnil": frozenset({"eid", "date", "tid", "jour"}),
    "traitement": frozenset({
        "tid", "nom", "responsable", "responsable_nom", "responsable_type", "base_legale", "preuve_consentement",
        "nb_finalites", "nb_personnes_concernees", "nb_categories_donnees", "nb_destinataires",
        "nb_mesures_securite", "donnees_sensibles_renseignees", "nb_donnees_sensibles", "nb_donnees_art9",
        "nb_donnees_art10", "nir", "exception_art9", "justification_minimisation", "transferts_renseignes",
        "nb_transferts", "duree_conservation", "sort_final", "information_personnes",
        "procedure_rectification", "nb_responsables_conjoints_tiers", "criteres_aipd_renseignes", "nb_criteres_aipd", "grande_echelle", "aipd", "cree_le", "anterieur",
        "statut", "exploitation", "role_metropole", "metropole_definit_finalites_moyens",
        "metropole_pouvoir_adjudicateur", "accord_conjoint", "voie", "jour_cree", "date_cree",
    }),
    "sous_traitant": frozenset({
        "tid", "acteur", "acteur_nom", "rang", "selectionne_par", "delegation_vd", "contrat_ecrit", "instructions_documentees", "autorisation",
        "information_commune",
    }),
    "finalite": frozenset({"tid", "texte", "libelle", "rang"}),
    "mesure": frozenset({"tid", "nom", "nature"}),
    "transfert": frozenset({"tid", "pays", "garantie"}),
    "derogation": frozenset({"regle", "tid", "motif", "jour_fin"}),
    "violation": frozenset({
        "eid", "date", "tid", "risque", "s_detectee", "s_limite_notification", "date_limite", "notifiee_cnil", "heures_notification",
        "motif_retard", "personnes_informees", "heures_information", "motif_retard_personnes", "inscrite_registre", "geree_par", "observations_commune",
    }),
    "saisine_dpo": frozenset({"eid", "date", "tid", "jour", "dpo", "par", "phase", "avis", "preuve_conservee"}),
    # the dated steps of an acquisition (V-e), by their event type
    "etape": frozenset({"eid", "date", "tid", "jour", "etape", "voie", "par", "saisine_dpo_avant", "avis_dpo_avant",
                        "saisine_dgnsi_avant", "ecart_ve", "avis_dpo_commune_avant", "avis_dpo_metropole_avant"}),
    "evolution": frozenset({"eid", "date", "tid", "jour", "nature", "demandee_par", "traitee_par", "processus_standard",
                            "avis_dpo_avant", "avis_dpo_commune_avant", "avis_dpo_metropole_avant"}),
    "fin_conservation": frozenset({
        "eid", "date", "tid", "date_prevue", "jour_prevue", "option", "commune_informee", "jour_commune_informee", "accord_commune",
        "jour_accord_commune", "decide_par_responsable", "decide_par_nom", "realisee", "jour_realisee", "acces_restreint",
    }),
    "declaration_arret": frozenset({"eid", "date", "tid", "jour"}),
    "plan_action_anterieurs": frozenset({"eid", "date", "tid", "jour"}),
    "sensibilisation": frozenset({"eid", "date", "tid", "jour", "public"}),
    "notification_processus": frozenset({"eid", "date", "tid", "jour", "nb_documents"}),
    "demande": frozenset({
        "eid", "date", "tid", "droit", "jour_recue", "jour_limite", "date_limite", "repondue", "jours_retard", "prolongation",
        "observations_commune",
    }),
}

# Kinds whose facts are about the register as a whole, not about one treatment (the
# inventory of prior treatments and CNIL declarations may name a treatment, but judge the
# commune's obligation).
REGISTER_KINDS = frozenset({"registre", "etat_des_lieux", "communication_cnil", "derogation", "acteur"})


@dataclass
class FactSet:
    """The facts of one audit, and what the engine does not need but findings do."""

    facts: list[dict[str, Any]] = field(default_factory=list)
    # fact id -> path in the register document (for the finding's line)
    paths: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    set_aside: dict[str, int] = field(default_factory=lambda: {"traitements": 0, "evenements": 0})
    # what is derived from `facts` and computed once (emptied by `add`)
    _index: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def add(self, kind: str, key: str, path: tuple[Any, ...], **values: Any) -> dict[str, Any]:
        fact = make_fact(kind, key, **values)
        self.facts.append(fact)
        self.paths[fact["id"]] = path
        self._index.clear()
        return fact

    def by_id(self) -> dict[str, dict[str, Any]]:
        """Fact id -> fact (computed once: do not modify it)."""
        if "by_id" not in self._index:
            self._index["by_id"] = {f["id"]: f for f in self.facts}
        return self._index["by_id"]

    def split(self, replicated: frozenset[str]) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        """The register-wide facts (of a kind with no `tid`, or of a `replicated` kind),
        and the others by treatment id, in the order of the facts (computed once). Facts of
        a kind that carries a `tid` but naming no treatment are the group `absent`."""
        if replicated in self._index:
            return self._index[replicated]
        shared: list[dict[str, Any]] = []
        by_treatment: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for fact in self.facts:
            kind = fact["kind"]
            tid = fact.get("tid", ABSENT) if bound(kind) and kind not in replicated else None
            if tid is None:
                shared.append(fact)
            else:
                by_treatment[tid].append(fact)
        self._index[replicated] = shared, by_treatment
        return shared, by_treatment


def fact_id(kind: str, key: str) -> str:
    """The id of the fact of `kind` made from `key` (unique within its kind)."""
    return f"{kind}:{quote(key, safe='')}"


def make_fact(kind: str, key: str, **values: Any) -> dict[str, Any]:
    """A fact of `kind`, its id made from the kind and a key unique within it."""
    return {"id": fact_id(kind, key), "kind": kind, **values}


def bound(kind: str) -> bool:
    """Whether facts of this kind may belong to one treatment (they carry a `tid`)."""
    return "tid" in FACT_FIELDS.get(kind, ())
