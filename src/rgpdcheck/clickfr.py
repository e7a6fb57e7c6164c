"""Click in French: its usage errors, help headings and option notes, whatever the locale.

Click marks each of its English messages with `gettext`, imported into each of its modules as
`_` and `ngettext`. A gettext catalogue (a `.mo` file) would be chosen by the user's locale
variables, so a DPO with `LANG=C` or `en_US` would get English; rgpdcheck speaks French to
everyone. So `install()` points those two names, in click's own modules, at `gettext` and
`ngettext` below, which look each English message up in `CATALOGUE` (English message -> French
message, the same placeholders; `{value!r}` becomes « {value} », French quotes) and fall back
to the English text when a message is unknown. tests/test_cli_french.py reads every message
of the installed click's source and fails when one is missing here, so a click upgrade that
adds a message is noticed at once.

The rest of click's English is not in its catalogue and is set where it is defined: the
`[OPTIONS]` and `COMMAND [ARGS]...` placeholders of the usage line and the help headings
(`Command`, `Group`, `HelpFormatter` below), metavars (every option of the CLI names its
own: FICHIER, ID…) and the names of value types shown in errors (cliargs.py's types, and
`IntegerRange` below for a numeric option instead of click.INT or click.IntRange, whose
error says « not a valid integer range »). `Command` and `Group` also quote the option at
fault « so » instead of 'so' and give every usage error its usage line.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import click

OPTIONS_METAVAR = "[OPTIONS]"  # French too: les options
SUBCOMMAND_METAVAR = "COMMANDE [ARGUMENTS]..."

# Click's English message -> the French one. Keys are click's exact strings (8.1 to 8.5);
# ngettext pairs are two entries, singular and plural.
CATALOGUE: dict[str, str] = {
    # errors shown to the user
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Aide : « {command} {option} ».",
    "Invalid value: {message}": "valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "valeur invalide pour {param_hint} : {message}",
    "Missing argument": "argument manquant",
    "Missing option": "option manquante",
    "Missing parameter": "paramètre manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "paramètre manquant : {param_name}",
    "Missing command.": "commande manquante.",
    "No such option {name!r}.": "option inconnue « {name} ».",
    "No such option: {name}": "option inconnue : « {name} ».",
    "No such command {name!r}.": "commande inconnue « {name} ».",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire l'une de celles-ci : {possibilities} ?)",
    "Got unexpected extra argument ({args})": "argument en trop : {args}",
    "Got unexpected extra arguments ({args})": "arguments en trop : {args}",
    "Option {name!r} does not take a value.": "l'option « {name} » ne prend pas de valeur.",
    "Option {name!r} requires an argument.": "l'option « {name} » attend une valeur.",
    "Option {name!r} requires {nargs} arguments.": "l'option « {name} » attend {nargs} valeurs.",
    "Argument {name!r} takes {nargs} values.": "l'argument « {name} » prend {nargs} valeurs.",
    "Invalid start character for option ({option})": "caractère initial invalide pour une option ({option})",
    "Takes {nargs} values but 1 was given.": "attend {nargs} valeurs, une seule a été donnée.",
    "Takes {nargs} values but {len} were given.": "attend {nargs} valeurs, {len} ont été données.",
    "Value must be an iterable.": "la valeur doit être une liste.",
    "{value!r} is not {choice}.": "« {value} » n'est pas permis : seule valeur possible {choice}.",
    "{value!r} is not one of {choices}.": "« {value} » n'est pas permis : valeurs possibles {choices}.",
    "Choose from:\n\t{choices}": "Valeurs possibles :\n\t{choices}",
    "Choice({choices})": "Choix({choices})",
    "{value!r} does not match the format {format}.": "« {value} » ne suit pas le format {format}.",
    "{value!r} does not match the formats {formats}.": "« {value} » ne suit aucun des formats {formats}.",
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un {number_type} valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "« {value} » n'est pas un booléen. Valeurs reconnues : {states}",
    "{value!r} is not a valid UUID.": "« {value} » n'est pas un UUID valide.",
    "{len_type} values are required, but {len_value} was given.":
        "{len_type} valeurs sont attendues, {len_value} a été donnée.",
    "{len_type} values are required, but {len_value} were given.":
        "{len_type} valeurs sont attendues, {len_value} ont été données.",
    "file": "fichier",
    "directory": "répertoire",
    "path": "chemin",
    "{name} {filename!r} does not exist.": "{name} « {filename} » introuvable.",
    "{name} {filename!r} is a file.": "{name} « {filename} » est un fichier.",
    "{name} {filename!r} is a directory.": "{name} « {filename} » est un répertoire.",
    "{name} {filename!r} is not readable.": "{name} « {filename} » illisible (droits insuffisants).",
    "{name} {filename!r} is not writable.": "{name} « {filename} » non modifiable (droits insuffisants).",
    "{name} {filename!r} is not executable.": "{name} « {filename} » non exécutable.",
    "Could not open file {filename!r}: {message}": "impossible d'ouvrir le fichier « {filename} » : {message}",
    "unknown error": "erreur inconnue",
    "(Possible options: {possibilities})": "(options possibles : {possibilities})",
    "{value!r} is not a valid boolean.": "« {value} » n'est pas un booléen.",
    "Error: The value you entered was invalid.": "Erreur : la valeur saisie est invalide.",
    "Error: {e.message}": "Erreur : {e.message}",
    "(Deprecated) {text}": "(obsolète) {text}",
    "DeprecationWarning: The command {name!r} is deprecated.":
        "Avertissement : la commande « {name} » est obsolète.",
    "Aborted!": "Interrompu.",
    "Unknown standard stream '{name}'": "flux standard inconnu « {name} »",
    "Unknown color {colour!r}": "couleur inconnue « {colour} »",
    "Windows error: {error}": "erreur Windows : {error}",
    # help screens
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Positional arguments": "Arguments",
    "Commands": "Commandes",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "default: {default}": "par défaut : {default}",
    "required": "obligatoire",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(variable)",
    "deprecated": "obsolète",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Avertissement : la commande « {name} » est obsolète.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Avertissement : {param_type} « {name} » est obsolète.{extra_message}",
    # prompts (rgpdcheck asks nothing, but click's helpers stay French if one is added)
    "Do you want to continue?": "Continuer ?",
    "Confirm the action without prompting.": "Confirme l'action sans la demander.",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs saisies diffèrent.",
    "Error: invalid input": "Erreur : saisie invalide",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "d": "j",  # days, in a progress bar's time left
    "{editor}: Editing failed": "{editor} : échec de la modification",
    "{editor}: Editing failed: {e}": "{editor} : échec de la modification : {e}",
    "Shell completion is not supported for Bash versions older than 4.4.":
        "La complétion n'est pas prise en charge pour Bash avant la version 4.4.",
    "Couldn't detect Bash version, shell completion is not supported.":
        "Version de Bash inconnue : la complétion n'est pas prise en charge.",
    # errors in a command's definition (a developer's, never a user's)
    "Name '{name}' defined twice": "nom « {name} » défini deux fois",
    "Could not determine name for option with declarations {decls!r}":
        "nom introuvable pour l'option déclarée {decls!r}",
    "Boolean option {decl!r} cannot use the same flag for true/false.":
        "l'option booléenne {decl!r} ne peut pas utiliser le même drapeau pour vrai et faux.",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?":
        "aucune option déclarée, mais un nom est donné ({name}) : un argument, ou « --{name} » ?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "un argument se déclare avec un seul nom, {length} donnés : {decls}.",
}


def gettext(message: str) -> str:
    """`message` in French (the English text when the catalogue does not know it)."""
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Make click's modules look their messages up in CATALOGUE (idempotent).

    The modules `import click` loads: those of the commands, options, types, errors and help.
    The ones click imports on first use (progress bar, editor, shell completion, testing)
    serve nothing rgpdcheck shows; importing them here would cost 60 ms at every start."""
    import gettext as stdlib

    for name, module in list(sys.modules.items()):
        if name != "click" and not name.startswith("click."):
            continue
        if getattr(module, "_", None) in (stdlib.gettext, gettext):
            module._ = gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) in (stdlib.ngettext, ngettext):
            module.ngettext = ngettext  # type: ignore[attr-defined]


