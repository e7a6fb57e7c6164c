"""How the texts of rules print the facts they read: one rendering step for every rule kind.

A rule's `message` (audit, deadline) or `raison` (liability) reads bound facts through
placeholders (`{d.droit}`, `{t.tid}`, `{v.date_limite}`). Facts keep the register's raw
values (`acces`, `T-MAGNOLIA`, `2019-05-16T14:00+02:00`) because the rules compare them;
people read words. So every fact field has a *display*, declared here once and chosen by
the field, never by the rule author:

- an enumerated value prints as its French label (`vocabulary.LABELS`: « droit d'accès »);
- a treatment id as the treatment's name, an actor id as the actor's name, a DPO id as the
  DPO's name, the commune's id as its name (`Names`, read from the register);
- a date as « 13 mai 2019 », an instant as « 16 mai 2019 à 14 h » (Paris time);
- a yes/no answer as « oui », « non », and a missing value as « non renseigné »;
- a number or a text of the register as it is.

One format spec exists: `{r.commune:id}` prints an id as the register writes it, for a text
that tells what to write (« listez-la dans acteurs (id: bruges) »); only on an id field.

A field that people should not read (days since 1970, seconds, normalised words, fact ids)
is *internal*: the rule loader refuses a placeholder on it, and a placeholder with a format
spec or a conversion (`{d.droit!r}`, `{d.date:>10}`), which would bypass this step
(condition.py calls `check_placeholder`). tests/test_wording.py checks that every field of
fact_schema.FACT_FIELDS has a display and every label table exists, and that no rendered
message of the bundled registers shows a raw enumerated value, an ISO date or a bare id.

Liability conclusions (`conclut`) name parties by id for the JSON: they are rendered raw by
`render_ids`, never by `render`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .dates import MONTHS
from .fact_schema import ABSENT, FACT_FIELDS
from .vocabulary import LABELS, METROPOLE, METROPOLE_NAME, count

if TYPE_CHECKING:
    from .validate import Register

UNKNOWN = "non renseigné"

# -- dates in French -------------------------------------------------------------------


def french_date(value: date | str) -> str:
    """« 1er janvier 2019 », « 13 mai 2019 » (an ISO date, or the date part of an instant)."""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def french_time(value: datetime) -> str:
    """« 14 h », « 14 h 30 » (the clock time as written: the register's own time zone)."""
    return f"{value.hour} h" + (f" {value.minute:02d}" if value.minute else "")


def french_instant(value: datetime | str) -> str:
    """« 16 mai 2019 à 14 h » for an instant (an ISO date alone prints as a date)."""
    if isinstance(value, str):
        if "T" not in value:
            return french_date(value)
        value = datetime.fromisoformat(value)
    return f"{french_date(value.date())} à {french_time(value)}"


# -- the display of every fact field -------------------------------------------------------


@dataclass(frozen=True)
class Display:
    """How a field prints: `how` is one of the kinds below; `labels`, for an enumeration."""

    how: str
    labels: dict[object, str] = field(default_factory=dict, hash=False, compare=False)


TEXT = Display("texte")  # a text of the register (a name, a purpose, a country), as written
NUMBER = Display("nombre")
TREATMENT = Display("traitement")  # a treatment id -> its name
ACTOR = Display("acteur")  # an actor id -> its name
DPO = Display("dpo")  # a DPO id -> its name
COMMUNE = Display("commune")  # the commune's id -> its name
DATE = Display("date")  # ISO date -> « 13 mai 2019 »
INSTANT = Display("instant")  # ISO date and time -> « 16 mai 2019 à 14 h »
YES_NO = Display("oui_non", {"oui": "oui", "non": "non"})
PRESENCE = Display("presence", {"present": "renseigné"})
DAYS = Display("jours")  # a count of days -> « 1 jour », « 15 jours »
HOURS = Display("heures")  # hours from a detection to a notification, -1 without one
RULE = Display("regle")  # a rule id, as the register's waivers write it
INTERNAL = Display("interne")  # never printed: days, seconds, normalised words, ids
IDS = (TREATMENT, ACTOR, DPO, COMMUNE)  # what `{…:id}` may print as written


def label(key: str) -> Display:
    """An enumeration printed by its French label (`vocabulary.LABELS[key]`)."""
    return Display("label", LABELS[key])


# Values that exist only in facts (computed, not written in the register).
FACT_LABELS: dict[str, dict[object, str]] = {
    "rang_sous_traitant": {"premier": "premier rang", "ulterieur": "sous-traitant ultérieur"},
    "prolongation": {"valable": "prolongation notifiée à temps", "invalide": "prolongation non valable"},
    "nature_mesure": {"chiffrement": "chiffrement", "pseudonymisation": "pseudonymisation", "autre": "autre mesure"},
}

_YES_NO_FIELDS = (
    "violations_confiees_metropole", "dpo_mutualise", "couvre_commune", "couvre_metropole", "lettre_de_mission",
    "exhaustif", "preuve_consentement", "donnees_sensibles_renseignees", "nir", "transferts_renseignes",
    "information_personnes", "procedure_rectification", "grande_echelle", "anterieur",
    "metropole_definit_finalites_moyens", "metropole_pouvoir_adjudicateur", "contrat_ecrit",
    "instructions_documentees", "information_commune", "notifiee_cnil", "personnes_informees",
    "inscrite_registre", "observations_commune", "preuve_conservee", "saisine_dpo_avant", "avis_dpo_avant",
    "saisine_dgnsi_avant", "processus_standard", "commune_informee", "realisee", "acces_restreint", "repondue",
    "ecart_ve", "avis_dpo_commune_avant", "avis_dpo_metropole_avant", "criteres_aipd_renseignes", "accord_commune",
    "decide_par_responsable", "delegation_vd",
)
_PRESENCE_FIELDS = ("coordonnees_commune", "designe", "coordonnees", "exception_art9", "justification_minimisation",
                    "duree_conservation", "aipd", "cree_le", "accord_conjoint", "motif_retard",
                    "communique_cnil", "dpo_designe", "motif_retard_personnes")
_INTERNAL_FIELDS = ("id", "kind", "eid", "texte", "jour_reference", "s_reference", "jour_effet",
                    "jour_limite_etat_des_lieux", "jour_obligation_dpo", "jour_designe", "jour_remis", "jour",
                    "jour_cree", "jour_fin", "s_fin", "s_detectee", "s_limite_notification", "jour_recue",
                    "jour_limite", "jour_prevue", "jour_commune_informee", "jour_accord_commune", "jour_realisee")

# By field name, whatever the kind (a field means the same in every kind)...
_BY_FIELD: dict[str, Display] = {
    **dict.fromkeys(_YES_NO_FIELDS, YES_NO),
    **dict.fromkeys(_PRESENCE_FIELDS, PRESENCE),
    **dict.fromkeys(_INTERNAL_FIELDS, INTERNAL),
    "tid": TREATMENT, "responsable": ACTOR, "acteur": ACTOR, "did": DPO, "dpo": DPO, "commune": COMMUNE,
    "nom": TEXT, "nom_commune": TEXT, "responsable_nom": TEXT, "libelle": TEXT, "pays": TEXT, "motif": TEXT,
    "public": TEXT, "demandee_par": TEXT, "regle": RULE, "aid": ACTOR, "acteur_nom": TEXT, "decide_par_nom": TEXT,
    "date": DATE, "date_effet": DATE, "date_limite_etat_des_lieux": DATE, "date_cree": DATE, "date_prevue": DATE,
    "date_limite": DATE,
    "nb_finalites": NUMBER, "nb_personnes_concernees": NUMBER, "nb_categories_donnees": NUMBER,
    "nb_destinataires": NUMBER, "nb_mesures_securite": NUMBER, "nb_donnees_sensibles": NUMBER,
    "nb_donnees_art9": NUMBER, "nb_donnees_art10": NUMBER, "nb_transferts": NUMBER, "nb_criteres_aipd": NUMBER,
    "heures_notification": HOURS, "jours_retard": DAYS, "nb_documents": NUMBER,
    "heures_information": HOURS, "nb_organismes_hors_metropole": NUMBER, "nb_traitements": NUMBER,
    "nb_responsables_conjoints_tiers": NUMBER,
    "responsable_type": label("acteur_type"), "base_legale": label("base_legale"), "sort_final": label("sort_final"),
    "statut": label("statut"), "exploitation": label("exploitation"), "role_metropole": label("role_declare"),
    "voie": label("voie"), "selectionne_par": label("selectionne_par"), "autorisation": label("autorisation"),
    "garantie": label("garantie"), "risque": label("risque"), "geree_par": label("geree_par"), "par": label("par"),
    "phase": label("phase"), "avis": label("avis"), "etape": label("type"), "traitee_par": label("traitee_par"),
    "option": label("option"), "droit": label("droit"),
    "prolongation": Display("label", FACT_LABELS["prolongation"]),
}
# ...except where one name means two things.
_BY_KIND_FIELD: dict[tuple[str, str], Display] = {
    ("finalite", "rang"): NUMBER,  # the purpose's position in its list
    ("sous_traitant", "rang"): Display("label", FACT_LABELS["rang_sous_traitant"]),
    ("mesure", "nom"): INTERNAL,  # normalised words of the measure
    ("mesure", "nature"): Display("label", FACT_LABELS["nature_mesure"]),
    ("evolution", "nature"): label("nature"),
    ("violation", "date_limite"): INSTANT,  # 72 hours after the detection: a time of day
    ("cible", "eid"): INTERNAL,
    ("acteur", "type"): label("acteur_type"),
    ("acteur", "responsable"): YES_NO,  # whether the actor is a controller, not a controller's id
}


def display(kind: str, name: str) -> Display:
    """The display of field `name` of facts of `kind` (KeyError for a field it does not know)."""
    return _BY_KIND_FIELD.get((kind, name)) or _BY_FIELD[name]


# -- names read from the register ------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """The names people know the register's ids by."""

    treatments: dict[str, str] = field(default_factory=dict)
    actors: dict[str, str] = field(default_factory=dict)
    dpos: dict[str, str] = field(default_factory=dict)
    communes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, register: Register) -> Names:
        model = register.model
        return cls(
            treatments={t.id: t.nom for t in model.traitements},
            actors=register.actor_names(),
            dpos={d.id: d.nom or d.id for d in model.dpo},
            communes={model.commune: register.contract.nom, METROPOLE: METROPOLE_NAME},
        )

    def show(self, shown: Display, value: Any) -> str:
        """`value` as people read it."""
        if value == ABSENT and shown.how not in ("texte", "regle"):
            return UNKNOWN
        how = shown.how
        if how in ("label", "oui_non", "presence"):
            return shown.labels.get(value, str(value))
        if how == "traitement":
            return self.treatments.get(value, str(value))
        if how == "acteur":
            return self.actors.get(value, str(value))
        if how == "dpo":
            return self.dpos.get(value, str(value))
        if how == "commune":
            return self.communes.get(value, str(value))
        if how == "date":
            return french_date(value)
        if how == "instant":
            return french_instant(value)
        if how == "jours":
            return count(value, "jour", "jours")
        if how == "heures":
            return "aucune notification" if value < 0 else count(value, "heure", "heures")
        return str(value)


