import io

import pikepdf
import pypdf

from dossiers.formatting import euros
from exports.pdf_receipt import render_receipt_pdf
from tests.exports.sample import sample_receipt


def test_the_receipt_is_one_page_with_the_reference_and_what_was_submitted():
    receipt = sample_receipt()
    pdf = render_receipt_pdf(receipt)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text().replace("\u00a0", " ")
    assert "Accusé de dépôt" in text
    assert receipt.request_reference in text
    assert "06/10/2026 à 15:05" in text  # submitted at 13:05 UTC, shown in Paris time
    assert receipt.siret in text
    assert euros(receipt.grant).replace("\u00a0", " ") in text
    for document in receipt.documents:
        assert document.kind in text
    assert "Prochaines étapes" in text
    assert "page 1 / 1" in text


def test_the_receipt_is_valid_and_deterministic():
    pdf = render_receipt_pdf(sample_receipt())
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.check_pdf_syntax() == []
    assert render_receipt_pdf(sample_receipt()) == pdf
