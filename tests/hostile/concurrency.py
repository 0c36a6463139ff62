"""Many clients at once against a live, threaded server on 127.0.0.1."""

import http.client
import threading
from collections import Counter
from urllib.parse import urlsplit


def hammer(base_url: str, path: str, *, clients: int, each: int, headers=None) -> Counter:
    """`clients` threads, each on its own connection, GET `path` `each` times at once."""
    netloc = urlsplit(base_url).netloc
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client():
        connection = http.client.HTTPConnection(netloc, timeout=60)
        start.wait()
        for _ in range(each):
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection(netloc, timeout=60)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses
