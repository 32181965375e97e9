"""Key pairs and pairing (files, modes, CLI)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import zmq.auth

from palier.cli import main
from palier.core import keys


def test_init_creates_private_secret(tmp_path: Path) -> None:
    d = tmp_path / "k"
    pair = keys.init_keys(d)
    sec = d / keys.OWN_SECRET
    assert stat.S_IMODE(sec.stat().st_mode) == 0o600
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    # ZeroMQ's own reader agrees with ours.
    public, secret = zmq.auth.load_certificate(str(sec))
    assert (public, secret) == (pair.public, pair.secret)
    assert zmq.auth.load_certificate(str(d / keys.OWN_PUBLIC)) == (pair.public, None)
    assert keys.load_own(d) == pair


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    keys.init_keys(tmp_path)
    with pytest.raises(keys.KeysError, match="--force"):
        keys.init_keys(tmp_path)
    assert keys.init_keys(tmp_path, force=True).public != b""


def test_open_secret_is_refused(tmp_path: Path) -> None:
    keys.init_keys(tmp_path)
    (tmp_path / keys.OWN_SECRET).chmod(0o644)
    with pytest.raises(keys.KeysError, match="chmod 600"):
        keys.load_own(tmp_path)


def test_missing_pair_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(keys.KeysError, match="palier keys init"):
        keys.load_own(tmp_path / "nothing")


def test_fingerprint_is_short_and_stable() -> None:
    fp = keys.fingerprint(b"x" * 40)
    assert len(fp) == 19 and fp.count("-") == 3
    assert fp == keys.fingerprint(b"x" * 40) != keys.fingerprint(b"y" * 40)


def test_allow_and_engine_key(tmp_path: Path) -> None:
    eng, con = tmp_path / "e", tmp_path / "c"
    ep, cp = keys.init_keys(eng), keys.init_keys(con)
    dest = keys.allow(eng, con / keys.OWN_PUBLIC)
    assert keys.allowed_keys(eng / keys.CONSOLES) == [cp.public]
    assert keys.allow(eng, con / keys.OWN_PUBLIC) == dest  # idempotent
    with pytest.raises(keys.KeysError, match="no engine key"):
        keys.engine_key(con)
    keys.allow(con, eng / keys.OWN_PUBLIC, engine=True)
    assert keys.engine_key(con) == ep.public
    with pytest.raises(keys.KeysError, match="secret"):
        keys.allow(eng, con / keys.OWN_SECRET)
    bad = tmp_path / "bad.key"
    bad.write_text("hello")
    with pytest.raises(keys.KeysError, match="not a CURVE key"):
        keys.allow(eng, bad)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    eng, con = tmp_path / "e", tmp_path / "c"
    assert main(["keys", "init", "--keys", str(eng)]) == 0
    assert main(["keys", "init", "--keys", str(con)]) == 0
    out = capsys.readouterr().out
    assert "fingerprint" in out
    assert main(["keys", "allow", "--keys", str(eng), str(con / keys.OWN_PUBLIC)]) == 0
    assert main(["keys", "show", "--keys", str(eng)]) == 0
    out = capsys.readouterr().out
    con_fp = keys.fingerprint(keys.load_own(con).public)
    assert f"paired consoles: {con_fp}" in out
    assert keys.load_own(eng).public.decode() in out
    assert main(["keys", "init", "--keys", str(eng)]) == 2  # refuses, clear message
    assert "--force" in capsys.readouterr().err


def test_revoke_unpairs_one_machine_and_says_what_is_paired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    eng, con, other = tmp_path / "e", tmp_path / "c", tmp_path / "o"
    keys.pair_on_one_machine(eng, con)
    keys.init_keys(other)
    keys.allow(eng, other / keys.OWN_PUBLIC)
    con_fp = keys.fingerprint(keys.load_own(con).public)
    other_fp = keys.fingerprint(keys.load_own(other).public)
    # As `palier keys show` prints it, or typed without dashes in lower case.
    assert main(["keys", "revoke", "--keys", str(eng), con_fp.replace("-", "").lower()]) == 0
    assert "no longer allowed" in capsys.readouterr().out
    assert keys.allowed_keys(eng / keys.CONSOLES) == [keys.load_own(other).public]
    # The console's side: it stops trusting the engine.
    eng_fp = keys.fingerprint(keys.load_own(eng).public)
    assert keys.revoke(con, eng_fp, engine=True) and keys.allowed_keys(con / keys.ENGINES) == []
    # Unknown: a clear error listing what is paired, and nothing removed.
    assert main(["keys", "revoke", "--keys", str(eng), con_fp]) == 2
    err = capsys.readouterr().err
    assert f"no key with fingerprint {con_fp}" in err and other_fp in err
    assert "Traceback" not in err
    assert keys.allowed_keys(eng / keys.CONSOLES) == [keys.load_own(other).public]


def test_init_replaces_a_leftover_open_tmp_file(tmp_path: Path) -> None:
    # An interrupted earlier run left the temporary file behind, readable by all.
    tmp_path.chmod(0o700)
    leftover = tmp_path / (keys.OWN_SECRET + ".tmp")
    leftover.write_text("stale")
    leftover.chmod(0o644)
    keys.init_keys(tmp_path)
    sec = tmp_path / keys.OWN_SECRET
    assert stat.S_IMODE(sec.stat().st_mode) == 0o600
    assert not leftover.exists()
    assert keys.load_own(tmp_path).secret != b""
