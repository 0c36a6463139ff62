"""Peak memory growth of the upload path while it refuses hostile files.

    python benchmarks/upload_rss.py            # every case, the review's 1 000 MiB bomb included
    python benchmarks/upload_rss.py --quick    # bombs of 200 MiB: a run of a few seconds

Each case is a real multipart POST to the documents page (``/demandes/<ref>/pieces/``) of
a signed-in SME, through Django's WSGI handler and every middleware, its body streamed
from a file on disk as a server would stream it from the socket. The hostile files are
built and written to disk before any measure. Peak growth is the process's peak resident
size (``VmHWM``, reset before each case) over its resident size just before the request.
The target is 20 MB or less for every case.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
WORK = Path(tempfile.mkdtemp(prefix="grappe-upload-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["PRIVATE_STORAGE_ROOT"] = str(WORK / "private")
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from benchmarks.memory import reset_peak, status  # noqa: E402

MIB = 1024 * 1024
BOUNDARY = "grappe-bench-boundary"
REASONS = [
    ("trop volumineuse", "body too large"),
    ("est refusé", "archive refused"),
    ("la limite est", "file too large"),
    ("type accepté", "type refused"),
]
CSRF = "b" * 32  # an unmasked CSRF secret, sent as the cookie and as the form field


def write_body(path: Path, *, name: str, content: Path | bytes, version: int) -> int:
    """A multipart body with the documents form's fields and the file, written to disk."""
    fields = {
        "csrfmiddlewaretoken": CSRF,
        "version": str(version),
        "kind": "kbis",
        "issued_on": "2026-11-01",
    }
    with path.open("wb") as out:
        for key, value in fields.items():
            out.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        if isinstance(content, bytes):
            out.write(content)
        else:
            with content.open("rb") as source:
                while chunk := source.read(MIB):
                    out.write(chunk)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path.stat().st_size


def post(handler, path: str, body: Path, *, cookie: str, announced: int | None = None):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": f"{cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}",
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(announced if announced is not None else body.stat().st_size),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    answer = {}

    def start_response(status_line, headers, exc_info=None):
        answer["status"] = int(status_line.split()[0])

    with body.open("rb") as stream:
        environ["wsgi.input"] = stream
        result = handler(environ, start_response)
        content = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    return answer["status"], content


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="200 MiB bombs instead of 1 000")
    args = parser.parse_args()
    inflated = 200 if args.quick else 1000

    call_command("migrate", verbosity=0)
    from dossiers.demo import tiny_pdf
    from dossiers.uploads import DOCX, ODS, ODT, XLSX
    from tests.factories import make_request
    from tests.hostile import files

    request = make_request()
    owner = request.enterprise.representatives.first()
    client = Client()
    client.force_login(owner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = f"/demandes/{request.reference}/pieces/"
    handler = WSGIHandler()

    print(f"Building the hostile files in {WORK} …", flush=True)
    cases: list[tuple[str, str, Path | bytes, int | None]] = []
    for content_type, label in ((ODT, "ODT"), (ODS, "ODS"), (DOCX, "DOCX"), (XLSX, "XLSX")):
        extension = files.EXTENSION[content_type]
        cases.append(
            (f"{label} bomb, {inflated} MiB entry", f"x.{extension}",
             files.bomb(content_type, inflated), None)
        )  # fmt: skip
    cases += [
        ("DOCX, entry lying about its size (200 MiB)", "x.docx", files.lying_bomb(DOCX), None),
        ("XLSX, 3 entries of 60 MiB (total cap)", "x.xlsx", files.spread_bomb(XLSX), None),
        ("ODT, 6 000 entries", "x.odt", files.many_entries(ODT, 6000), None),
    ]
    junk = WORK / "junk.bin"
    junk.write_bytes(os.urandom(settings.UPLOAD_MAX_BYTES))
    cases.append(("10 MiB of noise named .pdf (at the size limit)", "kbis.pdf", junk, None))
    over = WORK / "over.bin"
    over.write_bytes(os.urandom(settings.UPLOAD_MAX_BYTES + MIB // 2))
    cases.append(("10.5 MiB file (over the file limit, under the body limit)", "k.pdf", over, None))
    huge = WORK / "huge.bin"
    with huge.open("wb") as sparse:
        sparse.truncate(300 * MIB)
    cases.append(("300 MB body (refused from Content-Length)", "k.pdf", huge, None))

    # Warm-up: one accepted upload loads every module the path needs.
    warm = WORK / "warm"
    write_body(warm, name="kbis.pdf", content=tiny_pdf("Kbis"), version=request.version)
    status_code, _ = post(handler, url, warm, cookie=cookie)
    assert status_code == 302, status_code
    request.refresh_from_db()
    from dossiers.models import StoredFile

    stored_before = StoredFile.objects.count()

    bodies = []
    for index, (label, name, content, announced) in enumerate(cases):
        body = WORK / f"body-{index}"
        write_body(body, name=name, content=content, version=request.version)
        bodies.append((label, body, announced))
    del cases

    print("\n| case | body | answer | peak RSS growth | time |\n|---|---|---|---|---|")
    worst = 0
    for label, body, announced in bodies:
        reset_peak()
        before = status("VmRSS")
        started = time.perf_counter()
        code, content = post(handler, url, body, cookie=cookie, announced=announced)
        elapsed = time.perf_counter() - started
        growth = max(0, status("VmHWM") - before)
        worst = max(worst, growth)
        assert code in (200, 413), (label, code)
        text = content.decode("utf-8", "replace")
        reason = next((why for marker, why in REASONS if marker in text), "?")
        print(
            f"| {label} | {body.stat().st_size / MIB:.1f} MiB | {code} {reason} | "
            f"{growth / MIB:.1f} MiB | {elapsed * 1000:.0f} ms |",
            flush=True,
        )
    stored = StoredFile.objects.count() - stored_before
    print(f"\nworst peak growth: {worst / MIB:.1f} MiB (target ≤ 20 MB); files stored: {stored}")
    return 0 if worst <= 20 * 1000 * 1000 and stored == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
