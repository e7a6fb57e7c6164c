"""Text output for a person, wrapped to the terminal (COLUMNS honoured, 80 columns at least):
the audit as a plan d'action, one block per finding common to many treatments, one block per
other finding grouped by treatment, then a summary (grouping.py); the deadlines soonest
first; a liability answer with its reasoning and the clauses quoted."""

from __future__ import annotations

import re
import textwrap
from itertools import groupby
from typing import Any

from ..audit import summary
from ..clauses import clauses
from ..findings import Finding
from ..grouping import PLAN_SIZE, Group, action_count, plan, rest, split
from ..reports import AuditReport, DeadlineReport, LiabilityReport
from ..sanitize import terminal_safe
from ..terminal import (
    terminal_columns,  # shutil.get_terminal_size without importing shutil
)
from ..vocabulary import count
from ..wording import french_date, french_instant

MIN_COLUMNS = 80


def columns() -> int:
    """The terminal's width (COLUMNS when set), never under 80 columns."""
    return max(MIN_COLUMNS, terminal_columns(MIN_COLUMNS))


# French typography: no line starts with « : », « ; », « ? », « ! » or « », none ends with « «.
# While wrapping, the space before (or after « «) is a private-use character textwrap does not
# break at; it prints as a space again.
_GLUE = "\ue000"
_BEFORE = re.compile(r" (?=[:;?!»])")


