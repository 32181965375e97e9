-- Schema 2: the patients' fear ladders (protocols.ladders.LadderStore reads
-- and writes them). In the record's file so that a session and the ladder
-- version it used are one backup, one set of permissions. No foreign key to
-- patients: a ladder is the protocols package's, a patient the record's.
-- Released with the first ladders (as protocols.ladders.create_schema then
-- made them); frozen.

CREATE TABLE ladders (
        id           INTEGER PRIMARY KEY,
        patient_id   INTEGER NOT NULL,
        protocol_id  TEXT,
        created_at   REAL NOT NULL,
        archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
    );
CREATE INDEX ladders_patient ON ladders(patient_id);
CREATE TABLE ladder_versions (
        id          INTEGER PRIMARY KEY,
        ladder_id   INTEGER NOT NULL REFERENCES ladders(id),
        version     INTEGER NOT NULL CHECK (version >= 1),
        parent_id   INTEGER REFERENCES ladder_versions(id),
        created_at  REAL NOT NULL,
        note        TEXT NOT NULL DEFAULT '',
        title       TEXT NOT NULL,
        steps       TEXT NOT NULL,
        UNIQUE (ladder_id, version)
    );
-- A version is a clinical record: sessions point at it. Never changed.
CREATE TRIGGER ladder_versions_no_update
        BEFORE UPDATE ON ladder_versions
        BEGIN SELECT RAISE(ABORT, 'ladder versions are immutable; save a new version'); END;
CREATE TRIGGER ladder_versions_no_delete
        BEFORE DELETE ON ladder_versions
        BEGIN SELECT RAISE(ABORT, 'ladder versions are immutable; archive the ladder'); END;
