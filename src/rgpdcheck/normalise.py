"""Text normalisation for comparing words: what rules match and what the importer reads."""

from __future__ import annotations

import unicodedata


def normalise_text(text: str) -> str:
    """Lower case, no accents, single spaces, no trailing punctuation: for enumerations."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in stripped.lower()).split()
    return " ".join(words)
