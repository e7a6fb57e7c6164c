"""A second register generator for the benchmark: fewer events, more findings.

benchmarks/generate.py writes a carefully kept register (3 to 6 events per treatment, one
treatment in five with a defect). This one writes the other kind a DPO inherits: treatments
entered from a spreadsheet with block-style YAML, at most one event each, and most of them
with one to three gaps (no lawful basis, no retention period, no security measure, a
processor without a written contract, sensitive data without an art. 9 exception, a request
answered late). Same N and seed, same file, byte for byte.

    python benchmarks/generate_sparse.py 300 > registre-300.yaml
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta

GAPS = ["base", "duree", "mesures", "contrat", "sensible", "information"]
SERVICES = ["état civil", "écoles", "CCAS", "police municipale", "urbanisme", "médiathèque", "cimetière"]


def register(n: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    providers = max(2, n // 25)
    out = ["# Registre repris d'un tableur (benchmarks/generate_sparse.py).", "version: 1", "commune: bordeaux",
           "date_reference: 2022-01-31", "acteurs:"]
    for p in range(providers):
        out += [f"- id: editeur-{p}", "  type: prestataire", f"  nom: Éditeur {p}"]
    out.append("traitements:")
    events = []
    for t in range(n):
        gaps = set(rng.sample(GAPS, rng.randint(1, 3))) if rng.random() < 0.7 else set()
        service = rng.choice(SERVICES)
        out += [f"- id: fiche-{t}", f"  nom: Fichier {t} ({service})", "  finalites:", f"  - Gestion du service {service}"]
        if "base" not in gaps:
            out.append("  base_legale: mission_interet_public")
        out += ["  personnes_concernees:", "  - administrés", "  categories_donnees:", "  - état civil"]
        if "sensible" in gaps:
            out += ["  donnees_sensibles:", "  - sante"]
        if "duree" not in gaps:
            out.append(f"  duree_conservation: P{rng.randint(1, 5)}Y")
        if "mesures" not in gaps:
            out += ["  mesures_securite:", "  - habilitations"]
        if "information" not in gaps:
            out += ["  information_personnes:", "    realisee: true"]
        created = date(2019, 1, 1) + timedelta(days=rng.randrange(700))
        out += [f"  cree_le: {created.isoformat()}", "  exploitation: commune", "  sous_traitants:",
                f"  - acteur: editeur-{rng.randrange(providers)}",
                f"    contrat_ecrit: {'false' if 'contrat' in gaps else 'true'}"]
        if rng.random() < 0.4:
            received = created + timedelta(days=rng.randrange(200))
            late = rng.random() < 0.5
            events += [f"- id: demande-{t}", "  type: demande_droit", f"  traitement: fiche-{t}", "  droit: acces",
                       f"  recue_le: {received.isoformat()}",
                       f"  repondue_le: {(received + timedelta(days=50 if late else 10)).isoformat()}"]
    out += ["evenements:", *events] if events else []
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) < 2 or not sys.argv[1].isdigit():
        sys.exit("usage: python benchmarks/generate_sparse.py N [SEED] > registre.yaml")
    sys.stdout.write(register(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0))
