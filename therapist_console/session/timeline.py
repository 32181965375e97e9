"""The session timeline: every step, command, event, rating, note, link
change and suggestion, in time order, each line readable in both languages."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from palier.core.i18n import N_, Message, _, colon, fmt_number, lazy_pgettext, pgettext
from palier.protocols.erp import RITUAL_KINDS
from palier.scenes.api import ParamSpec, SceneDecl
from palier.therapist_console.record import SessionInfo, SessionRecord, StepRow
from palier.therapist_console.session.base import Signal
from palier.therapist_console.summary import label_text

log = logging.getLogger(__name__)

TIMELINE_KINDS = ("session", "step", "command", "event", "suds", "note", "link", "suggestion")

Detail = Mapping[str, object]
"""What a timeline line carries (JSON-like, as the record stores it)."""

DeclLookup = Callable[[str | None], SceneDecl | None]
"""scene id (None: the current step's) -> its ``SceneDecl``, or None if unknown."""

SUDS_SOURCES: dict[str, Message] = {
    "therapist": N_("said aloud"),
    "headset": N_("in the headset"),
}
"""Who gave a SUDS rating, as the timeline and the SUDS panel say it."""

_LINK_TEXTS = {
    "up": N_("connected to the engine"),
    "lost": N_("link to the engine lost"),
    "reconnected": N_("link to the engine restored"),
}
FORGOTTEN_LOST = N_("the engine had forgotten this console; saying hello again")
FORGOTTEN_BACK = N_(
    "the engine had forgotten this console; it said hello again and is back in sync"
)
_LINK_DETAILS = {m.msgid: m for m in (FORGOTTEN_LOST, FORGOTTEN_BACK)}
"""Link details the console itself words: recorded in English (the msgid),
shown in the reader's language."""
_NAMED_EVENTS = {
    "pause": N_("paused (safe place)"),
    "resume": N_("exposure resumed"),
    "patient_stop": N_("patient asked to stop"),
    "failsafe": N_("failsafe triggered"),
    "recenter": N_("view turned to face the scene"),
    "questionnaire": N_("questionnaire"),
    "urge": N_("urge to ritualise"),
    "ritual": N_("ritual or safety behaviour"),
    "hotspot": N_("hotspot"),
    "expectancy": N_("expectancy"),
    "hierarchy": N_("new hierarchy version"),
}
_SESSION_TEXTS = {
    "started": N_("Session {id} started"),
    "ended": N_("Session {id} ended"),
}
_REFUSALS: dict[str, Message] = {
    "bad_message": N_("the engine could not read it"),
    "unknown_subject": N_("the engine does not know this command"),
    "version_mismatch": N_("the engine speaks another protocol version"),
    "invalid_field": N_("a value was not valid"),
    "unknown_scene": N_("the engine has no such scene"),
    "unknown_parameter": N_("the scene has no such setting"),
    "bad_value": N_("a value was out of range or not allowed"),
    "unknown_event": N_("the scene has no such event"),
    "not_allowed": N_("not allowed now (for example while paused)"),
    "busy": N_("the engine is busy with another request"),
    "internal": N_("the engine failed to carry it out"),
    "timeout": N_("no answer in time; the engine's next state shows whether it applied"),
    "link_down": N_("no link to the engine"),
}
"""Why a command failed, by the engine's error code or the link's failure,
in the console's language (the engine's English detail is in the record)."""
_COMMAND_TEXTS = {
    "pause": N_("Pause — safe place"),
    "resume": N_("Exposure resumed"),
    "ask_suds": N_("SUDS asked in the headset"),
    "recenter": N_("Recenter the patient's view"),
}
ON_OFF = {
    True: lazy_pgettext("parameter value", "on"),
    False: lazy_pgettext("parameter value", "off"),
}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the session timeline. ``text(lang)`` renders it."""

    t: float
    elapsed_s: float
    kind: str
    """One of TIMELINE_KINDS."""
    name: str
    detail: Detail = field(default_factory=dict)
    record_id: int | None = None

    def text(self, lang: str, decl_for: DeclLookup | None = None) -> str:
        """The line as a therapist reads it, in ``lang``. ``decl_for(scene_id)``
        gives a scene's declaration (``scene_id`` None means the current
        step's scene): scene, parameter and event names then come from the
        declaration's own labels, with units."""
        d = self.detail
        if self.kind == "suds":
            src = SUDS_SOURCES[str(d.get("source", "therapist"))].get(lang)
            return f"SUDS {d.get('value')} ({src})"
        if self.kind == "note":
            return str(d.get("text", ""))
        if self.kind == "link":
            text = _LINK_TEXTS[self.name].get(lang)
            detail = str(d.get("detail") or "")
            known = _LINK_DETAILS.get(detail)
            if known is not None:
                detail = known.get(lang)
            return f"{text}{colon(lang)}{detail}" if detail else text
        if self.kind == "step":
            label = label_text(d.get("label"), lang) or self.name
            return f"{_('Step', lang)} {_int(d.get('index')) + 1}{colon(lang)}{label}"
        if self.kind == "command":
            return describe_command(self.name, d, lang, decl_for)
        if self.kind == "event":
            if self.name == "session" and d.get("name") == "resumed_after_interruption":
                return _("session resumed after an interruption", lang)
            if self.name == "scene_event":
                decl = _lookup(decl_for, d.get("scene"))
                name = str(d.get("event") or d.get("name") or "")
                label = _event_label(decl, name, lang)
                options = describe_options(decl, name, _map(d.get("options")), lang)
                if options:
                    label = f"{label} ({options})"
                base = _("scene event", lang)
                return f"{base}{colon(lang)}{label}" if label else base
            if self.name == "ritual":
                return describe_ritual(d, lang)
            if self.name == "hotspot":
                return describe_hotspot(d, lang, decl_for)
            if self.name == "contact":
                decl = _lookup(decl_for, d.get("scene"))
                surface = str(d.get("surface") or d.get("name") or "")
                # TRANSLATORS: a contact event: the patient's hand touched a
                # surface of the scene (tap, door handle...) for some seconds.
                return _(
                    "Touched: {surface} ({seconds} s)",
                    lang,
                    surface=surface_label(decl, surface, lang),
                    seconds=fmt_number(_float(d.get("duration_s")), lang, 1),
                )
            if self.name == "heart_rate_alarm":
                if d.get("name") == "settings":
                    if not d.get("enabled"):
                        return _("heart-rate alarm off", lang)
                    return _(
                        "heart-rate alarm: ceiling {ceiling} bpm, sustained for {seconds} s",
                        lang,
                        ceiling=fmt_number(_float(d.get("ceiling")), lang, 0),
                        seconds=fmt_number(_float(d.get("sustain_s")), lang, 0),
                    )
                if d.get("raised"):
                    return _(
                        "heart-rate alarm: {bpm} bpm, above the ceiling of {ceiling} bpm "
                        "for {seconds} s",
                        lang,
                        bpm=fmt_number(_float(d.get("bpm")), lang, 0),
                        ceiling=fmt_number(_float(d.get("ceiling")), lang, 0),
                        seconds=fmt_number(_float(d.get("since_s")), lang, 0),
                    )
                return _("heart rate back below the alarm ceiling", lang)
            if self.name in _NAMED_EVENTS:
                base = _NAMED_EVENTS[self.name].get(lang)
                named = d.get("label") or d.get("event") or ""
                return f"{base}{colon(lang)}{named}" if named else base
            return f"{self.name}{colon(lang)}{d.get('name') or ''}".rstrip(": ")
        if self.kind == "session":
            return _SESSION_TEXTS[self.name].format(id=d.get("id", "")).get(lang)
        return str(d.get("text") or self.name)

    def raw(self) -> str:
        """The command or event as recorded (kind, arguments, status): the
        tooltip under the translated sentence."""
        d = self.detail
        if self.kind != "command":
            return f"{self.kind} {self.name} {dict(d)}"
        args = _map(d.get("args"))
        brief = ", ".join(f"{k}={v}" for k, v in args.items())
        error = f": {d['error']}" if d.get("error") else ""
        return f"{self.name}({brief}) → {d.get('status', 'sent')}{error}"


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float | str) else 0


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float | str) else 0.0


