"""Receiving a file: size limit, type read from the content, hash, a stored name of our own."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from openpyxl import Workbook

from dossiers.demo import tiny_pdf
from dossiers.uploads import DOCX, PDF, XLSX, check_upload, store_upload

pytestmark = pytest.mark.django_db


def rejection(name: str, data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(name, data)
    return caught.value


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "Plan de financement"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def test_a_real_pdf_is_accepted():
    assert check_upload("kbis.pdf", tiny_pdf()) == PDF


def test_a_real_spreadsheet_and_word_document_are_accepted():
    assert check_upload("plan.xlsx", xlsx_bytes()) == XLSX
    assert check_upload("devis.docx", docx_bytes()) == DOCX


def test_the_extension_is_not_case_sensitive():
    assert check_upload("KBIS.PDF", tiny_pdf()) == PDF


def test_a_pdf_renamed_docx_is_refused():
    error = rejection("statuts.docx", tiny_pdf())

    assert (error.code, error.messages) == (
        "file_type_mismatch",
        [
            "Le fichier « statuts.docx » est en réalité un fichier PDF : son nom ne correspond "
            "pas à son contenu."
        ],
    )


def test_a_program_renamed_pdf_is_refused():
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

    error = rejection("facture.pdf", program)

    assert error.code == "file_type"
    assert error.messages[0].startswith(
        "Le fichier « facture.pdf » n'est pas d'un type accepté (PDF, image PNG ou JPEG, "
    )


def test_a_zip_that_is_not_an_office_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "bonjour")

    assert rejection("pieces.xlsx", buffer.getvalue()).code == "file_type"


def test_an_empty_file_is_refused():
    error = rejection("rib.pdf", b"")

    assert (error.code, error.messages) == ("empty_file", ["Le fichier « rib.pdf » est vide."])


def test_a_file_above_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1_048_576
    big = tiny_pdf() + b"%" * 1_048_576

    error = rejection("liasse.pdf", big)

    assert error.code == "file_too_large"
    assert error.messages == ["Le fichier « liasse.pdf » pèse 1,0 Mo : la limite est 1 Mo."]


def test_a_file_exactly_at_the_size_limit_is_accepted(settings):
    data = tiny_pdf()
    settings.UPLOAD_MAX_BYTES = len(data)

    assert check_upload("kbis.pdf", data) == PDF


def test_the_stored_file_records_its_sha256_size_and_detected_type():
    data = tiny_pdf("Extrait Kbis")

    stored = store_upload("kbis.pdf", data)

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.size, stored.content_type, stored.original_name) == (len(data), PDF, "kbis.pdf")
    with stored.file.open("rb") as handle:
        assert handle.read() == data


def test_the_stored_name_is_ours_and_a_path_in_the_name_goes_nowhere():
    data = tiny_pdf("traversal")

    stored = store_upload("../../etc/passwd.pdf", data)

    assert stored.original_name == "passwd.pdf"
    name = Path(stored.file.name)
    assert name.parts[0] == "uploads"
    assert ".." not in name.parts
    assert name.name == f"{stored.sha256}.pdf"
    root = Path(default_storage.location).resolve()
    assert Path(default_storage.path(stored.file.name)).resolve().is_relative_to(root)
