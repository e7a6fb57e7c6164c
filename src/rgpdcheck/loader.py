"""Step 1 of the audit: read a register file into plain values, keeping lines.

bytes -> strict UTF-8 text -> YAML node tree (PyYAML safe composer, C version when
available) -> plain Python values, and beside them a table from every path
(`("traitements", 3, "base_legale")`) to the line it starts on. Later steps locate
findings and input errors through that table.

Safety: only the safe YAML tags are accepted (no `!!python/...`), dates are left as
text (the models parse them strictly, so `2018-02-30` is an error with a line, not a
crash), duplicate keys are errors, and the work done by aliases and merge keys is
bounded (billion laughs, chained `<<`). Only regular files are read, and never more than
the size bound, whatever `stat` says (`/dev/zero`, a FIFO: refused, never waited on).
Numbers are resolved as YAML 1.2's core schema does where YAML 1.1 would convert
silently: `1:20` (sexagesimal), `0012` (octal), `0b11`, `1_000` stay the text written.
Characters that YAML or an editor would read differently (control characters, NEL,
U+2028, U+2029) are refused at their line, lines being counted at `\n` as editors do.

A `Selection` (one treatment's liability) builds only some items of the top-level lists:
the others are parsed, never built, and the document records where the kept items stand in
the file and the ids of those left out.

Warnings: what is valid YAML but probably not what was meant is noted, at its line and
column, in `Document.warnings` (same shape as an input error; nothing stops): an item of
a flow sequence that reads like the rest of a sentence cut at a comma (`[Établir les
actes de naissance, de mariage et de décès]` is two items for YAML). The commands print
them on stderr, the JSON audit lists them under `warnings`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from .errors import InputError, InputErrors, describe_os_error

MAX_FILE_BYTES = 128 * 1024 * 1024
# Alias expansion beyond this many nodes per distinct node is treated as an alias bomb.
MAX_EXPANSION_FACTOR = 10
MAX_EXPANSION_SLACK = 100_000
# Work (lines recorded, keys merged) allowed per unit of the alias budget above: an alias
# costs about two units of work per node it brings, a merge chain many more.
MAX_WORK_PER_NODE = 4
_READ_CHUNK = 1024 * 1024

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader without YAML 1.1 implicit timestamps: dates stay text for the models."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

_MAP_TAGS = {"tag:yaml.org,2002:map"}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SEQ_TAGS = {"tag:yaml.org,2002:seq"}
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

# Plain scalars YAML 1.1 resolves as numbers are kept as numbers only when YAML 1.2's core
# schema would too (with no leading zero: `0012` is an identifier, not twelve nor ten).
_CORE_NUMBERS = {
    "tag:yaml.org,2002:int": re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z|0x[0-9a-fA-F]+\Z"),
    "tag:yaml.org,2002:float": re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z"
                                          r"|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z"),
}
# Python refuses to read integers longer than this (sys.get_int_max_str_digits()).
_MAX_NUMBER_CHARS = 4300
_TAG_NAMES = {
    "tag:yaml.org,2002:int": "un nombre entier",
    "tag:yaml.org,2002:float": "un nombre décimal",
    "tag:yaml.org,2002:bool": "un booléen (true ou false)",
    "tag:yaml.org,2002:null": "une valeur nulle",
}

Path_ = tuple[Any, ...]


@dataclass
class Document:
    """A register file as plain values, with the line of every path in it."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    warnings: list[InputError] = field(default_factory=list)  # located, nothing stopped
    # Read with a Selection (one treatment's liability): the rank in the file of each item
    # kept, and the ids of the items left out, for the sections the selection filtered.
    positions: dict[str, list[int]] = field(default_factory=dict)
    omitted_ids: dict[str, list[str]] = field(default_factory=dict)
    # the treatment each item left out names (`traitement:`), with its line: a name that is
    # no treatment's may be a typo for the one read, and is reported as the whole file would be
    omitted_refs: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def rank_in_file(self, section: str, index: int) -> int:
        """Where item `index` of `section` stands in the file (the same unless selected)."""
        kept = self.positions.get(section)
        return kept[index] if kept is not None else index

    def line_of(self, path: Path_) -> int:
        """The line of `path`, or of its nearest ancestor present in the file.

        Path elements absent from the file (a missing key, a union tag added by the
        models) are skipped, so the answer is always a line the user can open.
        """
        best = self.lines.get((), 1)
        prefix: Path_ = ()
        for part in path:
            candidate = prefix + (part,)
            if candidate in self.lines:
                prefix = candidate
                best = self.lines[candidate]
        return best


