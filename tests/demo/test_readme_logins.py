"""The README lists the demo logins a newcomer signs in with: kept in step with the demo."""

import re
from pathlib import Path

from dossiers.demo import demo_logins
from dossiers.demo.catalogue import DEMO_PASSWORD

README = Path(__file__).resolve().parents[2] / "README.md"


def _block() -> str:
    text = README.read_text()
    return text[text.index("<!-- demo-logins:start -->") : text.index("<!-- demo-logins:end -->")]


def test_the_readme_lists_every_demo_login_with_its_password():
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", _block(), flags=re.M)
    assert [username for username, _ in rows] == [username for username, _ in demo_logins()]
    assert {password for _, password in rows} == {DEMO_PASSWORD}


def test_the_readme_says_how_to_change_the_port_and_what_the_first_run_needs():
    text = README.read_text()
    assert "make run HOST=" in text
    assert "a minute and a half" in text and "package registry" in text
    assert "apt-get" in text


def test_migrate_works_on_a_fresh_clone_without_var(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "fresh" / "var" / "grappe.sqlite3"
    env = {"SQLITE_PATH": str(path), "DJANGO_SETTINGS_MODULE": "grappe.settings", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=README.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert path.exists()
