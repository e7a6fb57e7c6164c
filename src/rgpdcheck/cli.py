"""The command line: `rgpdcheck audit registre.yaml`.

Exit codes, as checkov and conftest: 0 no finding at or above `--fail-on`, 1 findings,
2 bad input (file:line messages on stderr, never a traceback).
"""

from __future__ import annotations

import sys
from datetime import date

import click

from . import __version__
from .errors import InputErrors

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


class _IsoDate(click.ParamType):
    name = "AAAA-MM-JJ"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"date invalide « {value} » (format AAAA-MM-JJ)", param, ctx)


def _report_input_errors(errors: InputErrors) -> None:
    shown = errors.errors[:40]
    for error in shown:
        click.echo(f"{error}", err=True)
    if len(errors.errors) > len(shown):
        click.echo(f"… et {len(errors.errors) - len(shown)} autre(s) erreur(s)", err=True)
    click.echo(f"rgpdcheck : {len(errors.errors)} erreur(s) de saisie, rien n'a été audité.", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rgpdcheck")
def main() -> None:
    """Vérifie la conformité RGPD des registres des communes mutualisées avec Bordeaux Métropole."""


@main.command()
@click.argument("fichiers", nargs=-1, required=True, metavar="REGISTRE...")
@click.option("--as-of", "as_of", type=_IsoDate(), default=None,
              help="Date d'audit (AAAA-MM-JJ) : le registre est rejoué tel qu'il était ce jour-là. "
                   "Par défaut : date_reference du registre, sinon aujourd'hui.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format de sortie.")
@click.option("--fail-on", type=click.Choice(["erreur", "avertissement", "info"]), default="erreur", show_default=True,
              help="Gravité à partir de laquelle le code de sortie vaut 1.")
@click.option("--no-waivers", is_flag=True, help="Ignore les dérogations du registre (tous les constats comptent).")
def audit(fichiers: tuple[str, ...], as_of: date | None, fmt: str, fail_on: str, no_waivers: bool) -> None:
    """Audite un ou plusieurs registres (format v1) et liste les constats.

    Code de sortie : 0 sans constat bloquant, 1 avec constats, 2 si un fichier est invalide.
    """
    from .audit import audit_file, exit_code
    from .formatters import FORMATTERS
    from .rules import RuleFileError, load_rules

    try:
        rules = load_rules()
    except RuleFileError as exc:
        click.echo(f"rgpdcheck : {exc}", err=True)
        sys.exit(EXIT_INPUT)
    results, failed = [], False
    today = date.today()
    for path in fichiers:
        try:
            results.append(audit_file(path, as_of, today, rules, waivers=not no_waivers))
        except InputErrors as errors:
            _report_input_errors(errors)
            failed = True
    if failed:
        sys.exit(EXIT_INPUT)
    click.echo(FORMATTERS[fmt](results), nl=False)
    sys.exit(exit_code(results, fail_on))