_YAML_PROBLEMS_FR = [
    ("found character '\\t'", "tabulation interdite en YAML : indentez avec des espaces"),
    ("found a tab character", "tabulation interdite en YAML : indentez avec des espaces"),
    ("found unexpected end of stream", "chaîne entre guillemets non terminée"),
    ("expected <block end>", "indentation incohérente (un élément est mal aligné)"),
    ("mapping values are not allowed", "« : » inattendu (indentation ou guillemets manquants ?)"),
    ("could not find expected ':'", "« : » attendu (clé sans valeur ou guillemets non fermés ?)"),
    ("did not find expected key", "clé attendue (indentation incohérente ?)"),
    ("did not find expected '-' indicator", "élément de liste attendu (« - ») : indentation incohérente"),
    ("could not determine a constructor", "étiquette YAML non autorisée (seules les valeurs YAML simples sont acceptées)"),
    ("found undefined alias", "alias YAML non défini"),
    ("expected a single document", "un seul document YAML est attendu (« --- » en trop)"),
    ("exceeded maximum nesting depth", "structure YAML imbriquée trop profondément"),
]


def _yaml_problem_fr(error: yaml.MarkedYAMLError) -> str:
    problem = f"{error.context or ''} {error.problem or ''}"
    for needle, french in _YAML_PROBLEMS_FR:
        if needle in problem:
            return french
    return f"syntaxe YAML invalide ({(error.problem or error.context or '').strip()})"


def read_bytes(path: str, max_bytes: int = MAX_FILE_BYTES, what: str = "fichier de registre",
               missing: str = "fichier introuvable") -> bytes:
    """Read a regular file whole, at most `max_bytes`, or raise InputErrors in French.

    The one reader of every input (register, baseline, CSV, mapping). It opens without
    blocking and refuses what is not a regular file (a device such as `/dev/zero`, a FIFO,
    a socket): none of them has a size to trust, and a FIFO without a writer would hang.
    The bound holds for the bytes actually read, not only for the size `stat` reports.
    `missing` is what a path to nothing is told.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputErrors([InputError(path, 0, missing)]) from None
    except OSError as exc:
        raise InputErrors([InputError(path, 0, describe_os_error(exc, "lecture"))]) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputErrors([InputError(path, 0, f"est un dossier, pas un {what}")])
        if not stat.S_ISREG(info.st_mode):
            raise InputErrors([InputError(path, 0, f"n'est pas un fichier ordinaire (périphérique, tube ou socket) : "
                                                   f"donnez le chemin d'un {what}")])
        if info.st_size > max_bytes:
            raise InputErrors([_too_large(path, info.st_size, max_bytes)])
        chunks, total = [], 0
        while chunk := os.read(fd, min(_READ_CHUNK, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # the file grew after stat, or stat lied (/proc)
                raise InputErrors([_too_large(path, total, max_bytes)])
        return b"".join(chunks)
    except OSError as exc:
        raise InputErrors([InputError(path, 0, describe_os_error(exc, "lecture"))]) from None
    finally:
        os.close(fd)


def _too_large(path: str, size: int, max_bytes: int) -> InputError:
    mib = 1024 * 1024
    return InputError(path, 0, f"fichier trop volumineux ({size // mib} Mo ; au plus {max_bytes // mib} Mo)")


def read_text(path: str, max_bytes: int = MAX_FILE_BYTES, what: str = "fichier de registre") -> str:
    """Read a file as strict UTF-8, or raise InputErrors with a French message."""
    raw = read_bytes(path, max_bytes, what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputErrors([InputError(path, line, f"le fichier n'est pas encodé en UTF-8 (octet 0x{raw[exc.start]:02x} invalide) : enregistrez-le en UTF-8")]) from None
    return text.removeprefix("\ufeff")


def file_size(path: str) -> int:
    """The size `stat` gives a file, 0 when it has none to give (reading it reports why)."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def load_document(path: str) -> Document:
    """Read and parse one register file. Raises InputErrors."""
    return parse_document(read_text(path), path)


