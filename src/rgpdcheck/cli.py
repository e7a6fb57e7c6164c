"""The command line: `rgpdcheck audit registre.yaml`, and the catalogue around it.

Exit codes, as checkov and conftest: 0 no finding at or above `--fail-on`, 1 findings,
2 bad input (file:line messages on stderr, never a traceback).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

import click

from . import __version__, clickfr
from .cliargs import Duration, DurationType, IsoDate
from .errors import InputError, InputErrors, RuleFileError
from .interrupt import InterruptibleGroup
from .sanitize import terminal_safe
from .vocabulary import SEVERITIES, count

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
T = TypeVar("T")

clickfr.install()  # click's own messages in French, before the decorators below build help texts


def _report_input_errors(errors: InputErrors) -> None:
    shown = errors.errors[:40]
    for error in shown:
        click.echo(f"{error}", err=True)
    if len(errors.errors) > len(shown):
        click.echo(f"… et {count(len(errors.errors) - len(shown), 'autre erreur', 'autres erreurs')}", err=True)
    click.echo(f"rgpdcheck : {count(len(errors.errors), 'erreur', 'erreurs')} de saisie, rien n'a été audité.", err=True)


def warn(warnings: Iterable[InputError]) -> None:
    """The input's warnings (loader.py) on stderr: located, in French, nothing stopped."""
    for w in warnings:
        click.echo(str(InputError(w.file, w.line, f"attention : {w.message}", w.column)), err=True)


class _Reported(Exception):
    """Input errors were reported already (several files): end with exit code 2."""


class _Commands(clickfr.Group, InterruptibleGroup):
    """The one error boundary of every command: input errors (and a broken rule file)
    become the one-screen message on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> None:
        from .gcpause import collector_paused

        try:
            with collector_paused():
                return super().invoke(ctx)
        except InputErrors as errors:
            _report_input_errors(errors)
        except RuleFileError as exc:
            click.echo(f"rgpdcheck : {exc}", err=True)
        except _Reported:
            pass
        sys.exit(EXIT_INPUT)


def _each(paths: Iterable[str], step: Callable[[str], T], before_report: Callable[[], None] = lambda: None) -> list[T]:
    """`step(path)` for every file, each file's input errors reported as they come; when any
    file had some, exit 2 once all were tried."""
    out, failed = [], False
    for path in paths:
        try:
            out.append(step(path))
        except InputErrors as errors:
            before_report()
            _report_input_errors(errors)
            failed = True
    if failed:
        raise _Reported
    return out


def _rules(kind: str = "audit"):  # type: ignore[no-untyped-def]
    from . import rulebook

    return rulebook.load(kind)  # type: ignore[arg-type]


def _load_registers(paths: Iterable[str], as_of: date | None):  # type: ignore[no-untyped-def]
    """Every register read and validated, its audit date resolved (--as-of, else its
    date_reference, else today); else each file's input errors reported and exit 2."""
    from .validate import load_register

    known = {r.id for r in _rules()}

    def load(path: str):  # type: ignore[no-untyped-def]
        register = load_register(path, as_of, date.today(), known)
        warn(register.document.warnings)
        return register

    return _each(paths, load)


def _emit(text: str, output: str | None, fmt: str | None = None) -> None:
    """A report to its --output file (atomically), else to stdout; a text report is coloured
    on a terminal (colour.py)."""
    from .output import write_atomic

    if output:
        write_atomic(output, text)
    elif fmt == "text" and _coloured():
        from .colour import paint

        click.echo(paint(text), nl=False, color=True)
    else:
        click.echo(text, nl=False)


def _coloured() -> bool:
    from .colour import wanted

    return wanted(sys.stdout)


def _check_outputs(outputs: Iterable[str | None], inputs: Iterable[str], options: dict[str, str] | None = None) -> None:
    from .output import check_targets

    check_targets([o for o in outputs if o], list(inputs), options)


def _format_option(kind: str, default: str = "text", multiple: bool = False, help: str | None = None):  # type: ignore[no-untyped-def]
    from .formatters import formats

    return click.option("--format", "-f", "formats" if multiple else "fmt", type=click.Choice(formats(kind)),
                        multiple=multiple, default=None if multiple else default, show_default=not multiple,
                        help=help or "Format de sortie.")


