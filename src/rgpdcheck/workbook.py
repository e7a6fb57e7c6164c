"""Writing workbooks: sheets of text cells as XLSX (openpyxl) or ODS (OpenDocument, written
here with the standard library: a zip of four XML parts, which LibreOffice and calamine read).

Every cell is written as text, never as a formula, whatever it starts with.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

Sheets = list[tuple[str, list[list[str]]]]
_WIDE = 48  # characters: the width of a value column, text wraps beyond


def to_xlsx(sheets: Sheets) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    wrap, bold = Alignment(wrap_text=True, vertical="top"), Font(bold=True)
    for name, rows in sheets:
        sheet = book.create_sheet(title=name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value in (None, ""):
                    continue
                cell = sheet.cell(row=r, column=c, value=str(value))
                cell.data_type = "s"  # text, even "=SOMME(...)": a register never carries formulas
                cell.alignment = wrap
                if c == 1 or r == 1:
                    cell.font = bold
        widths = [max((len(str(row[c])) for row in rows if c < len(row) and row[c]), default=8)
                  for c in range(max((len(row) for row in rows), default=0))]
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[_letter(c)].width = min(max(width + 2, 10), _WIDE)
        sheet.sheet_properties.pageSetUpPr.fitToPage = True  # printed: a fiche as wide as the page
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
             'manifest:version="1.2">'
             '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
             'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')
_STYLES = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_NS} office:version="1.2">'
           '<office:styles/><office:automatic-styles><style:page-layout style:name="page">'
           '<style:page-layout-properties style:print-orientation="landscape" fo:page-width="29.7cm" '
           'fo:page-height="21cm" style:scale-to-X="1" style:scale-to-Y="0"/></style:page-layout>'
           '</office:automatic-styles><office:master-styles>'
           '<style:master-page style:name="Default" style:page-layout-name="page"/></office:master-styles>'
           '</office:document-styles>')  # printed: a fiche as wide as the page


def to_ods(sheets: Sheets) -> bytes:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2">',
             '<office:automatic-styles>'
             '<style:style style:name="sheet" style:family="table" style:master-page-name="Default"/>'
             '<style:style style:name="label" style:family="table-column">'
             '<style:table-column-properties style:column-width="7cm"/></style:style>'
             '<style:style style:name="value" style:family="table-column">'
             '<style:table-column-properties style:column-width="6cm"/></style:style>'
             '<style:style style:name="wrap" style:family="table-cell">'
             '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/></style:style>'
             '</office:automatic-styles><office:body><office:spreadsheet>']
    for name, rows in sheets:
        width = max((len(row) for row in rows), default=1)
        parts.append(f'<table:table table:name={quoteattr(name)} table:style-name="sheet">'
                     '<table:table-column table:style-name="label" table:default-cell-style-name="wrap"/>')
        if width > 1:
            parts.append(f'<table:table-column table:style-name="value" table:number-columns-repeated="{width - 1}" '
                         'table:default-cell-style-name="wrap"/>')
        for row in rows:
            parts.append("<table:table-row>")
            for value in row:
                if value in (None, ""):
                    parts.append("<table:table-cell/>")
                    continue
                paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
                parts.append(f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>')
            if not row:
                parts.append("<table:table-cell/>")
            parts.append("</table:table-row>")
        parts.append("</table:table>")
    parts.append("</office:spreadsheet></office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)  # first and uncompressed, as ODF requires
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", _STYLES, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", "".join(parts), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