def _map(value: object) -> dict[str, object]:
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _lookup(decl_for: DeclLookup | None, scene: object) -> SceneDecl | None:
    if decl_for is None:
        return None
    try:
        return decl_for(None if scene is None else str(scene))
    except Exception:  # a missing declaration only costs the nice labels
        log.debug("no declaration for scene %r", scene, exc_info=True)
        return None


def _event_label(decl: SceneDecl | None, name: str, lang: str) -> str:
    if decl is not None and name:
        try:
            return str(decl.event(name).label.get(lang))
        except (ValueError, KeyError, AttributeError):
            pass
    return name.replace("_", " ")


def describe_ritual(d: Detail, lang: str) -> str:
    """``Ritual resisted: washing or cleaning`` (with the therapist's words
    when they typed any)."""
    ritual = d.get("ritual")
    what = str(d.get("what") or "")
    if isinstance(ritual, str) and ritual in RITUAL_KINDS:
        label = RITUAL_KINDS[ritual].get(lang)
        if what and what != ritual:
            label = f"{label} — {what}"
    else:
        label = what
    if d.get("resisted"):
        return _("Ritual resisted: {what}", lang, what=label)
    return _("Ritual performed: {what}", lang, what=label)


def describe_hotspot(d: Detail, lang: str, decl_for: DeclLookup | None = None) -> str:
    """``Hotspot, SUDS 80: the screech — last event before: Siren, 4 s earlier``:
    the record stores the event before the hotspot, not what brought it on."""
    text = _NAMED_EVENTS["hotspot"].get(lang)
    if d.get("suds") is not None:
        text += f", SUDS {d.get('suds')}"
    note = str(d.get("label") or "")
    if note:
        text += f"{colon(lang)}{note}"
    after = _map(d.get("after"))
    if after:
        decl = _lookup(decl_for, after.get("scene"))
        name = str(after.get("name") or "")
        label = (
            surface_label(decl, name, lang)
            if after.get("kind") == "contact"
            else _event_label(decl, name, lang)
        )
        # TRANSLATORS: after a hotspot: the last event the record holds before
        # it and how long before; nothing says it brought the distress on.
        text += " — " + _(
            "last event before: {event}, {seconds} s earlier",
            lang,
            event=label,
            seconds=fmt_number(_float(after.get("lag_s")), lang, 0),
        )
    return text


