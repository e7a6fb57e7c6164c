"""Rewrite the key tables of docs/registre.md from src/rgpdcheck/data/champs.yaml and the models.

    python tools/registre_doc.py

Only the parts between the `<!-- début des tables … -->` and `<!-- fin des tables … -->`
markers change; tests/test_schema.py fails when they are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rgpdcheck.schema import rewrite_doc

DOC = Path(__file__).resolve().parents[1] / "docs" / "registre.md"


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    new = rewrite_doc(text)
    if new != text:
        DOC.write_text(new, encoding="utf-8")
        print(f"{DOC} : tables réécrites")
    else:
        print(f"{DOC} : à jour")
    return 0


if __name__ == "__main__":
    sys.exit(main())
