"""Pairing without files, end to end on 127.0.0.1 (docs/protocol.md §13):
a right code pairs (both keys stored, the same fingerprints on both sides),
a wrong code and a replayed exchange do not, and nothing is answered once
the pairing window has closed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import zmq

from palier.cli import main
from palier.core import keys, pairing, wire
from palier.engine.app import Engine
from palier.engine.link import PAIRING_END_S, EngineLink, LinkConfig
from palier.engine.pairing import EXPIRED, OPEN, PAIRED, TOO_MANY, PairingWindow
from palier.therapist_console.client import LinkClient
from palier.therapist_console.pairing import ConsolePairing, PairingFailed, pairing_endpoint
from tests.fixtures import ClientFactory, start_engine, step_until, wait_for

LOOPBACK = "tcp://127.0.0.1:0"
pytestmark = pytest.mark.offscreen_engine(scene="spiders", size=(320, 180))


@pytest.fixture
def ctx() -> Iterator[zmq.Context]:
    c = zmq.Context()
    yield c
    c.term()


@pytest.fixture
def windows(ctx: zmq.Context) -> Iterator[list[PairingWindow]]:
    made: list[PairingWindow] = []
    yield made
    for w in made:
        w.close()


def open_window(
    ctx: zmq.Context, made: list[PairingWindow], keys_dir: Path, **kwargs: object
) -> PairingWindow:
    if not (keys_dir / keys.OWN_SECRET).exists():
        keys.init_keys(keys_dir)
    w = PairingWindow(ctx, LOOPBACK, keys.load_own(keys_dir), keys_dir, **kwargs)  # type: ignore[arg-type]
    made.append(w)
    return w


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**pairing.CODE_DIGITS:06d}"


def stored(keys_dir: Path, folder: str) -> list[bytes]:
    d = keys_dir / folder
    return keys.allowed_keys(d) if d.is_dir() else []


# -- the exchange itself ----------------------------------------------------------------
def test_same_code_confirms_both_ways_and_a_different_code_does_not() -> None:
    ckey, ekey = b"c" * 40, b"e" * 40
    console = pairing.ConsoleSide("123456", ckey)
    engine = pairing.EngineSide("123456", ekey)
    pake_b, confirm_e = engine.reply(console.start(), ckey)
    confirm_c = console.check_reply(pake_b, ekey, engine.session, confirm_e)
    assert engine.check_confirm(engine.session, confirm_c)
    assert not engine.check_confirm(engine.session, confirm_c)  # one check per exchange

    console = pairing.ConsoleSide("123457", ckey)
    engine = pairing.EngineSide("123456", ekey)
    pake_b, confirm_e = engine.reply(console.start(), ckey)
    with pytest.raises(pairing.PairingError, match="code does not match"):
        console.check_reply(pake_b, ekey, engine.session, confirm_e)
    # A key swapped in transit breaks the proof too (it covers both keys).
    console = pairing.ConsoleSide("123456", ckey)
    engine = pairing.EngineSide("123456", ekey)
    pake_b, confirm_e = engine.reply(console.start(), ckey)
    with pytest.raises(pairing.PairingError):
        console.check_reply(pake_b, b"m" * 40, engine.session, confirm_e)


def test_codes_are_six_digits_and_typed_with_spaces() -> None:
    codes = {pairing.new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    assert pairing.normalise_code(" 123 456 ") == "123456" == pairing.normalise_code("123-456")
    assert pairing.show_code("123456") == "123 456"
    for bad in ("12345", "1234567", "12a456", ""):
        with pytest.raises(pairing.PairingError):
            pairing.normalise_code(bad)


# -- over the wire ----------------------------------------------------------------------------
def test_right_code_pairs_both_keys_stored_with_equal_fingerprints(
    ctx: zmq.Context, windows: list[PairingWindow], tmp_path: Path
) -> None:
    eng_dir, con_dir = tmp_path / "engine", tmp_path / "console"
    w = open_window(ctx, windows, eng_dir)
    engine_public = keys.load_own(eng_dir).public
    with ConsolePairing(w.endpoint, con_dir, name="laptop") as p:
        offer = p.offer(pairing.show_code(w.code))  # typed as the headset shows it
        console_public = keys.load_own(con_dir).public  # made by the first pairing
        assert offer.engine_fingerprint == keys.fingerprint(engine_public) == w.engine_fingerprint
        assert offer.console_fingerprint == keys.fingerprint(console_public)
        assert offer.attempts_left == pairing.MAX_ATTEMPTS - 1
        assert stored(eng_dir, keys.CONSOLES) == [] == stored(con_dir, keys.ENGINES)
        path = p.confirm()
    assert path.parent == con_dir / keys.ENGINES
    assert stored(con_dir, keys.ENGINES) == [engine_public]
    assert stored(eng_dir, keys.CONSOLES) == [console_public]
    assert keys.engine_key(con_dir) == engine_public  # what the console connects with
    assert w.state == PAIRED and w.console_fingerprint == offer.console_fingerprint
    # Single use: the window is closed, its socket with it.
    with (
        ConsolePairing(w.endpoint, con_dir, timeout_s=0.5) as again,
        pytest.raises(PairingFailed) as exc,
    ):
        again.offer(w.code)
    assert exc.value.reason == "no_answer"


def test_wrong_codes_store_nothing_and_three_tries_close_the_window(
    ctx: zmq.Context, windows: list[PairingWindow], tmp_path: Path
) -> None:
    eng_dir, con_dir = tmp_path / "engine", tmp_path / "console"
    w = open_window(ctx, windows, eng_dir)
    left = []
    with ConsolePairing(w.endpoint, con_dir) as p:
        for _ in range(pairing.MAX_ATTEMPTS):
            with pytest.raises(PairingFailed) as exc:
                p.offer(wrong(w.code))
            assert exc.value.reason == "wrong_code"
            left.append(exc.value.attempts_left)
        assert left == [2, 1, 0]
        assert w.state == OPEN  # a third exchange may still be under way...
        with pytest.raises(PairingFailed) as exc:
            p.offer(w.code)  # ...but no fourth start: not even the right code
        assert exc.value.reason == "too_many"
    wait_for(lambda: w.state == TOO_MANY, 5.0, "the window to close")
    assert stored(eng_dir, keys.CONSOLES) == [] == stored(con_dir, keys.ENGINES)
    with ConsolePairing(w.endpoint, con_dir, timeout_s=0.5) as p, pytest.raises(PairingFailed):
        p.offer(w.code)


def test_a_wrong_confirmation_is_refused_and_stores_nothing(
    ctx: zmq.Context, windows: list[PairingWindow], tmp_path: Path
) -> None:
    eng_dir = tmp_path / "engine"
    w = open_window(ctx, windows, eng_dir)
    with Raw(ctx, w.endpoint) as raw:
        side = pairing.ConsoleSide(wrong(w.code), b"c" * 40)
        reply = raw.send(wire.PairStart(pake=side.start(), key="c" * 40, name="guesser"))
        assert isinstance(reply, wire.PairReply)
        refused = raw.send(wire.PairConfirm(session=reply.session, confirm=bytes(32)))
    assert isinstance(refused, wire.PairRefused) and refused.reason == "wrong_code"
    assert stored(eng_dir, keys.CONSOLES) == []


class Raw:
    """A console that sends recorded frames (the replaying attacker)."""

    def __init__(self, ctx: zmq.Context, endpoint: str) -> None:
        self.sock = ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.connect(endpoint)
        self.sent: list[list[bytes]] = []

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.sock.close(0)

    def send_frames(self, frames: list[bytes], timeout_s: float = 5.0) -> wire.Message | None:
        self.sent.append(frames)
        self.sock.send_multipart(frames)
        if not self.sock.poll(int(timeout_s * 1000)):
            return None
        return wire.decode(self.sock.recv_multipart())

    def send(self, msg: wire.Message) -> wire.Message | None:
        return self.send_frames(wire.encode(msg))


def test_a_replayed_exchange_does_not_pair(
    ctx: zmq.Context, windows: list[PairingWindow], tmp_path: Path
) -> None:
    # A legitimate pairing, recorded frame by frame by someone on the network.
    first, second = tmp_path / "engine1", tmp_path / "engine2"
    code = "424242"
    w1 = open_window(ctx, windows, first, code=code)
    ckey = keys.init_keys(tmp_path / "console").public
    with Raw(ctx, w1.endpoint) as raw:
        side = pairing.ConsoleSide(code, ckey)
        reply = raw.send(wire.PairStart(pake=side.start(), key=ckey.decode(), name="c"))
        assert isinstance(reply, wire.PairReply)
        mac = side.check_reply(reply.pake, reply.key.encode(), reply.session, reply.confirm)
        done = raw.send(wire.PairConfirm(session=reply.session, confirm=mac))
        assert isinstance(done, wire.PairDone)
        recorded = raw.sent
    assert stored(first, keys.CONSOLES) == [ckey]
    # Replayed to the same engine: its window is closed, nothing answers.
    with Raw(ctx, w1.endpoint) as replay:
        assert replay.send_frames(recorded[0], timeout_s=0.5) is None
    # Replayed to a window that even has the same code (the worst case): the
    # start meets a fresh exchange, so the recorded confirmation fits nothing.
    w2 = open_window(ctx, windows, second, code=code)
    with Raw(ctx, w2.endpoint) as replay:
        fresh = replay.send_frames(recorded[0])
        assert isinstance(fresh, wire.PairReply) and fresh.session != reply.session
        refused = replay.send_frames(recorded[1])
        assert isinstance(refused, wire.PairRefused) and refused.reason == "unknown_session"
        # The recorded proof under the new session id: not this exchange's key.
        refused = replay.send(wire.PairConfirm(session=fresh.session, confirm=mac))
        assert isinstance(refused, wire.PairRefused) and refused.reason == "wrong_code"
    assert stored(second, keys.CONSOLES) == []
    assert w2.state == OPEN and w2.attempts_left == pairing.MAX_ATTEMPTS - 1


def test_nothing_is_answered_after_the_window_times_out(
    ctx: zmq.Context, windows: list[PairingWindow], tmp_path: Path
) -> None:
    w = open_window(ctx, windows, tmp_path / "engine", seconds=0.3)
    wait_for(lambda: w.state == EXPIRED, 5.0, "the window to expire")
    with (
        ConsolePairing(w.endpoint, tmp_path / "console", timeout_s=0.5) as p,
        pytest.raises(PairingFailed) as exc,
    ):
        p.offer(w.code)
    assert exc.value.reason == "no_answer"
    assert stored(tmp_path / "engine", keys.CONSOLES) == []


def test_keys_pair_command_pairs_a_console(
    ctx: zmq.Context,
    windows: list[PairingWindow],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    w = open_window(ctx, windows, tmp_path / "engine")
    port = wire.split_endpoint(w.endpoint)[1]
    command = f"tcp://127.0.0.1:{port - pairing.PORT_OFFSET}"
    assert pairing_endpoint(command) == w.endpoint
    con = tmp_path / "console"
    rc = main(["keys", "pair", "--keys", str(con), "--connect", command, "--code", w.code, "--yes"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert w.engine_fingerprint in out and "paired" in out
    assert stored(con, keys.ENGINES) == [keys.load_own(tmp_path / "engine").public]


# -- the engine: the code in the patient view, then the console connects -------------------------


def test_engine_shows_the_code_and_the_paired_console_connects_at_once(
    engine: Engine, tmp_path: Path
) -> None:
    eng_dir, con_dir = tmp_path / "engine", tmp_path / "console"
    keys.init_keys(eng_dir)
    link = EngineLink(engine, LinkConfig(keys_dir=eng_dir, bind=LOOPBACK))
    client: LinkClient | None = None
    try:
        window = link.open_pairing()
        ui = link.patient_ui
        engine.step()
        code_shown, key_line, status = ui.pairing_texts
        assert ui.pairing_visible and code_shown == pairing.show_code(window.code)
        assert window.engine_fingerprint in key_line and "3 tries left" in status
        with ConsolePairing(window.endpoint, con_dir) as p:
            offer = p.offer(code_shown)
            assert offer.engine_fingerprint == window.engine_fingerprint
            p.confirm()
        engine.step()
        assert offer.console_fingerprint in ui.pairing_texts[2]  # both screens show it
        # The engine's CURVE handler took the new key: no restart needed.
        client = LinkClient(link.command_endpoint, keys_dir=con_dir)
        client.start()
        live = client
        step_until(engine, lambda: live.connected, 20.0, "the paired console to connect")
        # The outcome stays a few seconds, then the panel fades (engine time).
        engine.simulate(PAIRING_END_S + 1.0, dt=0.25)
        assert not ui.pairing_visible
    finally:
        if client is not None:
            client.close()
        link.close()


def test_palier_engine_pair_makes_its_keys_and_pairs_a_console_over_loopback(
    tmp_path: Path, client_factory: ClientFactory
) -> None:
    # `palier engine --pair` on a machine with no keys at all.
    eng_dir, con_dir = tmp_path / "engine", tmp_path / "console"
    engine = start_engine(eng_dir, "--pair")
    try:
        assert (eng_dir / keys.OWN_SECRET).exists()
        engine.send("pair-code")
        _, code, endpoint = engine.read_until("pair-code ").split()
        with ConsolePairing(endpoint, con_dir) as p:
            offer = p.offer(code)
            assert offer.engine_fingerprint == keys.fingerprint(keys.load_own(eng_dir).public)
            p.confirm()
        client_factory(engine, keys_dir=con_dir)  # connects, or the factory fails
    finally:
        engine.stop()
