"""The console's pairing dialog against a real pairing window on 127.0.0.1:
a wrong code says so and stores nothing; the right one shows the fingerprints
and, confirmed, leaves the setup page with a trusted, confirmed engine key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq
from PySide6.QtCore import QTimer

from palier.core import keys, pairing, wire
from palier.engine.pairing import PairingWindow
from palier.therapist_console.app import MainWindow, make_app
from palier.therapist_console.record import SessionRecord
from palier.therapist_console.session import ConsoleModel
from palier.therapist_console.widgets.pairing_dialog import PairingDialog


@pytest.fixture
def window(tmp_path: Path) -> Iterator[PairingWindow]:
    ctx = zmq.Context()
    eng = tmp_path / "engine"
    keys.init_keys(eng)
    w = PairingWindow(ctx, "tcp://127.0.0.1:0", keys.load_own(eng), eng)
    yield w
    w.close()
    ctx.term()


def command_address(w: PairingWindow) -> str:
    """The engine address the therapist types: the pairing port - 2."""
    port = wire.split_endpoint(w.endpoint)[1]
    return f"tcp://127.0.0.1:{port - pairing.PORT_OFFSET}"


def test_a_wrong_code_is_said_and_the_right_one_shows_the_fingerprints(
    qtbot: Any, window: PairingWindow, tmp_path: Path
) -> None:
    make_app()
    con = tmp_path / "console"
    dlg = PairingDialog("en", command_address(window), con)
    qtbot.addWidget(dlg)
    dlg.code.setText(f"{(int(window.code) + 1) % 10**6:06d}")
    dlg.pair_button.click()
    assert "not the code the headset shows" in dlg.error.text()
    assert not dlg.confirm_button.isEnabled()
    assert not (con / keys.ENGINES).exists() or not keys.allowed_keys(con / keys.ENGINES)

    dlg.code.setText(pairing.show_code(window.code))
    dlg.pair_button.click()
    assert dlg.error.text() == ""
    assert window.engine_fingerprint in dlg.fingerprints.text()
    assert keys.fingerprint(keys.load_own(con).public) in dlg.fingerprints.text()
    assert dlg.confirm_button.isEnabled()
    dlg.confirm_button.click()
    assert dlg.result() == PairingDialog.DialogCode.Accepted
    assert dlg.engine_key_file is not None
    assert keys.read_key_file(dlg.engine_key_file)[0] == window.own.public
    assert keys.allowed_keys(tmp_path / "engine" / keys.CONSOLES) == [keys.load_own(con).public]


def test_the_setup_page_pairs_and_the_key_counts_as_confirmed(
    qtbot: Any, window: PairingWindow, tmp_path: Path
) -> None:
    make_app()
    con = tmp_path / "console"
    with SessionRecord(tmp_path / "s.sqlite3") as rec:
        model = ConsoleModel(rec, language="fr")
        win = MainWindow(model, keys_dir=con, ask_questions=False)
        qtbot.addWidget(win)
        assert not model.link.fingerprint_confirmed
        assert win.setup.pair_button.text() == "Appairer avec un moteur…"

        def answer() -> None:
            dlg = win.pairing_dialog
            if dlg is None:  # not open yet
                QTimer.singleShot(20, answer)
                return
            dlg.code.setText(window.code)
            dlg.pair_button.click()
            dlg.confirm_button.click()

        QTimer.singleShot(0, answer)
        win.setup.address.setText(command_address(window))
        win.setup.pair_button.click()
        assert win.engine_key_file is not None
        assert model.link.trusted_fingerprint == window.engine_fingerprint
        assert model.link.fingerprint_confirmed
        assert window.engine_fingerprint in win.setup.fingerprint.text()
