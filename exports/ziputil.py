"""Deterministic ZIP writing, shared by the XLSX annex and the package.

Every entry gets the same timestamp (derived from the dossier's build date, never the
clock), the same permissions (regular file, 0644, "Unix" creator) and the same
compression (deflate at level ``COMPRESS_LEVEL``, or stored for a file that is already
compressed), so the same inputs give the same bytes.
"""

from __future__ import annotations

import shutil
from datetime import date
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

COMPRESS_LEVEL = 6
FILE_MODE = 0o100644  # regular file, rw-r--r--
UNIX = 3


def zip_timestamp(day: date) -> tuple[int, int, int, int, int, int]:
    """Noon of ``day``: far from midnight, so no time-zone reading moves it to another day."""
    return (day.year, day.month, day.day, 12, 0, 0)


def pinned_info(
    name: str, date_time: tuple[int, int, int, int, int, int], *, deflate: bool = True
) -> ZipInfo:
    info = ZipInfo(name, date_time=date_time)
    if deflate:
        info.compress_type = ZIP_DEFLATED
        info._compresslevel = COMPRESS_LEVEL  # ZipFile.open(info, "w") reads it from here
    else:
        info.compress_type = ZIP_STORED
    info.create_system = UNIX
    info.external_attr = FILE_MODE << 16
    return info


class PinnedZipFile(ZipFile):
    """A write-mode ZipFile that stamps every entry with the same date and permissions.

    ``writestr`` is overridden, so code that writes into a ZipFile it is given gets
    pinned entries without knowing it; ``write_stream`` copies a stream without loading it.
    """

    def __init__(self, file: str | IO[bytes], *, day: date) -> None:
        super().__init__(file, "w", ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL)
        self.date_time = zip_timestamp(day)

    def writestr(  # type: ignore[override]
        self,
        zinfo_or_arcname: str | ZipInfo,
        data: str | bytes,
        *args: Any,
        deflate: bool = True,
        **kwargs: Any,
    ) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        super().writestr(pinned_info(str(name), self.date_time, deflate=deflate), data)

    def write_stream(self, name: str, source: IO[bytes], *, deflate: bool = True) -> None:
        """Copy a readable binary stream into the archive without loading it whole."""
        with self.open(pinned_info(name, self.date_time, deflate=deflate), "w") as target:
            shutil.copyfileobj(source, target, 1 << 20)
