"""Text output for a person: a table per treatment, then a summary."""

from __future__ import annotations

import textwrap
from itertools import groupby

from tabulate import tabulate

from ..audit import AuditResult, summary
from ..rules import Rule

_WIDTH = 60


def _wrap(text: str, width: int = _WIDTH) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def render(results: list[AuditResult], rules: tuple[Rule, ...] = ()) -> str:
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
