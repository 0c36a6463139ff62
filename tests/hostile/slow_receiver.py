"""A webhook receiver on 127.0.0.1 that reads the request, then answers one byte at a time."""

import socket
import threading
import time
from dataclasses import dataclass, field

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


@dataclass
class SlowReceiver:
    byte_every: float = 0.8
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    url: str = ""
    _sock: socket.socket | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "SlowReceiver":
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/hook"
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            received = b""
            connection.settimeout(5)
            try:
                while b"\r\n\r\n" not in received:
                    received += connection.recv(65536)
                self.requests.append(received)
                for byte in ANSWER:
                    if self._stop.is_set():
                        return
                    connection.sendall(bytes([byte]))
                    time.sleep(self.byte_every)
            except OSError:
                return  # the sender gave up: what this receiver is for
