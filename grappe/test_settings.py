"""The short overlay the test suite runs under. Everything else is grappe.settings."""

import tempfile
from pathlib import Path

from grappe.settings import *  # noqa: F403
from grappe.settings import STATIC_ROOT, STORAGES

# Ordinary tests run tasks in process; the worker tests start a real worker themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Hashing strength is not under test; speed is.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "default": {
        **STORAGES["default"],
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="grappe-test-files-"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Django's live server (browser tests) wraps the site in a media handler that cannot take
# MEDIA_URL = None: give it an empty directory under a path no page links to. Uploaded
# documents stay in the private storage above, served only by the checking view.
MEDIA_URL = "/live-server-media-unused/"
MEDIA_ROOT = tempfile.mkdtemp(prefix="grappe-test-media-")

# WhiteNoise warns (an error under filterwarnings) when STATIC_ROOT does not exist yet, as
# in a fresh clone before collectstatic.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
