"""CURVE + ZAP: unpaired keys are refused, paired ones work, and a dead
authenticator still refuses (fails closed). Plus the probe command."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from palier.core import keys
from palier.therapist_console.client import LinkState
from tests.fixtures import (
    REPO,
    ClientFactory,
    EngineFactory,
    EngineProc,
    Keys,
    start_engine,
    wait_for,
)


def probe(endpoint: str, keys_dir: object, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "palier.cli",
            "link",
            "probe",
            "--connect",
            endpoint,
            "--keys",
            str(keys_dir),
            "--pings",
            "20",
            *extra,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_paired_works_unpaired_refused_and_fails_closed(
    engine_factory: EngineFactory, client_factory: ClientFactory, link_keys: Keys
) -> None:
    engine = engine_factory()
    paired = client_factory(engine, role="observe")
    assert paired.connected and paired.state is not None

    stranger = client_factory(engine, keys_dir=link_keys.stranger, connect=False)
    wait_for(lambda: stranger.status.state is LinkState.REFUSED, 10, "refusal")
    assert "palier keys allow" in stranger.status.detail
    assert stranger.info is None and not stranger.connected

    # The probe agrees (and tells the user how to fix it).
    ok = probe(engine.endpoint, link_keys.console)
    assert ok.returncode == 0, ok.stderr
    assert "palier-engine" in ok.stdout and "spiders" in ok.stdout and "round trip" in ok.stdout
    refused = probe(engine.endpoint, link_keys.stranger, "--timeout", "3")
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "refused" in refused.stderr and "palier keys allow" in refused.stderr

    # Stop the authenticator: new handshakes must now fail, not pass.
    engine.send("stop-auth")
    engine.read_until("hooks: ok stop-auth")
    late = client_factory(engine, keys_dir=link_keys.stranger, connect=False)
    time.sleep(3.0)  # a window in which a fail-open engine would have let it in
    assert not late.connected and late.info is None
    # The session already running is not cut off.
    assert paired.ping() < 0.5


def test_probe_with_no_engine(tmp_path: object, link_keys: Keys) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    res = probe(f"tcp://127.0.0.1:{port}", link_keys.console, "--timeout", "2")
    assert res.returncode == 3
    assert "no answer" in res.stderr and "--bind" in res.stderr


def test_probe_needs_keys(tmp_path: object) -> None:
    res = probe("tcp://127.0.0.1:9", tmp_path)
    assert res.returncode == 2 and "palier keys init" in res.stderr
    assert keys.OWN_SECRET  # the message names the command that fixes it


def test_a_revoked_console_is_refused_at_its_next_handshake(
    tmp_path: Path, client_factory: ClientFactory
) -> None:
    eng, con = tmp_path / "engine", tmp_path / "console"
    keys.pair_on_one_machine(eng, con)
    engine = start_engine(eng)
    try:
        first = client_factory(engine, keys_dir=con)
        assert first.connected
        # Unpaired on the engine PC while the engine runs (as the CLI does).
        keys.revoke(eng, keys.fingerprint(keys.load_own(con).public))
        wait_for(lambda: reloads(engine) == 1, 10, "the allow-list's reload")
        again = client_factory(engine, keys_dir=con, connect=False)
        wait_for(lambda: again.status.state is LinkState.REFUSED, 10, "refusal")
        assert not again.connected
        # Paired again by file, it connects, with no restart either.
        keys.allow(eng, con / keys.OWN_PUBLIC)
        wait_for(lambda: reloads(engine) == 2, 10, "the second reload")
        assert client_factory(engine, keys_dir=con).connected
        assert first.connected  # an open connection is not cut (docs/protocol.md)
    finally:
        engine.stop()


def reloads(engine: EngineProc) -> int:
    assert engine.log_path is not None
    return engine.log_path.read_text(errors="replace").count("its console keys were reloaded")
