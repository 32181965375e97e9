"""A network cable for tests: a TCP relay that can be pulled and plugged in.

The engine binds 127.0.0.1; the relay listens on the same port numbers on
127.0.0.2 and forwards there, so a console given ``tcp://127.0.0.2:PORT``
reaches both engine sockets (the telemetry port it learns from ``rep.hello``
is on the same host) through the relay. CURVE runs end to end: the relay
only copies bytes. :meth:`Relay.cut` drops every connection and leaves new
ones unanswered until :meth:`Relay.plug`.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import struct
import threading

RELAY_HOST = "127.0.0.2"


class Relay:
    def __init__(self, ports: list[int], target_host: str = "127.0.0.1") -> None:
        self.target_host = target_host
        self._sel = selectors.DefaultSelector()
        self._listeners: dict[socket.socket, int] = {}
        self._peer: dict[socket.socket, socket.socket] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.accepted = 0
        for port in ports:
            ls = socket.socket()
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((RELAY_HOST, port))
            ls.listen(16)
            ls.setblocking(False)
            self._listeners[ls] = port
            self._sel.register(ls, selectors.EVENT_READ)
        self._thread = threading.Thread(target=self._run, name="netcut", daemon=True)
        self._thread.start()

    def endpoint(self, port: int) -> str:
        return f"tcp://{RELAY_HOST}:{port}"

    def cut(self) -> None:
        """Pull the cable: drop every connection; new ones wait unanswered in
        the listen backlog (accepted and closed at once, they would look like
        a failed CURVE handshake rather than a dead network)."""
        with self._lock:
            for ls in self._listeners:
                self._sel.unregister(ls)
            for sock in list(self._peer):
                self._drop(sock)

    def plug(self) -> None:
        """Plug it back: connections waiting in the backlog go through."""
        with self._lock:
            for ls in self._listeners:
                self._sel.register(ls, selectors.EVENT_READ)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with self._lock:
            for sock in list(self._peer):
                self._drop(sock)
            for ls in self._listeners:
                ls.close()
        self._sel.close()

    # -- relay thread --------------------------------------------------------------
    def _drop(self, sock: socket.socket) -> None:
        other = self._peer.pop(sock, None)
        for s in (sock, other):
            if s is None:
                continue
            self._peer.pop(s, None)
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(s)
            with contextlib.suppress(OSError):
                # Reset, not a graceful close: the peers learn nothing in order.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()

    def _accept(self, ls: socket.socket) -> None:
        try:
            conn, _ = ls.accept()
        except BlockingIOError:
            return
        try:
            up = socket.create_connection((self.target_host, self._listeners[ls]), timeout=2)
        except OSError:
            conn.close()
            return
        self.accepted += 1
        for s in (conn, up):
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sel.register(s, selectors.EVENT_READ)
        self._peer[conn] = up
        self._peer[up] = conn

    def _forward(self, sock: socket.socket) -> None:
        other = self._peer.get(sock)
        if other is None:
            return
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(sock)
            return
        try:
            other.setblocking(True)
            other.settimeout(2.0)
            other.sendall(data)
            other.setblocking(False)
        except OSError:
            self._drop(sock)

    def _run(self) -> None:
        while not self._stop.is_set():
            for key, _ in self._sel.select(timeout=0.05):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                with self._lock:
                    if sock in self._listeners:
                        self._accept(sock)
                    elif sock in self._peer:
                        self._forward(sock)
