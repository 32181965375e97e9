-- Schema 3: the clinical log beyond SUDS (protocols.clinical_log.ClinicalLog):
-- expectancies (inhibitory learning), ERP urges and rituals, PTSD hotspots.
-- Rows carry the record's session_id (no foreign key: the protocols package
-- writes them) and the ladder's step_key.
--
-- Before the migrations were frozen, the console created these tables at
-- every open (and in migration 2 of a new file) with the same definitions,
-- so a file at schema 2 may already hold them, with rows: IF NOT EXISTS here
-- only, for that. Later changes to these tables are new scripts.

CREATE TABLE IF NOT EXISTS expectancies (
        id                 INTEGER PRIMARY KEY,
        session_id         INTEGER NOT NULL,
        step_key           TEXT NOT NULL,
        feared_outcome     TEXT NOT NULL CHECK (length(trim(feared_outcome)) > 0),
        likelihood_before  INTEGER NOT NULL CHECK (likelihood_before BETWEEN 0 AND 100),
        t_before           REAL NOT NULL,
        observed_outcome   TEXT,
        occurred           INTEGER CHECK (occurred IN (0, 1)),
        likelihood_after   INTEGER CHECK (likelihood_after BETWEEN 0 AND 100),
        t_after            REAL
    );
CREATE INDEX IF NOT EXISTS expectancies_session ON expectancies(session_id, t_before);
CREATE TABLE IF NOT EXISTS erp_urges (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL,
        t           REAL NOT NULL,
        value       INTEGER NOT NULL CHECK (typeof(value) = 'integer' AND value BETWEEN 0 AND 100),
        step_key    TEXT
    );
CREATE INDEX IF NOT EXISTS erp_urges_session ON erp_urges(session_id, t);
CREATE TABLE IF NOT EXISTS erp_rituals (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL,
        t           REAL NOT NULL,
        what        TEXT NOT NULL CHECK (length(trim(what)) > 0),
        kind        TEXT NOT NULL CHECK (kind IN ('ritual', 'safety_behaviour')),
        resisted    INTEGER NOT NULL CHECK (resisted IN (0, 1)),
        step_key    TEXT
    );
CREATE INDEX IF NOT EXISTS erp_rituals_session ON erp_rituals(session_id, t);
CREATE TABLE IF NOT EXISTS hotspots (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL,
        t           REAL NOT NULL,
        suds        INTEGER CHECK (suds BETWEEN 0 AND 100),
        note        TEXT NOT NULL DEFAULT '',
        step_key    TEXT
    );
CREATE INDEX IF NOT EXISTS hotspots_session ON hotspots(session_id, t);
