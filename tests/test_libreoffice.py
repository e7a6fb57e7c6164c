"""The exported CNIL workbook opens in LibreOffice: it converts headless to PDF, and what
LibreOffice reads in it (re-saved by LibreOffice itself) is one fiche per treatment that
imports back to the same register."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import ROOT, TODAY
from test_roundtrip import carried

from rgpdcheck.cli import main
from rgpdcheck.loader import load_document
from rgpdcheck.sheets import read_sheets
from rgpdcheck.validate import validate

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) n'est pas installé : "
                                                        "apt-get install libreoffice-calc-nogui")
BRUGES = ROOT / "fixtures" / "bruges" / "registre.yaml"


def soffice(work, target: str, *files) -> None:
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{work}/profil", "--headless", "--convert-to", target,
                    "--outdir", str(work / target), *map(str, files)], check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    work = tmp_path_factory.mktemp("libreoffice")
    files = {}
    for fmt in ("xlsx", "ods"):
        files[fmt] = work / f"registre-{fmt}.{fmt}"
        assert CliRunner().invoke(main, ["export", str(BRUGES), "-o", str(files[fmt])]).exit_code == 0
    return work, files


def test_converts_to_pdf_with_every_fiche(exported):
    work, files = exported
    soffice(work, "pdf", *files.values())
    sheets = 1 + len(carried(BRUGES)["traitements"])  # the list, then a fiche per treatment of the register
    for fmt in files:
        pdf = (work / "pdf" / f"registre-{fmt}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert sheets <= pages <= 3 * sheets  # every sheet printed, a fiche as wide as the page


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_what_libreoffice_reads_is_one_fiche_per_treatment(exported, fmt, tmp_path):
    work, files = exported
    soffice(work, "xlsx:Calc MS Excel 2007 XML", files[fmt])
    resaved = next((work / "xlsx:Calc MS Excel 2007 XML").glob(f"registre-{fmt}.xlsx"))
    expected = [f"Fiche {t}" for t in sorted(carried(BRUGES)["traitements"])]
    assert [s.name for s in read_sheets(str(resaved))] == ["Registre", *expected]
    back = tmp_path / "retour.yaml"
    result = CliRunner().invoke(main, ["import", str(resaved), "--commune", "bruges", "-o", str(back)])
    assert result.exit_code == 0 and "non repris" not in result.stderr, result.stderr
    as_of = validate(load_document(str(BRUGES)), None, TODAY).as_of
    assert carried(back, as_of) == carried(BRUGES)
