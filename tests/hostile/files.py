"""Hostile files, built in memory: zip bombs of every ZIP-based type an upload accepts.

Used by the hostile-input tests and by the upload benchmark (benchmarks/upload_rss.py).
Each bomb is small on the wire and huge once inflated; building one streams zeros through
the compressor, so it never holds the inflated content either.
"""

import io
import random
import struct
import zipfile

from dossiers.uploads import DOCX, ODS, ODT, XLSX

MIB = 1024 * 1024
_ZEROS = bytes(MIB)
_NOISE = random.Random(13).randbytes(12 * 1024)

# The entries that make each type recognisable, with the entry a bomb hides in.
SKELETONS = {
    ODT: ({"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"}, "mimetype"),
    ODS: ({"mimetype": ODS.encode(), "content.xml": b"<office:document-content/>"}, "content.xml"),
    DOCX: ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"},
           "word/document.xml"),
    XLSX: ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"},
           "xl/workbook.xml"),
}  # fmt: skip
EXTENSION = {ODT: "odt", ODS: "ods", DOCX: "docx", XLSX: "xlsx"}


def office_file(content_type: str) -> bytes:
    """A small, ordinary document of the type: accepted."""
    entries, _ = SKELETONS[content_type]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def bomb(content_type: str, inflated_mib: int = 1000) -> bytes:
    """The type's skeleton, its bomb entry holding `inflated_mib` MiB of zeros.

    For ODT this is the review's file: a 1 000 MiB `mimetype` entry in about 1 MB.
    """
    entries, target = SKELETONS[content_type]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries.items():
            if name != target:
                archive.writestr(name, data)
                continue
            with archive.open(name, "w", force_zip64=inflated_mib >= 4096) as entry:
                entry.write(data)
                for _ in range(inflated_mib):
                    entry.write(_ZEROS)
    return buffer.getvalue()


def lying_bomb(content_type: str, inflated_mib: int = 200) -> bytes:
    """A bomb whose directory declares its entry tiny: only streaming inflation catches it."""
    data = bytearray(bomb(content_type, inflated_mib))
    _, target = SKELETONS[content_type]
    encoded = target.encode()
    # Patch the uncompressed size in the central directory and the local header.
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        name_length = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == encoded:
            data[at + 24 : at + 28] = struct.pack("<I", 1000)
            header = struct.unpack("<I", data[at + 42 : at + 46])[0]
            data[header + 22 : header + 26] = struct.pack("<I", 1000)
        at += 4
    return bytes(data)


def many_entries(content_type: str, count: int) -> bytes:
    """The type's skeleton followed by `count` empty entries."""
    entries, _ = SKELETONS[content_type]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for index in range(count):
            archive.writestr(f"x/{index}", b"")
    return buffer.getvalue()


def spread_bomb(content_type: str, entries: int = 3, mib_each: int = 60) -> bytes:
    """Several entries each under the per-entry cap, together above the total cap."""
    skeleton, _ = SKELETONS[content_type]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in skeleton.items():
            archive.writestr(name, data)
        for index in range(entries):
            with archive.open(f"media/{index}.bin", "w") as entry:
                for _ in range(mib_each):
                    # 12 KiB of noise per MiB keeps the ratio under the cap (about 80):
                    # only the total gives it away.
                    entry.write(_NOISE + _ZEROS[len(_NOISE) :])
    return buffer.getvalue()