def _lines(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    """`text` wrapped to `width` columns, long words broken, so no line exceeds it; register
    texts never drive the terminal (control characters shown escaped, before wrapping)."""
    glued = _BEFORE.sub(_GLUE, terminal_safe(text).replace(_GLUE, " ")).replace("« ", "«" + _GLUE)
    lines = textwrap.wrap(glued, width, initial_indent=indent if first is None else first, subsequent_indent=indent,
                          break_long_words=True, break_on_hyphens=False) or [indent.rstrip()]
    return [line.replace(_GLUE, " ") for line in lines]


SHOWN_TREATMENTS = 12  # a group lists this many treatment ids, then how many more


def _plan(findings: list[Finding], width: int) -> list[str]:
    """The plan d'action: the fixes that clear the most findings, by severity then count, on
    one screen (at most PLAN_SIZE entries and a line for the rest)."""
    actions = plan(findings)
    if not actions:
        return []
    out = ["", *_lines("Plan d'action : les corrections qui lèvent le plus de constats", width)]
    for n, a in enumerate(actions[:PLAN_SIZE], 1):
        out += _lines(f"{a.severity} · {a.title} : {action_count(a)}", width, "     ", f"  {n}. ")
    left = rest(actions)
    if left["actions"]:
        out += _lines(f"… et {count(left['actions'], 'autre correction', 'autres corrections')} "
                      f"({count(left['findings'], 'constat', 'constats')}).", width, "     ", "  ")
    return out


def _group(g: Group, width: int) -> list[str]:
    """One rule on many treatments: its severity, rule and count, the field and the title,
    the treatments (the first ones, then how many more), the references."""
    shown = ", ".join(f"{tid} (l. {line})" for tid, line in g.items[:SHOWN_TREATMENTS])
    more = len(g.items) - SHOWN_TREATMENTS
    if more > 0:
        shown += f", … et {count(more, 'autre', 'autres')}"
    field = f" (champ {g.field})" if g.field else ""
    return [*_lines(f"{g.severity} · {g.rule_id} · {count(len(g.items), 'traitement', 'traitements')}", width, "  "),
            *_lines(f"{g.title}{field}", width, "    "),
            *_lines(f"Traitements : {shown}", width, "    "),
            *_lines("Références : " + " ; ".join(g.citations), width, "    ")]


def audit(report: AuditReport) -> str:
    """The plan d'action, the findings common to many treatments as one block each, then one
    block per other finding grouped by treatment with its name, wrapped to the terminal."""
    width = columns()
    rules = {r.id: r for r in report.rules}
    out: list[str] = []
    for result in report.results:
        out += _lines(f"{result.file} — commune : {result.commune_name or result.commune} — au "
                      f"{french_date(result.as_of)}", width)
        if not result.findings:
            out += ["  Aucun constat.", ""]
            continue
        names = dict(result.treatment_names)
        out += _plan(result.findings, width)
        groups, singles = split(result.findings, rules)
        if groups:
            out += ["", *_lines("Constats communs à plusieurs traitements", width)]
        for g in groups:
            out += _group(g, width)
        keyed = sorted((f for f in singles if f.counted),
                       key=lambda f: (f.treatment is not None, f.treatment or "", f.line, f.rule_id))
        for treatment, group in groupby(keyed, key=lambda f: f.treatment):
            out.append("")
            title = (f"Traitement {treatment} « {names[treatment]} »" if treatment in names
                     else (f"Traitement {treatment}" if treatment else "Registre (constats généraux)"))
            out += _lines(title, width)
            for f in group:
                out += _lines(f"ligne {f.line} · {f.severity} · {f.rule_id}", width, "  ")
                out += _lines(f.message, width, "    ")
                out += _lines("Références : " + " ; ".join(f.citations), width, "    ")
        waived = [f for f in result.findings if not f.counted]
        if waived:
            out += ["", "Constats couverts par une dérogation (non comptés)"]
            for f in waived:
                assert f.waiver is not None
                where = f" · {f.treatment}" if f.treatment else ""
                out += _lines(f"ligne {f.line} · {f.rule_id}{where}", width, "  ")
                out += _lines(f"{f.waiver.motif} (jusqu'au {french_date(f.waiver.jusqu_au)})", width, "    ")
        out.append("")
    totals = summary(report.results)
    by = totals["by_severity"]
    out += _lines(f"{count(totals['findings'], 'constat', 'constats')} : {count(by['erreur'], 'erreur', 'erreurs')}, "
                  f"{count(by['avertissement'], 'avertissement', 'avertissements')}, "
                  f"{count(by['info'], 'information', 'informations')} — "
                  f"{count(totals['treatments'], 'traitement audité', 'traitements audités')} dans "
                  f"{count(totals['files'], 'fichier', 'fichiers')}.", width)
    aside = totals["set_aside"]
    if totals["waived"]:
        out += _lines(f"{count(totals['waived'], 'constat couvert', 'constats couverts')} par une dérogation en cours, "
                      "non comptés.", width)
    if totals["baselined"]:
        out += _lines(f"{count(totals['baselined'], 'constat', 'constats')} déjà dans la référence (--baseline), "
                      "non affichés.", width)
    if aside["traitements"] or aside["evenements"]:
        out += _lines(f"Écartés car postérieurs à la date d'audit : "
                      f"{count(aside['traitements'], 'traitement', 'traitements')}, "
                      f"{count(aside['evenements'], 'événement', 'événements')}.", width)
    return terminal_safe("\n".join(out) + "\n")


def deadlines(report: DeadlineReport) -> str:
    """The deadlines soonest first, one block each, wrapped to the terminal."""
    width = columns()
    out = _lines(f"{report.file} — commune : {report.commune_name} — échéances au {french_date(report.as_of)} "
                 f"et dans les {report.within} jours suivants", width)
    if not report.deadlines:
        return terminal_safe("\n".join(out + ["  Aucune échéance."]) + "\n")
    for d in report.deadlines:
        when = (f"dépassée de {count(-d.days_left, 'jour', 'jours')}" if d.overdue
                else ("aujourd'hui" if d.days_left == 0 else f"dans {count(d.days_left, 'jour', 'jours')}"))
        where = d.treatment_name or d.finding.treatment or "registre"
        out.append("")
        out += _lines(f"{d.due_words} · {when} · {where} · ligne {d.finding.line}", width, "  ")
        out += _lines(d.finding.message, width, "    ")
        out += _lines("Références : " + " ; ".join(d.finding.citations), width, "    ")
    late = sum(1 for d in report.deadlines if d.overdue)
    out += ["", *_lines(f"{count(len(report.deadlines), 'échéance', 'échéances')}, dont "
                        f"{count(late, 'dépassée', 'dépassées')}.", width)]
    return terminal_safe("\n".join(out) + "\n")


ROLE_LABELS = {  # (one, several)
    "controller": ("responsable de traitement", "responsables de traitement"),
    "joint_controllers": ("responsable conjoint", "responsables conjoints"),
    "processors": ("sous-traitant", "sous-traitants"),
    "sub_processors": ("sous-traitant ultérieur", "sous-traitants ultérieurs"),
}


def _names(d: Any, ids: list[str]) -> str:
    return ", ".join(d.names.get(i, i) for i in ids) or "personne"




def _basis(basis: Any) -> str:
    if basis.nature == "texte":
        return "le texte de la clause"
    return f"interprétation — {basis.principle}"


def liability(report: LiabilityReport) -> str:
    width = columns()  # measured once for the whole answer

    def _fill(text: str, indent: str = "") -> str:
        return "\n".join(_lines(text, width, indent))

    d = report.determination
    out = [_fill(f"{d.file} — traitement {d.treatment} « {d.treatment_name} »"
                 + (f", événement {d.event}" if d.event else "") + f" — au {french_date(d.as_of)}"), ""]
    if d.bears == "shared":
        answer = "la charge est partagée entre la commune et Bordeaux Métropole"
    elif d.bears:
        answer = f"la charge revient à {d.names.get(d.bears, d.bears)}"
    else:
        answer = "aucune règle n'attribue la charge"
    sentence = f"Entre la commune et la Métropole, {answer}"
    if d.exonerated:
        sentence += f" ; {'exonéré' if len(d.exonerated) < 2 else 'exonérés'} : {_names(d, d.exonerated)}"
    if d.may_claim_costs:
        sentence += f" ; peut demander réparation de ses débours : {_names(d, d.may_claim_costs)}"
    sentence += (f". Vis-à-vis de la CNIL et des personnes, {'répond' if len(d.answerable) < 2 else 'répondent'} : "
                 f"{_names(d, d.answerable)}.")
    out.append(_fill(sentence))
    if d.basis is not None:
        subject = "l'événement" if d.subject == "evenement" else "le traitement"
        out.append(_fill(f"Fondement (sur {subject}) : {_basis(d.basis)}."))
    if d.event_duty is not None:
        duty = d.event_duty
        state = {True: "oui", False: "non", None: "en cours"}[duty["in_time"]]
        line = (f"Événement : devait agir {_names(d, duty['must_act'])}, au plus tard le {french_instant(duty['deadline']) if duty['deadline'] else 'non précisé'} ; "
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
    for key, (one, several) in ROLE_LABELS.items():
        if d.roles.get(key):
            parties = d.roles[key] if isinstance(d.roles[key], list) else [d.roles[key]]
            out.append(_fill(f"- {one if len(parties) < 2 else several} : {_names(d, parties)}", "  "))
    out += ["", "Raisonnement :"]
    for n, reason in enumerate(d.reasons, 1):
        out.append(_fill(f"{n}. {reason.text}"))
        out.append(_fill(f"({d.file}:{reason.line} ; {' ; '.join(reason.citations)} ; règle {reason.rule_id})", "   "))
    if d.escalation:
        out += ["", "En cas de différend :"]
        out += [line for n, step in enumerate(d.escalation, 1) for line in _lines(step, width, "     ", f"  {n}. ")]
    known = clauses()
    quoted = [known[c] for c in d.clauses if c in known]
    if quoted:
        out += ["", "Clauses de l'avenant :"]
        for clause in quoted:
            out.append(_fill(f"{clause.id} — {clause.titre} ({clause.source()})", "  "))
            for paragraph in clause.texte.splitlines():
                out.append(_fill(paragraph, "    ") if paragraph else "")
    return terminal_safe("\n".join(out) + "\n")