def surface_label(decl: SceneDecl | None, name: str, lang: str) -> str:
    """A touched surface by its declared label (its name when the scene is unknown)."""
    if decl is not None and name:
        try:
            return str(decl.surface(name).label.get(lang))
        except (ValueError, KeyError, AttributeError):
            pass
    return name.replace("_", " ")


def describe_options(
    decl: SceneDecl | None, event: str, options: Mapping[str, object], lang: str
) -> str:
    """A fired event's options by their declared labels and units
    (``Distance 2 m, Side left``); empty when it had none."""
    specs: dict[str, ParamSpec] = {}
    if decl is not None and event:
        try:
            specs = {o.name: o for o in decl.event(event).options}
        except (ValueError, KeyError, AttributeError):
            specs = {}
    parts = []
    for name, value in options.items():
        spec = specs.get(name)
        label = str(spec.label.get(lang)) if spec is not None else name.replace("_", " ")
        parts.append(f"{label} {describe_value(spec, value, lang)}")
    return ", ".join(parts)


def describe_value(spec: ParamSpec | None, value: object, lang: str) -> str:
    """A parameter value as the therapist sees it: choice labels, on/off,
    numbers in the language's format with the declared unit."""
    if spec is None:
        if isinstance(value, bool):
            return ON_OFF[value].get(lang)
        if isinstance(value, int | float):
            return fmt_number(value, lang)
        return str(value)
    kind = spec.kind.value
    if kind == "choice":
        for c in spec.choices:
            if c.value == value:
                return str(c.label.get(lang))
        return str(value)
    if kind == "bool" or isinstance(value, bool):
        return ON_OFF[bool(value)].get(lang)
    try:
        number = float(str(value)) if kind == "float" else value
        text = fmt_number(number, lang) if isinstance(number, int | float) else str(value)
    except ValueError:
        text = str(value)
    return f"{text} {spec.unit}" if spec.unit else text


