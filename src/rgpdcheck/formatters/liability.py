"""Output of `rgpdcheck liability`: JSON for tools, a French paragraph and its reasoning for
a person (with the clauses quoted from the avenant)."""

from __future__ import annotations

import json
import textwrap

from ..clauses import clauses
from ..liability import Determination

ROLE_LABELS = {
    "controller": "responsable de traitement",
    "joint_controllers": "responsable(s) conjoint(s)",
    "processors": "sous-traitant(s)",
    "sub_processors": "sous-traitant(s) ultérieur(s)",
}


def render_json(d: Determination) -> str:
    return json.dumps(d.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _names(d: Determination, ids: list[str]) -> str:
    return ", ".join(d.names.get(i, i) for i in ids) or "personne"


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, 92, initial_indent=indent, subsequent_indent=indent)


def render_text(d: Determination) -> str:
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
    out.append(_wrap(sentence))
    if d.event_duty is not None:
        duty = d.event_duty
        state = {True: "oui", False: "non", None: "en cours"}[duty["in_time"]]
        line = (f"Événement : devait agir {_names(d, duty['must_act'])}, au plus tard le {duty['deadline']} ; "
                f"fait à temps : {state}")
        if duty["failure_borne_by"]:
            line += f" ; la défaillance est supportée par {d.names.get(duty['failure_borne_by'], duty['failure_borne_by'])}"
        out.append(_wrap(line + "."))
    out += ["", "Rôles :"]
    for key, label in ROLE_LABELS.items():
        if d.roles.get(key):
            out.append(f"  - {label} : {_names(d, d.roles[key])}")
    out += ["", "Raisonnement :"]
    for n, reason in enumerate(d.reasons, 1):
        out.append(_wrap(f"{n}. {reason.text}"))
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
                out.append(_wrap(paragraph, "    ") if paragraph else "")
    return "\n".join(out) + "\n"
