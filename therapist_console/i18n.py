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
from typing import Any, TypeVar

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
E = TypeVar("E", bound=BaseException)


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
    "record.interrupted.later": ("Later", "Plus tard"),
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
    "model.error.session_open_patient": (
        "End the current session before choosing another patient.",
        "Terminer la séance en cours avant de choisir un autre patient.",
    ),
    "model.error.plan_fixed": (
        "The plan is fixed once the session has started.",
        "Le plan ne change plus une fois la séance commencée.",
    ),
    "model.error.plan_empty": (
        "The hierarchy has no step: add steps to the patient's hierarchy.",
        "La hiérarchie n'a aucun palier : ajouter des paliers à la hiérarchie du patient.",
    ),
    "model.error.no_patient": (
        "Choose or create a patient (pseudonym) before starting.",
        "Choisir ou créer un patient (pseudonyme) avant de commencer.",
    ),
    "model.error.still_open": (
        "Session {id} is still open: end it first.",
        "La séance {id} est encore ouverte : la terminer d'abord.",
    ),
    "model.error.no_step_expectancy": (
        "Move to a step before recording its expectancy.",
        "Aller à un palier avant d'en noter l'attente.",
    ),
    "model.error.no_expectancy": (
        "No expectancy {id} in this session.",
        "Aucune attente n°{id} dans cette séance.",
    ),
    "model.error.step_not_in_plan": (
        "Step {step} is not in this session's plan.",
        "Le palier {step} n'est pas dans le plan de cette séance.",
    ),
    "model.error.unknown_scene": (
        "Scene {scene} is unknown here.",
        "La scène {scene} est inconnue ici.",
    ),
    "model.error.no_plan": (
        "No hierarchy chosen for this session.",
        "Aucune hiérarchie choisie pour cette séance.",
    ),
    "model.error.no_such_step": (
        "Step {n} does not exist: the hierarchy has {count} steps.",
        "Le palier {n} n'existe pas : la hiérarchie a {count} paliers.",
    ),
    "model.error.no_param": ("No parameter to change.", "Aucun paramètre à modifier."),
    "model.error.bad_param": (
        "Not sent, nothing changed: {detail}",
        "Non envoyé, rien n'a changé : {detail}",
    ),
    "model.error.not_sent": (
        "The command was not sent ({kind}): {error}",
        "La commande n'a pas été envoyée ({kind}) : {error}",
    ),
    "model.error.reminder_range": (
        "The SUDS reminder interval must be 0.5 to 60 minutes.",
        "L'intervalle de rappel SUDS doit être de 0,5 à 60 minutes.",
    ),
    "record.error.duplicate_pseudonym": (
        "A patient with the pseudonym {pseudonym} already exists: choose them from the list "
        "or pick another pseudonym.",
        "Un patient avec le pseudonyme {pseudonym} existe déjà : le choisir dans la liste "
        "ou prendre un autre pseudonyme.",
    ),
    "record.error.no_pseudonym": (
        "A patient needs a pseudonym (any non-empty label; never a real name).",
        "Un patient doit avoir un pseudonyme (un libellé non vide ; jamais un nom réel).",
    ),
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
    "command.refused": ("refused", "refusée"),
    "command.load_scene": ("Scene loaded: {scene}", "Scène chargée : {scene}"),
    "command.load_scene.sent": ("Loading scene: {scene}", "Chargement de la scène : {scene}"),
    "command.set_params": ("{changes} (ramp {ramp} s)", "{changes} (rampe {ramp} s)"),
    "command.set_params.now": ("{changes}", "{changes}"),
    "command.fire": ("Event triggered: {event}", "Événement déclenché : {event}"),
    "command.fire.sent": ("Triggering event: {event}", "Déclenchement de l'événement : {event}"),
    "command.pause": ("Pause — safe place", "Pause — lieu sûr"),
    "command.resume": ("Exposure resumed", "Exposition reprise"),
    "command.ask_suds": ("SUDS asked in the headset", "SUDS demandé dans le casque"),
    "command.other": ("Command {name}", "Commande {name}"),
    "value.on": ("on", "activé"),
    "value.off": ("off", "désactivé"),
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
    "report.change": (
        "vs #{session}: peak {peak0}→{peak1} ({dpeak}), end {end0}→{end1} ({dend})",
        "vs n°{session} : pic {peak0}→{peak1} ({dpeak}), fin {end0}→{end1} ({dend})",
    ),
    "report.erp": ("Urges and rituals (ERP)", "Envies et rituels (EPR)"),
    "report.hotspots": ("Hotspots", "Points chauds"),
    "report.expectancies": (
        "Expectancies (inhibitory learning)",
        "Attentes (apprentissage inhibiteur)",
    ),
    "report.expectancy.before": (
        "Feared: “{fear}” ({pct}% likely).",
        "Crainte : « {fear} » ({pct} % probable).",
    ),
    "report.expectancy.after": (
        "Observed: {outcome} ({occurred}); now {pct}% (belief change {change} points).",
        "Observé : {outcome} ({occurred}) ; maintenant {pct} % (croyance {change} points).",
    ),
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
    # -- console widgets (therapist_console/app.py, widgets/) ---------------
    "ui.window.title": ("Palier — therapist console", "Palier — console du thérapeute"),
    "ui.link.up": ("Engine connected", "Moteur connecté"),
    "ui.link.lost": ("Link lost — reconnecting", "Liaison perdue — reconnexion"),
    "ui.link.disconnected": ("Not connected", "Non connecté"),
    "ui.link.connecting": ("Connecting…", "Connexion…"),
    "ui.link.address": (
        "{endpoint} · engine key {fingerprint}",
        "{endpoint} · clé du moteur {fingerprint}",
    ),
    "ui.link.none": ("no engine chosen", "aucun moteur choisi"),
    "ui.bar.patient": ("Patient: {pseudonym}", "Patient : {pseudonym}"),
    "ui.bar.session": ("Session {t}", "Séance {t}"),
    "ui.bar.step": ("Step {n}: {t}", "Palier {n} : {t}"),
    "ui.bar.smooth.good": ("headset display: smooth", "affichage du casque : fluide"),
    "ui.bar.smooth.uneven": ("headset display: uneven", "affichage du casque : irrégulier"),
    "ui.bar.smooth.poor": ("headset display: jerky", "affichage du casque : saccadé"),
    "ui.bar.frames": (
        "Engine frame time: median {median} ms, 99th percentile {p99} ms.",
        "Temps d'image du moteur : médiane {median} ms, 99e centile {p99} ms.",
    ),
    "ui.setup.engine": ("Engine (headset PC)", "Moteur (PC du casque)"),
    "ui.setup.connect": ("Connect", "Se connecter"),
    "ui.setup.fingerprint": (
        "Trusted engine key fingerprint: {fingerprint}",
        "Empreinte de la clé du moteur de confiance : {fingerprint}",
    ),
    "ui.setup.fingerprint_missing": (
        "No trusted engine key: {error}. Pair this console with the engine first "
        "(`palier keys init`, then `palier keys allow`).",
        "Aucune clé de moteur de confiance : {error}. Appairer d'abord cette console avec "
        "le moteur (`palier keys init`, puis `palier keys allow`).",
    ),
    "ui.setup.fingerprint_confirm": (
        "It matches the fingerprint shown on the headset PC (`palier keys show`)",
        "Elle est identique à l'empreinte affichée sur le PC du casque (`palier keys show`)",
    ),
    "ui.setup.fingerprint_unconfirmed": (
        "Confirm the engine key fingerprint first (compare it with `palier keys show` on "
        "the headset PC).",
        "Confirmer d'abord l'empreinte de la clé du moteur (la comparer avec "
        "`palier keys show` sur le PC du casque).",
    ),
    "ui.setup.patient_notes_hint": (
        "Notes for this new patient (optional; no real name)",
        "Notes sur ce nouveau patient (facultatif ; pas de nom réel)",
    ),
    "ui.setup.connect_failed": (
        "Cannot connect: {error}. Pair this console with the engine first "
        "(`palier keys init`, then `palier keys allow`).",
        "Connexion impossible : {error}. Appairer d'abord cette console avec le moteur "
        "(`palier keys init`, puis `palier keys allow`).",
    ),
    "ui.setup.patient": ("Patient (pseudonym only)", "Patient (pseudonyme seulement)"),
    "ui.setup.pseudonym_hint": (
        "New pseudonym, e.g. P-017 (no real name)",
        "Nouveau pseudonyme, ex. P-017 (pas de nom réel)",
    ),
    "ui.setup.create": ("Create", "Créer"),
    "ui.setup.protocol": ("Protocol and hierarchy", "Protocole et hiérarchie"),
    "ui.setup.ladder_new": (
        "New hierarchy from the protocol",
        "Nouvelle hiérarchie tirée du protocole",
    ),
    "ui.setup.ladder_version": ("{title} (version {version})", "{title} (version {version})"),
    "ui.setup.questionnaire": (
        "Pre-session questionnaire (SSQ)…",
        "Questionnaire avant la séance (SSQ)…",
    ),
    "ui.setup.questionnaire_none": (
        "No pre-session questionnaire (optional).",
        "Pas de questionnaire avant la séance (facultatif).",
    ),
    "ui.setup.start": ("Start the session", "Commencer la séance"),
    "ui.setup.protocols_broken": (
        "{n} protocol file(s) left out because of errors (first: {where}); "
        "`{check} FILE` says what to fix.",
        "{n} fichier(s) de protocole écarté(s) pour erreurs (premier : {where}) ; "
        "`{check} FICHIER` indique quoi corriger.",
    ),
    "ui.questionnaire.incomplete": (
        "Please answer every item ({detail}).",
        "Répondre à chaque question ({detail}).",
    ),
    "ui.hierarchy.title": ("Hierarchy", "Hiérarchie"),
    "ui.hierarchy.expected": ("expected SUDS", "SUDS attendu"),
    "ui.hierarchy.go": ("Go to this step", "Aller à ce palier"),
    "ui.hierarchy.next": ("Next step", "Palier suivant"),
    "ui.hierarchy.end_rating": (
        "No SUDS was taken at the end of this step. Move on anyway?",
        "Aucun SUDS n'a été relevé en fin de palier. Changer de palier quand même ?",
    ),
    "ui.suggestion.take": ("Take", "Accepter"),
    "ui.suggestion.decline": ("Not now", "Pas maintenant"),
    "ui.controls.title": ("Scene", "Scène"),
    "ui.controls.none": (
        "Go to a step of the hierarchy to load its scene.",
        "Aller à un palier de la hiérarchie pour charger sa scène.",
    ),
    "ui.controls.events": ("Events", "Événements"),
    "ui.controls.on": ("on", "activé"),
    "ui.mirror.waiting": ("Waiting for the patient's view…", "En attente de la vue du patient…"),
    "ui.mirror.paused": ("Patient in the safe place", "Patient dans le lieu sûr"),
    "ui.pause.pause": ("Pause — safe place", "Pause — lieu sûr"),
    "ui.pause.resume": ("Resume exposure", "Reprendre l'exposition"),
    "ui.suds.title": ("SUDS (0–100)", "SUDS (0–100)"),
    "ui.suds.record": ("Record", "Enregistrer"),
    "ui.suds.ask": ("Ask in headset", "Demander dans le casque"),
    "ui.suds.later": ("Later", "Plus tard"),
    "ui.suds.interval": ("Remind every", "Rappel toutes les"),
    "ui.suds.interval_unit": (" min", " min"),
    "ui.suds.interval_help": (
        "A gentle reminder appears when no SUDS was taken for this long.",
        "Un rappel discret apparaît si aucun SUDS n'a été relevé depuis ce délai.",
    ),
    "ui.warning.dismiss": ("Dismiss", "Masquer"),
    "ui.planned.due": (
        "Planned event due: {event}. Fire it when the patient is ready.",
        "Événement prévu : {event}. Le déclencher quand le patient est prêt.",
    ),
    "ui.planned.fire": ("Fire now", "Déclencher"),
    "ui.suds.last": ("Last rating: {value} ({source})", "Dernier relevé : {value} ({source})"),
    "ui.suds.none_yet": ("No rating yet in this session.", "Aucun relevé dans cette séance."),
    "ui.suds.invalid": (
        "Type a whole number from 0 to 100.",
        "Saisir un nombre entier de 0 à 100.",
    ),
    "ui.suds.asked": (
        "The rating panel is shown in the headset; the answer will appear here.",
        "Le panneau de notation est affiché dans le casque ; la réponse apparaîtra ici.",
    ),
    "ui.chart.title": ("Heart rate and SUDS", "Fréquence cardiaque et SUDS"),
    "ui.chart.hr": ("Heart rate (bpm)", "Fréquence cardiaque (bpm)"),
    "ui.timeline.title": ("Timeline and notes", "Chronologie et notes"),
    "ui.timeline.note_hint": ("Type a note and press Enter", "Saisir une note puis Entrée"),
    "ui.timeline.add_note": ("Add note", "Ajouter"),
    "ui.timeline.col.time": ("Time", "Temps"),
    "ui.timeline.col.kind": ("Kind", "Type"),
    "ui.timeline.col.what": ("What happened", "Ce qui s'est passé"),
    "ui.session.end": ("End the session", "Terminer la séance"),
    "ui.session.end_confirm": (
        "End the session now? The record is closed and the summary shown.",
        "Terminer la séance maintenant ? Le dossier est clos et la synthèse affichée.",
    ),
    "ui.summary.csv": ("Export CSV", "Exporter en CSV"),
    "ui.summary.json": ("Export JSON", "Exporter en JSON"),
    "ui.summary.pdf": ("PDF report", "Compte rendu PDF"),
    "ui.summary.new": ("New session", "Nouvelle séance"),
    "ui.summary.where": ("Export to folder", "Exporter dans le dossier"),
    "ui.summary.written": ("{n} file(s) written: {where}", "{n} fichier(s) écrit(s) : {where}"),
    "ui.summary.failed": ("Export failed: {error}", "Échec de l'export : {error}"),
    # -- summary facts, step explanations, session numbers ---------------
    "summary.fall.explain": (
        "{fall}: peak minus end SUDS of the step (in brackets, as a share of the peak).",
        "{fall} : pic moins SUDS de fin du palier (entre parenthèses, en part du pic).",
    ),
    "summary.half.explain": (
        "{half}: time from the step's peak SUDS to the first rating at or below half "
        "that peak; — when the rating did not halve during the step.",
        "{half} : temps entre le pic de SUDS du palier et le premier relevé égal ou "
        "inférieur à la moitié de ce pic ; — si le SUDS n'a pas diminué de moitié "
        "pendant le palier.",
    ),
    "summary.steps.highest_of": (
        "highest step {highest} of {total}",
        "palier le plus haut {highest} sur {total}",
    ),
    "summary.steps.highest": ("highest step {highest}", "palier le plus haut {highest}"),
    "summary.steps.worked.one": ("{n} step worked", "{n} palier travaillé"),
    "summary.steps.worked.many": ("{n} steps worked", "{n} paliers travaillés"),
    "summary.steps.none": ("no step started", "aucun palier commencé"),
    "summary.session.number": (
        "{ordinal} session of this patient (ref. #{id})",
        "{ordinal} séance de ce patient (réf. n°{id})",
    ),
    "summary.session.short": ("{n} (ref. #{id})", "{n} (réf. n°{id})"),
    "summary.session.ref": ("ref. #{id}", "réf. n°{id}"),
    "summary.change": (
        "vs {ordinal} session: peak {peak0}→{peak1} ({dpeak}), end {end0}→{end1} ({dend})",
        "vs {ordinal} séance : pic {peak0}→{peak1} ({dpeak}), fin {end0}→{end1} ({dend})",
    ),
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


def fmt_number(value: float, lang: str, decimals: int = 2) -> str:
    """A number for a therapist to read: at most ``decimals`` decimals, no
    trailing zeros, a decimal comma in French (``1,5``), a point in English."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    text = f"{float(value):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",") if lang == "fr" else text


def localized_error(cls: type[E], key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> E:
    """An exception of ``cls`` whose message is catalogue string ``key``.

    ``str(exc)`` is the message in ``lang``; the key and parameters travel on
    the exception (``i18n_key``, ``i18n_params``) so a widget renders it in
    the console's current language with :func:`error_text`."""
    exc = cls(tr(key, lang, **params))
    exc.i18n_key = key  # type: ignore[attr-defined]
    exc.i18n_params = dict(params)  # type: ignore[attr-defined]
    return exc


def error_text(exc: BaseException, lang: str) -> str:
    """An exception's message for the therapist, in ``lang`` when it carries a
    catalogue key (:func:`localized_error`), else its own text."""
    key = getattr(exc, "i18n_key", None)
    if isinstance(key, str) and key in CATALOGUE:
        try:
            return tr(key, lang, **dict(getattr(exc, "i18n_params", {}) or {}))
        except (KeyError, IndexError, ValueError):
            pass
    return str(exc)


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
