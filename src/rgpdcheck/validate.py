"""Step 2 of the audit: check a loaded document against the register format v1.

Structure and types (pydantic models), then what the models alone cannot see:
duplicate ids, references to ids that do not exist, impossible chronologies, an
unknown commune without a `contrat:` block. Every problem becomes an InputError in
French with its line; all the problems of a file are reported together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from . import contract as contract_mod
from .dates import parse_day
from .errors import InputError, InputErrors
from .fact_schema import ABSENT
from .idents import event_key, ident
from .loader import Document, load_document
from .model import EVENT_CLASSES as _EVENT_CLASSES
from .model import EVENT_DATE_FIELD, Registre, annotation_args, event_date
from .validators import validators
from .vocabulary import METROPOLE, METROPOLE_NAME


@dataclass(frozen=True)
class Register:
    """A valid register: the models, the document (for lines) and its contract."""

    document: Document
    model: Registre
    contract: contract_mod.Contract
    as_of: date  # `--as-of`, else the register's `date_reference`, else today

    @property
    def file(self) -> str:
        return self.document.file

    def known_treatments(self) -> list[Any]:
        """The treatments that existed on the audit date (one created later is set aside)."""
        return [t for t in self.model.traitements if t.cree_le is None or t.cree_le <= self.as_of]

    def actor_names(self) -> dict[str, str]:
        """Actor id -> name for people: the commune and the métropole by their own names."""
        names = {a.id: a.nom or a.id for a in self.model.acteurs}
        names.update({self.model.commune: self.contract.nom, METROPOLE: METROPOLE_NAME})
        return names

    def actor_types(self) -> dict[str, str]:
        """Actor id -> its type (`absent` when not given); the commune and the métropole always known."""
        types = {a.id: a.type or ABSENT for a in self.model.acteurs}
        types.setdefault(self.model.commune, "commune")
        types.setdefault(METROPOLE, "metropole")
        return types


def validate(document: Document, as_of: date | None, today: date, rule_ids: set[str] | None = None) -> Register:
    """Validate a document; raise InputErrors with every problem found.

    The audit date is `as_of`, else the register's `date_reference`, else `today`.
    """
    file = document.file
    if not isinstance(document.data, dict):
        kind = "une liste" if isinstance(document.data, list) else "une valeur simple"
        raise InputErrors([InputError(file, 1, f"le registre doit être un dictionnaire YAML (« version: 1 », « commune: … »…), pas {kind}")])
    errors = _cross_check_references(document, rule_ids)
    try:
        # Registre.model_validate, through the validator kept between runs (validators.py)
        model: Registre = validators().registre.validate_python(document.data)
    except ValidationError as exc:
        raise InputErrors(errors + [_translate(error, document) for error in exc.errors()]) from None
    errors += _check_chronology(model, document)
    day = as_of or model.date_reference or today
    contract: contract_mod.Contract | None
    if model.cadre == "rgpd":
        contract = _without_avenant(model, document, errors)
    else:
        contract = contract_mod.resolve(model.commune, model.contrat, day)
    if contract is None and model.cadre != "rgpd":
        known = ", ".join(sorted(contract_mod.communes()))
        errors.append(InputError(file, document.line_of(("commune",)), f"commune « {model.commune} » inconnue : pour une commune hors de Bordeaux Métropole, sans avenant, écrivez « cadre: rgpd » (audit au regard du RGPD seul) ; pour une commune partie à un avenant, ajoutez un bloc « contrat: » avec « date_effet », « violations_confiees_metropole » et « dpo_mutualise » ; communes connues : {known}"))
    elif contract is not None and contract.avenant and model.commune not in contract_mod.communes():
        # the deliberation's two options are each commune's choice: never assumed
        missing = [k for k in contract_mod.OPTIONS if getattr(model.contrat, k, None) is None]
        if missing:
            errors.append(InputError(file, document.line_of(("contrat",)), "commune hors des avenants connus : "
                                     "précisez dans « contrat: » les choix de sa délibération (true ou false) : "
                                     + ", ".join(f"« {k} »" for k in missing)))
    if errors:
        raise InputErrors(errors)
    assert contract is not None
    return Register(document, model, contract, day)


def _without_avenant(model: Registre, document: Document, errors: list[InputError]) -> contract_mod.Contract | None:
    """`cadre: rgpd`: a commune party to no avenant. It cannot also have a contract (a `contrat:`
    block, or one of the avenants the project knows); its name is the one its actor entry gives."""
    file = document.file
    known = contract_mod.communes().get(model.commune)
    if known is not None:
        errors.append(InputError(file, document.line_of(("cadre",)), f"« cadre: rgpd » : {known['nom']} est partie à "
                                 f"l'avenant n°{known['avenant']['valeur']} avec Bordeaux Métropole ; retirez « cadre: rgpd »"))
        return None
    if model.contrat is not None:
        errors.append(InputError(file, document.line_of(("contrat",)), "« cadre: rgpd » (commune sans avenant) et un bloc "
                                 "« contrat: » (paramètres d'un avenant) se contredisent : retirez l'un des deux"))
        return None
    own = next((a for a in model.acteurs if a.id == model.commune and a.nom), None)
    return contract_mod.without_avenant(model.commune, own.nom if own else None)


def load_register(path: str, as_of: date | None, today: date, rule_ids: set[str] | None = None) -> Register:
    """Read and validate one register file; raise InputErrors with every problem found."""
    return validate(load_document(path), as_of, today, rule_ids)


# -- pydantic errors in French ------------------------------------------------------------

def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop the parts pydantic adds for validators (`function-before[...]`)."""
    return tuple(p for p in loc if not (isinstance(p, str) and "[" in p))


