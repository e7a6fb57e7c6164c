"""Step 3 of the audit: turn a valid register into the flat facts the rules match.

The engine compares loosely (`"5" == 5`, `1 == true`, missing fields make `$neq`
false), so facts are normalised here, once, with strict conventions:
- every fact has a unique `id` and a `kind`;
- enumerations keep their register value, and an absent value is the marker `absent`;
- yes/no answers are `oui` / `non` / `absent`;
- lists become counts (`nb_...`) and, where a rule looks inside them, one fact per item;
- dates are whole days since 1970-01-01 (`jour_...`), instants whole seconds.

The as-of date replays the register as it stood that day: treatments created and
events dated after it were not known yet, so they are set aside and counted.
Python only prepares facts; what is compliant is decided by the rules in `rules/`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from . import vocabulary
from .contract import parameter
from .dates import day, end_of_day, end_of_period_in_months
from .fact_schema import ABSENT, FactSet
from .idents import event_key
from .model import PARIS, Traitement, event_date
from .normalise import normalise_text
from .validate import Register

# Events that plan something: their date field (date_prevue) is not when they became known.
PLANNED_EVENTS = frozenset({"fin_conservation"})

ART9 = frozenset(vocabulary.ART9)
ART10 = frozenset(vocabulary.ART10)


def yes_no(value: bool | None) -> str:
    return ABSENT if value is None else ("oui" if value else "non")


def present(value: Any) -> str:
    return "absent" if value in (None, "", []) else "present"


def _contact(entry: Any) -> str | None:
    """Some contact detail of an actor or a DPO (address, phone, e-mail), or None."""
    return entry.adresse or entry.telephone or entry.courriel


def build_facts(register: Register) -> FactSet:
    """All the facts of a register as it stood on its audit date."""
    model, contract, as_of = register.model, register.contract, register.as_of
    out = FactSet()
    out.add(
        "registre", model.commune, (),
        commune=model.commune,
        nom_commune=contract.nom,
        jour_reference=day(as_of),
        s_reference=end_of_day(as_of),
        # V-k: "avant l'entrée en vigueur du présent avenant, ou au plus tard avant le 31 décembre 2018"
        jour_limite_etat_des_lieux=day(parameter("etat_des_lieux_limite")),
        date_limite_etat_des_lieux=(parameter("etat_des_lieux_limite") - timedelta(days=1)).isoformat(),
        jour_effet=day(contract.date_effet),
        date_effet=contract.date_effet.isoformat(),
        violations_confiees_metropole=yes_no(contract.violations_confiees_metropole),
        dpo_mutualise=yes_no(contract.dpo_mutualise),
        # V-d: a DPO designated "à compter du 25 mai 2018"
        jour_obligation_dpo=day(parameter("rgpd_applicable")),
        # art. 30(1)(a): the controller's contact details (the commune listed as an actor with some)
        coordonnees_commune=present(next((_contact(a) for a in model.acteurs if a.id == model.commune), None)),
    )
    for index, dpo in enumerate(model.dpo):
        out.add(
            "dpo", dpo.id, ("dpo", index),
            did=dpo.id,
            nom=dpo.nom or dpo.id,
            couvre_commune=yes_no(model.commune in dpo.organismes),
            couvre_metropole=yes_no(vocabulary.METROPOLE in dpo.organismes),
            designe=present(_known(dpo.designe_le, as_of)),
            jour_designe=day(dpo.designe_le) if _known(dpo.designe_le, as_of) else -1,
            lettre_de_mission=yes_no(dpo.lettre_de_mission),
            coordonnees=present(_contact(dpo)),  # art. 30(1)(a)
            communique_cnil=present(_known(dpo.communique_cnil_le, as_of)),  # art. 37(7)
            nb_organismes_hors_metropole=len(set(dpo.organismes) - {vocabulary.METROPOLE}),
        )
    _actor_facts(out, register)
    actor_types = register.actor_types()
    actor_names = register.actor_names()
    for index, treatment in enumerate(model.traitements):
        if treatment.cree_le is not None and treatment.cree_le > as_of:
            out.set_aside["traitements"] += 1
            continue
        _treatment_facts(out, treatment, ("traitements", index), model.commune, actor_types, actor_names,
                         contract.date_effet, contract.avenant)
    rank = register.document.rank_in_file
    for index, waiver in enumerate(model.derogations):
        out.add("derogation", str(rank("derogations", index)), ("derogations", index), regle=waiver.regle, tid=waiver.traitement or ABSENT,
                motif=waiver.motif, jour_fin=day(waiver.jusqu_au))
    context = _Context(register, actor_names)
    for index, event in enumerate(model.evenements):
        # A plan (a planned end of retention) is known before the day it plans: it is set
        # aside only when its own `date` (when it was recorded) is after the audit date.
        when = event.date if event.type in PLANNED_EVENTS else event_date(event)
        if when is not None and when > as_of:
            out.set_aside["evenements"] += 1
            continue
        builder = _EVENT_FACTS.get(event.type)
        if builder:
            builder(out, event, ("evenements", index), context)
    return out


def _actor_facts(out: FactSet, register: Register) -> None:
    """One fact per listed actor: its type, whether it is the controller (or a joint
    controller) of a treatment known on the audit date, and whether a DPO designated by then
    names it among the bodies that designated him (art. 37(1)(a))."""
    model, as_of = register.model, register.as_of
    known = register.known_treatments()
    controllers = {t.responsable or model.commune for t in known}
    controllers |= {a for t in known for a in t.responsables_conjoints}
    covered = {org for d in model.dpo if _known(d.designe_le, as_of) for org in d.organismes}
    for index, actor in enumerate(model.acteurs):
        out.add("acteur", actor.id, ("acteurs", index), aid=actor.id, nom=actor.nom or actor.id,
                type=actor.type or ABSENT, responsable=yes_no(actor.id in controllers),
                dpo_designe=present(actor.id in covered or None))


class _Context:
    """What event facts read besides the event: the audit date, the treatments, and the dated
    DPO and DGNSI referrals of each treatment known on that date (for the steps of V-e)."""

    def __init__(self, register: Register, actor_names: dict[str, str] | None = None):
        self.as_of = register.as_of
        self.rank_in_file = register.document.rank_in_file
        self.treatments = {t.id: t for t in register.model.traitements}
        self.referrals: dict[str, list[tuple[date, str | None, str | None]]] = {}
        # the bodies each DPO was designated by (to tell whose opinion a referral gave, V-e/3)
        self.dpo_bodies = {d.id: frozenset(d.organismes) for d in register.model.dpo}
        self.commune = register.model.commune
        self.actor_names = actor_names if actor_names is not None else register.actor_names()
        self.dgnsi: dict[str, list[date]] = {}
        for e in register.model.evenements:
            when = event_date(e)
            if e.traitement is None or when is None or when > self.as_of:
                continue
            if e.type == "saisine_dpo":
                self.referrals.setdefault(e.traitement, []).append((when, e.avis, e.dpo))
            elif e.type == "saisine_dgnsi":
                self.dgnsi.setdefault(e.traitement, []).append(when)

    def event_key(self, e: Any, path: tuple[Any, ...]) -> str:
        """The key of the event at `path`: its id, else its rank in the file's `evenements`."""
        return event_key(e.id, self.rank_in_file("evenements", path[-1]))

    def referred_by(self, tid: str | None, when: date, opinions: frozenset[str] | None = None,
                    body: str | None = None) -> str:
        """oui when the DPO was referred about `tid` on or before `when` (with one of `opinions`;
        with `body`, a DPO the referral names and that `body` designated)."""
        return yes_no(any(day <= when and (opinions is None or avis in opinions)
                          and (body is None or body in self.dpo_bodies.get(dpo or "", ()))
                          for day, avis, dpo in self.referrals.get(tid or "", ())))

    def assent_of_both(self, tid: str | None, when: date) -> dict[str, str]:
        """V-e/3: whether the commune's DPO and the Métropole's each gave a favourable or
        conforme opinion on or before `when` (a referral that names no DPO counts for neither)."""
        return {"avis_dpo_commune_avant": self.referred_by(tid, when, ASSENT, self.commune),
                "avis_dpo_metropole_avant": self.referred_by(tid, when, ASSENT, vocabulary.METROPOLE)}

    def controller(self, tid: str | None) -> str | None:
        """The controller of a treatment (the commune unless the register names another)."""
        t = self.treatments.get(tid or "")
        return None if t is None else (t.responsable or self.commune)

    def dgnsi_by(self, tid: str | None, when: date) -> str:
        return yes_no(any(day <= when for day in self.dgnsi.get(tid or "", ())))

    def step_party(self, e: Any) -> str:
        """Who did a step of V-e, as the clause names them: the DGNSI's project lead (a
        Métropole service) for a digital project's steps (V-e/1); the agents running the
        competition for procurement (V-e/2): the Métropole's when it is the contracting
        authority; for a go-live, the `par` the event gives, else the commune when it runs the
        treatment itself (V-e/3 binds « les services communaux ou les services communs »)."""
        t = self.treatments.get(e.traitement or "")
        if e.type in ("diagnostic_securite", "validation_projet", "conception_technique"):
            return vocabulary.METROPOLE
        if e.type in ("saisine_dgnsi", "redaction_dce"):
            authority = t.metropole.pouvoir_adjudicateur if t is not None and t.metropole else None
            return ABSENT if authority is None else (vocabulary.METROPOLE if authority else "commune")
        if e.type == "mise_en_oeuvre":
            if e.par:
                return e.par
            return "commune" if t is not None and t.exploitation == "commune" else ABSENT
        return ABSENT