class Selection(Protocol):
    """The items of the register's lists one command needs (see `liability.needed`).

    `keys[section]` names the keys of an item of `section` (a top-level list) that decide;
    `keeps(section, values)` gets their values as written (text only: an item whose key holds
    a number, a list or an alias is always kept) and says whether the item is built. Items left
    out are still parsed, so the file must be valid YAML throughout, but they are never built
    nor validated. An anchor (`&name`) in an item left out makes the whole file read again
    without selection: an alias elsewhere might need it.
    """

    keys: dict[str, tuple[str, ...]]

    def keeps(self, section: str, values: dict[str, str]) -> bool: ...


class _ReadAgain(Exception):
    """An item left out by a selection holds an anchor: the file is read again in full."""


# Characters refused in a register: C0 controls but tab and line breaks, DEL, C1 controls
# (NEL too: YAML reads it as a line break, editors do not), the line and paragraph
# separators (same), and the two noncharacters PyYAML refuses with an English message.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_FORBIDDEN_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x85": "NEL, saut de ligne Unicode",
                    "\u2028": "séparateur de ligne Unicode", "\u2029": "séparateur de paragraphe Unicode"}
_MAX_FORBIDDEN_REPORTED = 10


def forbidden_characters(text: str, file: str) -> list[InputError]:
    """Every forbidden character of `text` (the first few), at its line and column."""
    errors = []
    for match in _FORBIDDEN.finditer(text):
        char = match.group()
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        name = _FORBIDDEN_NAMES.get(char, "caractère de contrôle")
        errors.append(InputError(file, line, f"caractère U+{ord(char):04X} ({name}) interdit dans un registre : "
                                             "supprimez-le ou remplacez-le par une espace ou un retour à la ligne",
                                 column))
        if len(errors) >= _MAX_FORBIDDEN_REPORTED:
            break
    return errors


def parse_document(text: str, file: str, selection: Selection | None = None) -> Document:
    """Parse YAML text into a Document. Raises InputErrors."""
    if bad := forbidden_characters(text, file):
        raise InputErrors(bad)
    loader = _Loader(text)
    builder = _Builder(loader, file, selection)
    try:
        data = builder.document()
    except _ReadAgain:
        return parse_document(text, file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in (exc.problem or ""):
            mark = exc.context_mark  # an unterminated string: point where it starts
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else None
        message = _yaml_problem_fr(exc)
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            message = "tabulation interdite en YAML : indentez avec des espaces"
        raise InputErrors([InputError(file, line, message, column)]) from None
    except yaml.YAMLError as exc:  # reader errors: the characters are checked above, so unexpected
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 0
        raise InputErrors([InputError(file, line, "YAML illisible (caractère non permis)")]) from None
    except RecursionError:
        raise InputErrors([InputError(file, builder.line, "structure YAML imbriquée trop profondément")]) from None
    finally:
        loader.dispose()
    if builder.errors:
        raise InputErrors(builder.errors)
    return Document(file, data, builder.lines, sorted(builder.warnings, key=lambda w: (w.line, w.column or 0)),
                    builder.positions, builder.omitted_ids, builder.omitted_refs)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column:column + 1] if line < len(lines) else ""


