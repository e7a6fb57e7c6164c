"""HTML report for the DPO, the DGS and the élus: one self-contained file, in French.

No network and no external asset: the style sheet and the chart (inline SVG) are in the
page, and there is no script. Each clause's text is quoted once, in an appendix that every
finding citing it links to (a clause cited by nine findings used to be printed nine
times); the treatment table links to each treatment's findings. The same results give the
same bytes (no generation time in the page).
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from itertools import groupby

from .. import __version__
from ..audit import AuditResult, summary
from ..catalogue import clauses_of_rule
from ..clauses import Clause, clauses
from ..findings import Finding
from ..grouping import PLAN_SIZE, Group, action_count, plan, rest, split
from ..reports import AuditReport, DeadlineReport
from ..rulebook import Rule
from ..vocabulary import SEVERITY_LABELS, SEVERITY_RANK, count
from ..wording import french_date

COLOURS = {"erreur": "#b3261e", "avertissement": "#a15c00", "info": "#1f5fa8"}

_CSS = """
:root { --erreur: #b3261e; --avertissement: #a15c00; --info: #1f5fa8; --ok: #2e7d32; --gris: #5f6368; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif;
       color: #1f1f1f; max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 28px 0 10px; border-bottom: 2px solid #ddd; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.meta { color: var(--gris); margin: 0 0 16px; }
.cartes { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; }
.carte { border: 1px solid #ddd; border-radius: 8px; padding: 10px 14px; }
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
.constat p { margin: 4px 0; }
a { color: var(--info); }
.clause { margin: 12px 0; break-inside: auto; }
.clause h3 { margin: 0 0 4px; }
blockquote { margin: 6px 0; padding: 6px 12px; border-left: 3px solid #bbb; background: #fff; white-space: pre-line;
             font-size: 13px; }
footer { margin-top: 32px; color: var(--gris); font-size: 12px; }
@media (max-width: 700px) { .cartes { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media print {
  @page { margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; line-height: 1.35; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; margin: 16px 0 6px; break-after: avoid; }
  h3 { font-size: 11pt; margin: 10px 0 4px; break-after: avoid; }
  tr, .constat { break-inside: avoid; }
  th, td { padding: 3px 6px; }
  .constat { margin: 6px 0; padding: 4px 10px; }
  .carte { border-color: #999; padding: 6px 10px; } .carte .n { font-size: 20pt; }
  blockquote { font-size: 9pt; padding: 4px 10px; }
  a { color: inherit; text-decoration: none; }
  .graphique svg { max-height: 70mm; }
  .annexe .clauses { columns: 2; column-gap: 8mm; }
  .annexe blockquote { font-size: 8.5pt; line-height: 1.3; }
}
"""


def audit(report: AuditReport) -> str:
    results, rules = report.results, report.rules
    by_id = {r.id: r for r in rules}
    # the chart's families: those of the rules that ran (a register without an avenant: GDPR rules)
    families = _families(tuple(r for r in rules if any(r.applies(res.avenant) for res in results)))
    title = "Audit RGPD — " + ", ".join(r.commune_name or r.commune for r in results)
    body = []
    if len(results) > 1:
        body += [f"<h1>{escape(title)}</h1>", _cards(results)]
    for index, result in enumerate(results, 1):
        body.append(_register(result, index, by_id, families, heading="h1" if len(results) == 1 else "h2"))
    body.append(_appendix(results, by_id))
    totals = summary(results)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        (f'<body data-constats="{totals["findings"]}" data-erreurs="{totals["by_severity"]["erreur"]}" '
         f'data-avertissements="{totals["by_severity"]["avertissement"]}" data-infos="{totals["by_severity"]["info"]}" '
         f'data-derogations="{totals["waived"]}">'),
        *body,
        (f"<footer>Rapport produit par rgpdcheck {escape(__version__)} à partir du registre et de l'avenant RGPD "
         "(délibération 2018-297 de Bordeaux Métropole, section V). Les textes cités sont ceux de l'avenant.</footer>"
         if any(r.avenant for r in results) else
         f"<footer>Rapport produit par rgpdcheck {escape(__version__)} à partir du registre, au regard du RGPD "
         "seul (commune partie à aucun avenant).</footer>"),
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
    return count(n, *SEVERITY_LABELS[severity])




def _cards(results: list[AuditResult]) -> str:
    totals = summary(results)
    by = totals["by_severity"]
    cards = [f'<div class="carte {s}"><span class="n" data-gravite="{s}">{by[s]}</span>'
             f"{escape(SEVERITY_LABELS[s][1 if by[s] != 1 else 0])}</div>" for s in SEVERITY_RANK]
    waived = totals["waived"]
    cards.append(f'<div class="carte"><span class="n" data-derogations>{waived}</span>'
                 f"{'constat couvert' if waived <= 1 else 'constats couverts'} par une dérogation</div>")
    audited = totals["treatments"]
    cards.append(f'<div class="carte"><span class="n">{audited}</span>'
                 f"{'traitement audité' if audited <= 1 else 'traitements audités'}</div>")
    return '<section class="cartes" aria-label="Résumé">' + "".join(cards) + "</section>"


def _register(result: AuditResult, index: int, rules: dict[str, Rule], families: list[tuple[str, str]],
              heading: str) -> str:
    name = result.commune_name or result.commune
    out = [f'<section class="registre" id="registre-{index}">',
           f"<{heading}>Audit RGPD du registre de {escape(name)}</{heading}>",
           (f'<p class="meta">Registre <code>{escape(result.file)}</code> — état au '
            f"{escape(french_date(result.as_of))} — {count(result.treatments, 'traitement audité', 'traitements audités')}</p>")]
    aside = result.set_aside
    if aside.get("traitements") or aside.get("evenements"):
        out.append(f'<p class="meta">Écartés car postérieurs à la date d\'audit : '
                   f'{count(aside.get("traitements", 0), "traitement", "traitements")}, '
                   f'{count(aside.get("evenements", 0), "événement", "événements")}.</p>')
    out.append(_cards([result]))
    out.append(_plan(result.findings))
    counted = [f for f in result.findings if f.counted]
    out.append(_chart(counted, families))
    out.append(_treatments(result, counted, index))
    out.append("<h2>Constats</h2>")
    if not counted:
        out.append('<p class="statut conforme">Aucun constat : le registre ne montre aucun écart aux règles vérifiées.</p>')
    groups, singles = split(counted, rules)
    in_groups: dict[str, list[Group]] = {}
    if groups:
        out.append("<h3>Constats communs à plusieurs traitements</h3>")
    for n, g in enumerate(groups, 1):
        out.append(_group(g, rules.get(g.rule_id), index, n, result.avenant))
        for tid, _ in g.items:
            in_groups.setdefault(tid, []).append(g)
    keyed = sorted(singles, key=lambda f: (f.treatment is not None, f.treatment or "", f.line, f.rule_id))
    names = dict(result.treatment_names)
    by_treatment = {t: list(fs) for t, fs in groupby(keyed, key=lambda f: f.treatment)}
    # every treatment with findings has its section (the table links to it), its grouped ones named
    for treatment in sorted(set(by_treatment) | set(in_groups), key=lambda t: (t is not None, t or "")):
        label = f"Traitement {treatment} — {names.get(treatment, '')}" if treatment else "Registre (constats généraux)"
        anchor = f' id="{_treatment_anchor(index, treatment)}"' if treatment else ""
        out.append(f"<h3{anchor}>{escape(label.rstrip(' —'))}</h3>")
        if treatment in in_groups:
            out.append('<p class="refs">Aussi, parmi les constats communs : ' + ", ".join(
                f'<a href="#{_group_anchor(index, n)}" data-regle="{escape(g.rule_id)}">{escape(g.title)}</a>'
                for n, g in enumerate(groups, 1) if g in in_groups[treatment]) + ".</p>")
        out += [_finding(f, rules.get(f.rule_id), result.avenant) for f in by_treatment.get(treatment, [])]
    waived = [f for f in result.findings if not f.counted]
    if waived:
        out.append("<h2>Constats couverts par une dérogation (non comptés)</h2>")
        out += [_finding(f, rules.get(f.rule_id), result.avenant) for f in waived]
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


def _treatments(result: AuditResult, findings: list[Finding], index: int) -> str:
    per = Counter((f.treatment, f.severity) for f in findings)
    rows = []
    for tid, name in result.treatment_names:
        found = [(s, per[(tid, s)]) for s in SEVERITY_RANK if per[(tid, s)]]
        if found:
            worst = found[0][0]
            status = (f'<a href="#{_treatment_anchor(index, tid)}" class="statut {worst}">'
                      + ", ".join(_plural(n, s) for s, n in found) + "</a>")
        else:
            status = '<span class="statut conforme">conforme</span>'
        rows.append(f"<tr><td><code>{escape(tid)}</code></td><td>{escape(name)}</td><td>{status}</td></tr>")
    return ("<h2>Traitements</h2>\n<table><thead><tr><th>identifiant</th><th>traitement</th><th>état</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def _treatment_anchor(index: int, treatment: str) -> str:
    return f"constats-{index}-{_slug(treatment)}"


# What a message names of the register's own words — a key, a key path, an event type, a
# value to write (`procedure_rectification: true`, `information_personnes.realisee`,
# `saisine_dpo`): words with an underscore, never French words.
_REGISTER_WORDS = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\.[a-z_]+)?(?:: (?:true|\[\]))?")


def _message(text: str) -> str:
    """A finding's message, the register's own words set as code (what to write in the file)."""
    return _REGISTER_WORDS.sub(lambda m: f"<code>{m.group()}</code>", escape(text))


def _clause_anchor(clause: Clause) -> str:
    return f"clause-{_slug(clause.id)}"


def _plan(findings: list[Finding]) -> str:
    """The plan d'action: the fixes that clear the most findings, by severity then count."""
    actions = plan(findings)
    if not actions:
        return ""
    items = [f'<li><span class="badge {a.severity}">{escape(SEVERITY_LABELS[a.severity][0])}</span> '
             f"{escape(a.title)} : <strong>{escape(action_count(a))}</strong> "
             f'<span class="regle">{escape(a.rule_id)}</span></li>' for a in actions[:PLAN_SIZE]]
    left = rest(actions)
    tail = (f'<p class="meta">… et {count(left["actions"], "autre correction", "autres corrections")} '
            f'({count(left["findings"], "constat", "constats")}).</p>' if left["actions"] else "")
    return ('<section class="plan"><h2>Plan d\'action</h2><p class="meta">Les corrections qui lèvent le plus de '
            f"constats, par gravité puis par nombre.</p><ol>{''.join(items)}</ol>{tail}</section>")


def _group_anchor(index: int, n: int) -> str:
    return f"commun-{index}-{n}"


def _clause_links(rule: Rule | None, avenant: bool) -> str:
    """Links to the texts of the clauses `rule` cites, in the appendix (once for all the
    findings citing them); none without an avenant."""
    cited = clauses_of_rule(rule) if rule and avenant else []
    if not cited:
        return ""
    return (f" — {'texte de la clause' if len(cited) == 1 else 'textes des clauses'} en annexe : "
            + ", ".join(f'<a href="#{_clause_anchor(c)}">{escape(c.id)}</a>' for c in cited))


def _group(g: Group, rule: Rule | None, index: int, n: int, avenant: bool) -> str:
    """One rule's finding on many treatments: the title, the field, every treatment with its line."""
    field = f" (champ <code>{escape(g.field)}</code>)" if g.field else ""
    treatments = ", ".join(f"<code>{escape(tid)}</code> (ligne {line})" for tid, line in g.items)
    refs = " ; ".join(escape(c) for c in g.citations) + _clause_links(rule, avenant)
    return "\n".join([
        f'<article class="constat {g.severity}" id="{_group_anchor(index, n)}" data-regle="{escape(g.rule_id)}" '
        f'data-traitements="{len(g.items)}">',
        (f'<div><span class="badge {g.severity}">{escape(SEVERITY_LABELS[g.severity][0])}</span> '
         f"<strong>{escape(g.title)}</strong>{field} — {count(len(g.items), 'traitement', 'traitements')} "
         f'<span class="regle">{escape(g.rule_id)}</span></div>'),
        f"<p>{treatments}</p>",
        f'<p class="refs">{refs}</p>',
        "</article>"])


def _finding(finding: Finding, rule: Rule | None, avenant: bool) -> str:
    waived = finding.waiver is not None
    css = "deroge" if waived else finding.severity
    out = [f'<article class="constat {css}" data-regle="{escape(finding.rule_id)}">',
           (f'<div><span class="badge {finding.severity}">{escape(SEVERITY_LABELS[finding.severity][0])}</span> '
            f"<strong>{escape(finding.title)}</strong> "
            f'<span class="regle">{escape(finding.rule_id)}</span></div>'),
           f"<p>{_message(finding.message)}</p>"]
    refs = (f"Ligne {finding.line} du registre — " + " ; ".join(escape(c) for c in finding.citations)
            + _clause_links(rule, avenant))
    out.append(f'<p class="refs">{refs}</p>')
    if waived:
        out.append(f'<p class="refs">Dérogation jusqu\'au {escape(french_date(finding.waiver.jusqu_au))} : '
                   f"{escape(finding.waiver.motif)}</p>")
    out.append("</article>")
    return "\n".join(out)


def _appendix(results: list[AuditResult], rules: dict[str, Rule]) -> str:
    """The text of every clause cited by a finding, once, in the avenant's order."""
    cited = {c.id for r in results if r.avenant for f in r.findings if f.rule_id in rules
             for c in clauses_of_rule(rules[f.rule_id])}
    if not cited:
        return ""
    out = ['<section class="annexe" id="clauses">', "<h2>Annexe : texte des clauses citées</h2>",
           '<p class="meta">Extraits de l\'avenant RGPD (délibération 2018-297 de Bordeaux Métropole, section V), '
           "dans l'ordre de l'avenant.</p>"]
    out.append('<div class="clauses">')
    for clause in clauses().values():
        if clause.id in cited:
            out.append(f'<article class="clause" id="{_clause_anchor(clause)}">'
                       f"<h3>{escape(clause.id)} — {escape(clause.titre)}</h3>"
                       f"<blockquote>{escape(clause.texte)}</blockquote>"
                       f'<p class="refs">({escape(_source(clause))})</p></article>')
    out.append("</div>")
    out.append("</section>")
    return "\n".join(out)


def _source(clause: Clause) -> str:
    """`source : document d'origine, lignes 473-496` (« ligne 12 » for one line)."""
    one = len(clause.lignes) == 1 and "-" not in clause.lignes[0]
    return f"source : document d'origine, {'ligne' if one else 'lignes'} " + ", ".join(clause.lignes)


def deadlines(report: DeadlineReport) -> str:
    return audit(report.as_problems())
