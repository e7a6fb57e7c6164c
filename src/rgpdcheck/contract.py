"""Contract parameters: the communes of the avenants and the dates that hold for all.

Values are data (`data/communes.yaml`, `data/parametres.yaml`), each with the line of
the source document it was read from; a register's `contrat:` block defines or
overrides them. Dated options (`valeurs: {date: value}`) are read as of a given day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .packagedata import data as _data


def communes() -> dict[str, dict[str, Any]]:
    """The communes known to the project, by slug."""
    return _data("communes.yaml")["communes"]


def parameter(name: str) -> Any:
    """A parameter common to all communes (its `valeur`)."""
    return _data("parametres.yaml")["parametres"][name]["valeur"]


def _as_of(dated: dict[date, Any], day: date) -> Any:
    """The value of a dated parameter on `day` (None before its first date)."""
    value = None
    for start in sorted(dated):
        if start <= day:
            value = dated[start]
    return value


@dataclass(frozen=True)
class Contract:
    """The parameters of one commune's avenant, as they apply to one audit."""

    commune: str
    nom: str
    date_effet: date
    violations_confiees_metropole: bool
    dpo_mutualise: bool
    source: str  # "projet" (the commune's data file), "registre" (a `contrat:` block) or "rgpd"
    avenant: bool = True  # False: the commune is party to no avenant (`cadre: rgpd`), the GDPR alone


# The audit frames (a rule's `cadre`, a register's `cadre`): the GDPR alone, or the GDPR and the
# avenant. A GDPR rule runs in both; an avenant rule only where the commune is party to one.
FRAMES = ("rgpd", "avenant")


# The deliberation's two options, each commune's own choice (option 1: breaches delegated to
# BM; option 2: the DPO shared with BM).
OPTIONS = ("violations_confiees_metropole", "dpo_mutualise")


_SMALL_WORDS = {"en", "de", "la", "le", "les", "du", "des", "sur", "sous", "et", "aux", "au", "l", "d", "lès"}


def name_from_slug(slug: str) -> str:
    """`saint-medard-en-jalles` -> `Saint-Medard-en-Jalles` (accents are the DPO's to restore)."""
    words = slug.split("-")
    return "-".join(w if (i and w in _SMALL_WORDS) else w.capitalize() for i, w in enumerate(words))


def without_avenant(slug: str, name: str | None = None) -> Contract:
    """A commune party to no avenant (`cadre: rgpd`): no option of the deliberation, and the
    GDPR's own date of application where the facts need a start date."""
    return Contract(commune=slug, nom=name or name_from_slug(slug), date_effet=parameter("rgpd_applicable"),
                    violations_confiees_metropole=False, dpo_mutualise=False, source="rgpd", avenant=False)


def resolve(slug: str, block: Any, as_of: date) -> Contract | None:
    """The contract of commune `slug`, the register's `contrat:` block overriding.

    None when the commune is unknown and the block does not give a date d'effet.
    """
    known = communes().get(slug)
    overrides = {k: v for k, v in (block.model_dump() if block else {}).items() if v is not None}
    if known is None and "date_effet" not in overrides:
        return None
    # outside the known avenants the deliberation's options must be stated (validate.py says so)
    base: dict[str, Any] = {"nom": slug, "violations_confiees_metropole": False, "dpo_mutualise": False}
    if known is not None:
        base = {
            "nom": known["nom"],
            "date_effet": known["date_effet"]["valeur"],
            "violations_confiees_metropole": _as_of(known["violations_confiees_metropole"]["valeurs"], as_of),
            "dpo_mutualise": _as_of(known["dpo_mutualise"]["valeurs"], as_of),
        }
    base.update(overrides)
    return Contract(
        commune=slug,
        nom=base["nom"],
        date_effet=base["date_effet"],
        violations_confiees_metropole=bool(base["violations_confiees_metropole"]),
        dpo_mutualise=bool(base["dpo_mutualise"]),
        source="registre" if overrides else "projet",
    )
