"""Production serving: Django's deployment checks pass under the production environment,
and the static files are collected under hashed names, compressed, for WhiteNoise."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def production_env() -> dict[str, str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    left_out = ("DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in left_out}
    env.update(
        DJANGO_SETTINGS_MODULE="grappe.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="grappe.example.org",
    )
    return env


def test_the_deployment_checks_pass_with_the_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    env = production_env()
    del env["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_collectstatic_writes_hashed_compressed_files_for_whitenoise(tmp_path, settings):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("portals/grappe.css", "portals/progress.js"):
        hashed = manifest[name]
        assert hashed != name and (tmp_path / hashed).is_file()
        assert (tmp_path / f"{hashed}.gz").is_file()


def test_the_image_and_the_package_hold_every_app_the_settings_install(settings):
    # Docker does not run here: read the Dockerfile and the packaging instead.
    local = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = (ROOT / "pyproject.toml").read_text()

    assert len(local) >= 9
    for app in local:
        assert f"COPY {app} {app}" in dockerfile, app
        assert f'"{app}*"' in pyproject, app
