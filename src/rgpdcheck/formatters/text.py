"""Text output for a person: the audit as a table per treatment then a summary, the
deadlines soonest first, a liability answer with its reasoning and the clauses quoted."""

from __future__ import annotations

import textwrap
from itertools import groupby
from typing import Any

from tabulate import tabulate

from ..audit import summary
from ..clauses import clauses
from ..reports import AuditReport, DeadlineReport, LiabilityReport

_WIDTH = 60


def _wrap(text: str, width: int = _WIDTH) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def audit(report: AuditReport) -> str:
    results = report.results
    out: list[str] = []
    for result in results:
        out.append(f"{result.file} — commune : {result.commune} — au {result.as_of.isoformat()}")
        if not result.findings:
            out.append("  Aucun constat.\n")
            continue
        keyed = sorted((f for f in result.findings if f.counted), key=lambda f: (f.treatment is not None, f.treatment or "", f.line, f.rule_id))
        for treatment, group in groupby(keyed, key=lambda f: f.treatment):
            out.append("")
            out.append(f"Traitement {treatment}" if treatment else "Registre (constats généraux)")
            rows = [
                [f.line, f.severity, f.rule_id, _wrap(f.message), "\n".join(_wrap(c, 26) for c in f.citations)]
                for f in group
            ]
            out.append(tabulate(rows, headers=["ligne", "gravité", "règle", "constat", "références"], tablefmt="simple_grid"))
        waived = [f for f in result.findings if not f.counted]
        if waived:
            out.append("")
            out.append("Constats couverts par une dérogation (non comptés)")
            rows = [[f.line, f.treatment or "", f.rule_id, _wrap(f"{f.waiver.motif} (jusqu'au {f.waiver.jusqu_au.isoformat()})", 50)] for f in waived]
            out.append(tabulate(rows, headers=["ligne", "traitement", "règle", "dérogation"], tablefmt="simple_grid"))
        out.append("")
    totals = summary(results)
    by = totals["by_severity"]
    line = (f"{totals['findings']} constat(s) : {by['erreur']} erreur(s), {by['avertissement']} avertissement(s), "
            f"{by['info']} info(s) — {totals['treatments']} traitement(s) audité(s) dans {totals['files']} fichier(s).")
    out.append(line)
    aside = totals["set_aside"]
    if totals["waived"]:
        out.append(f"{totals['waived']} constat(s) couvert(s) par une dérogation en cours, non compté(s).")
    if totals["baselined"]:
        out.append(f"{totals['baselined']} constat(s) déjà dans la référence (--baseline), non affiché(s).")
    if aside["traitements"] or aside["evenements"]:
        out.append(f"Écartés car postérieurs à la date d'audit : {aside['traitements']} traitement(s), {aside['evenements']} événement(s).")
    return "\n".join(out) + "\n"


def deadlines(report: DeadlineReport) -> str:
    deadlines = report.deadlines
    head = (f"{report.file} — commune : {report.commune_name} — échéances au {report.as_of.isoformat()} "
            f"et dans les {report.within} jours suivants")
    if not deadlines:
        return f"{head}\n  Aucune échéance.\n"
    rows = []
    for d in deadlines:
        when = f"dépassée de {-d.days_left} j" if d.overdue else ("aujourd'hui" if d.days_left == 0 else f"dans {d.days_left} j")
        rows.append([d.due.replace("T", " "), when, d.finding.treatment or "registre",
                     "\n".join(textwrap.wrap(d.finding.message, _WIDTH)), d.finding.line,
                     "\n".join(d.finding.citations)])
    table = tabulate(rows, headers=["échéance", "délai", "traitement", "à faire", "ligne", "références"],
                     tablefmt="simple_grid")
    late = sum(1 for d in deadlines if d.overdue)
    total = f"{len(deadlines)} échéance(s), dont {late} dépassée(s)."
    return f"{head}\n\n{table}\n{total}\n"


