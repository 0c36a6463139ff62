# The real-worker fixtures of the worker fault tests: a private Redis, Celery workers.
from tests.workers.conftest import live_broker, redis_server, start_worker  # noqa: F401
