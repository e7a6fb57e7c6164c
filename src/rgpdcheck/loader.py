"""Step 1 of the audit: read a register file into plain values, keeping lines.

bytes -> strict UTF-8 text -> YAML node tree (PyYAML safe composer, C version when
available) -> plain Python values, and beside them a table from every path
(`("traitements", 3, "base_legale")`) to the line it starts on. Later steps locate
findings and input errors through that table.

Safety: only the safe YAML tags are accepted (no `!!python/...`), dates are left as
text (the models parse them strictly, so `2018-02-30` is an error with a line, not a
crash), duplicate keys are errors, and alias expansion is bounded (billion laughs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, InputErrors

MAX_FILE_BYTES = 128 * 1024 * 1024
# Alias expansion beyond this many nodes per distinct node is treated as an alias bomb.
MAX_EXPANSION_FACTOR = 10
MAX_EXPANSION_SLACK = 100_000

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

Path_ = tuple[Any, ...]


@dataclass
class Document:
    """A register file as plain values, with the line of every path in it."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

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
]


def _yaml_problem_fr(error: yaml.MarkedYAMLError) -> str:
    problem = f"{error.context or ''} {error.problem or ''}"
    for needle, french in _YAML_PROBLEMS_FR:
        if needle in problem:
            return french
    return f"syntaxe YAML invalide ({(error.problem or error.context or '').strip()})"


def read_text(path: str) -> str:
    """Read a file as strict UTF-8, or raise InputErrors with a French message."""
    p = Path(path)
    try:
        if p.is_dir():
            raise InputErrors([InputError(path, 0, "est un dossier, pas un fichier de registre")])
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputErrors([InputError(path, 0, f"fichier trop volumineux ({size // (1024 * 1024)} Mo ; au plus {MAX_FILE_BYTES // (1024 * 1024)} Mo)")])
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputErrors([InputError(path, 0, "fichier introuvable")]) from None
    except PermissionError:
        raise InputErrors([InputError(path, 0, "lecture refusée (droits insuffisants)")]) from None
    except OSError as exc:
        raise InputErrors([InputError(path, 0, f"lecture impossible ({exc.strerror or exc})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputErrors([InputError(path, line, f"le fichier n'est pas encodé en UTF-8 (octet 0x{raw[exc.start]:02x} invalide) : enregistrez-le en UTF-8")]) from None
    return text.removeprefix("\ufeff")


def load_document(path: str) -> Document:
    """Read and parse one register file. Raises InputErrors."""
    return parse_document(read_text(path), path)


def parse_document(text: str, file: str) -> Document:
    """Parse YAML text into a Document. Raises InputErrors."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputErrors([InputError(file, 1, "fichier vide : un registre commence par « version: 1 »")])
        builder = _Builder(loader, file)
        data = builder.build(node, ())
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
    except yaml.YAMLError as exc:  # reader errors (control characters...)
        raise InputErrors([InputError(file, 0, f"YAML illisible ({exc})")]) from None
    finally:
        loader.dispose()
    if builder.errors:
        raise InputErrors(builder.errors)
    return Document(file, data, builder.lines)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column:column + 1] if line < len(lines) else ""


class _Builder:
    """Turns a node tree into plain values, recording the line of every path."""

    def __init__(self, loader: Any, file: str):
        self.loader = loader
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.errors: list[InputError] = []
        self.visited = 0
        self.distinct: set[int] = set()

    def _count(self, node: yaml.Node) -> None:
        self.visited += 1
        self.distinct.add(id(node))
        if self.visited > MAX_EXPANSION_FACTOR * len(self.distinct) + MAX_EXPANSION_SLACK:
            raise InputErrors([InputError(self.file, node.start_mark.line + 1, "alias YAML démultipliés à l'excès (« bombe d'alias ») : document refusé")])

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self._count(node)
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            if node.tag not in _MAP_TAGS:
                return self._bad_tag(node)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in _SEQ_TAGS:
                return self._bad_tag(node)
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            return self._bad_tag(node)
        return self.loader.construct_object(node)

    def _bad_tag(self, node: yaml.Node) -> None:
        self.errors.append(InputError(self.file, node.start_mark.line + 1, f"étiquette YAML non autorisée « {node.tag} » : seules les valeurs YAML simples sont acceptées, rien n'est exécuté", node.start_mark.column + 1))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        merged: dict[Any, Any] = {}  # `<<: *anchor` defaults, overridden by explicit keys
        result: dict[Any, Any] = {}
        # merges first, so that explicit keys keep their own lines
        pairs = sorted(node.value, key=lambda pair: pair[0].tag != _MERGE_TAG)
        for key_node, value_node in pairs:
            if key_node.tag == _MERGE_TAG:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    value = self.build(source, path + (_MERGE_TAG,))
                    if not isinstance(value, dict):
                        self.errors.append(InputError(self.file, key_node.start_mark.line + 1, "« << » fusionne un bloc de clés (une ancre « &nom » sur un dictionnaire)"))
                        continue
                    merged.update({k: v for k, v in value.items() if k not in merged})
                # inherited keys are located where they are inherited, not at the anchor
                for k in merged:
                    self.lines[path + (k,)] = key_node.start_mark.line + 1
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.errors.append(InputError(self.file, key_node.start_mark.line + 1, "clé non scalaire : les clés sont des noms simples"))
                continue
            key = self.loader.construct_object(key_node)
            if key in result:
                self.errors.append(InputError(self.file, key_node.start_mark.line + 1, f"clé « {key} » répétée dans le même bloc (la première valeur serait perdue)"))
                continue
            result[key] = self.build(value_node, path + (key,))
            self.lines[path + (key,)] = key_node.start_mark.line + 1
        return {**merged, **result}

