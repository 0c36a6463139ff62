"""The browser sessions of the portals' journeys: Debian's chromium through Playwright,
screenshots in test-artifacts/screenshots/, axe-core on every main page.

``browser_page`` (a fixture, in conftest.py) skips when chromium is absent unless
REQUIRE_SERVICES=1, which makes its absence a failure.
"""

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "grappe-demo-2026"
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
PHONE = {"width": 390, "height": 844}


def open_browser(live_server):
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but Debian's chromium is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls are still sync.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],  # fmt: skip
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        # Every page records what its Content-Security-Policy blocked; `check` asserts none.
        context.add_init_script(CSP_WATCH)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def end_live_server_sessions() -> None:
    """Once the browser tests are over, before the test database is dropped.

    The live server's threads keep their database connections (CONN_MAX_AGE) after the
    browser's keep-alive sockets close; PostgreSQL refuses to drop a database still in
    use. Wait for them, then end those left. Not after each test: while Playwright runs,
    a test's own ORM calls use a connection of their own, which the next test reuses.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    others = (
        "SELECT pid FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute(others)
            pids = [row[0] for row in cursor.fetchall()]
            if not pids:
                return
            time.sleep(0.1)
        # Still open: these are this test's own live-server sessions on its own test DB.
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


class Visit:
    """The browser session: sign in and out, take screenshots, run axe on a page."""

    def __init__(self, page, base_url: str):
        self.page, self.base = page, base_url

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def sign_in(self, username: str) -> None:
        self.go("/connexion/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_load_state()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Se déconnecter").click()
        self.page.wait_for_url(re.compile(r"/connexion/"))

    def check(self, name: str) -> None:
        """Screenshot the page, then assert axe finds nothing serious or critical; then the
        same at a phone's 390 px, where the page must also fit the screen's width."""
        wide = self.page.viewport_size
        self._axe(name)
        if wide["width"] > PHONE["width"]:
            self.page.set_viewport_size(PHONE)
            try:
                self._axe(f"{name}-390px")
                self.fits_the_screen(name)
            finally:
                self.page.set_viewport_size(wide)

    def _axe(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert self.page.evaluate("window.__cspViolations") == [], name
        # Evaluated through the browser's debugging protocol, which the page's CSP (no
        # inline script) does not govern, unlike an injected <script> tag.
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        bad = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], f"axe on {name}: {json.dumps(bad, indent=1)}"

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name).first.click()
        self.page.wait_for_load_state()

    def confirm(self, name: str) -> None:
        """An irreversible action: open its box ("name…"), then click "Confirmer : name"."""
        self.page.locator("summary", has_text=name).first.click()
        self.click(f"Confirmer : {name}")

    def at_phone_width(self) -> None:
        """390 px wide, as a phone."""
        self.page.set_viewport_size(PHONE)

    def fits_the_screen(self, name: str = "") -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        screen = self.page.viewport_size["width"]
        if width > screen:  # name the widest culprits, innermost first
            culprits = self.page.evaluate(
                """(screen) => [...document.querySelectorAll('main *, header *')]
                    .filter(e => e.getBoundingClientRect().right > screen + 1 &&
                        e.parentElement.getBoundingClientRect().right <= screen + 1)
                    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
                        Math.round(e.getBoundingClientRect().right) + ' in ' +
                        e.parentElement.tagName + '.' + e.parentElement.className + ' ' +
                        getComputedStyle(e.parentElement).overflowX + ' ' +
                        e.parentElement.parentElement.tagName + '.' +
                        e.parentElement.parentElement.className)""",
                screen,
            )
            raise AssertionError(f"{name}: page is {width} px wide: {culprits}")