_OUTPUT = click.option("--output", "-o", "output", metavar="FICHIER", help="Fichier où écrire (écriture atomique).")


_AS_OF = click.option(
    "--as-of", "as_of", type=IsoDate(), default=None,
    help="Date d'audit (AAAA-MM-JJ) : le registre est rejoué tel qu'il était ce jour-là. "
         "Par défaut : date_reference du registre, sinon aujourd'hui.")


@click.group("rgpdcheck", cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rgpdcheck")
def main() -> None:
    """Vérifie la conformité RGPD des registres des communes mutualisées avec Bordeaux Métropole."""


_LARGE_REGISTER = 4 * 1024 * 1024  # bytes: about 2,500 treatments, a second or more to read


def _pair_outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """The i-th --output receives the i-th --format; the formats left over go to stdout."""
    formats = formats or ("text",)
    if len(outputs) > len(formats):
        raise click.UsageError("plus de --output que de --format : chaque --output reçoit le --format de même rang")
    pairs = [(fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(formats)]
    if sum(1 for _, target in pairs if target is None) > 1:
        raise click.UsageError("un seul format peut aller sur la sortie standard : donnez un --output aux autres")
    return pairs


@main.command()
@click.argument("fichiers", nargs=-1, required=True, metavar="REGISTRE...")
@_AS_OF
@_format_option("audit", multiple=True,
                help="Format de sortie (text par défaut). Répétable : chaque --format va dans le --output de même rang, "
                     "le dernier sans --output sur la sortie standard.")
@click.option("--output", "-o", "outputs", multiple=True, metavar="FICHIER",
              help="Fichier où écrire le format de même rang (écriture atomique).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=SEVERITIES[0], show_default=True,
              help="Gravité à partir de laquelle le code de sortie vaut 1.")
@click.option("--no-waivers", is_flag=True, help="Ignore les dérogations du registre (tous les constats comptent).")
@click.option("--baseline", "baseline_file", metavar="FICHIER",
              help="N'affiche que les constats absents de cette référence (écrite par --write-baseline).")
@click.option("--write-baseline", "write_baseline", metavar="FICHIER",
              help="Écrit la référence des constats actuels (par règle et traitement) et sort avec le code 0.")
@click.option("--jobs", "-j", "jobs", type=clickfr.IntegerRange(min=1), default=None, metavar="N",
              help="Nombre de registres audités en même temps, chacun dans son propre processus "
                   "(par défaut : le nombre de cœurs disponibles, dès que les registres font 256 Kio en tout ; "
                   "en dessous, un seul processus va plus vite). Le rapport est le même qu'avec --jobs 1.")
def audit(fichiers: tuple[str, ...], as_of: date | None, formats: tuple[str, ...], outputs: tuple[str, ...],
          fail_on: str, no_waivers: bool, baseline_file: str | None, write_baseline: str | None,
          jobs: int | None) -> None:
    """Audite un ou plusieurs registres (format v1) et liste les constats.

    Code de sortie : 0 sans constat bloquant, 1 avec constats, 2 si un fichier est invalide.
    """
    from .audit import audit_file, exit_code
    from .formatters import render
    from .loader import file_size
    from .progress import Progress
    from .reports import AuditReport

    if baseline_file and write_baseline:
        raise click.UsageError("--baseline et --write-baseline ne vont pas ensemble")
    pairs = _pair_outputs(formats, outputs)
    rules = _rules()
    _check_outputs([t for _, t in pairs] + [write_baseline], fichiers,
                   {write_baseline: "--write-baseline"} if write_baseline else None)
    if baseline_file or write_baseline:
        from . import baseline
    known = baseline.load(baseline_file) if baseline_file else None
    today = date.today()
    progress = Progress.for_terminal(sys.stderr, len(fichiers))
    numbers = iter(range(1, len(fichiers) + 1))

    def audit_one(path: str):  # type: ignore[no-untyped-def]
        progress.start_file(next(numbers), path, large=file_size(path) > _LARGE_REGISTER)
        result = audit_file(path, as_of, today, rules, waivers=not no_waivers, progress=progress.partitions)
        warn(result.warnings)
        return result

    workers = _workers(jobs, fichiers)
    try:
        if workers > 1:
            results = _audit_in_workers(fichiers, workers, as_of, today, rules, not no_waivers, progress)
        else:
            results = _each(fichiers, audit_one, before_report=progress.finish)
    finally:
        progress.finish()
    if write_baseline:
        _emit(baseline.to_json(results), write_baseline)
    if known is not None:
        results = baseline.apply(results, known)
    report = AuditReport(results, rules)
    for fmt, target in pairs:
        _emit(render(fmt, report), target, fmt)
    if write_baseline:
        click.echo(f"rgpdcheck : référence écrite dans {write_baseline}.", err=True)
        sys.exit(EXIT_OK)
    sys.exit(exit_code(results, fail_on))


# Below this many bytes of registers in all, one process audits them faster than workers:
# measured on 2 free cores, the five bundled registers (38 KB) take 12 % longer with two
# workers, two generated registers of 100 treatments (320 KB) 5 % less (BENCHMARKS.md).
_WORTH_WORKERS = 256 * 1024


def _workers(jobs: int | None, fichiers: tuple[str, ...]) -> int:
    """How many registers are audited at once: `--jobs` as given; by default the cores, when
    the registers are large enough to repay the worker processes; never more than the files."""
    from .loader import file_size

    if len(fichiers) < 2:
        return 1
    if jobs is None:
        if sum(file_size(path) for path in fichiers) < _WORTH_WORKERS:
            return 1
        jobs = _usable_cores()
    return min(jobs, len(fichiers))


def _usable_cores() -> int:
    from .parallel import usable_cores

    return usable_cores()


def _audit_in_workers(fichiers: tuple[str, ...], workers: int, as_of: date | None, today: date, rules,  # type: ignore[no-untyped-def]
                      waivers: bool, progress):
    """`audit --jobs N`: the registers audited by worker processes (parallel.py), their
    results and input errors taken in the order given, as the sequential run takes them."""
    from contextlib import closing

    from .parallel import audit_in_workers

    with closing(audit_in_workers(fichiers, workers, as_of, today, rules, waivers)) as outcomes:
        numbers = iter(range(1, len(fichiers) + 1))

        def take(path: str):  # type: ignore[no-untyped-def]
            outcome = next(outcomes)
            progress.file_done(next(numbers))
            if isinstance(outcome, InputErrors):
                raise outcome
            warn(outcome.warnings)  # where the sequential run prints them: after the file is read
            return outcome

        return _each(fichiers, take, before_report=progress.finish)


@main.command()
@click.argument("fichiers", nargs=-1, required=True, metavar="REGISTRE...")
@_AS_OF
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format du résultat ; en json, les erreurs de saisie y figurent aussi (toujours sur la sortie "
                   "d'erreur).")
@_OUTPUT
def validate(fichiers: tuple[str, ...], as_of: date | None, fmt: str, output: str | None) -> None:
    """Vérifie seulement la saisie des registres (format, types, références), sans auditer.

    Code de sortie : 0 si tous sont valides, 2 sinon.
    """
    from .validate import load_register

    _check_outputs([output], fichiers)
    known = {r.id for r in _rules()}
    files: list[dict[str, object]] = []

    def check(path: str) -> None:
        try:
            register = load_register(path, as_of, date.today(), known)
        except InputErrors as errors:
            files.append({"file": path, "valid": False, "errors": [
                {"file": e.file, "line": e.line, "column": e.column, "message": e.message} for e in errors.errors]})
            raise
        warn(register.document.warnings)
        model = register.model
        files.append({"file": path, "valid": True, "commune": model.commune, "commune_name": register.contract.nom,
                      "treatments": len(model.traitements), "events": len(model.evenements),
                      "waivers": len(model.derogations)})

    def show() -> None:
        if fmt == "json":
            _emit(json.dumps({"valid": all(f["valid"] for f in files), "files": files}, ensure_ascii=False,
                             indent=2) + "\n", output)
        elif any(f["valid"] for f in files) or output:
            _emit("".join(f"{f['file']} : valide — commune {terminal_safe(str(f['commune_name']))}, "
                          f"{count(f['treatments'], 'traitement', 'traitements')}, "
                          f"{count(f['events'], 'événement', 'événements')}, "
                          f"{count(f['waivers'], 'dérogation', 'dérogations')}.\n" for f in files if f["valid"]), output)

    try:
        _each(fichiers, check)
    except _Reported:
        show()
        raise
    show()
    sys.exit(EXIT_OK)


@main.command("rules")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="Format de la liste.")
@click.option("--cadre", type=click.Choice(["rgpd", "avenant"]), default=None,
              help="rgpd : les règles qui s'appliquent à une commune sans avenant (cadre: rgpd) ; "
                   "avenant : celles qui ne s'appliquent qu'à une commune partie à un avenant.")
@_OUTPUT
def rules_command(fmt: str, cadre: str | None, output: str | None) -> None:
    """Liste les règles : identifiant, gravité, références (avenant, RGPD)."""
    from .catalogue import render_rules

    _check_outputs([output], [])
    _emit(render_rules(tuple(r for r in _rules() if cadre in (None, r.cadre)), fmt), output)


@main.command()
@click.argument("sujet", metavar="RÈGLE|CLAUSE|ARTICLE")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format de l'explication.")
@_OUTPUT
def explain(sujet: str, fmt: str, output: str | None) -> None:
    """Explique une règle (ex. vd-violation-notification-tardive), une clause de l'avenant ou un
    article du RGPD, écrits comme les rapports les citent (ex. « Avenant V-d (violations) »,
    « V-e/3 », « Avenant V-a règle d'or n°7 », « RGPD art. 35 ») : description, références, texte
    cité de l'avenant, exemple annoté ; pour un article, les règles qui le citent."""
    from .catalogue import explain as explain_subject
    from .catalogue import explain_dict, suggestions

    _check_outputs([output], [])
    rules = _rules() + _rules("echeance")
    if fmt == "json":
        data = explain_dict(sujet, rules)
        text = None if data is None else json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = explain_subject(sujet, rules)
    if text is None:
        close = suggestions(sujet, rules)
        hint = f" Vouliez-vous dire : {', '.join(close)} ?" if close else " Voir « rgpdcheck rules »."
        click.echo(f"rgpdcheck : « {sujet} » n'est ni une règle, ni une clause de l'avenant, ni un article du RGPD."
                   f"{hint}", err=True)
        sys.exit(EXIT_INPUT)
    _emit(text, output)


@main.command()
@click.option("--draft", type=click.Choice(["2020-12", "7"]), default="2020-12", show_default=True,
              help="Version de JSON Schema : 7 pour les éditeurs qui ne lisent pas 2020-12 (yaml-language-server avant 1.20).")
@click.option("--format", "-f", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Format du schéma (JSON Schema s'écrit en JSON).")
@_OUTPUT
def schema(draft: str, fmt: str, output: str | None) -> None:
    """Affiche le schéma JSON du registre v1 (pour l'éditeur : « # yaml-language-server: $schema=… »)."""
    from .model import json_schema

    _check_outputs([output], [])
    _emit(json.dumps(json_schema(draft), ensure_ascii=False, indent=2) + "\n", output)


@main.command()
@click.argument("fichier", metavar="REGISTRE")
@click.option("--treatment", "-t", "treatment", metavar="ID", help="Identifiant du traitement en cause.")
@click.option("--event", "-e", "event", metavar="ID",
              help="Identifiant d'une violation ou d'une demande d'exercice des droits (son traitement est alors déduit).")
@_AS_OF
@_format_option("liability", help="Format de la réponse.")
@_OUTPUT
def liability(fichier: str, treatment: str | None, event: str | None, as_of: date | None, fmt: str,
              output: str | None) -> None:
    """Qui répond d'un traitement ou d'un incident, entre la commune et Bordeaux Métropole et
    vis-à-vis de la CNIL, sur quelles clauses (V-c, V-d, V-j, V-k), et comment arbitrer (V-g).

    Seul ce dont la réponse dépend est lu et validé (avec --event, son traitement est lu
    d'abord) : le traitement, ses événements et dérogations, et ce qui vaut pour tout le
    registre (contrat, acteurs, DPO, événements sans traitement) ; « rgpdcheck validate »
    vérifie le reste.

    Code de sortie : 0 avec une réponse, 2 si le registre, le traitement ou l'événement est invalide.
    """
    from .formatters import render
    from .liability import determine_file
    from .reports import LiabilityReport

    _check_outputs([output], [fichier])
    rules, known = _rules("responsabilite"), {r.id for r in _rules()}

    [determination] = _each([fichier], lambda path: determine_file(path, treatment, event, as_of, date.today(),
                                                                   known, rules, warn))
    _emit(render(fmt, LiabilityReport(determination)), output, fmt)


@main.command()
@click.argument("fichier", metavar="REGISTRE")
@_AS_OF
@click.option("--within", "within", type=DurationType(), default=Duration(30, "j"), show_default=True,
              help="Fenêtre : les échéances jusqu'à cette durée après la date d'audit (les dépassées aussi) : "
                   "30 ou 30j (jours), 2s (semaines), 3m (mois), 1a (années) ; dix ans au plus.")
@_format_option("deadlines", help="Format de sortie (les mêmes que pour audit).")
@_OUTPUT
def echeances(fichier: str, as_of: date | None, within: Duration, fmt: str, output: str | None) -> None:
    """Ce qui arrive à échéance : demandes à répondre, violations à notifier sous 72 heures,
    fins de conservation (et information de la commune avant un effacement, V-f/1), état des
    lieux V-k — par date, dépassées comprises.

    Code de sortie : 0 sans échéance dépassée, 1 avec, 2 si le registre est invalide.
    """
    from .echeances import upcoming
    from .formatters import render
    from .reports import DeadlineReport

    rules = _rules("echeance")
    _check_outputs([output], [fichier])
    [register] = _load_registers([fichier], as_of)
    days = within.days_from(register.as_of)
    found = upcoming(register, days, rules)
    report = DeadlineReport(register.file, register.model.commune, register.contract.nom, register.as_of, days,
                            len(register.model.traitements), found, rules)
    _emit(render(fmt, report), output, fmt)
    sys.exit(EXIT_FINDINGS if any(d.overdue for d in found) else EXIT_OK)


@main.command()
@click.argument("fichiers", nargs=-1, required=True, metavar="REGISTRE...")
@_AS_OF
@click.option("--registre", "which", type=click.Choice(["responsable", "sous-traitant"]), default="responsable",
              show_default=True,
              help="responsable : le registre de chaque commune (art. 30(1)), une ligne par traitement ; "
                   "sous-traitant : le registre de Bordeaux Métropole comme sous-traitant (art. 30(2)) "
                   "pour toutes les communes données.")
@click.option("--format", "-f", "fmt", type=click.Choice(["csv", "xlsx", "ods"]), default=None,
              help="csv : un tableau, une ligne par traitement (« ; », UTF-8) ; xlsx, ods : le classeur du modèle "
                   "de la CNIL, la liste puis une fiche par traitement. Par défaut : l'extension de --output, "
                   "sinon csv.")
@_OUTPUT
def export(fichiers: tuple[str, ...], as_of: date | None, which: str, fmt: str | None, output: str | None) -> None:
    """Exporte le registre des activités de traitement (RGPD art. 30) avec les rubriques du
    modèle de registre de la CNIL (coordonnées des acteurs comprises), pour le remettre à un
    contrôleur ; rgpdcheck import le relit sans perte.


    Code de sortie : 0, ou 2 si un registre est invalide.
    """
    from . import export as export_mod
    from . import workbook

    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    fmt = fmt or (suffix if suffix in ("xlsx", "ods") else "csv")
    _check_outputs([output], fichiers)
    if fmt != "csv" and not output:
        raise InputErrors([InputError("--format", 0, f"un classeur {fmt.upper()} ne s'écrit pas sur le terminal : "
                                                     "donnez --output")])
    registers = _load_registers(fichiers, as_of)
    if fmt == "csv":
        if which == "responsable":
            headers = export_mod.CONTROLLER_HEADERS
            rows = [row for register in registers for row in export_mod.controller_rows(register)]
        else:
            headers, rows = export_mod.PROCESSOR_HEADERS, export_mod.processor_rows(registers)
        _emit(export_mod.to_csv(headers, rows), output)
        written = count(len(rows), "ligne écrite", "lignes écrites")
    else:
        from .output import write_atomic

        sheets = (export_mod.controller_workbook(registers) if which == "responsable"
                  else export_mod.processor_workbook(registers))
        write_atomic(str(output), workbook.to_xlsx(sheets) if fmt == "xlsx" else workbook.to_ods(sheets))
        written = count(len(sheets) - 1, "fiche écrite", "fiches écrites")
    if output:
        click.echo(f"rgpdcheck : {written} dans {output}.", err=True)


@main.command("import")
@click.argument("fichier", metavar="TABLEUR")
@click.option("--commune", required=True, metavar="COMMUNE",
              help="La commune du registre : bruges, bordeaux… ou toute commune française (saint-emilion).")
@click.option("--output", "-o", "output", required=True, metavar="registre.yaml",
              help="Le brouillon de registre à créer (jamais écrasé s'il existe).")
@click.option("--correspondance", "mapping", metavar="FICHIER.yaml",
              help="Correspondance des colonnes du tableur : « colonnes: {\"En-tête\": champ} ». "
                   "Par défaut : les en-têtes du modèle de la CNIL, de Madis, d'OpenRGPD et leurs variantes.")
def import_cmd(fichier: str, commune: str, output: str, mapping: str | None) -> None:
    """Transforme un registre tenu dans un tableur (CSV, XLSX, ODS : modèle de la CNIL, export
    de Madis ou d'OpenRGPD, tableau maison) en brouillon de registre au format v1, en gardant
    toute valeur reconnue et en listant, avec sa feuille, sa ligne et sa colonne, chacune de
    celles qui ne le sont pas.

    Code de sortie : 0, ou 2 si le fichier est illisible, la commune invalide ou la sortie existe.
    """
    from . import importer
    from .contract import communes, name_from_slug
    from .loader import parse_document
    from .output import write_new
    from .validate import validate as validate_register

    if Path(output).exists():
        raise InputErrors([InputError(output, 0, "existe déjà : rgpdcheck import ne remplace jamais un fichier")])
    if not Path(os.path.realpath(output)).parent.is_dir():
        raise InputErrors([InputError(output, 0, "répertoire de sortie introuvable")])
    known = communes().get(commune)
    if known is None and not importer.COMMUNE_SLUG.match(commune):
        raise InputErrors([InputError(fichier, 0, f"commune « {commune} » invalide : donnez son nom en minuscules, "
                                                  "sans accents, avec des tirets (ex. saint-medard-en-jalles)")])
    columns = importer.load_mapping(mapping) if mapping else None
    name = known["nom"] if known else name_from_slug(commune)
    result = importer.import_file(fichier, commune, name, columns)
    if known is None:
        importer.outside_metropole(result, name)
    text = importer.to_yaml(result, fichier)
    try:  # the draft must be a valid register: a bug here must not hand the DPO a broken file
        validate_register(parse_document(text, output), None, date.today(), {r.id for r in _rules()})
    except InputErrors:
        click.echo("rgpdcheck : le brouillon produit n'est pas valide (défaut de rgpdcheck, merci de le signaler) :",
                   err=True)
        raise
    if not write_new(output, text):  # created meanwhile: still never replaced
        click.echo(f"rgpdcheck : {output} existe déjà : rien n'a été écrit", err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"rgpdcheck : {count(result.rows, 'traitement importé', 'traitements importés')} dans {output}"
               f" ({importer.LAYOUT_NAMES.get(result.layout, result.layout)}).", err=True)
    for note in result.notes:
        click.echo(f"  {note}", err=True)
    for item in result.unmapped:
        click.echo(f"  non repris : {terminal_safe(item)}", err=True)
    if result.ignored_columns:
        click.echo(terminal_safe("  colonnes non reconnues : " + ", ".join(f"« {c} »" for c in result.ignored_columns)), err=True)