# -- rendering -----------------------------------------------------------------------------


class _Value:
    """One field's value, formatted as people read it (`{t.tid}`), or as the register writes
    it (`{t.tid:id}`)."""

    def __init__(self, shown: Display, value: Any, names: Names):
        self.shown, self.value, self.names = shown, value, names

    def __format__(self, spec: str) -> str:
        return str(self.value) if spec == "id" else self.names.show(self.shown, self.value)


class _Shown:
    """`{t.nom}` in a text reads field `nom` of the fact bound to `t`, shown for people."""

    def __init__(self, fact: dict[str, Any], names: Names):
        self._fact, self._names = fact, names

    def __getattr__(self, name: str) -> _Value:
        return _Value(display(self._fact["kind"], name), self._fact[name], self._names)


class _Raw:
    def __init__(self, fact: dict[str, Any]):
        self._fact = fact

    def __getattr__(self, name: str) -> Any:
        return self._fact[name]


def render(template: str, bound: dict[str, dict[str, Any]], names: Names) -> str:
    """A rule's text (message, reason) on the facts bound to its aliases, for people."""
    views = {alias: _Shown(fact, names) for alias, fact in bound.items()}
    return string.Formatter().vformat(template, (), views)


def render_ids(template: str, bound: dict[str, dict[str, Any]]) -> str:
    """A template that names parties by id (liability conclusions, read by programs)."""
    views = {alias: _Raw(fact) for alias, fact in bound.items()}
    return string.Formatter().vformat(template, (), views)


def check_placeholder(kind: str, name: str, spec: str | None, conversion: str | None) -> str | None:
    """Why placeholder `{alias.name}` on a fact of `kind` cannot print in a text, or None."""
    try:
        shown = display(kind, name)
    except KeyError:
        return f"le champ « {name} » n'a pas d'affichage déclaré (wording.py)"
    if spec == "id" and not conversion:
        if shown in IDS:
            return None
        return "« :id » n'affiche que l'identifiant d'un traitement, d'un acteur, d'un DPO ou de la commune"
    if spec or conversion:
        return "pas de format ni de conversion : le champ s'affiche selon son type (wording.py)"
    if shown is INTERNAL:
        dated = "date" + name.removeprefix("jour") if name.startswith("jour") else None  # jour_limite -> date_limite
        better = f" ; affichez plutôt « {dated} »" if dated in FACT_FIELDS.get(kind, ()) else ""
        return f"le champ « {name} » est une valeur interne, illisible pour une personne{better}"
    return None