ROLE_LABELS = {
    "controller": "responsable de traitement",
    "joint_controllers": "responsable(s) conjoint(s)",
    "processors": "sous-traitant(s)",
    "sub_processors": "sous-traitant(s) ultérieur(s)",
}


def _names(d: Any, ids: list[str]) -> str:
    return ", ".join(d.names.get(i, i) for i in ids) or "personne"


def _fill(text: str, indent: str = "") -> str:
    return textwrap.fill(text, 92, initial_indent=indent, subsequent_indent=indent)


def _basis(basis: Any) -> str:
    if basis.nature == "texte":
        return "le texte de la clause"
    return f"interprétation — {basis.principle}"


def liability(report: LiabilityReport) -> str:
    d = report.determination
    out = [f"{d.file} — traitement {d.treatment} « {d.treatment_name} »"
           + (f", événement {d.event}" if d.event else "") + f" — au {d.as_of.isoformat()}", ""]
    if d.bears == "shared":
        answer = "la charge est partagée entre la commune et Bordeaux Métropole"
    elif d.bears:
        answer = f"la charge revient à {d.names.get(d.bears, d.bears)}"
    else:
        answer = "aucune règle n'attribue la charge"
    sentence = f"Entre la commune et la Métropole, {answer}"
    if d.exonerated:
        sentence += f" ; exonéré(s) : {_names(d, d.exonerated)}"
    if d.may_claim_costs:
        sentence += f" ; peut demander réparation de ses débours : {_names(d, d.may_claim_costs)}"
    sentence += f". Vis-à-vis de la CNIL et des personnes, répond(ent) : {_names(d, d.answerable)}."
    out.append(_fill(sentence))
    if d.basis is not None:
        subject = "l'événement" if d.subject == "evenement" else "le traitement"
        out.append(_fill(f"Fondement (sur {subject}) : {_basis(d.basis)}."))
    if d.event_duty is not None:
        duty = d.event_duty
        state = {True: "oui", False: "non", None: "en cours"}[duty["in_time"]]
        line = (f"Événement : devait agir {_names(d, duty['must_act'])}, au plus tard le {duty['deadline']} ; "
                f"fait à temps : {state}")
        if duty["failure_borne_by"]:
            line += f" ; la défaillance est supportée par {d.names.get(duty['failure_borne_by'], duty['failure_borne_by'])}"
        out.append(_fill(line + "."))
    others = [c for c in d.conclusions if c.subject == "prestataire" or c.set_aside_by]
    if others:
        out += ["", "Autres conclusions :"]
        for c in others:
            if c.set_aside_by:
                out.append(_fill(f"- règle {c.rule_id} (charge : {d.names.get(c.bears, c.bears)}) écartée par "
                                 f"{', '.join(c.set_aside_by)}, qui la précise ou y déroge sur le même sujet.", "  "))
            else:
                out.append(_fill(f"- prestataire : {d.names.get(c.bears, c.bears)} répond de ce que le prestataire a "
                                 f"causé ({_basis(c.basis)}) ; règle {c.rule_id}.", "  "))
    out += ["", "Rôles :"]
    for key, label in ROLE_LABELS.items():
        if d.roles.get(key):
            out.append(f"  - {label} : {_names(d, d.roles[key])}")
    out += ["", "Raisonnement :"]
    for n, reason in enumerate(d.reasons, 1):
        out.append(_fill(f"{n}. {reason.text}"))
        out.append(f"   ({d.file}:{reason.line} ; {' ; '.join(reason.citations)} ; règle {reason.rule_id})")
    if d.escalation:
        out += ["", "En cas de différend :"]
        out += [f"  {n}. {step}" for n, step in enumerate(d.escalation, 1)]
    known = clauses()
    quoted = [known[c] for c in d.clauses if c in known]
    if quoted:
        out += ["", "Clauses de l'avenant :"]
        for clause in quoted:
            out.append(f"  {clause.id} — {clause.titre} ({clause.source()})")
            for paragraph in clause.texte.splitlines():
                out.append(_fill(paragraph, "    ") if paragraph else "")
    return "\n".join(out) + "\n"
