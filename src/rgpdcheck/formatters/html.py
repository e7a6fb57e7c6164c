"""HTML report for the DPO, the DGS and the élus: one self-contained file, in French.

No network and no external asset: the style sheet and the chart (inline SVG) are in the
page, and the only script opens the clause texts before printing. The same results give
the same bytes (no generation time in the page).
"""

from __future__ import annotations

from collections import Counter
from html import escape
from itertools import groupby

from .. import __version__
from ..audit import AuditResult, summary
from ..catalogue import clauses_of_rule
from ..findings import Finding
from ..reports import AuditReport, DeadlineReport
from ..rulebook import Rule
from ..vocabulary import SEVERITY_LABELS, SEVERITY_RANK


COLOURS = {"erreur": "#b3261e", "avertissement": "#a15c00", "info": "#1f5fa8"}

_CSS = """
:root { --erreur: #b3261e; --avertissement: #a15c00; --info: #1f5fa8; --ok: #2e7d32; --gris: #5f6368; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif;
       color: #1f1f1f; max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 28px 0 10px; border-bottom: 2px solid #ddd; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.meta { color: var(--gris); margin: 0 0 16px; }
.cartes { display: flex; gap: 12px; flex-wrap: wrap; }
.carte { border: 1px solid #ddd; border-radius: 8px; padding: 10px 16px; min-width: 150px; }
.carte .n { font-size: 28px; font-weight: 700; display: block; }
.carte.erreur .n { color: var(--erreur); } .carte.avertissement .n { color: var(--avertissement); }
.carte.info .n { color: var(--info); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e5e5e5; vertical-align: top; }
th { background: #f5f5f5; }
.statut.conforme { color: var(--ok); font-weight: 600; } .statut.erreur { color: var(--erreur); font-weight: 600; }
.statut.avertissement { color: var(--avertissement); font-weight: 600; } .statut.info { color: var(--info); }
.constat { border-left: 5px solid #ccc; padding: 6px 12px; margin: 10px 0; background: #fafafa; break-inside: avoid; }
.constat.erreur { border-color: var(--erreur); } .constat.avertissement { border-color: var(--avertissement); }
.constat.info { border-color: var(--info); } .constat.deroge { border-color: var(--gris); }
.badge { display: inline-block; font-size: 12px; font-weight: 700; text-transform: uppercase; padding: 1px 6px;
         border-radius: 4px; color: #fff; background: var(--gris); }
.badge.erreur { background: var(--erreur); } .badge.avertissement { background: var(--avertissement); }
.badge.info { background: var(--info); }
.regle { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; color: var(--gris); }
.refs { color: var(--gris); font-size: 13px; }
blockquote { margin: 6px 0; padding: 6px 12px; border-left: 3px solid #bbb; background: #fff; white-space: pre-line;
             font-size: 13px; }
summary { cursor: pointer; color: var(--info); font-size: 13px; }
footer { margin-top: 32px; color: var(--gris); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; } tr, .constat { break-inside: avoid; }
  summary { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  a { color: inherit; text-decoration: none; }
  .carte { border-color: #999; }
}
"""

# Opens every clause text before printing (browsers print closed <details> closed).
_SCRIPT = "addEventListener('beforeprint',()=>document.querySelectorAll('details').forEach(d=>d.open=true));"


def audit(report: AuditReport) -> str:
    results, rules = report.results, report.rules
    by_id = {r.id: r for r in rules}
    families = _families(rules)
    title = "Audit RGPD — " + ", ".join(r.commune_name or r.commune for r in results)
    body = []
    if len(results) > 1:
        body += [f"<h1>{escape(title)}</h1>", _cards(results)]
    for index, result in enumerate(results, 1):
        body.append(_register(result, index, by_id, families, heading="h1" if len(results) == 1 else "h2"))
    totals = summary(results)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        f"<script>{_SCRIPT}</script>",
        "</head>",
        (f'<body data-constats="{totals["findings"]}" data-erreurs="{totals["by_severity"]["erreur"]}" '
         f'data-avertissements="{totals["by_severity"]["avertissement"]}" data-infos="{totals["by_severity"]["info"]}" '
         f'data-derogations="{totals["waived"]}">'),
        *body,
        (f"<footer>Rapport produit par rgpdcheck {escape(__version__)} à partir du registre et de l'avenant RGPD "
         "(délibération 2018-297 de Bordeaux Métropole, section V). Les textes cités sont ceux de l'avenant.</footer>"),
        "</body>",
        "</html>",
        "",
    ])


