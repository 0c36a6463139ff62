"""The Celery application. Broker: Redis at REDIS_URL; nothing configured runs tasks eagerly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")

app = Celery("grappe")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