def describe_command(
    kind: str, detail: Detail, lang: str, decl_for: DeclLookup | None = None
) -> str:
    """A command line of the timeline as a sentence: the status first (✓ done,
    ✗ refused with the engine's message, … sent), then what it did, named by
    the scene declaration's labels (``Distance 2 → 1.9 m (ramp 1.5 s)``)."""
    args = _map(detail.get("args"))
    status = str(detail.get("status", "sent"))
    scene = args.get("scene") if kind == "load_scene" else detail.get("scene")
    decl = _lookup(decl_for, scene)
    if kind == "load_scene":
        name = str(decl.name.get(lang)) if decl is not None else str(args.get("scene", ""))
        what = (
            _("Loading scene: {scene}", lang, scene=name)
            if status == "sent"
            else _("Scene loaded: {scene}", lang, scene=name)
        )
    elif kind == "set_params":
        before = _map(detail.get("before"))
        changes = []
        for pname, value in _map(args.get("params")).items():
            spec = None
            if decl is not None:
                try:
                    spec = decl.param(pname)
                except (ValueError, KeyError):
                    spec = None
            label = str(spec.label.get(lang)) if spec is not None else pname
            new = describe_value(spec, value, lang)
            if pname in before:
                old = describe_value(spec, before[pname], lang)
                if spec is not None and spec.unit and old.endswith(f" {spec.unit}"):
                    old = old[: -len(spec.unit) - 1]
                changes.append(f"{label} {old} → {new}")
            else:
                changes.append(f"{label} → {new}")
        ramp = _float(args.get("ramp_s"))
        joined = ", ".join(changes)
        what = (
            _("{changes} (ramp {ramp} s)", lang, changes=joined, ramp=fmt_number(ramp, lang))
            if ramp > 0
            else joined
        )
    elif kind == "fire":
        event = str(args.get("event", ""))
        label = _event_label(decl, event, lang)
        options = describe_options(decl, event, _map(args.get("options")), lang)
        if options:
            label = f"{label} ({options})"
        what = (
            _("Triggering event: {event}", lang, event=label)
            if status == "sent"
            else _("Event triggered: {event}", lang, event=label)
        )
    elif kind in _COMMAND_TEXTS:
        what = _COMMAND_TEXTS[kind].get(lang)
    else:
        what = _("Command {name}", lang, name=kind)
    if status == "ack":
        return f"✓ {what}"
    if status == "error":
        reason = _REFUSALS.get(str(detail.get("reason") or ""))
        # Older records have only the engine's text: shown as it is.
        error = reason.get(lang) if reason is not None else str(detail.get("error") or "")
        refused = pgettext("command status", "refused", lang)
        return f"✗ {what} — {refused}{colon(lang)}{error}" if error else f"✗ {what} — {refused}"
    return f"… {what}"


class TimelineEvents:
    def __init__(self) -> None:
        self.entry: Signal[TimelineEntry] = Signal("timeline")
        """A line was added."""


