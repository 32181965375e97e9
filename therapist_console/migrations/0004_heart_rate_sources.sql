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