# The order of section V, for the chart; a family not listed comes after, by name.
FAMILY_ORDER = ["regles-or", "roles", "dpo", "acquisition", "violations", "demandes", "effacement", "anterieurs",
                "sensibilisation", "derogations"]


def _families(rules: tuple[Rule, ...]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for rule in rules:
        seen.setdefault(rule.family, rule.family_title)
    rank = {family: i for i, family in enumerate(FAMILY_ORDER)}
    return sorted(seen.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def _plural(n: int, severity: str) -> str:
    one, many = SEVERITY_LABELS[severity]
    return f"{n} {one if n == 1 else many}"


def _cards(results: list[AuditResult]) -> str:
    totals = summary(results)
    by = totals["by_severity"]
    cards = [f'<div class="carte {s}"><span class="n" data-gravite="{s}">{by[s]}</span>'
             f"{escape(SEVERITY_LABELS[s][1 if by[s] != 1 else 0])}</div>" for s in SEVERITY_RANK]
    cards.append(f'<div class="carte"><span class="n" data-derogations>{totals["waived"]}</span>'
                 "constat(s) couvert(s) par une dérogation</div>")
    cards.append(f'<div class="carte"><span class="n">{totals["treatments"]}</span>traitement(s) audité(s)</div>')
    return '<section class="cartes" aria-label="Résumé">' + "".join(cards) + "</section>"


def _register(result: AuditResult, index: int, rules: dict[str, Rule], families: list[tuple[str, str]],
              heading: str) -> str:
    name = result.commune_name or result.commune
    out = [f'<section class="registre" id="registre-{index}">',
           f"<{heading}>Audit RGPD du registre de {escape(name)}</{heading}>",
           (f'<p class="meta">Registre <code>{escape(result.file)}</code> — état au '
            f"{escape(_french_date(result.as_of))} — {result.treatments} traitement(s) audité(s)</p>")]
    aside = result.set_aside
    if aside.get("traitements") or aside.get("evenements"):
        out.append(f'<p class="meta">Écartés car postérieurs à la date d\'audit : {aside.get("traitements", 0)} '
                   f'traitement(s), {aside.get("evenements", 0)} événement(s).</p>')
    out.append(_cards([result]))
    counted = [f for f in result.findings if f.counted]
    out.append(_chart(counted, families))
    out.append(_treatments(result, counted))
    out.append("<h2>Constats</h2>")
    if not counted:
        out.append('<p class="statut conforme">Aucun constat : le registre ne montre aucun écart aux règles vérifiées.</p>')
    keyed = sorted(counted, key=lambda f: (f.treatment is not None, f.treatment or "", f.line, f.rule_id))
    names = dict(result.treatment_names)
    for treatment, group in groupby(keyed, key=lambda f: f.treatment):
        label = f"Traitement {treatment} — {names.get(treatment, '')}" if treatment else "Registre (constats généraux)"
        out.append(f"<h3>{escape(label.rstrip(' —'))}</h3>")
        out += [_finding(f, rules.get(f.rule_id)) for f in group]
    waived = [f for f in result.findings if not f.counted]
    if waived:
        out.append("<h2>Constats couverts par une dérogation (non comptés)</h2>")
        out += [_finding(f, rules.get(f.rule_id)) for f in waived]
    out.append("</section>")
    return "\n".join(out)


def _chart(findings: list[Finding], families: list[tuple[str, str]]) -> str:
    """Horizontal stacked bars, one per clause family, in inline SVG."""
    counts = Counter((f.family, f.severity) for f in findings)
    totals = {family: sum(counts[(family, s)] for s in SEVERITY_RANK) for family, _ in families}
    top = max(totals.values(), default=0) or 1
    row, label_width, bar_width = 26, 330, 560
    height = row * len(families) + 30
    parts = [(f'<svg role="img" aria-label="Constats par famille de clauses" width="100%" viewBox="0 0 '
              f'{label_width + bar_width + 60} {height}" xmlns="http://www.w3.org/2000/svg" '
              'font-family="system-ui, sans-serif" font-size="13">')]
    for i, (family, title) in enumerate(families):
        y = 8 + i * row
        short = title.split(" (")[0]  # the clauses are in the tooltip and in each finding
        parts.append(f'<text x="0" y="{y + 15}"><title>{escape(title)}</title>{escape(short)}</text>')
        x = float(label_width)
        for severity in SEVERITY_RANK:
            n = counts[(family, severity)]
            if n:
                w = bar_width * n / top
                parts.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="18" fill="{COLOURS[severity]}">'
                             f"<title>{escape(title)} : {_plural(n, severity)}</title></rect>")
                x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}" data-famille="{escape(family)}">{totals[family]}</text>')
    legend_y = height - 6
    for j, severity in enumerate(SEVERITY_RANK):
        parts.append(f'<rect x="{label_width + j * 150}" y="{legend_y - 11}" width="12" height="12" fill="{COLOURS[severity]}"/>'
                     f'<text x="{label_width + j * 150 + 16}" y="{legend_y}">{SEVERITY_LABELS[severity][1]}</text>')
    parts.append("</svg>")
    return '<h2>Constats par famille de clauses</h2>\n<figure class="graphique">' + "".join(parts) + "</figure>"


