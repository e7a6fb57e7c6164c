"""The command line speaks French: no English of click's in any help screen or usage error.

The English looked for is click's own, read from the installed click's source at test time
(every message it marks for translation, cut into its literal pieces), plus the names of its
value types (`TEXT`, `INTEGER`, « not a valid integer range ») and its usage placeholders; so
a click upgrade adding a message fails here until clickfr.CATALOGUE translates it."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from rgpdcheck import clickfr
from rgpdcheck.cli import main
from rgpdcheck.cliargs import Duration, DurationType
from rgpdcheck.dates import parse_day

BRUGES = str(ROOT / "fixtures" / "bruges" / "registre.yaml")
CLICK_SOURCE = Path(click.__file__).parent


def click_messages() -> set[str]:
    """Every string click passes to `_()` or `ngettext()` (both forms), from its source."""
    found = set()
    for path in CLICK_SOURCE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                count = 2 if node.func.id == "ngettext" else 1
                found |= {a.value for a in node.args[:count] if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    found.add("required")  # passed to _() through a variable (`_(extra["required"])`)
    return found


def english_fragments() -> set[str]:
    """The literal pieces of click's messages that French does not share: `Missing argument`,
    `is not one of`, `Show this message and exit.`… (`Options` is French too; one-letter
    pieces and punctuation say nothing)."""
    pieces = set()
    for message in click_messages():
        if clickfr.gettext(message) == message:
            continue
        for piece in re.split(r"\{[^}]*\}|%\([a-z]+\)s|[\n\t]", message):
            piece = piece.strip(" .:;,()'?!-")
            if len(piece) >= 3:
                pieces.add(piece)
    return pieces


def type_names() -> set[str]:
    """The names click gives its value types (`integer range`, `text`…), shown upper case as
    metavars in help and lower case in conversion errors."""
    names = set()
    for value in vars(click.types).values():
        if isinstance(value, type) and issubclass(value, click.ParamType) and isinstance(value.__dict__.get("name"), str):
            names.add(value.__dict__["name"])
    return names


FRAGMENTS = english_fragments()
TYPE_NAMES = type_names()
PLACEHOLDERS = ("COMMAND", "[ARGS]", "ARGS...")


def english_in(text: str, help_screen: bool) -> list[str]:
    found = [f for f in FRAGMENTS if re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text)]
    for name in TYPE_NAMES:
        if name == "text" and not help_screen:  # also a format's name: `valeurs possibles 'text', 'json'`
            continue
        wanted = name.upper() if help_screen else name
        if re.search(rf"(?<![\w-]){re.escape(wanted)}(?![\w-])", text):
            found.append(wanted)
    found += [p for p in PLACEHOLDERS if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w])", text)]
    return found


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The group itself and every command under it, read from the click group."""
    out = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out += commands(command, (*path, name))
        else:
            out.append((*path, name))
    return out


def test_every_click_message_is_translated():
    missing = sorted(m for m in click_messages() if m not in clickfr.CATALOGUE)
    assert missing == [], f"add to clickfr.CATALOGUE: {missing}"


def test_the_english_looked_for_is_found_in_english():
    """The detector is not blind: click's untranslated help and errors are caught by it."""
    english_help = "Usage: prog [OPTIONS] COMMAND [ARGS]...\n  -h, --help  Show this message and exit.\n  [default: 3]"
    assert {"Usage", "Show this message and exit", "default", "COMMAND"} <= set(english_in(english_help, True))
    assert "Missing argument" in english_in("Error: Missing argument 'REGISTRE...'.", False)
    assert "integer range" in english_in("'30j' is not a valid integer range.", False)
    assert english_in("  --jobs INTEGER  Nombre de processus.", True) == ["INTEGER"]


