"""A raw CURVE DEALER for tests that must send what the client never would."""

from __future__ import annotations

from pathlib import Path

import msgpack
import zmq

from palier.core import keys, wire


class RawDealer:
    def __init__(self, endpoint: str, keys_dir: Path) -> None:
        own = keys.load_own(keys_dir)
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.SNDTIMEO, 5000)
        self.sock.setsockopt(zmq.RCVTIMEO, 5000)
        self.sock.setsockopt(zmq.CURVE_SERVERKEY, keys.engine_key(keys_dir))
        self.sock.setsockopt(zmq.CURVE_PUBLICKEY, own.public)
        self.sock.setsockopt(zmq.CURVE_SECRETKEY, own.secret)
        self.sock.connect(endpoint)

    def send(self, frames: list[bytes]) -> None:
        self.sock.send_multipart(frames)

    def send_msg(self, msg: wire.Message) -> None:
        self.send(wire.encode(msg, check=False))

    def send_payload(self, subject: str, data: dict[str, object]) -> None:
        self.send([subject.encode(), msgpack.packb(data, use_bin_type=True)])

    def recv(self, timeout_ms: int = 5000) -> wire.Message:
        if not self.sock.poll(timeout_ms):
            raise TimeoutError("no reply from the engine")
        return wire.decode(self.sock.recv_multipart())

    def recv_reply(self, req_id: int, timeout_ms: int = 5000) -> wire.Message:
        """Skip replies to earlier requests; return the one for ``req_id``."""
        while True:
            msg = self.recv(timeout_ms)
            if getattr(msg, "id", None) == req_id:
                return msg

    def hello(self, req_id: int = 1, role: str = "observe") -> wire.HelloReply:
        self.send_msg(
            wire.Hello(id=req_id, protocol=wire.PROTOCOL_VERSION, client="raw", role=role)
        )
        reply = self.recv_reply(req_id)
        assert isinstance(reply, wire.HelloReply), reply
        return reply

    def close(self) -> None:
        self.sock.close(linger=0)
        self.ctx.term()
