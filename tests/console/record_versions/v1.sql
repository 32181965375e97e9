-- Palier record made by commit 1ed9cb5 (schema 1: the core session record), by make.py here
PRAGMA user_version = 1;
BEGIN TRANSACTION;
CREATE TABLE commands (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions(id),
    step_id       INTEGER REFERENCES steps(id),
    t             REAL NOT NULL,
    kind          TEXT NOT NULL,
    args          TEXT NOT NULL,         
    seq           INTEGER,               
    status        TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'ack', 'error')),
    error         TEXT,
    result_t      REAL,
    engine_frame  INTEGER,
    engine_t      REAL
);
INSERT INTO "commands" VALUES(1,1,1,1790000010.1,'load_scene','{"params": {"distance": 3.0}, "scene": "spiders"}',1,'ack',NULL,1790000010.2,900,3610.2);
INSERT INTO "commands" VALUES(2,1,1,1790000030.0,'set_params','{"params": {"distance": 9.0}}',2,'error','distance out of range',1790000030.1,NULL,NULL);
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions(id),
    step_id       INTEGER REFERENCES steps(id),
    t             REAL NOT NULL,
    kind          TEXT NOT NULL,
    name          TEXT,
    detail        TEXT NOT NULL DEFAULT '{}',   
    engine_frame  INTEGER,
    engine_t      REAL,
    engine_instance TEXT,            
    engine_seq      INTEGER          
);
INSERT INTO "events" VALUES(1,1,1,1790000040.0,'scene_event','run_toward','{"event": "run_toward"}',3600,3640.0,'engine-1',1);
INSERT INTO "events" VALUES(2,1,1,1790000050.0,'pause','therapist','{}',NULL,NULL,NULL,NULL);
CREATE TABLE head_pose (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL,
    h REAL NOT NULL, p REAL NOT NULL, r REAL NOT NULL
);
INSERT INTO "head_pose" VALUES(1,1,1790000061.0,0.0,0.0,1.62,5.0,-8.0,0.5);
INSERT INTO "head_pose" VALUES(2,1,1.79000006103333330156e+09,0.01,0.0,1.62,6.0,-8.0,0.5);
INSERT INTO "head_pose" VALUES(3,1,1.79000006106666660309e+09,0.02,0.0,1.62,7.0,-8.0,0.5);
CREATE TABLE heart_rate (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    bpm         REAL NOT NULL CHECK (bpm > 0),
    source      TEXT NOT NULL
);
INSERT INTO "heart_rate" VALUES(1,1,1790000061.0,88.5,'sim');
INSERT INTO "heart_rate" VALUES(2,1,1790000062.0,90.0,'sim');
CREATE TABLE link_events (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER REFERENCES sessions(id),
    t           REAL NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('up', 'lost', 'reconnected')),
    detail      TEXT NOT NULL DEFAULT ''
);
INSERT INTO "link_events" VALUES(1,1,1790000001.0,'up','connected');
INSERT INTO "link_events" VALUES(2,NULL,1790000090.0,'lost','no heartbeat for 1 s');
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    step_id     INTEGER REFERENCES steps(id),
    t           REAL NOT NULL,
    text        TEXT NOT NULL CHECK (length(trim(text)) > 0)
);
INSERT INTO "notes" VALUES(1,1,1,1790000080.0,'Regarde l''araignée ; respiration calme.');
CREATE TABLE patients (
    id          INTEGER PRIMARY KEY,
    pseudonym   TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(pseudonym)) > 0),
    notes       TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL
);
INSERT INTO "patients" VALUES(1,'Old-A','spiders; referred by Dr B',1789913600.0);
INSERT INTO "patients" VALUES(2,'Old-B','',1789996400.0);
CREATE TABLE questionnaires (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    name        TEXT NOT NULL,
    phase       TEXT NOT NULL CHECK (phase IN ('pre', 'post')),
    answers     TEXT NOT NULL,   
    scores      TEXT NOT NULL    
);
INSERT INTO "questionnaires" VALUES(1,1,1790000100.0,'SSQ','post','{"nausea": 1}','{"total": 3.74}');
CREATE TABLE rr_intervals (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    ms          REAL NOT NULL CHECK (ms > 0)
);
INSERT INTO "rr_intervals" VALUES(1,1,1790000061.0,680.0);
INSERT INTO "rr_intervals" VALUES(2,1,1790000061.0,676.5);
CREATE TABLE sessions (
    id                 INTEGER PRIMARY KEY,
    patient_id         INTEGER NOT NULL REFERENCES patients(id),
    protocol_id        TEXT,
    ladder_version_id  INTEGER,
    plan               TEXT,          
    language           TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    started_at         REAL NOT NULL,
    ended_at           REAL,
    status             TEXT NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'closed', 'interrupted')),
    meta               TEXT NOT NULL DEFAULT '{}'  
);
INSERT INTO "sessions" VALUES(1,1,'spiders-graded',NULL,'{"ladder_version_id": null, "protocol_id": "spiders-graded", "steps": [{"key": "floor-far-still", "params": {"distance": 3.0, "size": 3.0}, "scene": "spiders"}]}','fr',1790000000.0,1790000200.0,'closed','{"engine": "fixture"}');
INSERT INTO "sessions" VALUES(2,2,NULL,NULL,NULL,'en',1790000300.0,1790000320.0,'closed','{}');
CREATE TABLE steps (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES sessions(id),
    step_index     INTEGER NOT NULL,
    step_key       TEXT NOT NULL,
    label          TEXT,                 
    scene          TEXT NOT NULL,
    params         TEXT NOT NULL,        
    expected_suds  INTEGER CHECK (expected_suds BETWEEN 0 AND 100),
    started_at     REAL NOT NULL,
    ended_at       REAL
);
INSERT INTO "steps" VALUES(1,1,0,'floor-far-still','{"en": "Far", "fr": "Loin"}','spiders','{"distance": 2.5, "size": 3.0}',20,1790000010.0,1790000200.0);
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
INSERT INTO "suds" VALUES(1,1,1,1790000060.0,NULL,35,'therapist',NULL,NULL);
INSERT INTO "suds" VALUES(2,1,1,1790000070.0,3670.0,40,'headset','engine-1',2);
INSERT INTO "suds" VALUES(3,2,NULL,1790000310.0,NULL,10,'therapist',NULL,NULL);
CREATE TABLE suggestions (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    step_id     INTEGER REFERENCES steps(id),
    t           REAL NOT NULL,        
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    taken       INTEGER CHECK (taken IN (0, 1)),   
    decided_at  REAL
);
INSERT INTO "suggestions" VALUES(1,1,1,1790000110.0,'step_up','SUDS halved: next step?','{"from": 40, "to": 20}',0,1790000115.0);
INSERT INTO "suggestions" VALUES(2,1,NULL,1790000120.0,'suds_due','Ask for SUDS','{}',NULL,NULL);
CREATE INDEX sessions_patient ON sessions(patient_id, started_at);
CREATE INDEX sessions_status ON sessions(status);
CREATE INDEX steps_session ON steps(session_id, started_at);
CREATE INDEX commands_session ON commands(session_id, t);
CREATE INDEX events_session ON events(session_id, t);
CREATE UNIQUE INDEX events_engine_seq ON events(engine_instance, engine_seq)
    WHERE engine_seq IS NOT NULL;
CREATE INDEX suds_session ON suds(session_id, t);
CREATE UNIQUE INDEX suds_engine_seq ON suds(engine_instance, engine_seq)
    WHERE engine_seq IS NOT NULL;
CREATE INDEX heart_rate_session ON heart_rate(session_id, t);
CREATE INDEX rr_session ON rr_intervals(session_id, t);
CREATE INDEX head_pose_session ON head_pose(session_id, t);
CREATE INDEX notes_session ON notes(session_id, t);
CREATE INDEX link_events_session ON link_events(session_id, t);
CREATE INDEX questionnaires_session ON questionnaires(session_id, t);
CREATE INDEX suggestions_session ON suggestions(session_id, t);
COMMIT;