@pytest.mark.parametrize("path", commands(main), ids=lambda p: " ".join(p) or "rgpdcheck")
def test_help_screens_are_french(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Utilisation : {' '.join(('rgpdcheck', *path))} ")
    assert english_in(result.stdout, help_screen=True) == []
    assert "Options :" in result.stdout and "Affiche cette aide et quitte." in result.stdout
    if path:
        assert main.commands[path[-1]].help, "every command has a help text"
        assert not re.search(r"^\s+[:;]", result.stdout, re.MULTILINE), "no help line starts with « : » or « ; »"


def test_version_is_french(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("rgpdcheck, version ")
    assert "Affiche la version et quitte." in cli("-h").stdout


def _options(kind: type) -> list[tuple[str, str]]:
    """(command, option) for every option whose type is `kind`, in every command."""
    return [(name, param.opts[-1] if param.opts[-1].startswith("--") else param.opts[0])
            for name, command in main.commands.items()
            for param in command.params if isinstance(param, click.Option) and isinstance(param.type, kind)]


def _integer_options() -> list[tuple[str, str]]:
    return _options(click.types._NumberParamTypeBase) + _options(DurationType)


USAGE_ERRORS = [
    pytest.param(["audit", "--bogus", BRUGES], "option inconnue « --bogus »", id="unknown option"),
    pytest.param(["audit", "--fail", BRUGES], "Vouliez-vous dire « --fail-on » ?", id="close option"),
    pytest.param(["audit"], "argument manquant « REGISTRE... »", id="missing argument"),
    pytest.param(["import", "x.csv", "-o", "y.yaml"], "option manquante « --commune »", id="missing option"),
    pytest.param(["audit", "-f"], "l'option « -f » attend une valeur", id="option without value"),
    pytest.param(["audit", "--fail-on", "grave", BRUGES], "« grave » n'est pas permis : valeurs possibles", id="bad choice"),
    pytest.param(["rules", "-f", "yaml"], "valeur invalide pour « --format » / « -f »", id="bad choice, short"),
    pytest.param(["audit", "--as-of", "2018-02-30", BRUGES],
                 "la date « 2018-02-30 » n'existe pas : février 2018 n'a que 28 jours", id="date that does not exist"),
    pytest.param(["audit", "--as-of", "2018-13-01", BRUGES], "il n'y a pas de mois 13", id="month that does not exist"),
    pytest.param(["audit", "--as-of", "31/12/2018", BRUGES], "date mal écrite « 31/12/2018 » : écrivez-la AAAA-MM-JJ",
                 id="badly written date"),
    pytest.param(["echeances", BRUGES, "--within", "trente"], "durée mal écrite « trente »", id="bad duration"),
    pytest.param(["echeances", BRUGES, "--within", "11a"], "durée trop longue « 11a » : 10 ans au plus",
                 id="duration too long"),
    pytest.param(["schema", "extra"], "argument en trop : extra", id="extra argument"),
    pytest.param(["validate", BRUGES, "--no-waivers"], "option inconnue « --no-waivers »", id="other command's option"),
    pytest.param(["audite", BRUGES], "commande inconnue « audite ». Vouliez-vous dire « audit » ?", id="unknown command"),
    pytest.param(["--bogus"], "option inconnue « --bogus »", id="unknown option of the group"),
]


@pytest.mark.parametrize(("args", "expected"), USAGE_ERRORS)
def test_usage_errors_are_french(cli, args, expected):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert expected in result.stderr
    assert english_in(result.stderr, help_screen=False) == []
    assert "Erreur : " in result.stderr and "Utilisation : rgpdcheck" in result.stderr
    assert re.search(r"Aide : « rgpdcheck( \w+)? --help »\.", result.stderr)


@pytest.mark.parametrize(("command", "option"), _integer_options())
def test_bad_numbers_are_french(cli, command, option):
    """Every numeric option of every command (--within, and any added later), given a word."""
    arguments = [BRUGES] if any(isinstance(p, click.Argument) for p in main.commands[command].params) else []
    result = cli(command, *arguments, option, "douze")
    assert result.exit_code == 2
    assert english_in(result.stderr, help_screen=False) == []
    assert f"valeur invalide pour « {option} »" in result.stderr


def test_there_is_a_numeric_option_to_try():
    assert ("echeances", "--within") in _integer_options()


@pytest.mark.parametrize(("text", "why"), [
    ("2019-02-29", "février 2019 n'a que 28 jours"),
    ("2018-04-31", "avril 2018 n'a que 30 jours"),
    ("2018-00-10", "il n'y a pas de mois 00"),
    ("2018-1-5", "mal écrite"),
    ("2018-12-31T10:00", "mal écrite"),
])
def test_dates_say_what_is_wrong(text, why):
    with pytest.raises(ValueError, match=why):
        parse_day(text)


def test_leap_days_exist():
    assert parse_day("2020-02-29") == date(2020, 2, 29)


@pytest.mark.parametrize(("text", "start", "days"), [
    ("30", date(2019, 1, 2), 30),
    ("30j", date(2019, 1, 2), 30),
    ("30 jours", date(2019, 1, 2), 30),
    ("1 jour", date(2019, 1, 2), 1),
    ("2s", date(2019, 1, 2), 14),
    ("2 sem.", date(2019, 1, 2), 14),
    ("3 semaines", date(2019, 1, 2), 21),
    ("1m", date(2019, 1, 31), 28),  # to 28 February, the month's last day
    ("3mois", date(2019, 1, 2), 90),
    ("1M", date(2020, 2, 10), 29),
    ("1a", date(2019, 3, 1), 366),  # 2020 is a leap year
    ("2 ans", date(2019, 1, 1), 731),  # through 29 February 2020
    ("0", date(2019, 1, 1), 0),
])
def test_durations(text, start, days):
    assert DurationType().convert(text, None, None).days_from(start) == days


@pytest.mark.parametrize("text", ["3661", "3661j", "523s", "121m", "11a"])
def test_durations_stay_within_ten_years(text):
    with pytest.raises(click.BadParameter, match="trop longue"):
        DurationType().convert(text, None, None)


@pytest.mark.parametrize("text", ["10a", "120m", "522s", "3660j"])
def test_the_longest_durations_are_accepted(text):
    assert DurationType().convert(text, None, None).days_from(date(2019, 1, 1)) <= 3660


def test_within_in_months_reaches_the_same_day(cli):
    """`--within 1m` from 2019-01-02 covers to 2019-02-02: a deadline on 2019-01-20 is listed,
    and the report's window says 31 days."""
    import json

    path = str(ROOT / "fixtures" / "bordeaux" / "registre.yaml")
    data = json.loads(cli("echeances", path, "--as-of", "2019-01-02", "--within", "1m", "-f", "json").stdout)
    assert data["within_days"] == 31
    assert json.loads(cli("echeances", path, "--as-of", "2019-01-02", "--within", "31", "-f", "json").stdout) == data
    assert str(Duration(1, "m")) == "1 mois" and str(Duration(2, "s")) == "2 semaines"


@pytest.mark.parametrize(("value", "expected"), [("douze", "« douze » n'est pas un nombre entier valide"),
                                                  ("9", "9 n'est pas dans l'intervalle 1<=x<=8")])
def test_integer_options_have_a_french_type(value, expected):
    """clickfr.IntegerRange, for a numeric option (click.IntRange says « integer range »)."""
    command = clickfr.Command("essai", params=[click.Option(["--jobs"], type=clickfr.IntegerRange(1, 8))],
                              callback=lambda jobs: None)
    result = CliRunner().invoke(command, ["--jobs", value])
    assert result.exit_code == 2
    assert f"valeur invalide pour « --jobs » : {expected}" in result.stderr
    assert english_in(result.stderr, help_screen=False) == []
