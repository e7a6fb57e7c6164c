"""Identifiers as the models and the facts compare them: one normaliser for both.

An id is text. The models read it with pydantic (numbers turned into text, surrounding
spaces stripped), so `T-1` and `"T-1 "`, `1.10` and `1.1`, `.inf` and `.Inf` are the same
id to the facts. Validation compares ids through `ident`, the same conversion, so such a
pair is a duplicate reported at its line, never two facts with one id for the engine.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .validators import validators


def ident(value: Any) -> str | None:
    """The id `value` is in the models and the facts; None when it is no id (null, a
    boolean, a list, empty text): the models report those."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        # a TypeAdapter of model.Ident (numbers as text), kept between runs (validators.py)
        return validators().ident.validate_python(value)  # type: ignore[no-any-return]
    except ValidationError:
        return None


def event_key(event_id: str | None, index: int) -> str:
    """The key of an event's fact: its id, else its rank in `evenements` (`#3`)."""
    return event_id or f"#{index}"
