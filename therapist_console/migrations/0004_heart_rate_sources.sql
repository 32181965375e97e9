-- Schema 4: heart rate from real sensors (issue 14).
-- heart_rate: the source's own clock, sensor contact (NULL: not reported) and
-- the sliding-window RMSSD after artifact rejection (NULL: not enough beats).
-- rr_intervals: the artifact rule that rejected an interval (NULL: accepted;
-- 'range' or 'ectopic'), kept with the raw value: nothing is deleted.
-- sensor_states: the source's connection states; a stretch that is not
-- 'connected' is a gap in the heart rate.
ALTER TABLE heart_rate ADD COLUMN t_source REAL;
ALTER TABLE heart_rate ADD COLUMN contact INTEGER CHECK (contact IN (0, 1));
ALTER TABLE heart_rate ADD COLUMN rmssd_ms REAL CHECK (rmssd_ms >= 0);
ALTER TABLE rr_intervals ADD COLUMN artifact TEXT CHECK (artifact IN ('range', 'ectopic'));
CREATE TABLE sensor_states (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    source      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN
                    ('stopped', 'connecting', 'connected', 'reconnecting', 'failed')),
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sensor_states_session ON sensor_states(session_id, t);
-- The heart-rate alarm of each patient, as the clinician set it: a ceiling
-- from the age (fraction x Tanaka's 208 - 0.7 x age) or in bpm.
CREATE TABLE patient_heart_rate (
    patient_id   INTEGER PRIMARY KEY REFERENCES patients(id),
    age_years    REAL CHECK (age_years IS NULL OR age_years BETWEEN 1 AND 120),
    fraction     REAL NOT NULL CHECK (fraction BETWEEN 0.3 AND 1.0),
    ceiling_bpm  REAL NOT NULL CHECK (ceiling_bpm BETWEEN 60 AND 230),
    sustain_s    REAL NOT NULL CHECK (sustain_s BETWEEN 1 AND 600),
    enabled      INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at   REAL NOT NULL
);