class IntegerRange(click.IntRange):
    """click.IntRange named in French in its errors (« n'est pas un nombre entier valide »)."""

    name = "nombre entier"


_NBSP = "\u00a0"
_BEFORE_PUNCTUATION = re.compile(r" ([:;?!»])")


def _glued(text: str) -> str:
    """French spaces before « : ; ? ! » and inside guillemets made unbreakable while wrapping."""
    return _BEFORE_PUNCTUATION.sub(_NBSP + r"\1", text).replace("« ", "«" + _NBSP)


class HelpFormatter(click.HelpFormatter):
    """Help as French writes it: « Options : », and no line starting with « : » or « ; »
    (the space before them does not break; it is an ordinary space again in the output)."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")

    def write_text(self, text: str) -> None:
        super().write_text(_glued(text))

    def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, _glued(definition)) for term, definition in rows], *args, **kwargs)

    def getvalue(self) -> str:
        return super().getvalue().replace(_NBSP, " ")


class Context(click.Context):
    formatter_class = HelpFormatter


_QUOTED = re.compile(r"'([^']*)'")


def _french_quotes(exc: click.UsageError, ctx: click.Context) -> None:
    """The names click quotes 'so' in an error (the option or argument at fault, the close
    matches of an unknown one) quoted « so »; and the usage line and the way to the help
    shown with every usage error (click's parser leaves some without their context)."""
    if exc.ctx is None:
        exc.ctx = ctx
        exc.cmd = ctx.command  # type: ignore[misc]
    if isinstance(exc, click.BadParameter) and exc.param_hint is None and exc.param is not None:
        exc.param_hint = _QUOTED.sub(r"« \1 »", exc.param.get_error_hint(exc.ctx))
    elif isinstance(exc, (click.NoSuchOption, getattr(click, "NoSuchCommand", click.NoSuchOption))):
        close = getattr(exc, "possibilities", None)
        if close:
            exc.message = f"{exc.message} Vouliez-vous dire {' ou '.join(f'« {p} »' for p in close)} ?"  # type: ignore[misc]
            exc.possibilities = None  # type: ignore[misc]


class _FrenchUsage:
    """Usage errors quote options « à la française » (see `_french_quotes`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click.UsageError as exc:
            _french_quotes(exc, ctx)
            raise


class Command(_FrenchUsage, click.Command):
    """A command whose help and usage errors are French (see the module's docstring)."""

    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class Group(_FrenchUsage, click.Group):
    """A group whose commands are `Command`s and whose help and usage errors are French."""

    command_class = Command
    context_class = Context

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[no-untyped-def]
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            _french_quotes(exc, ctx)
            raise
