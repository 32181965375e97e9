"""Fixtures for the control-link tests: throwaway key pairs, real engine
processes (offscreen, real time, ephemeral loopback ports) and clients."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from palier.core import keys
from palier.core.lines import LineReader
from palier.therapist_console.client import EngineState, LinkClient

REPO = Path(__file__).resolve().parents[2]
ENGINE_START_S = 90.0


@dataclass
class Keys:
    engine: Path
    console: Path
    stranger: Path


@pytest.fixture(scope="module")
def link_keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    root = tmp_path_factory.mktemp("keys")
    k = Keys(root / "engine", root / "console", root / "stranger")
    for d in (k.engine, k.console, k.stranger):
        keys.init_keys(d)
    keys.allow(k.engine, k.console / keys.OWN_PUBLIC)
    keys.allow(k.console, k.engine / keys.OWN_PUBLIC, engine=True)
    keys.allow(k.stranger, k.engine / keys.OWN_PUBLIC, engine=True)
    return k


@dataclass
class EngineProc:
    proc: subprocess.Popen[str]
    endpoint: str
    telemetry: str
    instance: str
    stdout: LineReader
    log_path: Path | None = None
    lines: list[str] = field(default_factory=list)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def read_until(self, needle: str, timeout: float = 10.0) -> str:
        """Next stdout line containing ``needle`` (test-hook confirmations)."""
        line = self.stdout.until(lambda ln: needle in ln, timeout, self.lines)
        if line is None:
            raise AssertionError(f"engine never printed {needle!r}; got {self.lines[-5:]}")
        return line

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("the engine did not exit within 15 s of SIGINT") from None
        return self.proc.returncode


def start_engine(keys_dir: Path, *extra: str) -> EngineProc:
    cmd = [
        sys.executable,
        "-m",
        "palier.cli",
        "-v",
        "engine",
        "--backend",
        "offscreen",
        "--size",
        "320x180",
        "--bind",
        "tcp://127.0.0.1:0",
        "--keys",
        str(keys_dir),
        "--test-hooks",
        *extra,
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # stderr to a file beside the keys (pytest's temporary folder), read in
    # post-mortems: a pipe nobody reads would block the engine once full. It
    # stays open for the engine's lifetime, hence no context manager.
    err = tempfile.NamedTemporaryFile(  # noqa: SIM115
        "w+", prefix="engine-", suffix=".log", dir=keys_dir.parent, delete=False
    )
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True, env=env
    )
    assert proc.stdout is not None
    reader = LineReader(proc.stdout, name="engine-stdout")
    seen: list[str] = []
    line = reader.until(lambda ln: ln.startswith("palier-link ready"), ENGINE_START_S, seen)
    if line is not None:
        parts = dict(p.split("=", 1) for p in line.split()[2:])
        return EngineProc(
            proc,
            parts["command"],
            parts["telemetry"],
            parts["instance"],
            reader,
            log_path=Path(err.name),
        )
    proc.kill()
    proc.wait()
    log = Path(err.name).read_text(errors="replace")
    raise AssertionError(
        f"engine not ready within {ENGINE_START_S} s (exit code "
        f"{proc.returncode}): {seen[-5:]}\n{log[-2000:]}"
    )


@pytest.fixture
def engine_factory(link_keys: Keys) -> Iterator[Callable[..., EngineProc]]:
    started: list[EngineProc] = []

    def make(*extra: str) -> EngineProc:
        e = start_engine(link_keys.engine, *extra)
        started.append(e)
        return e

    yield make
    for e in started:
        e.stop()


@pytest.fixture(scope="module")
def shared_engine(link_keys: Keys) -> Iterator[EngineProc]:
    e = start_engine(link_keys.engine)
    yield e
    assert e.stop() in (0, 130)  # 130: clean exit on SIGINT


def state(client: LinkClient) -> EngineState:
    """The client's current engine state (set before it reports connected)."""
    st = client.state
    assert st is not None, "no engine state yet"
    return st


def wait_for(cond: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def client_factory(link_keys: Keys) -> Iterator[Callable[..., LinkClient]]:
    made: list[LinkClient] = []

    def make(
        engine: EngineProc, *, keys_dir: Path | None = None, connect: bool = True, **kwargs: object
    ) -> LinkClient:
        c = LinkClient(engine.endpoint, keys_dir=keys_dir or link_keys.console, **kwargs)  # type: ignore[arg-type]
        made.append(c)
        c.start()
        if connect:
            assert c.wait_connected(10.0), f"client did not connect: {c.status}"
        return c

    yield make
    for c in made:
        c.close()
