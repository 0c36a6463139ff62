import io
import re

import pikepdf
import pypdf
import pytest

from dossiers.formatting import euros
from exports.pdf_dossier import MEMBER_TABLE_ROWS, render_dossier_pdf
from exports.snapshot import fingerprint
from tests.exports.sample import INJECTION, sample_dossier


@pytest.fixture(scope="module")
def snapshot():
    return sample_dossier(8)


@pytest.fixture(scope="module")
def pdf(snapshot):
    return render_dossier_pdf(snapshot)


def plain(text: str) -> str:
    """Text extraction reads a no-break space as a space: compare on that footing."""
    return text.replace("\u00a0", " ")


def pages_text(pdf: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_shows_its_number_the_reference_and_the_fingerprint(pdf, snapshot):
    pages = pages_text(pdf)
    digest = fingerprint(snapshot)
    for number, text in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in text
        assert snapshot.reference in text
        assert digest in text


def test_it_lists_every_member_with_siret_and_amounts(pdf, snapshot):
    text = "\n".join(pages_text(pdf))
    for member in snapshot.members:
        assert member.company_name in text
        assert member.siret in text
        assert plain(euros(member.plan.total_cost)) in text
        assert plain(euros(member.plan.grant)) in text


def test_the_summary_shows_the_bundle_totals(pdf, snapshot):
    summary = pages_text(pdf)[1]
    totals = snapshot.totals
    assert "Synthèse" in summary
    for value in (totals.total_cost, totals.grant, totals.loan, totals.own_funds):
        assert plain(euros(value)) in summary
    assert "Plan équilibré" in summary


def test_there_is_one_annex_per_member_and_the_declarations(pdf, snapshot):
    text = " ".join(" ".join(pages_text(pdf)).split())  # titles may wrap
    for number, member in enumerate(snapshot.members, start=1):
        assert plain(f"Annexe {number} — {member.company_name}") in text
    assert "Déclarations et mandats des membres" in text
    assert snapshot.lead_partner.name in text


def test_french_characters_survive_extraction(pdf):
    text = "\n".join(pages_text(pdf))
    for fragment in ("« Œuvre & Pain »", "Œil-de-Bœuf", "Garçon-Lefèvre", "€", INJECTION):
        assert (
            fragment.replace(" »", "\u00a0»").replace("« ", "«\u00a0") in text or fragment in text
        )


def test_the_pdf_is_structurally_valid(pdf):
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.check_pdf_syntax() == []


def test_the_font_is_embedded(pdf):
    with pikepdf.open(io.BytesIO(pdf)) as document:
        fonts = {
            str(font.get("/BaseFont"))
            for page in document.pages
            for font in page.Resources.Font.values()
        }
    assert fonts and all("DejaVu" in font or "GrappeSans" in font or "+" in font for font in fonts)


def test_two_builds_are_byte_identical(snapshot, pdf):
    assert render_dossier_pdf(snapshot) == pdf


def test_progress_counts_the_members_as_their_annexes_are_laid_out(snapshot, pdf):
    done = []

    reported = render_dossier_pdf(snapshot, progress=done.append)

    assert done == list(range(len(snapshot.members) + 1))
    assert reported == pdf, "reporting progress changes nothing in the file"


def test_a_large_bundle_repeats_the_table_header_on_every_page():
    snapshot = sample_dossier(MEMBER_TABLE_ROWS + 30)
    reader = pypdf.PdfReader(io.BytesIO(render_dossier_pdf(snapshot)))
    # Cover and summary come first; the members table follows on landscape pages.
    table_pages = []
    for page in reader.pages[2:]:
        if page.mediabox.width < page.mediabox.height:
            break
        table_pages.append(plain(page.extract_text()))
    assert len(table_pages) >= 4  # 130 rows do not fit on one page
    for text in table_pages:
        assert re.search(r"N°\s*Entreprise", text)
    text = "\n".join(table_pages)
    assert f"Total ({MEMBER_TABLE_ROWS + 30} membres)" in text
    assert all(member.siret in text for member in snapshot.members)