# V-e/3: an opinion that allows going ahead (« avis conforme »; a favourable one counts)
ASSENT = frozenset({"conforme", "favorable"})


def _known(value: Any, as_of: date) -> Any:
    """A dated value, or None when it lies after the audit date (not known yet then)."""
    if value is None:
        return None
    when = value.astimezone(PARIS).date() if isinstance(value, datetime) else value
    return None if when > as_of else value


def _add_event(out: FactSet, kind: str, e: Any, path: tuple[Any, ...], ctx: _Context, **values: Any) -> None:
    """An event fact: keyed by the event's id (else its rank), with its id and treatment."""
    out.add(kind, ctx.event_key(e, path), path, eid=e.id or ABSENT, tid=e.traitement or ABSENT,
            date=event_date(e).isoformat(), **values)


def _hours_after(detected: int, instant: datetime | None) -> int:
    """Whole hours from a breach's detection (seconds) to `instant`, rounded up; -1 without one."""
    return -(-(int(instant.timestamp()) - detected) // 3600) if instant else -1


def _violation_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    if e.detectee_le is None:
        return
    detected = int(e.detectee_le.timestamp())
    notified = _known(e.notifiee_cnil_le, ctx.as_of)
    informed = _known(e.personnes_informees_le, ctx.as_of)
    _add_event(
        out, "violation", e, path, ctx,
        risque=e.risque or ABSENT,
        s_detectee=detected,
        s_limite_notification=detected + parameter("delai_notification_violation_heures") * 3600,
        date_limite=(e.detectee_le + timedelta(hours=parameter("delai_notification_violation_heures"))).astimezone(PARIS).isoformat(timespec="minutes"),
        notifiee_cnil=yes_no(notified is not None),
        heures_notification=_hours_after(detected, notified),
        motif_retard=present(e.motif_retard),
        personnes_informees=yes_no(informed is not None),
        heures_information=_hours_after(detected, informed),
        motif_retard_personnes=present(e.motif_retard_personnes),
        inscrite_registre=yes_no(e.inscrite_registre),
        geree_par=e.geree_par or ABSENT,
        observations_commune=yes_no(e.observations_commune),
    )


def _request_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    if e.recue_le is None:
        return
    months = parameter("delai_reponse_demande_mois")
    limit = end_of_period_in_months(e.recue_le, months)
    extension = e.prolongation
    extended = (extension is not None and extension.motif and _known(extension.notifiee_le, ctx.as_of) is not None
                and extension.notifiee_le <= limit)
    if extended:
        # art. 12(3): two further months, when the person was told within the first
        limit = end_of_period_in_months(e.recue_le, months + parameter("prolongation_reponse_demande_mois"))
    answered = _known(e.repondue_le, ctx.as_of)
    _add_event(
        out, "demande", e, path, ctx,
        droit=e.droit or ABSENT,
        jour_recue=day(e.recue_le),
        jour_limite=day(limit),
        date_limite=limit.isoformat(),
        repondue=yes_no(answered is not None),
        jours_retard=(answered - limit).days if answered else 0,
        prolongation="valable" if extended else ("invalide" if extension else ABSENT),
        observations_commune=yes_no(e.observations_commune),
    )


def _inventory_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    delivered = e.remis_le or e.date
    if delivered is None:
        return
    _add_event(out, "etat_des_lieux", e, path, ctx, jour_remis=day(delivered), exhaustif=yes_no(e.exhaustif),
               nb_traitements=len(set(e.traitements)))
    for rank, tid in enumerate(dict.fromkeys(e.traitements)):
        out.add("traitement_inventorie", f"{ctx.event_key(e, path)}#{rank}", path + ("traitements", rank),
                eid=e.id or ABSENT, tid=tid, jour_remis=day(delivered))


def _referral_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    _add_event(out, "saisine_dpo", e, path, ctx, jour=day(event_date(e)), dpo=e.dpo or ABSENT, par=e.par or ABSENT,
               phase=e.phase or ABSENT, avis=e.avis or ABSENT, preuve_conservee=yes_no(e.preuve_conservee))


def _ve_gap(voie: str, step: str, dpo_before: str, assent_before: str, dgnsi_before: str) -> str:
    """oui when a step of V-e was done without what the clause requires before it:
    V-e/1, the project's validation or technical design without a DPO referral (« en amont de
    la validation du projet ») ; V-e/2, the tender documents drafted without referring the DGNSI
    and the DPO (« en amont de la rédaction des pièces du dossier de mise en concurrence ») ;
    V-e/3, a direct creation put in place without the DPO's assent (« sans l'avis conforme »)."""
    gap = ((voie == "projet_numerique" and step in ("validation_projet", "conception_technique") and dpo_before == "non")
           or (voie == "saisine_directe" and step == "mise_en_oeuvre" and assent_before == "non")
           or (voie == "commande_publique" and step == "redaction_dce" and "non" in (dgnsi_before, dpo_before)))
    return yes_no(gap)


def _step_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    when = event_date(e)
    t = ctx.treatments.get(e.traitement or "")
    voie = (t.acquisition.voie if t is not None and t.acquisition else None) or ABSENT
    dpo_before = ctx.referred_by(e.traitement, when)
    assent_before = ctx.referred_by(e.traitement, when, ASSENT)
    dgnsi_before = ctx.dgnsi_by(e.traitement, when)
    _add_event(out, "etape", e, path, ctx, jour=day(when), etape=e.type, voie=voie,
               par=ctx.step_party(e),
               saisine_dpo_avant=dpo_before,
               avis_dpo_avant=assent_before,
               saisine_dgnsi_avant=dgnsi_before,
               ecart_ve=_ve_gap(voie, e.type, dpo_before, assent_before, dgnsi_before),
               **ctx.assent_of_both(e.traitement, when))


def _evolution_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    _add_event(out, "evolution", e, path, ctx, jour=day(event_date(e)), nature=e.nature or ABSENT,
               demandee_par=e.demandee_par or ABSENT, traitee_par=e.traitee_par or ABSENT,
               processus_standard=yes_no(e.processus_standard),
               avis_dpo_avant=ctx.referred_by(e.traitement, event_date(e), ASSENT),
               **ctx.assent_of_both(e.traitement, event_date(e)))


def _retention_end_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    informed = _known(e.commune_informee_le, ctx.as_of)
    accord = _known(e.accord_commune_le, ctx.as_of)
    done = _known(e.realisee_le, ctx.as_of)
    planned = e.date_prevue or event_date(e)  # `date` may say when the end was decided
    _add_event(
        out, "fin_conservation", e, path, ctx,
        date_prevue=planned.isoformat(),
        jour_prevue=day(planned),
        option=e.option or ABSENT,
        commune_informee=yes_no(informed is not None),
        jour_commune_informee=day(informed) if informed else -1,
        accord_commune=yes_no(accord is not None),
        jour_accord_commune=day(accord) if accord else -1,
        # V-f/4: whether the outcome was decided by the treatment's controller
        decide_par_responsable=ABSENT if not e.decide_par else yes_no(e.decide_par == ctx.controller(e.traitement)),
        decide_par_nom=ctx.actor_names.get(e.decide_par, e.decide_par) if e.decide_par else ABSENT,
        realisee=yes_no(done is not None),
        jour_realisee=day(done) if done else -1,
        acces_restreint=yes_no(e.acces_restreint),
    )


def _dated_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    _add_event(out, e.type, e, path, ctx, jour=day(event_date(e)))


def _process_notice_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    _add_event(out, "notification_processus", e, path, ctx, jour=day(event_date(e)), nb_documents=len(e.documents))


def _awareness_facts(out: FactSet, e: Any, path: tuple[Any, ...], ctx: _Context) -> None:
    _add_event(out, "sensibilisation", e, path, ctx, jour=day(event_date(e)), public=e.public or ABSENT)


_EVENT_FACTS = {
    "saisine_dpo": _referral_facts,
    **dict.fromkeys(
        ("saisine_dgnsi", "diagnostic_securite", "validation_projet", "conception_technique", "redaction_dce",
         "mise_en_oeuvre"),
        _step_facts),
    "evolution": _evolution_facts,
    "fin_conservation": _retention_end_facts,
    "declaration_arret": _dated_facts,
    "plan_action_anterieurs": _dated_facts,
    "sensibilisation": _awareness_facts,
    "notification_processus": _process_notice_facts,
    "violation": _violation_facts,
    "demande_droit": _request_facts,
    "etat_des_lieux": _inventory_facts,
    "communication_cnil": _dated_facts,
}


# Words that name the measures art. 32(1)(a) cites first (« la pseudonymisation et le chiffrement »),
# matched on each word's start so that « chiffrement TLS », « données chiffrées » or « pseudonymiser »
# count, in French or English.
_MEASURE_WORDS = (("chiffr", "chiffrement"), ("crypt", "chiffrement"), ("encrypt", "chiffrement"),
                  ("pseudonym", "pseudonymisation"))


def _measure_kind(words: str) -> str:
    for word in words.split():
        for start, kind in _MEASURE_WORDS:
            if word.startswith(start):
                return kind
    return "autre"


def _treatment_facts(out: FactSet, t: Traitement, path: tuple[Any, ...], commune: str,
                     actor_types: dict[str, str], actor_names: dict[str, str], date_effet: date,
                     avenant: bool = True) -> None:
    sensitive = set(t.donnees_sensibles or [])
    criteria = set(t.criteres_aipd or [])
    if sensitive - {"nir"}:
        criteria.add("donnees_sensibles")  # WP248 criterion 4 follows from the data themselves
    responsable = t.responsable or commune
    out.add(
        "traitement", t.id, path,
        tid=t.id,
        nom=t.nom,
        responsable=responsable,
        responsable_nom=actor_names.get(responsable, responsable),
        responsable_type=actor_types.get(responsable, ABSENT),
        base_legale=t.base_legale or ABSENT,
        preuve_consentement=yes_no(t.preuve_consentement),
        nb_finalites=len(t.finalites),
        nb_personnes_concernees=len(t.personnes_concernees),
        nb_categories_donnees=len(t.categories_donnees),
        nb_destinataires=len(t.destinataires),
        nb_mesures_securite=len(t.mesures_securite),
        donnees_sensibles_renseignees=yes_no(t.donnees_sensibles is not None),
        nb_donnees_sensibles=len(sensitive),
        nb_donnees_art9=len(sensitive & ART9),
        nb_donnees_art10=len(sensitive & ART10),
        nir=yes_no("nir" in sensitive),
        exception_art9=present(t.exception_art9),
        justification_minimisation=present(t.justification_minimisation),
        transferts_renseignes=yes_no(t.transferts_hors_ue is not None),
        nb_transferts=len(t.transferts_hors_ue or []),
        nb_responsables_conjoints_tiers=len(set(t.responsables_conjoints) - {vocabulary.METROPOLE}),
        duree_conservation=present(t.duree_conservation and t.duree_conservation.duree),
        sort_final=t.sort_final or ABSENT,
        information_personnes=yes_no(t.information_personnes.realisee if t.information_personnes else None),
        procedure_rectification=yes_no(t.procedure_rectification),
        criteres_aipd_renseignes=yes_no(t.criteres_aipd is not None),
        nb_criteres_aipd=len(criteria),
        grande_echelle=yes_no("grande_echelle" in criteria),
        aipd=present(t.aipd and t.aipd.realisee_le),
        cree_le=present(t.cree_le),
        anterieur=ABSENT if t.cree_le is None else yes_no(t.cree_le < date_effet),
        statut=t.statut or ABSENT,
        exploitation=t.exploitation or ABSENT,
        role_metropole=(t.metropole.role_declare if t.metropole else None) or ABSENT,
        metropole_definit_finalites_moyens=yes_no(t.metropole.definit_finalites_moyens if t.metropole else None),
        metropole_pouvoir_adjudicateur=yes_no(t.metropole.pouvoir_adjudicateur if t.metropole else None),
        accord_conjoint=present(t.accord_conjoint and t.accord_conjoint.signe_le),
        voie=(t.acquisition.voie if t.acquisition else None) or ABSENT,
        jour_cree=day(t.cree_le) if t.cree_le else -1,
        date_cree=t.cree_le.isoformat() if t.cree_le else ABSENT,
    )
    for rank, provider in enumerate(t.sous_traitants):
        out.add(
            "sous_traitant", f"{t.id}#{rank}", path + ("sous_traitants", rank),
            tid=t.id,
            acteur=provider.acteur,
            acteur_nom=actor_names.get(provider.acteur, provider.acteur),
            rang={1: "premier", "1": "premier", "ulterieur": "ulterieur"}.get(provider.rang, ABSENT),
            selectionne_par=provider.selectionne_par or ABSENT,
            # chosen by BM under the commune's general delegation (V-d): only where there is an avenant
            delegation_vd=yes_no(avenant and provider.selectionne_par == vocabulary.METROPOLE),
            contrat_ecrit=yes_no(provider.contrat_ecrit),
            instructions_documentees=yes_no(provider.instructions_documentees),
            autorisation=provider.autorisation or ABSENT,
            information_commune=yes_no(provider.information_commune),
        )
    for rank, purpose in enumerate(t.finalites):
        out.add("finalite", f"{t.id}#{rank}", path + ("finalites", rank), tid=t.id, texte=normalise_text(purpose), libelle=purpose, rang=rank + 1)
    for rank, measure in enumerate(t.mesures_securite):
        words = normalise_text(measure)
        out.add("mesure", f"{t.id}#{rank}", path + ("mesures_securite", rank), tid=t.id, nom=words.replace(" ", "_"),
                nature=_measure_kind(words))
    for rank, transfer in enumerate(t.transferts_hors_ue or []):
        out.add("transfert", f"{t.id}#{rank}", path + ("transferts_hors_ue", rank), tid=t.id, pays=transfer.pays, garantie=transfer.garantie or ABSENT)
