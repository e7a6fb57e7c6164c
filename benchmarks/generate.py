"""Synthetic registers for the benchmark: N treatments, realistic and valid per format v1.

Each treatment is filled in the way a careful DPO fills it (purposes, lawful basis, data,
retention, security measures, a processor), run on the shared system, acquired through a
digital project; 3 to 6 dated events follow it (security diagnosis, DPO referral, project
validation, technical design, go-live, and now and then a data-subject request or a breach).
About one treatment in five carries one defect of the kind real registers have, so the engine
has work to do. Same N and seed, same file, byte for byte.

    python benchmarks/generate.py 300 > registre-300.yaml
    python benchmarks/generate.py 2000 0 --waivers 3000 > registre-waivers.yaml
    python benchmarks/generate.py 2000 0 --awareness 3000 > registre-awareness.yaml

`--waivers W` adds W register-wide waivers (`derogations` without `traitement`, a third of
them expired) and `--awareness A` adds A `sensibilisation` events beside the usual one:
facts every treatment's rules could see, the registers of issue 17 item 4.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta

SERVICES = ["état civil", "écoles", "petite enfance", "CCAS", "police municipale", "urbanisme",
            "ressources humaines", "culture", "sports", "voirie", "élections", "finances"]
PURPOSES = ["Gestion des inscriptions", "Facturation des prestations", "Délivrance des actes",
            "Instruction des demandes", "Suivi des dossiers", "Réservation des équipements"]
BASES = ["mission_interet_public", "obligation_legale", "contrat"]
MEASURES = ["habilitations", "journalisation", "sauvegarde", "chiffrement", "pseudonymisation"]
WAIVED = ["va4-rectification-absente", "va1-base-legale-absente", "ve1-saisine-dpo-tardive"]
DEFECTS = ["base", "finalite", "saisine_tardive", "contrat", "demande_tardive", "violation_tardive"]


def register(n: int, seed: int = 0, waivers: int = 0, awareness: int = 0) -> str:
    rng = random.Random(seed)
    providers = max(3, n // 10)
    out = [
        "# Registre synthétique pour les mesures de performance (benchmarks/generate.py).",
        "version: 1",
        "commune: bruges",
        "date_reference: 2021-06-30",
        "",
        "acteurs:",
    ]
    for p in range(providers):
        out += [f"  - id: presta-{p}", "    type: prestataire", f"    nom: Prestataire {p}"]
    out += [
        "",
        "dpo:",
        "  - id: dpo-mutualise",
        "    organismes: [metropole, bruges]",
        "    designe_le: 2018-05-25",
        "    lettre_de_mission: true",
        "",
        "traitements:",
    ]
    events: list[str] = [
        "  - {id: E-ETAT-DES-LIEUX, type: etat_des_lieux, remis_le: 2018-07-02, exhaustif: true}",
        "  - {id: E-COPIE-REGISTRE, type: communication_cnil, date: 2018-07-02}",
        "  - {id: E-SENSIBILISATION, type: sensibilisation, date: 2018-10-04, public: agents, participants: 25}",
    ]
    for t in range(n):
        defect = rng.choice(DEFECTS) if rng.random() < 0.2 else None
        out += _treatment(rng, t, providers, defect)
        events += _events(rng, t, defect)
    events += [f"  - {{id: E-SENSIBILISATION-{a:05d}, type: sensibilisation, date: "
               f"{(date(2018, 11, 1) + timedelta(days=a % 900)).isoformat()}, public: agents, participants: {5 + a % 30}}}"
               for a in range(awareness)]
    out += ["", "evenements:", *events, ""]
    if waivers:
        out.append("derogations:")
        for w in range(waivers):
            # one in three expired before date_reference (2021-06-30): a derogation-expiree finding
            until = date(2021, 1, 1) + timedelta(days=(w % 3) * 200 + w % 97)
            out += [f"  - regle: {WAIVED[w % len(WAIVED)]}", f"    motif: \"Plan d'action n°{w}\"",
                    f"    jusqu_au: {until.isoformat()}"]
        out.append("")
    return "\n".join(out)


def _treatment(rng: random.Random, t: int, providers: int, defect: str | None) -> list[str]:
    service = rng.choice(SERVICES)
    purpose = "divers" if defect == "finalite" else f"{rng.choice(PURPOSES)} du service {service} ({t})"
    lines = [
        f"  - id: T-{t:05d}",
        f"    nom: Application {t} du service {service}",
        f"    finalites: [{purpose}]",
    ]
    if defect != "base":
        lines.append(f"    base_legale: {rng.choice(BASES)}")
    measures = ", ".join(rng.sample(MEASURES, 3))
    # created before anything can happen to it in service (requests from 2020-01-06, breaches later)
    created = date(2018, 9, 1) + timedelta(days=rng.randrange(490))
    contract = "false" if defect == "contrat" else "true"
    lines += [
        "    personnes_concernees: [usagers]",
        "    categories_donnees: [identite, coordonnees]",
        "    donnees_sensibles: []",
        f"    destinataires: [service {service}]",
        "    transferts_hors_ue: []",
        f"    duree_conservation: {{duree: P{rng.randint(1, 10)}Y, point_de_depart: \"clôture du dossier\"}}",
        "    sort_final: effacement",
        "    information_personnes: {realisee: true, support: formulaire}",
        "    procedure_rectification: true",
        f"    mesures_securite: [{measures}]",
        "    criteres_aipd: []",
        f"    cree_le: {created.isoformat()}",
        "    statut: actif",
        "    exploitation: service_commun",
        "    metropole: {role_declare: sous_traitant, definit_finalites_moyens: false, pouvoir_adjudicateur: false}",
        "    sous_traitants:",
        f"      - acteur: presta-{rng.randrange(providers)}",
        "        rang: 1",
        "        selectionne_par: metropole",
        f"        contrat_ecrit: {contract}",
        "        instructions_documentees: true",
        "        autorisation: generale",
        "        information_commune: true",
        "    acquisition: {voie: projet_numerique}",
    ]
    return lines


def _events(rng: random.Random, t: int, defect: str | None) -> list[str]:
    """The V-e/1 path in order (3 to 5 steps), then maybe a request or a breach."""
    start = date(2018, 6, 1) + timedelta(days=rng.randrange(60))
    tid = f"T-{t:05d}"
    steps = [("diagnostic_securite", 0), ("saisine_dpo", 7), ("validation_projet", 14),
             ("conception_technique", 21), ("mise_en_oeuvre", 60)]
    kept = steps[: rng.randint(3, 5)]
    lines = []
    for kind, offset in kept:
        day = start + timedelta(days=offset + (20 if kind == "saisine_dpo" and defect == "saisine_tardive" else 0))
        extra = ", dpo: dpo-mutualise, par: chef_de_projet, phase: etude_et_conseil, avis: favorable, preuve_conservee: true" \
            if kind == "saisine_dpo" else ""
        lines.append(f"  - {{id: E-{t:05d}-{kind[:4].upper()}, type: {kind}, traitement: {tid}, date: {day.isoformat()}{extra}}}")
    if defect == "demande_tardive" or rng.random() < 0.3:
        received = date(2020, 1, 6) + timedelta(days=rng.randrange(300))
        answered = received + timedelta(days=45 if defect == "demande_tardive" else rng.randint(3, 25))
        lines.append(f"  - {{id: E-{t:05d}-DEM, type: demande_droit, traitement: {tid}, droit: acces, "
                     f"recue_le: {received.isoformat()}, repondue_le: {answered.isoformat()}, observations_commune: true}}")
    elif defect == "violation_tardive" or rng.random() < 0.1:
        detected = datetime(2020, 3, 2, 9) + timedelta(days=rng.randrange(300))
        notified = detected + timedelta(hours=100 if defect == "violation_tardive" else rng.randint(4, 60))
        lines.append(f"  - {{id: E-{t:05d}-VIO, type: violation, traitement: {tid}, "
                     f"detectee_le: {detected.isoformat(timespec='minutes')}, "
                     f"notifiee_cnil_le: {notified.isoformat(timespec='minutes')}, risque: risque, "
                     f"inscrite_registre: true, geree_par: metropole, observations_commune: true}}")
    return lines


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="treatments")
    parser.add_argument("seed", type=int, nargs="?", default=0)
    parser.add_argument("--waivers", type=int, default=0, help="register-wide waivers (derogations)")
    parser.add_argument("--awareness", type=int, default=0, help="extra sensibilisation events")
    args = parser.parse_args(argv)
    sys.stdout.write(register(args.n, args.seed, args.waivers, args.awareness))


if __name__ == "__main__":
    main(sys.argv[1:])
