-- Schema 1: the core session record (patients, sessions and every
-- per-session stream). Released in the first console; frozen.
--
-- The record's migration runner (therapist_console/migrations/__init__.py)
-- applies each script once, in one transaction with its PRAGMA user_version;
-- a released script is never edited, a change is a new numbered script.
-- Comments run to the end of the line and are not stored in the file.

CREATE TABLE patients (
    id          INTEGER PRIMARY KEY,
    pseudonym   TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(pseudonym)) > 0),
    notes       TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL
);
CREATE TABLE sessions (
    id                 INTEGER PRIMARY KEY,
    patient_id         INTEGER NOT NULL REFERENCES patients(id),
    protocol_id        TEXT,
    ladder_version_id  INTEGER,
    plan               TEXT,          -- JSON: the hierarchy as planned (snapshot)
    language           TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    started_at         REAL NOT NULL,
    ended_at           REAL,
    status             TEXT NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'closed', 'interrupted')),
    meta               TEXT NOT NULL DEFAULT '{}'  -- JSON: app version, engine, ...
);
CREATE INDEX sessions_patient ON sessions(patient_id, started_at);
CREATE INDEX sessions_status ON sessions(status);
CREATE TABLE steps (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES sessions(id),
    step_index     INTEGER NOT NULL,
    step_key       TEXT NOT NULL,
    label          TEXT,                 -- JSON {"en":..., "fr":...} or plain text
    scene          TEXT NOT NULL,
    params         TEXT NOT NULL,        -- JSON
    expected_suds  INTEGER CHECK (expected_suds BETWEEN 0 AND 100),
    started_at     REAL NOT NULL,
    ended_at       REAL
);
CREATE INDEX steps_session ON steps(session_id, started_at);
CREATE TABLE commands (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions(id),
    step_id       INTEGER REFERENCES steps(id),
    t             REAL NOT NULL,
    kind          TEXT NOT NULL,
    args          TEXT NOT NULL,         -- JSON
    seq           INTEGER,               -- link sequence number, if any
    status        TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'ack', 'error')),
    error         TEXT,
    result_t      REAL,
    engine_frame  INTEGER,
    engine_t      REAL
);
CREATE INDEX commands_session ON commands(session_id, t);
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions(id),
    step_id       INTEGER REFERENCES steps(id),
    t             REAL NOT NULL,
    kind          TEXT NOT NULL,
    name          TEXT,
    detail        TEXT NOT NULL DEFAULT '{}',   -- JSON
    engine_frame  INTEGER,
    engine_t      REAL,
    engine_instance TEXT,            -- with engine_seq: the engine's clinical event id;
    engine_seq      INTEGER          -- the engine re-sends until acked, so dedupe on it
);
CREATE INDEX events_session ON events(session_id, t);
CREATE UNIQUE INDEX events_engine_seq ON events(engine_instance, engine_seq)
    WHERE engine_seq IS NOT NULL;
CREATE TABLE suds (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    step_id     INTEGER REFERENCES steps(id),
    t           REAL NOT NULL,
    engine_t    REAL,
    value       INTEGER NOT NULL CHECK (typeof(value) = 'integer' AND value BETWEEN 0 AND 100),
    source      TEXT NOT NULL CHECK (source IN ('therapist', 'headset')),
    engine_instance TEXT,
    engine_seq      INTEGER
);
CREATE INDEX suds_session ON suds(session_id, t);
CREATE UNIQUE INDEX suds_engine_seq ON suds(engine_instance, engine_seq)
    WHERE engine_seq IS NOT NULL;
CREATE TABLE heart_rate (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    bpm         REAL NOT NULL CHECK (bpm > 0),
    source      TEXT NOT NULL
);
CREATE INDEX heart_rate_session ON heart_rate(session_id, t);
CREATE TABLE rr_intervals (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    ms          REAL NOT NULL CHECK (ms > 0)
);
CREATE INDEX rr_session ON rr_intervals(session_id, t);
CREATE TABLE head_pose (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL,
    h REAL NOT NULL, p REAL NOT NULL, r REAL NOT NULL
);
CREATE INDEX head_pose_session ON head_pose(session_id, t);
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    step_id     INTEGER REFERENCES steps(id),
    t           REAL NOT NULL,
    text        TEXT NOT NULL CHECK (length(trim(text)) > 0)
);
CREATE INDEX notes_session ON notes(session_id, t);
CREATE TABLE link_events (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER REFERENCES sessions(id),
    t           REAL NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('up', 'lost', 'reconnected')),
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX link_events_session ON link_events(session_id, t);
CREATE TABLE questionnaires (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    name        TEXT NOT NULL,
    phase       TEXT NOT NULL CHECK (phase IN ('pre', 'post')),
    answers     TEXT NOT NULL,   -- JSON
    scores      TEXT NOT NULL    -- JSON
);
CREATE INDEX questionnaires_session ON questionnaires(session_id, t);
CREATE TABLE suggestions (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    step_id     INTEGER REFERENCES steps(id),
    t           REAL NOT NULL,        -- shown at
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    taken       INTEGER CHECK (taken IN (0, 1)),   -- NULL: not answered
    decided_at  REAL
);
CREATE INDEX suggestions_session ON suggestions(session_id, t);
