-- Schema 6: the hierarchy versions a session ran (issue 15). A session starts
-- on sessions.ladder_version_id; a version the therapist saves between steps
-- during the session is adopted from then on: one row per adopted version,
-- with the time it was adopted. sessions.plan and sessions.ladder_version_id
-- follow the latest, so a resumed session continues on it.
CREATE TABLE session_ladder_versions (
    id                 INTEGER PRIMARY KEY,
    session_id         INTEGER NOT NULL REFERENCES sessions(id),
    ladder_version_id  INTEGER NOT NULL REFERENCES ladder_versions(id),
    t                  REAL NOT NULL,
    UNIQUE (session_id, ladder_version_id)
);
CREATE INDEX session_ladder_versions_session ON session_ladder_versions(session_id, t);
