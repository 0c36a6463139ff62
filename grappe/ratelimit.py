"""Counting requests in fixed windows, atomically: in Redis when the cache is Redis (every
process shares the count), in process under a lock otherwise. Used by the API's rate limit
and the login throttle (docs/rules.md#api-rate-limit, docs/rules.md#login-throttling).
"""

import math
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# KEYS[1]: the counter; ARGV[1]: the window in ms. Returns {count, ms left in the window}.
_COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); left = tonumber(ARGV[1]) end
return {count, left}
"""
_local_lock = threading.Lock()
_scripts: dict[int, object] = {}


def count_request(key: str, window_seconds: int) -> tuple[int, float]:
    """Count one request against `key`; (requests in the window, seconds until it ends)."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return _count_in_redis(cache, key, window_seconds)
    return _count_in_process(cache, key, window_seconds)


def _count_in_redis(cache: RedisCache, key: str, window_seconds: int) -> tuple[int, float]:
    full_key = cache.make_and_validate_key(key)
    # Django's Redis cache hands out its connection pool's client; the script is registered
    # once per client and sent by its SHA afterwards.
    client = cache._cache.get_client(full_key, write=True)
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_COUNT)
    count, left_ms = script(keys=[full_key], args=[window_seconds * 1000], client=client)
    return int(count), int(left_ms) / 1000


def _count_in_process(cache, key: str, window_seconds: int) -> tuple[int, float]:
    # One lock for the read-increment-write: the local cache's own lock covers each call
    # alone. The counter lives in the cache, so cache.clear() resets it as with Redis.
    now = time.monotonic()
    with _local_lock:
        count, ends = cache.get(key) or (0, now + window_seconds)
        if ends <= now:
            count, ends = 0, now + window_seconds
        count += 1
        cache.set(key, (count, ends), timeout=math.ceil(ends - now))
    return count, ends - now


def peek(key: str) -> int:
    """How many requests `key` has counted in its current window, without counting one."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        value = cache._cache.get_client(full_key).get(full_key)
        return int(value or 0)
    count, ends = cache.get(key) or (0, 0)
    return count if ends > time.monotonic() else 0