class Timeline:
    """The lines of the session now shown (empty before a session)."""

    def __init__(self) -> None:
        self.entries: list[TimelineEntry] = []
        self.started_at: float | None = None
        """Console time the session started (elapsed times count from it)."""
        self.events = TimelineEvents()

    def elapsed_at(self, t: float) -> float:
        return 0.0 if self.started_at is None else t - self.started_at

    def reset(self, started_at: float | None) -> None:
        """A new session (or none): no lines yet; nothing is emitted (the
        session's own signal tells widgets to redraw)."""
        self.entries = []
        self.started_at = started_at

    def add(
        self, t: float, kind: str, name: str, detail: Detail, record_id: int | None = None
    ) -> TimelineEntry:
        entry = TimelineEntry(t, self.elapsed_at(t), kind, name, dict(detail), record_id)
        self.entries.append(entry)
        self.events.entry.emit(entry)
        return entry

    def has(self, kind: str, record_id: int) -> bool:
        return any(e.kind == kind and e.record_id == record_id for e in self.entries)

    def load(self, record: SessionRecord, session: SessionInfo, steps: list[StepRow]) -> None:
        """Rebuild the lines of a session from its record (a resumed session)."""
        sid = session.id
        t0 = session.started_at
        self.started_at = t0
        by_row = {s.id: s for s in steps}
        entries: list[TimelineEntry] = []
        for st in steps:
            entries.append(
                TimelineEntry(
                    st.started_at,
                    st.started_at - t0,
                    "step",
                    st.step_key,
                    {"index": st.step_index, "label": st.label, "scene": st.scene},
                    st.id,
                )
            )
        for s in record.suds(sid):
            entries.append(
                TimelineEntry(
                    s.t, s.t - t0, "suds", s.source, {"value": s.value, "source": s.source}, s.id
                )
            )
        for r in record.rows("notes", sid):
            entries.append(
                TimelineEntry(r["t"], r["t"] - t0, "note", "note", {"text": r["text"]}, r["id"])
            )
        for r in record.rows("events", sid):
            entries.append(
                TimelineEntry(
                    r["t"],
                    r["t"] - t0,
                    "event",
                    r["kind"],
                    {**_loads(r["detail"]), "name": r["name"]},
                    r["id"],
                )
            )
        for r in record.rows("commands", sid):
            step_row = by_row.get(r["step_id"])
            entries.append(
                TimelineEntry(
                    r["t"],
                    r["t"] - t0,
                    "command",
                    r["kind"],
                    {
                        "args": _loads(r["args"]),
                        "status": r["status"],
                        "error": r["error"],
                        "scene": step_row.scene if step_row is not None else None,
                    },
                    r["id"],
                )
            )
        for r in record.rows("link_events", sid):
            entries.append(
                TimelineEntry(
                    r["t"], r["t"] - t0, "link", r["kind"], {"detail": r["detail"]}, r["id"]
                )
            )
        entries.extend(_clinical_log_lines(record, sid, t0))
        entries.sort(key=lambda e: e.t)
        self.entries = entries


def _clinical_log_lines(record: SessionRecord, sid: int, t0: float) -> list[TimelineEntry]:
    """Urges, rituals and hotspots of a resumed session, as the ClinicalLog
    part shows them when they are logged."""
    out: list[TimelineEntry] = []
    for r in record.rows("erp_urges", sid):
        detail = {"value": r["value"], "label": str(r["value"])}
        out.append(TimelineEntry(r["t"], r["t"] - t0, "event", "urge", detail, r["id"]))
    for r in record.rows("erp_rituals", sid):
        what = str(r["what"]).strip()
        detail = {
            "what": what,
            "resisted": bool(r["resisted"]),
            "kind": r["kind"],
            "ritual": r.get("ritual"),
            "label": what,
        }
        out.append(TimelineEntry(r["t"], r["t"] - t0, "event", "ritual", detail, r["id"]))
    events = {e["id"]: e for e in record.rows("events", sid)}
    for r in record.rows("hotspots", sid):
        hot: dict[str, object] = {"suds": r["suds"], "label": r["note"]}
        before = events.get(r.get("event_id"))
        if before is not None:
            hot["after"] = {
                "kind": before["kind"],
                "name": before["name"],
                "scene": _loads(before["detail"]).get("scene"),
                "lag_s": round(r["t"] - before["t"], 3),
            }
        out.append(TimelineEntry(r["t"], r["t"] - t0, "event", "hotspot", hot, r["id"]))
    return out


def _loads(text: str | None) -> dict[str, object]:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {"value": value}
