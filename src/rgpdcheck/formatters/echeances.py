"""Text and JSON output of `rgpdcheck echeances`: deadlines soonest first."""

from __future__ import annotations

import json
import textwrap
from datetime import date

from tabulate import tabulate

from ..echeances import Deadline


def render_text(file: str, commune: str, as_of: date, within: int, deadlines: list[Deadline]) -> str:
    head = f"{file} — commune : {commune} — échéances au {as_of.isoformat()} et dans les {within} jours suivants"
    if not deadlines:
        return f"{head}\n  Aucune échéance.\n"
    rows = []
    for d in deadlines:
        when = f"dépassée de {-d.days_left} j" if d.overdue else ("aujourd'hui" if d.days_left == 0 else f"dans {d.days_left} j")
        rows.append([d.due.replace("T", " "), when, d.finding.treatment or "registre",
                     "\n".join(textwrap.wrap(d.finding.message, 60)), d.finding.line,
                     "\n".join(d.finding.citations)])
    table = tabulate(rows, headers=["échéance", "délai", "traitement", "à faire", "ligne", "références"],
                     tablefmt="simple_grid")
    late = sum(1 for d in deadlines if d.overdue)
    total = f"{len(deadlines)} échéance(s), dont {late} dépassée(s)."
    return f"{head}\n\n{table}\n{total}\n"


def render_json(file: str, commune: str, as_of: date, within: int, deadlines: list[Deadline]) -> str:
    document = {"file": file, "commune": commune, "as_of": as_of.isoformat(), "within_days": within,
                "deadlines": [d.to_dict() for d in deadlines]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