# The words a French phrase continues with after a comma: prepositions, articles,
# conjunctions (`[actes de naissance, de mariage et de décès]`). A plain item after the
# first that begins with one of them, in lower case, is probably the rest of the previous
# item; a lower-case noun (`[Gestion, paie]`, `[identite, coordonnees]`) is not flagged:
# lists of short words and enumerated values are written that way on purpose.
_CONTINUATIONS = frozenset({
    "de", "du", "des", "d", "la", "le", "les", "l", "un", "une", "et", "ou", "ni", "à", "au", "aux", "en", "pour",
    "par", "sur", "avec", "dans", "sans", "sous", "entre", "vers", "chez", "selon", "afin", "ainsi", "notamment",
    "dont", "qui", "que", "puis",
})
_FIRST_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CUT_SENTENCE = ("« {item} » semble continuer l'élément précédent, or entre crochets une virgule sépare deux "
                 "éléments : pour un seul élément, mettez-le entre guillemets, ou écrivez la liste un élément "
                 "par ligne (« - … »)")


def _cut_sentence(event: Any) -> bool:
    """Whether a flow sequence item reads like the continuation of the previous one: a plain
    (unquoted) scalar whose first word is a lower-case preposition, article or conjunction."""
    if not isinstance(event, yaml.ScalarEvent) or event.style not in (None, "") or not event.implicit[0]:
        return False
    word = _FIRST_WORD.match(event.value)
    return word is not None and word.start() == 0 and word.group() in _CONTINUATIONS


class _Anchor:
    """What an alias to an anchored node brings: its value, its size, and its lines."""

    __slots__ = ("line", "lines", "size", "value")

    def __init__(self, line: int):
        self.value: Any = None
        self.size = 0
        self.line = line
        self.lines: list[tuple[Path_, int]] = []  # (path relative to the anchor, line)


_NODE_EVENTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
_START_EVENTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_END_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_START_TYPES, _END_TYPES = frozenset(_START_EVENTS), frozenset(_END_EVENTS)  # compared by type()


def _anchored(event: Any) -> bool:
    return isinstance(event, _NODE_EVENTS) and event.anchor is not None


def _peek(parser: Any, first: Any, wanted: tuple[str, ...]) -> tuple[list[Any], dict[str, str] | None, dict[str, int], int]:
    """Read one list item's events until its `wanted` keys are known or it ends.

    Returns the events read, the values of the wanted keys found (None when the item cannot
    be judged without being built: not a mapping, an unusual key, a number, list or alias
    where a wanted key's value is), the line of each key found, and how deep inside the item
    the last event read leaves (0: the item is read whole)."""
    read = [first]
    lines: dict[str, int] = {}
    if not isinstance(first, yaml.MappingStartEvent):
        return read, None, lines, 0 if not isinstance(first, _START_EVENTS) else 1
    values: dict[str, str] = {}
    depth, key, expect_key = 1, None, True
    get = parser.get_event
    while True:
        event = get()
        read.append(event)
        if depth > 1:
            if isinstance(event, _START_EVENTS):
                depth += 1
            elif isinstance(event, _END_EVENTS):
                depth -= 1
                if depth == 1:
                    expect_key = True
            continue
        if isinstance(event, yaml.MappingEndEvent):
            return read, values, lines, 0
        if expect_key:
            if not isinstance(event, yaml.ScalarEvent) or event.tag not in (None, "!"):
                return read, None, lines, 1
            key, expect_key, key_line = event.value, False, event.start_mark.line + 1
        elif key in wanted:
            if (not isinstance(event, yaml.ScalarEvent) or event.tag not in (None, "!") or key in values
                    or (event.implicit[0] and _resolves(event.value))):
                return read, None, lines, 1 if not isinstance(event, _START_EVENTS) else 2
            values[key], lines[key] = event.value, key_line
            expect_key = True
            if len(values) == len(wanted):
                return read, values, lines, 1
        elif isinstance(event, _START_EVENTS):
            depth += 1
        else:
            expect_key = True


def _resolves(plain: str) -> bool:
    """Whether a plain scalar would be read as something other than text (number, null...)."""
    return any(regexp.match(plain) for _, regexp in _Loader.yaml_implicit_resolvers.get(plain[:1], ()))


