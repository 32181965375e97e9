"""The shared test fixtures, in one place (registered by tests/conftest.py).

* ``engine``: an in-process engine rendering offscreen (Panda3D, EGL), one
  per test module. A module says which scene and size it wants with
  ``pytestmark = pytest.mark.offscreen_engine(scene=..., size=...)`` (any
  :class:`EngineConfig` field; the backend is always offscreen).
* ``link_keys``: throwaway key pairs, one set per module: an engine and a
  console paired with each other, and a stranger who trusts the engine but
  whom the engine does not know.
* ``start_engine``, ``engine_factory``, ``shared_engine``: the real engine in a
  subprocess (``tests/engine_with_hooks.py``: ``palier engine --backend
  offscreen`` plus stdin hooks, real time, ephemeral loopback ports), stopped
  with SIGINT and a deadline.
* ``client_factory``: link clients on those engines, closed after the test.
* ``wait_for``: poll with a deadline instead of sleeping; ``step_until``: the
  same for the in-process ``engine``, rendering a frame between polls.
"""

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
from typing import TYPE_CHECKING

import pytest

from palier.core import keys
from palier.core.lines import LineReader

if TYPE_CHECKING:
    from palier.engine.app import Engine
    from palier.therapist_console.client import EngineState, LinkClient

REPO = Path(__file__).resolve().parents[1]
ENGINE_START_S = 90.0
ENGINE_STOP_S = 15.0
OFFSCREEN_ENGINE = "offscreen_engine"
"""The marker that configures a module's ``engine``."""
OFFSCREEN_DEFAULTS: dict[str, object] = {"scene": "spiders", "size": (320, 180)}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{OFFSCREEN_ENGINE}(**config): EngineConfig fields of the module's offscreen `engine`",
    )


def wait_for(cond: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def step_until(engine: Engine, cond: Callable[[], object], timeout: float, what: str) -> None:
    """Render frames of the in-process ``engine`` until ``cond()`` holds (its
    frame loop runs only when a test steps it)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        engine.step()
        time.sleep(0.001)  # let other threads (encoder, link) run on a busy 2-core box


def solid_jpeg(color: str, w: int = 64, h: int = 36) -> bytes:
    """A one-colour JPEG, as a mirror frame from the engine."""
    # Imported here: only the console tests load Qt.
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor, QImage

    img = QImage(w, h, QImage.Format.Format_RGB888)
    img.fill(QColor(color))
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "JPG")  # type: ignore[call-overload]
    return bytes(buf.data().data())


# -- the engine in this process ---------------------------------------------------------
@pytest.fixture(scope="module")
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    # Imported here: only the modules that render load Panda3D and the scenes.
    from palier.engine.app import Engine, EngineConfig

    marker = request.node.get_closest_marker(OFFSCREEN_ENGINE)
    settings = {**OFFSCREEN_DEFAULTS, **(marker.kwargs if marker else {})}
    eng = Engine(EngineConfig(backend="offscreen", **settings))
    yield eng
    eng.close()


# -- keys --------------------------------------------------------------------------------
@dataclass
class Keys:
    engine: Path
    console: Path
    stranger: Path


@pytest.fixture(scope="module")
def link_keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    root = tmp_path_factory.mktemp("keys")
    k = Keys(root / "engine", root / "console", root / "stranger")
    keys.pair_on_one_machine(k.engine, k.console)
    keys.init_keys(k.stranger)  # known to nobody, but knows the engine's key
    keys.allow(k.stranger, k.engine / keys.OWN_PUBLIC, engine=True)
    return k


# -- the engine in a subprocess --------------------------------------------------------------
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
        """Next stdout line containing ``needle`` (hook confirmations)."""
        line = self.stdout.until(lambda ln: needle in ln, timeout, self.lines)
        if line is None:
            raise AssertionError(f"engine never printed {needle!r}; got {self.lines[-5:]}")
        return line

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=ENGINE_STOP_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError(
                    f"the engine did not exit within {ENGINE_STOP_S:g} s of SIGINT"
                ) from None
        return self.proc.returncode


EngineFactory = Callable[..., EngineProc]
ClientFactory = Callable[..., "LinkClient"]


def start_engine(keys_dir: Path, *extra: str) -> EngineProc:
    cmd = [
        sys.executable,
        "-m",
        "tests.engine_with_hooks",
        "-v",
        "--backend",
        "offscreen",
        "--size",
        "320x180",
        "--bind",
        "tcp://127.0.0.1:0",
        "--keys",
        str(keys_dir),
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
def engine_factory(link_keys: Keys) -> Iterator[EngineFactory]:
    """Engines of one test, each started with its own extra arguments."""
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
    """One engine for the module's tests."""
    e = start_engine(link_keys.engine)
    yield e
    assert e.stop() in (0, 130)  # 130: clean exit on SIGINT


# -- link clients ---------------------------------------------------------------------------
def state(client: LinkClient) -> EngineState:
    """The client's current engine state (set before it reports connected)."""
    st = client.state
    assert st is not None, "no engine state yet"
    return st


@pytest.fixture
def client_factory(link_keys: Keys) -> Iterator[ClientFactory]:
    # Imported here: only the link tests load zmq and the client.
    from palier.therapist_console.client import LinkClient

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