def _treatments(result: AuditResult, findings: list[Finding]) -> str:
    per = Counter((f.treatment, f.severity) for f in findings)
    rows = []
    for tid, name in result.treatment_names:
        found = [(s, per[(tid, s)]) for s in SEVERITY_RANK if per[(tid, s)]]
        if found:
            worst = found[0][0]
            status = f'<span class="statut {worst}">' + ", ".join(_plural(n, s) for s, n in found) + "</span>"
        else:
            status = '<span class="statut conforme">conforme</span>'
        rows.append(f"<tr><td><code>{escape(tid)}</code></td><td>{escape(name)}</td><td>{status}</td></tr>")
    return ("<h2>Traitements</h2>\n<table><thead><tr><th>identifiant</th><th>traitement</th><th>état</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _finding(finding: Finding, rule: Rule | None) -> str:
    waived = finding.waiver is not None
    css = "deroge" if waived else finding.severity
    out = [f'<article class="constat {css}" data-regle="{escape(finding.rule_id)}">',
           (f'<div><span class="badge {finding.severity}">{escape(SEVERITY_LABELS[finding.severity][0])}</span> '
            f"<strong>{escape(finding.title)}</strong> "
            f'<span class="regle">{escape(finding.rule_id)}</span></div>'),
           f"<p>{escape(finding.message)}</p>",
           f'<p class="refs">Ligne {finding.line} du registre — ' + " ; ".join(escape(c) for c in finding.citations) + "</p>"]
    if waived:
        out.append(f'<p class="refs">Dérogation jusqu\'au {escape(_french_date(finding.waiver.jusqu_au))} : '
                   f"{escape(finding.waiver.motif)}</p>")
    for clause in clauses_of_rule(rule) if rule else []:
        out.append(f"<details><summary>Texte de la clause {escape(clause.id)} — {escape(clause.titre)}</summary>"
                   f"<blockquote>{escape(clause.texte)}</blockquote>"
                   f'<p class="refs">({escape(clause.source())})</p></details>')
    out.append("</article>")
    return "\n".join(out)


_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"]


def _french_date(day) -> str:  # type: ignore[no-untyped-def]
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS[day.month - 1]} {day.year}"


def deadlines(report: DeadlineReport) -> str:
    return audit(report.as_problems())
