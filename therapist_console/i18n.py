"""The console's visible strings, in English and French.

One catalogue for the whole console (model messages, report, widgets): a
dict of key -> (English, French). Scene and protocol texts do not live here;
they come in both languages from their own declarations (``scenes.api.Text``).

Keep keys dotted by area (``report.*``, ``summary.*``, ``timeline.*``,
``ui.*``); ``tests/console/test_i18n.py`` checks every entry has both
languages and the same ``{placeholders}`` in each.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"


class UnknownStringError(KeyError):
    """A key that is not in the catalogue (a bug in the caller)."""


CATALOGUE: dict[str, tuple[str, str]] = {
    # -- session record / interrupted sessions ---------------------------
    "record.interrupted.title": ("Interrupted session", "Séance interrompue"),
    "record.interrupted.body": (
        "The session with {pseudonym} started {started} was not closed "
        "(the console stopped). Resume it or close it?",
        "La séance avec {pseudonym} commencée {started} n'a pas été fermée "
        "(la console s'est arrêtée). La reprendre ou la clore ?",
    ),
    "record.interrupted.resume": ("Resume", "Reprendre"),
    "record.interrupted.close": ("Close it", "La clore"),
    # -- session status ---------------------------------------------------
    "status.open": ("open", "ouverte"),
    "status.closed": ("closed", "close"),
    "status.interrupted": ("interrupted", "interrompue"),
    # -- model messages ---------------------------------------------------
    "model.error.no_session": (
        "No session is open: choose a patient and start a session first.",
        "Aucune séance ouverte : choisir un patient et commencer une séance d'abord.",
    ),
    "model.error.no_link": (
        "Not connected to the engine: connect first (the command was not sent).",
        "Pas de connexion au moteur : se connecter d'abord (la commande n'a pas été envoyée).",
    ),
    "model.error.empty_note": ("A note cannot be empty.", "Une note ne peut pas être vide."),
    # -- timeline kinds -----------------------------------------------------
    "timeline.command": ("Command", "Commande"),
    "timeline.event": ("Event", "Événement"),
    "timeline.suds": ("SUDS", "SUDS"),
    "timeline.note": ("Note", "Note"),
    "timeline.link": ("Link", "Liaison"),
    "timeline.step": ("Step", "Palier"),
    "timeline.session": ("Session", "Séance"),
    "timeline.suggestion": ("Suggestion", "Suggestion"),
    "timeline.session.started": ("Session {id} started", "Début de la séance {id}"),
    "timeline.session.ended": ("Session {id} ended", "Fin de la séance {id}"),
    "link.up": ("connected to the engine", "connecté au moteur"),
    "link.lost": ("link to the engine lost", "liaison avec le moteur perdue"),
    "link.reconnected": ("link to the engine restored", "liaison avec le moteur rétablie"),
    "suds.source.therapist": ("said aloud", "dit à voix haute"),
    "suds.source.headset": ("in the headset", "dans le casque"),
    "command.sent": ("sent", "envoyée"),
    "command.ack": ("done", "faite"),
    "command.error": ("failed", "échouée"),
    "event.pause": ("paused (safe place)", "pause (lieu sûr)"),
    "event.resume": ("exposure resumed", "exposition reprise"),
    "event.patient_stop": ("patient asked to stop", "le patient a demandé l'arrêt"),
    "event.failsafe": ("failsafe triggered", "sécurité déclenchée"),
    "event.scene_event": ("scene event", "événement de scène"),
    "event.questionnaire": ("questionnaire", "questionnaire"),
    "event.urge": ("urge to ritualise", "envie de ritualiser"),
    "event.ritual": ("ritual or safety behaviour", "rituel ou comportement de sécurité"),
    "event.hotspot": ("hotspot", "point chaud"),
    "event.expectancy": ("expectancy", "attente"),
    "event.session_resumed": (
        "session resumed after an interruption",
        "séance reprise après une interruption",
    ),
    # -- summary ------------------------------------------------------------
    "summary.title": ("Summary", "Synthèse"),
    "summary.duration": ("Duration", "Durée"),
    "summary.steps_reached": ("Steps reached", "Paliers atteints"),
    "summary.suds_count": ("SUDS ratings", "Relevés SUDS"),
    "summary.hr_range": ("Heart rate", "Fréquence cardiaque"),
    "summary.hr_value": (
        "{low:.0f}–{high:.0f} bpm (mean {mean:.0f})",
        "{low:.0f}–{high:.0f} bpm (moyenne {mean:.0f})",
    ),
    "summary.no_data": ("no data", "aucune donnée"),
    "summary.pauses": ("Pauses (safe place)", "Pauses (lieu sûr)"),
    "summary.link_losses": ("Link losses", "Pertes de liaison"),
    "summary.col.step": ("Step", "Palier"),
    "summary.col.scene": ("Scene", "Scène"),
    "summary.col.time": ("Duration", "Durée"),
    "summary.col.expected": ("Expected", "Attendu"),
    "summary.col.peak": ("Peak", "Pic"),
    "summary.col.end": ("End", "Fin"),
    "summary.col.fall": ("Fall", "Baisse"),
    "summary.col.half": ("To half", "Vers ½"),
    "summary.col.ratings": ("Ratings", "Relevés"),
    # -- report ------------------------------------------------------------
    "report.title": ("Exposure session report", "Compte rendu de séance d'exposition"),
    "report.patient": ("Patient (pseudonym)", "Patient (pseudonyme)"),
    "report.date": ("Date", "Date"),
    "report.session": ("Session", "Séance"),
    "report.protocol": ("Protocol", "Protocole"),
    "report.language": ("Session language", "Langue de la séance"),
    "report.status": ("Status", "Statut"),
    "report.chart": (
        "SUDS and heart rate over the session",
        "SUDS et fréquence cardiaque au cours de la séance",
    ),
    "report.axis.time": ("Session time (min)", "Temps de séance (min)"),
    "report.axis.suds": ("SUDS", "SUDS"),
    "report.axis.hr": ("Heart rate (bpm)", "Fréquence cardiaque (bpm)"),
    "report.legend.suds_therapist": ("SUDS (said aloud)", "SUDS (à voix haute)"),
    "report.legend.suds_headset": ("SUDS (headset)", "SUDS (casque)"),
    "report.legend.hr": ("Heart rate (15 s mean)", "Fréquence cardiaque (moyenne 15 s)"),
    "report.legend.hr_raw": ("Heart rate, each sample", "FC, chaque mesure"),
    "report.legend.event": ("Event", "Événement"),
    "report.legend.expected": ("Expected SUDS", "SUDS attendu"),
    "report.legend.pause": ("Pause (safe place)", "Pause (lieu sûr)"),
    "report.legend.link": ("Link lost", "Liaison perdue"),
    "report.steps": ("Steps", "Paliers"),
    "report.notes": ("Notes", "Notes"),
    "report.no_notes": ("No notes.", "Aucune note."),
    "report.events": ("Events", "Événements"),
    "report.questionnaires": ("Questionnaires", "Questionnaires"),
    "report.phase.pre": ("before", "avant"),
    "report.phase.post": ("after", "après"),
    "report.erp": ("Urges and rituals (ERP)", "Envies et rituels (EPR)"),
    "report.hotspots": ("Hotspots", "Points chauds"),
    "report.expectancies": ("Expectancies (inhibitory learning)",
                            "Attentes (apprentissage inhibiteur)"),
    "report.expectancy.before": ("Feared: “{fear}” ({pct}% likely).",
                                 "Crainte : « {fear} » ({pct} % probable)."),
    "report.expectancy.after": ("Observed: {outcome} ({occurred}); now {pct}% "
                                "(belief change {change} points).",
                                "Observé : {outcome} ({occurred}) ; maintenant {pct} % "
                                "(croyance {change} points)."),
    "report.expectancy.occurred.True": ("it happened", "c'est arrivé"),
    "report.expectancy.occurred.False": ("it did not happen", "ce n'est pas arrivé"),
    "report.page": ("Page {page} of {pages}", "Page {page} sur {pages}"),
    "report.generated": (
        "Generated by Palier {version} on {date}. Pseudonymous record: no real name.",
        "Produit par Palier {version} le {date}. Dossier pseudonymisé : aucun nom réel.",
    ),
    "report.footer": (
        "Palier session report — {pseudonym} — session {session}",
        "Compte rendu Palier — {pseudonym} — séance {session}",
    ),
    "report.suds_by_step": ("SUDS by step", "SUDS par palier"),
    "report.no_suds": ("No SUDS rating recorded.", "Aucun SUDS enregistré."),
    "report.not_reached": ("—", "—"),
    "report.more_notes": ("(continued)", "(suite)"),
    "lang.en": ("English", "anglais"),
    "lang.fr": ("French", "français"),
}


def tr(key: str, lang: str = DEFAULT_LANGUAGE, /, **fmt: Any) -> str:
    """The string ``key`` in ``lang`` ('en' or 'fr'), formatted with ``fmt``."""
    try:
        en, fr = CATALOGUE[key]
    except KeyError:
        raise UnknownStringError(f"no console string {key!r} in therapist_console.i18n") from None
    text = fr if lang == "fr" else en
    return text.format(**fmt) if fmt else text


def colon(lang: str) -> str:
    """': ' in English, ' : ' in French (a space before the colon)."""
    return " : " if lang == "fr" else ": "


def language_from_locale_name(name: str | None) -> str:
    """'fr' for any French locale name (fr, fr_FR.UTF-8, fr-CA, French_France), else 'en'."""
    if not name:
        return DEFAULT_LANGUAGE
    lowered = name.strip().lower()
    if lowered.startswith("fr") or lowered.startswith("french"):
        return "fr"
    return DEFAULT_LANGUAGE


def detect_language(environ: Mapping[str, str] | None = None) -> str:
    """The console language from the system locale: 'fr' or 'en'.

    Follows the POSIX precedence (LC_ALL, LC_MESSAGES, LANG, then LANGUAGE's
    first entry), then the C library's locale (Windows, macOS). English when
    nothing says French.
    """
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return language_from_locale_name(value)
    language = env.get("LANGUAGE")
    if language:
        return language_from_locale_name(language.split(":")[0])
    if environ is not None:
        return DEFAULT_LANGUAGE
    try:
        name = locale.getlocale()[0]
    except ValueError:
        name = None
    return language_from_locale_name(name)