def _pass_over(parser: Any, depth: int) -> None:
    """Consume the rest of an item `depth` levels deep; refuse to leave an anchor behind.
    (Most of a selected read is spent here: types are compared, not isinstance'd.)"""
    get = parser.get_event
    starts, ends, scalar = _START_TYPES, _END_TYPES, yaml.ScalarEvent
    while depth:
        event = get()
        kind = type(event)
        if kind is scalar:
            if event.anchor is not None:
                raise _ReadAgain
        elif kind in starts:
            depth += 1
            if event.anchor is not None:
                raise _ReadAgain
        elif kind in ends:
            depth -= 1


class _Replay:
    """A parser whose first events are those already read (by `_peek`)."""

    __slots__ = ("_parser", "_read")

    def __init__(self, read: list[Any], parser: Any):
        self._read = iter(read[1:])  # the first is handed to the builder directly
        self._parser = parser

    def get_event(self) -> Any:
        event = next(self._read, None)
        return event if event is not None else self._parser.get_event()


class _Builder:
    """Builds plain values straight from the YAML parser's events, recording the line of
    every path.

    PyYAML's composer builds a node tree first and resolves every scalar through a
    Python resolver walk; that was most of the time of an audit. Here the C parser's
    events are consumed once, plain scalars are resolved with the same implicit-resolver
    table (timestamps removed), and the few non-string scalars are constructed by
    PyYAML's own safe constructor.
    """

    def __init__(self, loader: Any, file: str, selection: Selection | None = None):
        self.loader = loader
        self.selection = selection
        self.positions: dict[str, list[int]] = {}
        self.omitted_ids: dict[str, list[str]] = {}
        self.omitted_refs: dict[str, list[tuple[str, int]]] = {}
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.errors: list[InputError] = []
        self.warnings: list[InputError] = []
        self.line = 0  # the line of the last event read, for errors without a mark
        self.visited = 0
        self.distinct = 0
        self.work = 0  # lines recorded and keys copied by merges: what aliases really cost
        self.anchors: dict[str, _Anchor] = {}
        self.recording: list[tuple[Path_, _Anchor]] = []  # anchors whose node is being built
        self.constructor = yaml.constructor.SafeConstructor()
        self.resolvers = _Loader.yaml_implicit_resolvers

    def document(self) -> Any:
        get = self.loader.get_event
        get()  # stream start
        event = get()
        if isinstance(event, yaml.StreamEndEvent):
            raise InputErrors([InputError(self.file, 1, "fichier vide : un registre commence par « version: 1 »")])
        data = self.value(get(), ())
        get()  # document end
        event = get()
        if not isinstance(event, yaml.StreamEndEvent):
            raise InputErrors([InputError(self.file, event.start_mark.line + 1, "un seul document YAML est attendu (« --- » en trop)")])
        return data

    def _spend(self, amount: int) -> None:
        """Count work beyond one step per node written; refuse a document that multiplies it.

        Aliases are counted by the nodes they bring (`visited`), but a chain of merge keys
        (`m_i: {<<: *m_(i-1), k_i: v}`) brings few nodes and much work: every link copies the
        keys and re-records the lines of the one before (quadratic keys, cubic path length).
        """
        self.work += amount
        if self.work > MAX_WORK_PER_NODE * (MAX_EXPANSION_FACTOR * self.distinct + MAX_EXPANSION_SLACK):
            raise InputErrors([InputError(self.file, self.line, "alias ou fusions « << » YAML démultipliés à l'excès "
                                                                "(« bombe d'alias ») : document refusé")])

    def _record(self, path: Path_, line: int) -> None:
        self._spend(len(path) // 8 + 1 + len(self.recording))
        self.lines[path] = line
        for anchor_path, anchor in self.recording:
            anchor.lines.append((path[len(anchor_path):], line))

    def value(self, event: Any, path: Path_) -> Any:
        line = self.line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event, path, line)
        self.visited += 1
        self.distinct += 1
        anchor = None
        if event.anchor is not None:
            if event.anchor in self.anchors:
                self.errors.append(InputError(self.file, line, f"ancre YAML « &{event.anchor} » définie deux fois"))
            anchor = self.anchors[event.anchor] = _Anchor(line)
            self.recording.append((path, anchor))
            size_before = self.visited
        self._record(path, line)
        if isinstance(event, yaml.ScalarEvent):
            result = self._scalar(event)
        elif isinstance(event, yaml.MappingStartEvent):
            result = self._mapping(event, path)
        else:
            result = self._sequence(event, path)
        if anchor is not None:
            self.recording.pop()
            anchor.value, anchor.size = result, self.visited - size_before + 1
        return result

    def _alias(self, event: Any, path: Path_, line: int) -> Any:
        anchor = self.anchors.get(event.anchor)
        if anchor is None or anchor.value is None and anchor.size == 0:
            raise InputErrors([InputError(self.file, line, "alias YAML non défini")])
        self.visited += anchor.size
        if self.visited > MAX_EXPANSION_FACTOR * self.distinct + MAX_EXPANSION_SLACK:
            raise InputErrors([InputError(self.file, line, "alias YAML démultipliés à l'excès (« bombe d'alias ») : document refusé")])
        self._spend(len(anchor.lines))
        # the aliased paths are located at the anchored node, as if it were written here
        self._record(path, anchor.line)
        for relative, where in anchor.lines[1:]:
            self._record(path + relative, where)
        return anchor.value

    def _scalar(self, event: Any) -> Any:
        tag, value = event.tag, event.value
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted or block text
            for candidate, regexp in self.resolvers.get(value[:1], ()):
                if regexp.match(value):
                    tag = candidate
                    break
            else:
                return value
            if tag in _CORE_NUMBERS and not _CORE_NUMBERS[tag].match(value):
                return value  # YAML 1.1 would convert it (`1:20` -> 80, `0012` -> 10): keep the text
        if tag == "tag:yaml.org,2002:str":
            return value
        if tag not in _SCALAR_TAGS:
            return self._bad_tag(tag, event)
        if tag == "tag:yaml.org,2002:int" and len(value) > _MAX_NUMBER_CHARS:
            return self._bad_scalar(event, "nombre de plus de 4 300 chiffres : refusé")
        constructor = self.constructor.yaml_constructors[tag]
        try:
            return constructor(self.constructor, yaml.ScalarNode(tag, value, event.start_mark, event.end_mark))
        except (ValueError, KeyError, TypeError, OverflowError, IndexError):
            what = _TAG_NAMES.get(tag, tag)
            shown = value if len(value) <= 40 else value[:40] + "…"
            return self._bad_scalar(event, f"« {shown} » n'est pas {what} (étiquette « {tag.rsplit(':', 1)[-1]} »)")

    def _bad_scalar(self, event: Any, message: str) -> None:
        self.errors.append(InputError(self.file, event.start_mark.line + 1, message, event.start_mark.column + 1))

    def _sequence(self, event: Any, path: Path_) -> Any:
        if self.selection is not None and len(path) == 1 and path[0] in self.selection.keys and not self.recording:
            return self._selected(event, path)
        bad = event.tag not in (None, "!") and event.tag not in _SEQ_TAGS
        items = []
        get = self.loader.get_event
        while not isinstance(next_event := get(), yaml.SequenceEndEvent):
            if items and event.flow_style and _cut_sentence(next_event):
                self._cut_warning(next_event)
            items.append(self.value(next_event, path + (len(items),)))
        return self._bad_tag(event.tag, event) if bad else items

    def _cut_warning(self, event: Any) -> None:
        mark = event.start_mark
        item = event.value if len(event.value) <= 60 else event.value[:60] + "…"
        self.warnings.append(InputError(self.file, mark.line + 1, _CUT_SENTENCE.format(item=item), mark.column + 1))

    def _selected(self, event: Any, path: Path_) -> Any:
        """A top-level list read through the selection: each item's deciding keys are read
        first (its events kept aside), then the item is built from those events and the
        parser's next ones, or its remaining events are passed over."""
        assert self.selection is not None
        section = path[0]
        wanted = self.selection.keys[section]
        kept = self.positions[section] = []
        omitted = self.omitted_ids[section] = []
        refs = self.omitted_refs[section] = []
        items: list[Any] = []
        parser = self.loader
        rank = 0
        while not isinstance(first := parser.get_event(), yaml.SequenceEndEvent):
            if items and event.flow_style and _cut_sentence(first):
                self._cut_warning(first)
            read, values, lines, depth = _peek(parser, first, wanted)
            if values is None or self.selection.keeps(section, values):
                kept.append(rank)
                self.loader = _Replay(read, parser)
                try:
                    items.append(self.value(first, path + (len(items),)))
                finally:
                    self.loader = parser
            else:
                if any(_anchored(e) for e in read):
                    raise _ReadAgain
                _pass_over(parser, depth)
                if "id" in values:
                    omitted.append(values["id"])
                if "traitement" in values:
                    refs.append((values["traitement"], lines["traitement"]))
            rank += 1
        bad = event.tag not in (None, "!") and event.tag not in _SEQ_TAGS
        return self._bad_tag(event.tag, event) if bad else items

    def _mapping(self, event: Any, path: Path_) -> Any:
        bad = event.tag not in (None, "!") and event.tag not in _MAP_TAGS
        merged: dict[Any, Any] = {}  # `<<: *anchor` defaults, overridden by explicit keys
        merge_lines: list[int] = []
        result: dict[Any, Any] = {}
        get = self.loader.get_event
        while not isinstance(key_event := get(), yaml.MappingEndEvent):
            key_line = key_event.start_mark.line + 1
            if (isinstance(key_event, yaml.ScalarEvent) and key_event.value == "<<" and key_event.implicit[0]
                    and key_event.tag in (None, "!", _MERGE_TAG)):
                self._merge(get(), path, key_line, merged)
                merge_lines.append(key_line)
                continue
            if isinstance(key_event, yaml.ScalarEvent):
                key = self._scalar(key_event)
            elif isinstance(key_event, yaml.AliasEvent) and not isinstance(
                    (key := self._alias(key_event, path + ("<<alias>>",), key_line)), (dict, list)):
                pass
            else:
                if not isinstance(key_event, yaml.AliasEvent):
                    self.value(key_event, path + ("<<key>>",))  # consume it
                self.errors.append(InputError(self.file, key_line, "clé non scalaire : les clés sont des noms simples"))
                self.value(get(), path + ("<<key>>",))
                continue
            value_event = get()
            if key in result:
                self.errors.append(InputError(self.file, key_line, f"clé « {key} » répétée dans le même bloc (la première valeur serait perdue)"))
                self.value(value_event, path + ("<<duplicate>>",))
                continue
            result[key] = self.value(value_event, path + (key,))
            self._record(path + (key,), key_line)
        # inherited keys are located where they are inherited, not at the anchor
        if merged:
            self._spend(len(merged) + len(result))
        for k in merged:
            if k not in result:
                self._record(path + (k,), merge_lines[0])
        return self._bad_tag(event.tag, event) if bad else {**merged, **result}

    def _merge(self, event: Any, path: Path_, line: int, merged: dict[Any, Any]) -> None:
        if isinstance(event, yaml.SequenceStartEvent):
            sources = self._sequence(event, path + (_MERGE_TAG,))
        else:
            sources = [self.value(event, path + (_MERGE_TAG,))]
        for value in sources if isinstance(sources, list) else [sources]:
            if not isinstance(value, dict):
                self.errors.append(InputError(self.file, line, "« << » fusionne un bloc de clés (une ancre « &nom » sur un dictionnaire)"))
                continue
            self._spend(len(value))
            merged.update({k: v for k, v in value.items() if k not in merged})

    def _bad_tag(self, tag: str, event: Any) -> None:
        self.errors.append(InputError(self.file, event.start_mark.line + 1, f"étiquette YAML non autorisée « {tag} » : seules les valeurs YAML simples sont acceptées, rien n'est exécuté", event.start_mark.column + 1))
