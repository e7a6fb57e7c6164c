"""The register's JSON Schema for editors, and the key tables of docs/registre.md.

Both take the title and description of every key from one file, `data/champs.yaml`,
so the editor's hover text and the reference cannot drift apart; tests/test_schema.py
fails when a key of the models has no entry there, or an entry names no key.

Editors (yaml-language-server, jsonschema with a format checker) read the schema
strictly, so it says what the loader accepts rather than what pydantic derives:
instants are a pattern accepting the documented `2018-10-02T09:30` (with or without
seconds and offset), not `format: date-time`, which requires both; durations carry
the loader's ISO 8601 pattern. `draft="7"` rewrites it for editors that do not read
draft 2020-12 (yaml-language-server before 1.20).
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel

from . import model

DRAFTS = {"2020-12": "https://json-schema.org/draft/2020-12/schema", "7": "http://json-schema.org/draft-07/schema#"}

# What `datetime.fromisoformat` reads and the documentation writes: a date, optionally a time
# (hours and minutes, optional seconds and fraction), optionally an offset (`Z`, `+02:00`).
INSTANT_PATTERN = (r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
                   r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?)?$")
DURATION_PATTERN = model._DURATION.pattern  # the loader's own check of a duration


@cache
def fields() -> dict[str, Any]:
    """`data/champs.yaml`: by model name, its title, description and the keys' own."""
    text = resources.files("rgpdcheck").joinpath("data", "champs.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def models() -> dict[str, type[BaseModel]]:
    """Every model of the register format, by class name (the names of the schema's `$defs`)."""
    found: dict[str, type[BaseModel]] = {}

    def visit(cls: type[BaseModel]) -> None:
        if cls.__name__ in found:
            return
        found[cls.__name__] = cls
        for info in cls.model_fields.values():
            for arg in [info.annotation, *model.annotation_args(info.annotation)]:
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    visit(arg)

    visit(model.Registre)
    return found


def field_text(cls: type[BaseModel], key: str) -> dict[str, str] | None:
    """The title and description of `key` of `cls`, from the class or the base that declares it."""
    table = fields()
    for base in cls.__mro__:
        entry = table.get(base.__name__, {}).get("champs", {}).get(key)
        if entry is not None:
            return entry
    return None


def json_schema(draft: str = "2020-12") -> dict[str, Any]:
    """The JSON Schema of a register v1, titled and described in French."""
    if draft not in DRAFTS:
        raise ValueError(f"brouillon de JSON Schema inconnu : {draft}")
    schema = model.Registre.model_json_schema(mode="validation")
    by_name = models()
    for name, definition in [("Registre", schema), *schema.get("$defs", {}).items()]:
        cls = by_name[name]
        own = fields().get(name, {})
        definition["title"] = own.get("titre", name)
        if own.get("description"):
            definition["description"] = own["description"]
        for key, prop in definition.get("properties", {}).items():
            text = field_text(cls, key) or {}
            prop["title"] = text.get("titre", key)
            if text.get("description"):
                prop["description"] = text["description"]
            _patterns(prop)
    _duration_patterns(schema)
    out = {"$schema": DRAFTS[draft], **{k: v for k, v in schema.items() if k != "$schema"}}
    return _draft7(out) if draft == "7" else out


def _patterns(node: Any) -> None:
    """Instants and durations as the loader reads them (see the module's docstring)."""
    if isinstance(node, list):
        for item in node:
            _patterns(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and node.get("format") == "date-time":
        del node["format"]
        node["pattern"] = INSTANT_PATTERN
    for value in node.values():
        _patterns(value)


def _duration_patterns(schema: dict[str, Any]) -> None:
    for prop in (schema["$defs"]["Duree"]["properties"]["duree"], schema["$defs"]["Traitement"]["properties"]["duree_conservation"]):
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") == "string":
                branch["pattern"] = DURATION_PATTERN


def _draft7(schema: dict[str, Any]) -> dict[str, Any]:
    """Draft 7: `definitions` for `$defs`, and no keyword beside a `$ref` (draft 7 ignores them)."""
    out = copy.deepcopy(schema)
    out["definitions"] = out.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: walk(value) for key, value in node.items()}
        if "$ref" in node:
            node["$ref"] = node["$ref"].replace("#/$defs/", "#/definitions/")
            if len(node) > 1:
                ref = node.pop("$ref")
                node["allOf"] = [{"$ref": ref}]
        if isinstance(node.get("discriminator"), dict) and "mapping" in node["discriminator"]:
            node["discriminator"]["mapping"] = {tag: ref.replace("#/$defs/", "#/definitions/")
                                                for tag, ref in node["discriminator"]["mapping"].items()}
        return node

    return walk(out)


# -- docs/registre.md -----------------------------------------------------------------------

BEGIN = "<!-- début des tables « {name} » : générées depuis src/rgpdcheck/data/champs.yaml (python tools/registre_doc.py) -->"
END = "<!-- fin des tables « {name} » -->"
_COMMON_EVENT_KEYS = tuple(model._Evenement.model_fields)
_SUB_BLOCKS = {"traitements": ["Transfert", "Duree", "Information", "RoleMetropoleFaits", "AccordConjoint", "Aipd",
                               "SousTraitant", "Acquisition"]}


def doc_sections() -> dict[str, str]:
    """The generated part of each section of docs/registre.md, by section name."""
    table = fields()
    schema = json_schema()

    def markdown_table(name: str, keys: tuple[str, ...] | None = None) -> str:
        return _markdown_table(schema, name, keys)

    def titled(name: str, keys: tuple[str, ...] | None = None, heading: str = "") -> str:
        head = f"**{heading or table[name]['titre']}** — {table[name]['description']}\n\n"
        return head + markdown_table(name, keys)

    events = [cls for cls in model.EVENT_CLASSES.values()]
    types = ["| type | titre | description |", "|---|---|---|"]
    types += [f"| `{tag}` | {table[cls.__name__]['titre']} | {_md(table[cls.__name__]['description'])} |"
              for tag, cls in model.EVENT_CLASSES.items()]
    per_type = [titled(cls.__name__, tuple(k for k in cls.model_fields if k not in _COMMON_EVENT_KEYS and k != "type"),
                       heading=f"{table[cls.__name__]['titre']} (`{tag}`)")
                for tag, cls in model.EVENT_CLASSES.items() if set(cls.model_fields) - set(_COMMON_EVENT_KEYS) - {"type"}]
    return {
        "niveau supérieur": "\n\n".join([titled("Registre"), titled("Contrat")]),
        "acteurs": titled("Acteur"),
        "dpo": titled("Dpo"),
        "traitements": "\n\n".join([titled("Traitement"), *(titled(name) for name in _SUB_BLOCKS["traitements"])]),
        "evenements": "\n\n".join([
            "Clés communes à tous les événements :\n\n" + markdown_table(events[0].__name__, _COMMON_EVENT_KEYS),
            "Types d'événements (`type`) :\n\n" + "\n".join(types),
            "Clés propres à chaque type :",
            *per_type,
            titled("Prolongation"),
        ]),
        "derogations": titled("Derogation"),
    }


def rewrite_doc(text: str) -> str:
    """docs/registre.md with each generated section replaced by its current version."""
    for name, content in doc_sections().items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        if begin not in text or end not in text:
            raise ValueError(f"docs/registre.md : marqueurs de la section « {name} » absents")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{content}\n{end}{tail}"
    return text


def _markdown_table(schema: dict[str, Any], name: str, keys: tuple[str, ...] | None = None) -> str:
    """The table of the keys of model `name` (or of `keys` only): key, title, value, description."""
    cls = models()[name]
    definition = schema if name == "Registre" else schema["$defs"][name]
    rows = ["| clé | titre | valeur | description |", "|---|---|---|---|"]
    for key, prop in definition["properties"].items():
        if keys is not None and key not in keys:
            continue
        text = field_text(cls, key) or {}
        rows.append(f"| `{key}` | {text.get('titre', '')} | {_md(_value(prop))} | {_md(text.get('description', ''))} |")
    return "\n".join(rows)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _value(prop: dict[str, Any]) -> str:
    """A short French reading of a property's schema."""
    if "const" in prop:
        return f"`{prop['const']}`"
    if "enum" in prop:
        return ", ".join(f"`{v}`" for v in prop["enum"])
    if "anyOf" in prop:
        parts = [_value(p) for p in prop["anyOf"] if p.get("type") != "null"]
        return " ou ".join(dict.fromkeys(parts))
    if "$ref" in prop:
        return f"bloc « {fields()[prop['$ref'].rsplit('/', 1)[-1]]['titre']} »"
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items", {})
        if "discriminator" in items or "oneOf" in items:
            return "liste d'événements"
        return f"liste de : {_value(items)}"
    if kind == "string":
        if prop.get("format") == "date":
            return "date"
        if prop.get("pattern") == INSTANT_PATTERN:
            return "date-heure"
        if prop.get("pattern") == DURATION_PATTERN:
            return "durée ISO 8601"
        return "texte"
    return {"boolean": "booléen", "integer": "nombre entier"}.get(kind, str(kind))
