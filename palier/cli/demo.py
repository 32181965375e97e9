"""``palier demo``: the one command a newcomer runs to see Palier work.

With a display: an engine in desktop simulation (the patient's window:
mouse and keyboard stand in for the headset), the therapist console
connected to it over the encrypted link, and a simulated heart-rate source,
all on this machine. A demo patient and the spiders protocol are ready;
tick that the engine's key fingerprint matches and press "Start the session".

Headless (``--headless``, or no display): the same console window, offscreen,
runs a short scripted session against an offscreen engine: connect, steps,
a parameter change, SUDS said aloud and answered in the headset (a simulated
patient), a scene event, a pause to the safe place, a note, the end. It
writes the session record, the PDF report, JSON and CSV exports and two
screenshots of the console (English and French) to ``--out``, and prints
where they are.

Keys: the demo pairs a throwaway engine and console key pair under
``OUT/keys`` (never your real keys).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from palier.core.i18n import LANGUAGES, _, fmt_fixed, ngettext, pgettext
from palier.core.lines import LineReader

ENGINE_START_S = 120.0
DEMO_SIZE = "480x270"
"""Headless engine render size: small enough for software rendering (CI)."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="see Palier work: engine + console + simulated heart rate on this machine",
        description="Start an engine (desktop simulation), the therapist console connected "
        "to it and a simulated heart rate. --headless runs a short scripted session offscreen "
        "and writes the record, the PDF report and screenshots.",
    )
    p.add_argument(
        "--headless",
        action="store_true",
        help="no window: scripted session offscreen (default when there is no display)",
    )
    p.add_argument(
        "--out",
        default="out/demo",
        metavar="DIR",
        help="where the record, report, exports and keys go (default out/demo)",
    )
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="console and patient language (default: system locale)",
    )
    p.add_argument(
        "--step-seconds",
        type=float,
        default=4.0,
        metavar="S",
        help="headless: seconds spent on each step of the script (default 4)",
    )
    p.add_argument(
        "--pictures",
        action="store_true",
        help="also render every scene offscreen (least and most intense)",
    )
    p.add_argument(
        "--lsl",
        action="store_true",
        help="publish the session on Lab Streaming Layer (heart rate beat by beat, "
        "session markers) for LabRecorder: see docs/data-export.md",
    )
    p.set_defaults(handler=run)


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` readable by the user only (0600), like the record."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older file keeps its mode otherwise
        os.write(fd, data)
    finally:
        os.close(fd)


def save_screenshot(widget: Any, path: Path) -> None:
    """A PNG of ``widget`` written 0600 (it shows a patient's session)."""
    # Qt only once the demo runs: `palier --help` stays instant.
    from PySide6.QtCore import QBuffer, QIODevice

    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buf, "PNG"):
        raise DemoError(f"could not encode the screenshot {path}")
    _write_private(path, bytes(buf.data().data()))


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def qt_window_problem() -> str | None:
    """Why Qt cannot open a window here (its own last message), or None.
    Probed in a child process: a Qt that finds no usable platform plugin
    aborts the whole process (a missing libxcb-cursor0 on Linux, say)."""
    code = "from PySide6.QtWidgets import QApplication; QApplication([])"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    try:
        probe = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
        )
    except subprocess.TimeoutExpired:
        return "Qt did not start within 60 s"
    if probe.returncode == 0:
        return None
    lines = [ln.strip() for ln in probe.stderr.splitlines() if ln.strip()]
    hint = next((ln for ln in lines if "needed" in ln), lines[0] if lines else "")
    return hint or f"Qt exited with code {probe.returncode}"


XCB_LIBRARIES = (
    "xcb-cursor",
    "xcb-icccm",
    "xcb-keysyms",
    "xcb-image",
    "xcb-render-util",
    "xcb-shape",
    "xcb-randr",
    "xcb-xinerama",
    "xcb-xkb",
    "xkbcommon-x11",
)
"""What Qt's xcb platform plugin loads beyond libxcb itself (Qt 6.5 and later
need xcb-cursor); a fresh Debian desktop may lack several."""
XCB_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
    "libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0"
)
XCB_INSTALL = f"sudo apt-get install {XCB_PACKAGES}"
"""The one command that installs them on Debian or Ubuntu (README says it too)."""


def missing_xcb_libraries() -> list[str]:
    """The libraries of :data:`XCB_LIBRARIES` the dynamic linker cannot find."""
    import ctypes.util

    return [f"lib{name}" for name in XCB_LIBRARIES if ctypes.util.find_library(name) is None]


def window_problem_text(problem: str, lang: str) -> str:
    """Why the demo runs offscreen, with the missing xcb libraries named and
    the command that installs them when that is the cause."""
    text = _(
        "palier demo: Qt cannot open a window here ({problem}): running the "
        "scripted session offscreen (--headless) instead.",
        lang,
        problem=problem,
    )
    missing = missing_xcb_libraries() if sys.platform.startswith("linux") else []
    if missing or "xcb" in problem:
        text += "\n" + _(
            "Qt's window system (xcb) needs libraries this machine lacks: {missing}. "
            "On Debian or Ubuntu install them with: {command}",
            lang,
            missing=", ".join(missing) or "libxcb-cursor0",
            command=XCB_INSTALL,
        )
    return text


def run(args: argparse.Namespace) -> int:
    # Imported by the handlers: `palier --help` stays instant.
    from palier.core.i18n import detect_language

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    lang = args.lang or detect_language()
    if args.step_seconds <= 0:
        raise ValueError(f"--step-seconds must be positive, got {args.step_seconds}")
    if args.pictures:
        render_gallery(out / "scenes", lang)
    if args.headless or not has_display():
        if not args.headless:
            print(
                _(
                    "palier demo: no display here (DISPLAY is not set): running the "
                    "scripted session offscreen (--headless).",
                    lang,
                )
            )
        return run_headless(out, lang, args.step_seconds, lsl=args.lsl)
    problem = qt_window_problem()
    if problem is not None:
        print(window_problem_text(problem, lang))
        return run_headless(out, lang, args.step_seconds, lsl=args.lsl)
    return run_desktop(out, lang, lsl=args.lsl)


# -- pieces shared by both modes ----------------------------------------------------------


def announce_lsl(model: Any, lang: str) -> Any:
    """Publish ``model`` on LSL and say which streams (the console's too)."""
    from palier.therapist_console.research import publish_on_lsl

    pub = publish_on_lsl(model)
    print(
        _(
            "Lab Streaming Layer: publishing {hr} (heart rate, beat by beat; "
            "SIMULATED in the demo) and {markers} (session markers)",
            lang,
            hr=pub.source_ids[0],
            markers=pub.source_ids[1],
        )
    )
    return pub


def demo_keys(out: Path) -> tuple[Path, Path]:
    """A paired engine and console key pair under ``out/keys`` (created once)."""
    # See run.
    from palier.core import keys

    engine_dir, console_dir = out / "keys" / "engine", out / "keys" / "console"
    keys.pair_on_one_machine(engine_dir, console_dir, ("demo-engine", "demo-console"))
    return engine_dir, console_dir


@dataclass
class EngineProcess:
    proc: subprocess.Popen[str]
    endpoint: str
    log_path: Path
    stdout: LineReader  # keeps the pipe drained so the engine never blocks on it

    def send(self, line: str) -> None:
        """A simulated patient action (a line of ``palier.cli.demo_engine``)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


PALIER_ENGINE = ("palier.cli", "engine")
SIMULATED_PATIENT_ENGINE = ("palier.cli.demo_engine",)
"""``palier engine`` with the simulated patient's actions on stdin (headless)."""


def start_engine(
    keys_dir: Path,
    backend: str,
    lang: str,
    log_path: Path,
    extra: tuple[str, ...] = (),
    entry: tuple[str, ...] = PALIER_ENGINE,
) -> EngineProcess:
    """The engine (``python -m ENTRY``) in a subprocess on a free loopback
    port; returns once it prints its ready line (with the endpoint)."""
    cmd = [
        sys.executable,
        "-m",
        *entry,
        "--backend",
        backend,
        "--bind",
        "tcp://127.0.0.1:0",
        "--keys",
        str(keys_dir),
        "--lang",
        lang,
        *extra,
    ]
    log_file = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w")
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log_file,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    log_file.close()
    assert proc.stdout is not None
    reader = LineReader(proc.stdout, name="demo-engine-stdout")
    line = reader.until(lambda ln: ln.startswith("palier-link ready"), ENGINE_START_S)
    if line is not None:
        parts = dict(p.split("=", 1) for p in line.split()[2:])
        return EngineProcess(proc, parts["command"], log_path, reader)
    if proc.poll() is not None:
        raise RuntimeError(
            f"the engine exited with code {proc.returncode} before it was ready; see {log_path}"
        )
    proc.kill()
    raise RuntimeError(f"the engine was not ready within {ENGINE_START_S:.0f} s; see {log_path}")


def pump(app: Any, seconds: float, until: Callable[[], object] | None = None) -> bool:
    """Run the Qt event loop for ``seconds`` or until ``until()`` holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.02)
    return until is None


def _demo_patient(patients: Any, setup: Any) -> None:
    # See run.
    from palier.therapist_console.record import DuplicatePseudonymError

    try:
        patients.create_patient("Demo-01")
    except DuplicatePseudonymError:
        patient = next(p for p in patients.patients() if p.pseudonym == "Demo-01")
        patients.choose_patient(patient.id)
    setup.refresh_patients()
    setup.choose_protocol("spiders-graded")


# -- desktop ------------------------------------------------------------------------------


def run_desktop(out: Path, lang: str, *, lsl: bool = False) -> int:
    # Qt: see run.
    from palier.therapist_console.app import MainWindow, exit_on_sigint, make_app
    from palier.therapist_console.heart_rate import SimulatedHeartRate
    from palier.therapist_console.record import SessionRecord
    from palier.therapist_console.session import ConsoleModel

    engine_keys, console_keys = demo_keys(out)
    print(_("palier demo: starting the engine (desktop simulation window)...", lang))
    engine = start_engine(engine_keys, "desktop", lang, out / "engine.log")
    record_path = out / "demo-sessions.sqlite3"
    try:
        app = make_app(language=lang)
        with SessionRecord(record_path) as record:
            model = ConsoleModel(record, language=lang)
            win = MainWindow(model, keys_dir=console_keys)
            hr = SimulatedHeartRate(model.sensors.exposure_intensity, clock=model.clock)
            model.sensors.attach_heart_rate(hr)
            hr.start()
            if lsl:
                announce_lsl(model, lang)
            _demo_patient(model.patient_plan, win.setup)
            win.show()
            win.check_interrupted()
            win.connect_engine(engine.endpoint)
            print(
                _(
                    "palier demo: engine at {endpoint}; console connected; simulated heart "
                    "rate on.\n  Tick that the engine key fingerprint matches (the demo made "
                    "both keys), press 'Start the session', then move through the steps. "
                    "Pause / safe place: F12.\n  Session record: {record}\n"
                    "  Engine log: {log}",
                    lang,
                    endpoint=engine.endpoint,
                    record=record_path.resolve(),
                    log=engine.log_path.resolve(),
                )
            )
            exit_on_sigint(app)
            code = int(app.exec())
            hr.stop()
    finally:
        engine.stop()
    print(
        _(
            "palier demo: closed. Sessions are in {record} (`palier sessions list --db {db}`).",
            lang,
            record=record_path.resolve(),
            db=record_path,
        )
    )
    return code


# -- headless -----------------------------------------------------------------------------


class DemoError(RuntimeError):
    pass


def run_headless(out: Path, lang: str, step_s: float, *, lsl: bool = False) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Qt: see run.
    from palier.core.i18n import fmt_number
    from palier.therapist_console.app import MainWindow, make_app
    from palier.therapist_console.heart_rate import SimulatedHeartRate
    from palier.therapist_console.record import SessionRecord
    from palier.therapist_console.session import ConsoleModel

    engine_keys, console_keys = demo_keys(out)
    print(_("palier demo (headless): starting an offscreen engine...", lang))
    engine = start_engine(
        engine_keys,
        "offscreen",
        lang,
        out / "engine.log",
        ("--size", DEMO_SIZE),
        SIMULATED_PATIENT_ENGINE,
    )
    record_path = out / "demo-sessions.sqlite3"
    written: list[Path] = []
    app = make_app(language=lang)
    hr: Any = None
    try:
        with SessionRecord(record_path) as record:
            model = ConsoleModel(record, language=lang)
            win = MainWindow(model, keys_dir=console_keys, ask_questions=False)
            win.resize(1600, 980)
            hr = SimulatedHeartRate(model.sensors.exposure_intensity, clock=model.clock)
            model.sensors.attach_heart_rate(hr)
            hr.start()
            if lsl:
                announce_lsl(model, lang)
            win.show()
            page = win.session_page

            def say(text: str) -> None:
                print(f"  [{fmt_fixed(model.running.elapsed_s(), '5.1f', lang)} s] {text}")

            def wait_for(cond: Callable[[], object], what: str, timeout: float = 20.0) -> None:
                if not pump(app, timeout, cond):
                    raise DemoError(
                        f"timed out after {timeout:.0f} s waiting for {what}; "
                        f"engine log: {engine.log_path}"
                    )

            def acked(kind: str, n: int = 1) -> bool:
                assert model.running.info is not None
                return (
                    sum(
                        r["status"] == "ack" and r["kind"] == kind
                        for r in model.record.rows("commands", model.running.info.id)
                    )
                    >= n
                )

            win.connect_engine(engine.endpoint)
            wait_for(lambda: model.link.is_up, "the encrypted link")
            fp = win.engine_fingerprint()
            print(
                "  "
                + _(
                    "connected to {endpoint} (engine key {fp})",
                    lang,
                    endpoint=engine.endpoint,
                    fp=fp,
                )
            )
            _demo_patient(model.patient_plan, win.setup)
            # The demo made both keys itself: the fingerprint is the engine's.
            win.setup.confirm_fingerprint.setChecked(True)
            win.start_session()
            session = model.running.info
            if session is None:
                raise DemoError(f"the session did not start: {win.setup.start_error.text()}")
            say(
                _(
                    "session {id} started with patient {patient}, protocol {protocol}",
                    lang,
                    id=session.id,
                    patient="Demo-01",
                    protocol="spiders-graded",
                )
            )

            page.hierarchy.go(0)
            wait_for(lambda: acked("load_scene"), "step 1 to load")
            engine.send("look")  # the simulated patient looks at the subject
            say(_("step {n} loaded in the headset", lang, n=1))
            pump(app, step_s)
            model.ratings.enter(20)
            say(_("SUDS {value} (said aloud, typed by the therapist)", lang, value=20))

            page.hierarchy.go_next()
            wait_for(lambda: acked("load_scene", 2), "step 2 to load")
            engine.send("look")
            say(_("step {n}", lang, n=2))
            pump(app, step_s / 2)
            step = model.running.current_step
            decl = page.controls.declaration
            if step is not None and decl is not None:
                nums = [p for p in decl.params if p.kind.value in ("float", "int")]
                if nums:
                    # One notch harder, as a therapist would nudge within a step.
                    p = nums[0]
                    now = float(step.params.get(p.name, p.default))
                    notch = p.step or (float(p.maximum or 1) - float(p.minimum or 0)) / 10
                    target = round(now + math.copysign(2 * notch, float(p.most_intense) - now), 6)
                    page.controls.change(p.name, target)
                    wait_for(lambda: acked("set_params"), "the parameter change")
                    say(
                        _(
                            "{label} {now} -> {target} {unit} ({ramp} s ramp)",
                            lang,
                            label=p.label.get(lang),
                            now=fmt_number(now, lang, 6),
                            target=fmt_number(target, lang, 6),
                            unit=p.unit,
                            ramp=fmt_number(1.5, lang),
                        )
                    )
            pump(app, step_s / 2)
            model.ratings.enter(35)
            say(_("SUDS {value} (said aloud)", lang, value=35))

            # Steps 3 and 4 went well last session (say): on to step 5, the table.
            page.hierarchy.go(4)
            wait_for(lambda: acked("load_scene", 3), "step 5 to load")
            engine.send("look")
            say(_("step {n} (the spider on the table)", lang, n=5))
            pump(app, step_s / 2)
            decl = page.controls.declaration
            if decl is not None and decl.events:
                ev = decl.events[0]
                page.controls.fire(ev.name)
                wait_for(lambda: acked("fire"), "the event")
                engine.send("look")
                say(_("event: {event}", lang, event=ev.label.get(lang)))
            pump(app, step_s / 2)
            page.suds.ask_headset()
            wait_for(lambda: acked("ask_suds"), "the rating panel")
            engine.send("input point 0.55")

            def headset_answer() -> bool:
                if any(s.source == "headset" for s in model.ratings.history):
                    return True
                engine.send("input confirm")  # the simulated patient confirms 55
                pump(app, 0.3)
                return False

            wait_for(headset_answer, "the answer in the headset")
            say(
                _("SUDS {value} (answered in the headset by the simulated patient)", lang, value=55)
            )
            pump(app, step_s)

            page.pause.toggle()
            wait_for(lambda: model.link.paused, "the pause")
            say(_("pause: the patient is in the safe place", lang))
            pump(app, step_s / 2)
            page.timeline.note.setText(_("Calm breathing in the safe place; ready to go on.", lang))
            page.timeline.add_note()
            page.pause.toggle()
            wait_for(lambda: not model.link.paused, "the resume")
            engine.send("look")
            say(_("exposure resumed; a note was added", lang))
            pump(app, step_s)
            model.ratings.enter(30)
            say(_("SUDS {value} (said aloud)", lang, value=30))
            # Let the engine's once-a-second frame statistics and the mirror catch up
            # after the scene swaps, so the screenshots show the steady state.
            pump(app, 2.5)

            # Every language shipped, the demo's own first.
            for shot_lang in (lang, *(other for other in LANGUAGES if other != lang)):
                model.language.set(shot_lang)
                pump(app, 0.3)
                path = out / f"console-{shot_lang}.png"
                save_screenshot(win, path)
                written.append(path)
            model.language.set(lang)

            # The alarms a therapist cannot miss, pictured (docs/img): the
            # patient stops the exposure...
            engine.send("input stop")
            wait_for(page.stop_alarm.isVisible, "the patient-stop alert")
            say(_("the patient stopped the exposure: the headset cut to the safe place", lang))

            def mirror_in_safe_place() -> bool:
                state = model.link.engine_state
                return (
                    state is not None
                    and state.showing == "safe_place"
                    and page.mirror.engine_frame > state.frame
                )

            wait_for(mirror_in_safe_place, "the mirror to show the safe place")
            pump(app, 0.5)
            path = out / f"console-patient-stop-{lang}.png"
            save_screenshot(win, path)
            written.append(path)
            tried = [0.0]

            def resumed() -> bool:
                # Pressed again while the link is up: on a loaded machine the
                # link may drop for a moment, and a press then sends nothing.
                if not model.link.paused:
                    return True
                if model.link.is_up and time.monotonic() - tried[0] > 2.0:
                    tried[0] = time.monotonic()
                    page.pause.toggle()
                return False

            wait_for(resumed, "the resume", 40.0)
            engine.send("look")
            pump(app, step_s)
            # ...and the link is lost: the engine process is held still (its
            # failsafe takes the patient to the safe place once it runs again).
            if hasattr(signal, "SIGSTOP"):
                engine.proc.send_signal(signal.SIGSTOP)
                try:
                    wait_for(lambda: page.link_alarm.isVisible(), "the link-lost alarm")
                    say(_("link lost (the engine is held still for a few seconds)", lang))
                    pump(app, 3.2)
                    path = out / f"console-link-lost-{lang}.png"
                    save_screenshot(win, path)
                    written.append(path)
                finally:
                    engine.proc.send_signal(signal.SIGCONT)
                wait_for(lambda: model.link.is_up, "the link to come back", 30.0)
                say(_("link back", lang))
                pump(app, 1.0)

            summary = model.end_session()
            say(
                _(
                    "session ended: {steps}, {ratings}, {pauses}",
                    lang,
                    steps=ngettext("{n} step", "{n} steps", summary.steps_reached, lang),
                    ratings=ngettext(
                        "{n} SUDS rating", "{n} SUDS ratings", summary.suds_count, lang
                    ),
                    pauses=ngettext("{n} pause", "{n} pauses", summary.pauses, lang),
                )
            )
            written += win.summary.export("pdf", out)
            written += win.summary.export("json", out)
            csvs = win.summary.export("csv", out)
            if csvs:
                written.append(csvs[0].parent)  # one folder, a CSV file per stream
            win.close()
    finally:
        if hr is not None:
            hr.stop()
        engine.stop()
        _close_if_open(record_path, lang)
    print("\n" + _("Session record (SQLite): {record}", lang, record=record_path.resolve()))
    kinds = {
        ".png": pgettext("a file the demo wrote", "console screenshot", lang),
        ".pdf": pgettext("a file the demo wrote", "PDF report", lang),
        ".json": pgettext("a file the demo wrote", "JSON export", lang),
    }
    for path in written:
        kind = kinds.get(path.suffix) or pgettext(
            "a file the demo wrote", "CSV exports (one file per stream)", lang
        )
        print(f"  {kind:<34} {path.resolve()}")
    print(
        _(
            "Engine log: {log}\nList sessions: palier sessions list --db {db}",
            lang,
            log=engine.log_path.resolve(),
            db=record_path,
        )
    )
    return 0


def _close_if_open(record_path: Path, lang: str) -> None:
    """A script that failed half-way leaves no open session behind (the next
    console would offer to resume a demo)."""
    # See run.
    from palier.therapist_console.record import SessionRecord

    with SessionRecord(record_path) as rec:
        for info in rec.interrupted_sessions():
            rec.close_interrupted(info.id)
            print(_("palier demo: closed the unfinished demo session {id}", lang, id=info.id))


# -- scene pictures -----------------------------------------------------------------------


def render_gallery(out: Path, lang: str) -> int:
    # Panda3D: see run.
    from palier.engine.shots import render_shot
    from palier.scenes import registry

    print(_("Rendering every scene offscreen (least and most intense settings).", lang))
    written = []
    for decl in registry.declarations():
        for level, values in (("least", decl.least_intense()), ("most", decl.most_intense())):
            path = out / f"{decl.id}-{level}.png"
            render_shot(decl.id, values, [], (960, 540), 3.0, path, language=lang)
            written.append(path)
            print(f"  {decl.id:<12} {level:>5} intensity -> {path}")
    print(
        ngettext(
            "{n} picture in {out}", "{n} pictures in {out}", len(written), lang, out=out.resolve()
        )
    )
    return 0