def _document_path(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path of `loc` in the document: without the event type pydantic inserts.

    The event union is discriminated by `type`, so pydantic reports a field of an
    event at `("evenements", 3, "saisine_dpo", "avis")`; the file has it at
    `("evenements", 3, "avis")`.
    """
    if len(loc) > 2 and loc[0] == "evenements" and isinstance(loc[1], int) and loc[2] in _EVENT_CLASSES:
        return loc[:2] + loc[3:]
    return loc


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the mapping at `loc` (for key suggestions)."""
    current: Any = Registre
    for part in loc:
        if isinstance(part, int):
            continue
        if part in _EVENT_CLASSES and not (isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields):
            current = _EVENT_CLASSES[part]
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = _inner_model(current.model_fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    for arg in [annotation, *annotation_args(annotation)]:
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def _close_match(word: str, candidates: list[str]) -> list[str]:
    """The candidate `word` was probably meant to be (difflib, imported only for a mistake)."""
    import difflib

    return difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)


def _describe(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return parts[-1] if parts else "registre"


def _translate(error: Any, document: Document) -> InputError:
    kind = error["type"]
    tagged = _clean_loc(tuple(error["loc"]))  # keeps the event type, to find the event's model
    loc = _document_path(tagged)
    if kind not in ("missing", "extra_forbidden"):
        while loc and loc not in document.lines:  # a value error points at a value in the file
            loc = loc[:-1]
    ctx = error.get("ctx") or {}
    raw = error.get("input")
    value = _as_written(raw)  # as the register writes it, never a Python repr
    field = _describe(loc)
    if kind == "union_tag_invalid" and loc + ("type",) in document.lines:
        loc = loc + ("type",)  # the event's `type:` line, wherever it is in the event
    line = document.line_of(loc)
    if kind == "extra_forbidden":
        owner = _model_at(tagged[:-1])
        allowed = sorted(owner.model_fields) if owner else []
        close = _close_match(str(loc[-1]), allowed)
        hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else (f" ; clés permises : {', '.join(allowed)}" if allowed else "")
        message = f"clé inconnue « {loc[-1]} »{hint}"
    elif kind == "missing":
        message = f"champ obligatoire « {field} » manquant"
    elif kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        message = f"valeur « {value} » non permise pour « {field} » ; valeurs permises : {expected}"
    elif kind == "union_tag_invalid":
        expected = ctx.get("expected_tags", "").replace("'", "")
        message = f"type d'événement « {ctx.get('tag')} » inconnu ; types permis : {expected}"
    elif kind == "union_tag_not_found":
        message = "champ obligatoire « type » manquant dans l'événement"
    elif kind.startswith(("date", "datetime")):
        message = f"date impossible ou mal écrite pour « {field} » : « {value} » (format attendu AAAA-MM-JJ, par exemple 2018-09-01)"
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
            try:  # well written: say why the day does not exist (2018-02-30)
                parse_day(value)
            except ValueError as reason:
                message = f"« {field} » : {reason}"
    elif kind == "value_error":
        message = f"« {field} » : {ctx.get('error')}"
    elif kind.startswith("bool"):
        message = f"« {field} » attend true ou false, pas « {value} »"
    elif kind == "finite_number":
        message = f"« {field} » attend un nombre fini, pas « {value} »"
    elif kind.startswith("int"):
        message = f"« {field} » attend un nombre entier, pas « {value} »"
    elif kind == "invalid_key":
        message = f"clé « {value} » : une clé est un nom (du texte), pas un nombre ni une valeur vide"
    elif kind in ("list_type",):
        message = f"« {field} » attend une liste (un élément par ligne : « - élément »), pas « {value} »"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"« {field} » attend un bloc de clés (« clé: valeur »), pas « {value} »"
    elif kind.startswith("string"):
        if kind == "string_pattern_mismatch" and field == "commune":
            message = f"« commune » attend un identifiant en minuscules avec tirets (ex. « saint-aubin-de-medoc »), pas « {value} »"
        elif kind == "string_too_short":
            message = f"« {field} » ne peut pas être vide"
        elif isinstance(raw, dict):
            message = (f"« {field} » attend du texte, pas le bloc de clés « {value} » : « : » suivi d'une espace "
                       "fait du mot qui le précède une clé ; mettez le texte entre guillemets")
        else:
            message = f"« {field} » attend du texte, pas « {value} »"
    else:  # pragma: no cover - a pydantic error type not met in tests yet (its text is English)
        message = f"« {field} » : valeur « {value} » invalide"
    return InputError(document.file, line, message)


# -- what the models cannot see ----------------------------------------------------------

def _items(data: Any, section: str) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a top-level list, tolerant of a malformed file."""
    value = data.get(section) if isinstance(data, dict) else None
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _cross_check_references(document: Document, rule_ids: set[str] | None) -> list[InputError]:
    """Duplicate ids and dangling references, read from the raw values.

    Works on the raw document so that these problems are reported in the same run as
    type errors, even when the models could not be built.
    """
    data = document.data
    errors: list[InputError] = []

    def err(path: tuple[Any, ...], message: str) -> None:
        errors.append(InputError(document.file, document.line_of(path), message))

    def ids_of(section: str, label: str) -> set[str]:
        # ids compared as the models and the facts will compare them (`T-1` = `"T-1 "`)
        first: dict[str, int] = {}
        for index, item in _items(data, section):
            value = ident(item.get("id"))
            if value is None:
                continue
            if value in first:
                err((section, index, "id"), f"identifiant {label} « {value} » déjà utilisé (ligne {document.line_of((section, first[value]))})")
            else:
                first[value] = index
        return set(first)

    commune = _text(data.get("commune")) or ""
    actors = ids_of("acteurs", "d'acteur") | {commune, METROPOLE}
    dpos = ids_of("dpo", "de DPO")
    # a register read for one treatment (Document.omitted_ids): the others exist all the same
    treatments = ids_of("traitements", "de traitement") | {
        i for i in map(ident, document.omitted_ids.get("traitements", ())) if i is not None}
    event_ids = ids_of("evenements", "d'événement")
    # an event without id is keyed by its rank (`#3`) in the facts: an id `#3` would collide
    for index, item in _items(data, "evenements"):
        key = event_key(None, document.rank_in_file("evenements", index))
        if ident(item.get("id")) is None and item.get("id") is None and key in event_ids:
            clash = next(i for i, other in _items(data, "evenements") if ident(other.get("id")) == key)
            err(("evenements", clash, "id"), f"identifiant d'événement « {key} » réservé à l'événement "
                                             f"sans identifiant de la ligne {document.line_of(('evenements', index))} : "
                                             "choisissez-en un autre")

    def ref(where: tuple[Any, ...] | int, value: Any, known: set[str], label: str, feminine: bool = False) -> None:
        """`where`: the path of the reference, or its line (an item a selection left out)."""
        value = ident(value) if not isinstance(value, (dict, list)) else None
        if value is not None and value not in known:
            close = _close_match(value, sorted(known))
            hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
            message = f"{label} « {value} » {'inconnue' if feminine else 'inconnu'}{hint}"
            if isinstance(where, int):
                errors.append(InputError(document.file, where, message))
            else:
                err(where, message)

    # the items a selection left out (Document.omitted_refs): a treatment they name must exist
    for section in ("evenements", "derogations"):
        for value, line in document.omitted_refs.get(section, ()):
            ref(line, value, treatments, "traitement")

    for i, dpo in _items(data, "dpo"):
        organismes = dpo.get("organismes")
        for j, org in enumerate(organismes if isinstance(organismes, list) else []):
            ref(("dpo", i, "organismes", j), org, actors, "organisme (acteur)")
    for i, t in _items(data, "traitements"):
        ref(("traitements", i, "responsable"), t.get("responsable"), actors, "responsable (acteur)")
        joint = t.get("responsables_conjoints")
        for j, actor in enumerate(joint if isinstance(joint, list) else []):
            ref(("traitements", i, "responsables_conjoints", j), actor, actors, "responsable conjoint (acteur)")
        subs = t.get("sous_traitants")
        for j, st in enumerate(subs if isinstance(subs, list) else []):
            if isinstance(st, dict):
                ref(("traitements", i, "sous_traitants", j, "acteur"), st.get("acteur"), actors, "sous-traitant (acteur)")
    for i, e in _items(data, "evenements"):
        ref(("evenements", i, "traitement"), e.get("traitement"), treatments, "traitement")
        if e.get("type") == "saisine_dpo":
            ref(("evenements", i, "dpo"), e.get("dpo"), dpos, "DPO")
        if e.get("type") == "fin_conservation":
            ref(("evenements", i, "decide_par"), e.get("decide_par"), actors, "décideur (acteur)")
        listed = e.get("traitements") if e.get("type") == "etat_des_lieux" else None
        for j, tid in enumerate(listed if isinstance(listed, list) else []):
            ref(("evenements", i, "traitements", j), tid, treatments, "traitement")
    for i, d in _items(data, "derogations"):
        ref(("derogations", i, "traitement"), d.get("traitement"), treatments, "traitement")
        if rule_ids is not None:
            ref(("derogations", i, "regle"), d.get("regle"), rule_ids, "règle", feminine=True)
    return errors


# (later field, earlier field, what it would mean) for each event type.
_EVENT_ORDER = {
    "violation": [("notifiee_cnil_le", "detectee_le", "notifiée à la CNIL avant d'être détectée"),
                  ("personnes_informees_le", "detectee_le", "personnes informées avant la détection de la violation")],
    "demande_droit": [("repondue_le", "recue_le", "réponse datée d'avant la réception de la demande")],
}


# Events that happen to a treatment in service: one dated before the treatment's creation
# (`cree_le`) is an impossible chronology. The steps of a project (DPO referral, design,
# tender...) come before the creation by nature and are not checked. A prior treatment's
# `cree_le` may be approximate: it must still come before its own events (the DPO corrects
# the approximation), so that a request is never judged against a treatment not yet there.
_IN_SERVICE_EVENTS = {
    "violation": "violation détectée",
    "demande_droit": "demande reçue",
    "evolution": "évolution",
}


def _check_chronology(model: Registre, document: Document) -> list[InputError]:
    """Dates that cannot be in that order (needs the parsed models)."""
    errors: list[InputError] = []
    created = {t.id: t.cree_le for t in model.traitements if t.cree_le is not None}

    def err(path: tuple[Any, ...], message: str) -> None:
        errors.append(InputError(document.file, document.line_of(path), f"chronologie impossible : {message}"))

    for i, t in enumerate(model.traitements):
        if t.clos_le and t.cree_le and t.clos_le < t.cree_le:
            err(("traitements", i, "clos_le"), f"traitement clos le {t.clos_le}, avant sa création le {t.cree_le}")
    for i, e in enumerate(model.evenements):
        if event_date(e) is None:
            field = EVENT_DATE_FIELD.get(e.type)
            hint = f"« date: » ou « {field}: »" if field else "« date: AAAA-MM-JJ »"
            errors.append(InputError(document.file, document.line_of(("evenements", i)),
                                     f"événement « {e.type} » sans date : ajoutez {hint} (les règles comparent l'ordre des événements)"))
        for later, earlier, what in _EVENT_ORDER.get(e.type, []):
            a, b = getattr(e, later), getattr(e, earlier)
            if a is not None and b is not None and a < b:
                err(("evenements", i, later), f"{what} ({_show(a)} < {_show(b)})")
        when = event_date(e)
        if e.type in _IN_SERVICE_EVENTS and e.traitement in created and when is not None and when < created[e.traitement]:
            field = EVENT_DATE_FIELD.get(e.type) if e.date is None else "date"
            err(("evenements", i, field or "date"),
                f"{_IN_SERVICE_EVENTS[e.type]} le {when}, avant la création du traitement « {e.traitement} » le "
                f"{created[e.traitement]} (corrigez « cree_le », même approximatif pour un traitement antérieur)")
        if e.type == "demande_droit" and e.prolongation and e.prolongation.notifiee_le and e.recue_le:
            if e.prolongation.notifiee_le < e.recue_le:
                err(("evenements", i, "prolongation", "notifiee_le"), "prolongation notifiée avant la réception de la demande")
    return errors


def _as_written(value: Any) -> str:
    """A value as YAML writes it (`Inscrire: les enfants`, `[a, b]`, `true`), shortened."""
    if isinstance(value, dict):
        text = ", ".join(f"{_as_written(k)}: {_as_written(v)}" for k, v in value.items())
    elif isinstance(value, list):
        text = "[" + ", ".join(_as_written(v) for v in value) + "]"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "rien"
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _show(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else str(value)
