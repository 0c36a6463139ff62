"""The short overlay the test suite runs under. Everything else is grappe.settings."""

import tempfile

from grappe.settings import *  # noqa: F403
from grappe.settings import STORAGES

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
