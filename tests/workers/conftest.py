"""Fixtures of the worker fault tests: a private Redis, real workers, a live broker."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.workers.processes import RedisServer, Worker, database_url
from workers.celery_app import app as celery_app


@pytest.fixture
def redis_server(redis_url, tmp_path):
    # ``redis_url`` only says Redis is part of this run; the tests kill their own server.
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def start_worker(require_postgres, transactional_db, redis_server, tmp_path):
    """Start a worker sharing this test's database and Redis; all are killed at the end."""
    started: list[Worker] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "grappe.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_server.url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PRIVATE_STORAGE_ROOT": str(settings.STORAGES["default"]["OPTIONS"]["location"]),
        "JOB_HEARTBEAT_SECONDS": "1",
    }

    def start(name: str) -> Worker:
        worker = Worker(name, env, tmp_path).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def live_broker(redis_server):
    """This test process publishes to the private Redis, as a web process would."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = redis_server.url, False
    celery_app._after_fork()  # forget connections to the previous broker, as after a fork
    yield
    conf.broker_url, conf.task_always_eager = saved
    celery_app._after_fork()
