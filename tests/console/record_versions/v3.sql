-- Palier record made by commit dd263fd (schema 3: the clinical log tables by migration 3), by make.py here
PRAGMA user_version = 3;
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
CREATE TABLE erp_rituals (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL,
        t           REAL NOT NULL,
        what        TEXT NOT NULL CHECK (length(trim(what)) > 0),
        kind        TEXT NOT NULL CHECK (kind IN ('ritual', 'safety_behaviour')),
        resisted    INTEGER NOT NULL CHECK (resisted IN (0, 1)),
        step_key    TEXT
    );
INSERT INTO "erp_rituals" VALUES(1,1,1790000141.0,'checked the floor','ritual',1,'floor-far-still');
INSERT INTO "erp_rituals" VALUES(2,1,1790000142.0,'looked away','safety_behaviour',0,NULL);
CREATE TABLE erp_urges (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL,
        t           REAL NOT NULL,
        value       INTEGER NOT NULL CHECK (typeof(value) = 'integer' AND value BETWEEN 0 AND 100),
        step_key    TEXT
    );
INSERT INTO "erp_urges" VALUES(1,1,1790000140.0,60,'floor-far-still');
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
CREATE TABLE expectancies (
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
INSERT INTO "expectancies" VALUES(1,1,'floor-far-still','It will jump on me',70,1790000012.0,'It stayed',0,30,1790000130.0);
INSERT INTO "expectancies" VALUES(2,1,'floor-2m-walk','I will run out',50,1790000135.0,NULL,NULL,NULL,NULL);
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
CREATE TABLE hotspots (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL,
        t           REAL NOT NULL,
        suds        INTEGER CHECK (suds BETWEEN 0 AND 100),
        note        TEXT NOT NULL DEFAULT '',
        step_key    TEXT
    );
INSERT INTO "hotspots" VALUES(1,1,1790000143.0,80,'the legs','floor-far-still');
INSERT INTO "hotspots" VALUES(2,1,1790000144.0,NULL,'',NULL);
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
INSERT INTO "ladder_versions" VALUES(1,1,1,NULL,1789999400.0,'copied','{"en": "Spiders: graded exposure", "fr": "Araignées : exposition graduée"}','[{"id": "floor-far-still", "text": {"en": "One small spider sits still on the floor, three metres away.", "fr": "Une petite araignée immobile au sol, à trois mètres."}, "scene": "spiders", "expected_suds": 20, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 3.0, "size": 3.0, "count": 1, "activity": "still"}, "note": {"en": "Ask the patient to describe the spider aloud: colour, legs, what it is doing.", "fr": "Demander au patient de décrire l''araignée à voix haute : couleur, pattes, ce qu''elle fait."}}, {"id": "floor-2m-walk", "text": {"en": "The small spider walks slowly across the floor, two metres away.", "fr": "La petite araignée se déplace lentement au sol, à deux mètres."}, "scene": "spiders", "expected_suds": 30, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 2.0, "size": 4.0, "count": 1, "activity": "slow_walk"}}, {"id": "floor-1m-walk", "text": {"en": "A house spider of ordinary size walks slowly on the floor, one metre from the feet.", "fr": "Une araignée de maison de taille ordinaire marche lentement au sol, à un mètre des pieds."}, "scene": "spiders", "expected_suds": 40, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 1.0, "size": 6.0, "count": 1, "activity": "slow_walk"}, "note": {"en": "Encourage the patient to keep looking at the spider rather than at the room.", "fr": "Encourager le patient à garder le regard sur l''araignée plutôt que sur la pièce."}}, {"id": "table-1m-still", "text": {"en": "The spider is on the table in front of the patient, one metre from the edge, still.", "fr": "L''araignée est sur la table devant le patient, à un mètre du bord, immobile."}, "scene": "spiders", "expected_suds": 45, "min_duration_min": 5.0, "preset": {"location": "table", "distance": 1.0, "size": 6.0, "count": 1, "activity": "still"}}, {"id": "table-half-metre-walk", "text": {"en": "The spider walks slowly on the table, half a metre from the patient.", "fr": "L''araignée marche lentement sur la table, à cinquante centimètres du patient."}, "scene": "spiders", "expected_suds": 55, "min_duration_min": 5.0, "preset": {"location": "table", "distance": 0.5, "size": 7.0, "count": 1, "activity": "slow_walk"}}, {"id": "table-three-spiders", "text": {"en": "Three spiders walk slowly on the table, the nearest half a metre away.", "fr": "Trois araignées marchent lentement sur la table, la plus proche à cinquante centimètres."}, "scene": "spiders", "expected_suds": 60, "min_duration_min": 6.0, "preset": {"location": "table", "distance": 0.5, "size": 7.0, "count": 3, "activity": "slow_walk"}}, {"id": "table-scuttle-runs", "text": {"en": "A large spider on the table makes sudden dashes; now and then it runs toward the patient.", "fr": "Une grande araignée sur la table se déplace par à-coups rapides ; de temps en temps, elle court vers le patient."}, "scene": "spiders", "expected_suds": 70, "min_duration_min": 8.0, "preset": {"location": "table", "distance": 0.4, "size": 8.0, "count": 1, "activity": "fast_scuttle"}, "events": [{"event": "run_toward", "every_min": 2.0}], "note": {"en": "Announce the first run, not the later ones: unpredictability is part of the step.", "fr": "Annoncer la première course, pas les suivantes : l''imprévisibilité fait partie de l''étape."}}, {"id": "hand-half-metre", "text": {"en": "A spider walks slowly toward the patient''s hand resting on the table, stopping half a metre away.", "fr": "Une araignée avance lentement vers la main du patient posée sur la table et s''arrête à cinquante centimètres."}, "scene": "spiders", "expected_suds": 75, "min_duration_min": 8.0, "preset": {"location": "hand", "distance": 0.5, "size": 7.0, "count": 1, "activity": "slow_walk"}, "note": {"en": "The patient keeps the hand still on the table; moving it away counts as a safety behaviour.", "fr": "Le patient garde la main immobile sur la table ; la retirer est un comportement de sécurité."}}, {"id": "hand-close-drop", "text": {"en": "The spider is twenty centimetres from the hand; from time to time another spider drops on its thread in front of the face.", "fr": "L''araignée est à vingt centimètres de la main ; de temps à autre, une autre araignée descend au bout de son fil devant le visage."}, "scene": "spiders", "expected_suds": 85, "min_duration_min": 8.0, "preset": {"location": "hand", "distance": 0.2, "size": 8.0, "count": 1, "activity": "slow_walk"}, "events": [{"event": "drop_from_above", "at_min": [2.0, 5.0]}]}, {"id": "hand-many-scuttle", "text": {"en": "Three large spiders around the hand, the nearest almost touching it, dashing suddenly; one runs toward the patient every two minutes.", "fr": "Trois grandes araignées autour de la main, la plus proche la touchant presque, avec des départs soudains ; l''une court vers le patient toutes les deux minutes."}, "scene": "spiders", "expected_suds": 95, "min_duration_min": 10.0, "preset": {"location": "hand", "distance": 0.15, "size": 10.0, "count": 3, "activity": "fast_scuttle"}, "events": [{"event": "run_toward", "every_min": 2.0}], "note": {"en": "Top of the hierarchy. Before starting, ask what the patient expects to happen and how likely it feels.", "fr": "Sommet de la hiérarchie. Avant de commencer, demander au patient ce qu''il s''attend à voir arriver et à quel point cela lui semble probable."}}]');
INSERT INTO "ladder_versions" VALUES(2,1,2,1,1789999700.0,'step 2 feels harder','{"en": "Spiders: graded exposure", "fr": "Araignées : exposition graduée"}','[{"id": "floor-far-still", "text": {"en": "One small spider sits still on the floor, three metres away.", "fr": "Une petite araignée immobile au sol, à trois mètres."}, "scene": "spiders", "expected_suds": 20, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 3.0, "size": 3.0, "count": 1, "activity": "still"}, "note": {"en": "Ask the patient to describe the spider aloud: colour, legs, what it is doing.", "fr": "Demander au patient de décrire l''araignée à voix haute : couleur, pattes, ce qu''elle fait."}}, {"id": "floor-2m-walk", "text": {"en": "The small spider walks slowly across the floor, two metres away.", "fr": "La petite araignée se déplace lentement au sol, à deux mètres."}, "scene": "spiders", "expected_suds": 35, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 2.0, "size": 4.0, "count": 1, "activity": "slow_walk"}}, {"id": "floor-1m-walk", "text": {"en": "A house spider of ordinary size walks slowly on the floor, one metre from the feet.", "fr": "Une araignée de maison de taille ordinaire marche lentement au sol, à un mètre des pieds."}, "scene": "spiders", "expected_suds": 40, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 1.0, "size": 6.0, "count": 1, "activity": "slow_walk"}, "note": {"en": "Encourage the patient to keep looking at the spider rather than at the room.", "fr": "Encourager le patient à garder le regard sur l''araignée plutôt que sur la pièce."}}, {"id": "table-1m-still", "text": {"en": "The spider is on the table in front of the patient, one metre from the edge, still.", "fr": "L''araignée est sur la table devant le patient, à un mètre du bord, immobile."}, "scene": "spiders", "expected_suds": 45, "min_duration_min": 5.0, "preset": {"location": "table", "distance": 1.0, "size": 6.0, "count": 1, "activity": "still"}}, {"id": "table-half-metre-walk", "text": {"en": "The spider walks slowly on the table, half a metre from the patient.", "fr": "L''araignée marche lentement sur la table, à cinquante centimètres du patient."}, "scene": "spiders", "expected_suds": 55, "min_duration_min": 5.0, "preset": {"location": "table", "distance": 0.5, "size": 7.0, "count": 1, "activity": "slow_walk"}}, {"id": "table-three-spiders", "text": {"en": "Three spiders walk slowly on the table, the nearest half a metre away.", "fr": "Trois araignées marchent lentement sur la table, la plus proche à cinquante centimètres."}, "scene": "spiders", "expected_suds": 60, "min_duration_min": 6.0, "preset": {"location": "table", "distance": 0.5, "size": 7.0, "count": 3, "activity": "slow_walk"}}, {"id": "table-scuttle-runs", "text": {"en": "A large spider on the table makes sudden dashes; now and then it runs toward the patient.", "fr": "Une grande araignée sur la table se déplace par à-coups rapides ; de temps en temps, elle court vers le patient."}, "scene": "spiders", "expected_suds": 70, "min_duration_min": 8.0, "preset": {"location": "table", "distance": 0.4, "size": 8.0, "count": 1, "activity": "fast_scuttle"}, "events": [{"event": "run_toward", "every_min": 2.0}], "note": {"en": "Announce the first run, not the later ones: unpredictability is part of the step.", "fr": "Annoncer la première course, pas les suivantes : l''imprévisibilité fait partie de l''étape."}}, {"id": "hand-half-metre", "text": {"en": "A spider walks slowly toward the patient''s hand resting on the table, stopping half a metre away.", "fr": "Une araignée avance lentement vers la main du patient posée sur la table et s''arrête à cinquante centimètres."}, "scene": "spiders", "expected_suds": 75, "min_duration_min": 8.0, "preset": {"location": "hand", "distance": 0.5, "size": 7.0, "count": 1, "activity": "slow_walk"}, "note": {"en": "The patient keeps the hand still on the table; moving it away counts as a safety behaviour.", "fr": "Le patient garde la main immobile sur la table ; la retirer est un comportement de sécurité."}}, {"id": "hand-close-drop", "text": {"en": "The spider is twenty centimetres from the hand; from time to time another spider drops on its thread in front of the face.", "fr": "L''araignée est à vingt centimètres de la main ; de temps à autre, une autre araignée descend au bout de son fil devant le visage."}, "scene": "spiders", "expected_suds": 85, "min_duration_min": 8.0, "preset": {"location": "hand", "distance": 0.2, "size": 8.0, "count": 1, "activity": "slow_walk"}, "events": [{"event": "drop_from_above", "at_min": [2.0, 5.0]}]}, {"id": "hand-many-scuttle", "text": {"en": "Three large spiders around the hand, the nearest almost touching it, dashing suddenly; one runs toward the patient every two minutes.", "fr": "Trois grandes araignées autour de la main, la plus proche la touchant presque, avec des départs soudains ; l''une court vers le patient toutes les deux minutes."}, "scene": "spiders", "expected_suds": 95, "min_duration_min": 10.0, "preset": {"location": "hand", "distance": 0.15, "size": 10.0, "count": 3, "activity": "fast_scuttle"}, "events": [{"event": "run_toward", "every_min": 2.0}], "note": {"en": "Top of the hierarchy. Before starting, ask what the patient expects to happen and how likely it feels.", "fr": "Sommet de la hiérarchie. Avant de commencer, demander au patient ce qu''il s''attend à voir arriver et à quel point cela lui semble probable."}}]');
INSERT INTO "ladder_versions" VALUES(3,2,1,NULL,1789999800.0,'','{"en": "Spiders: graded exposure", "fr": "Araignées : exposition graduée"}','[{"id": "floor-far-still", "text": {"en": "One small spider sits still on the floor, three metres away.", "fr": "Une petite araignée immobile au sol, à trois mètres."}, "scene": "spiders", "expected_suds": 20, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 3.0, "size": 3.0, "count": 1, "activity": "still"}, "note": {"en": "Ask the patient to describe the spider aloud: colour, legs, what it is doing.", "fr": "Demander au patient de décrire l''araignée à voix haute : couleur, pattes, ce qu''elle fait."}}, {"id": "floor-2m-walk", "text": {"en": "The small spider walks slowly across the floor, two metres away.", "fr": "La petite araignée se déplace lentement au sol, à deux mètres."}, "scene": "spiders", "expected_suds": 30, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 2.0, "size": 4.0, "count": 1, "activity": "slow_walk"}}, {"id": "floor-1m-walk", "text": {"en": "A house spider of ordinary size walks slowly on the floor, one metre from the feet.", "fr": "Une araignée de maison de taille ordinaire marche lentement au sol, à un mètre des pieds."}, "scene": "spiders", "expected_suds": 40, "min_duration_min": 5.0, "preset": {"location": "floor", "distance": 1.0, "size": 6.0, "count": 1, "activity": "slow_walk"}, "note": {"en": "Encourage the patient to keep looking at the spider rather than at the room.", "fr": "Encourager le patient à garder le regard sur l''araignée plutôt que sur la pièce."}}, {"id": "table-1m-still", "text": {"en": "The spider is on the table in front of the patient, one metre from the edge, still.", "fr": "L''araignée est sur la table devant le patient, à un mètre du bord, immobile."}, "scene": "spiders", "expected_suds": 45, "min_duration_min": 5.0, "preset": {"location": "table", "distance": 1.0, "size": 6.0, "count": 1, "activity": "still"}}, {"id": "table-half-metre-walk", "text": {"en": "The spider walks slowly on the table, half a metre from the patient.", "fr": "L''araignée marche lentement sur la table, à cinquante centimètres du patient."}, "scene": "spiders", "expected_suds": 55, "min_duration_min": 5.0, "preset": {"location": "table", "distance": 0.5, "size": 7.0, "count": 1, "activity": "slow_walk"}}, {"id": "table-three-spiders", "text": {"en": "Three spiders walk slowly on the table, the nearest half a metre away.", "fr": "Trois araignées marchent lentement sur la table, la plus proche à cinquante centimètres."}, "scene": "spiders", "expected_suds": 60, "min_duration_min": 6.0, "preset": {"location": "table", "distance": 0.5, "size": 7.0, "count": 3, "activity": "slow_walk"}}, {"id": "table-scuttle-runs", "text": {"en": "A large spider on the table makes sudden dashes; now and then it runs toward the patient.", "fr": "Une grande araignée sur la table se déplace par à-coups rapides ; de temps en temps, elle court vers le patient."}, "scene": "spiders", "expected_suds": 70, "min_duration_min": 8.0, "preset": {"location": "table", "distance": 0.4, "size": 8.0, "count": 1, "activity": "fast_scuttle"}, "events": [{"event": "run_toward", "every_min": 2.0}], "note": {"en": "Announce the first run, not the later ones: unpredictability is part of the step.", "fr": "Annoncer la première course, pas les suivantes : l''imprévisibilité fait partie de l''étape."}}, {"id": "hand-half-metre", "text": {"en": "A spider walks slowly toward the patient''s hand resting on the table, stopping half a metre away.", "fr": "Une araignée avance lentement vers la main du patient posée sur la table et s''arrête à cinquante centimètres."}, "scene": "spiders", "expected_suds": 75, "min_duration_min": 8.0, "preset": {"location": "hand", "distance": 0.5, "size": 7.0, "count": 1, "activity": "slow_walk"}, "note": {"en": "The patient keeps the hand still on the table; moving it away counts as a safety behaviour.", "fr": "Le patient garde la main immobile sur la table ; la retirer est un comportement de sécurité."}}, {"id": "hand-close-drop", "text": {"en": "The spider is twenty centimetres from the hand; from time to time another spider drops on its thread in front of the face.", "fr": "L''araignée est à vingt centimètres de la main ; de temps à autre, une autre araignée descend au bout de son fil devant le visage."}, "scene": "spiders", "expected_suds": 85, "min_duration_min": 8.0, "preset": {"location": "hand", "distance": 0.2, "size": 8.0, "count": 1, "activity": "slow_walk"}, "events": [{"event": "drop_from_above", "at_min": [2.0, 5.0]}]}, {"id": "hand-many-scuttle", "text": {"en": "Three large spiders around the hand, the nearest almost touching it, dashing suddenly; one runs toward the patient every two minutes.", "fr": "Trois grandes araignées autour de la main, la plus proche la touchant presque, avec des départs soudains ; l''une court vers le patient toutes les deux minutes."}, "scene": "spiders", "expected_suds": 95, "min_duration_min": 10.0, "preset": {"location": "hand", "distance": 0.15, "size": 10.0, "count": 3, "activity": "fast_scuttle"}, "events": [{"event": "run_toward", "every_min": 2.0}], "note": {"en": "Top of the hierarchy. Before starting, ask what the patient expects to happen and how likely it feels.", "fr": "Sommet de la hiérarchie. Avant de commencer, demander au patient ce qu''il s''attend à voir arriver et à quel point cela lui semble probable."}}]');
CREATE TABLE ladders (
        id           INTEGER PRIMARY KEY,
        patient_id   INTEGER NOT NULL,
        protocol_id  TEXT,
        created_at   REAL NOT NULL,
        archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
    );
INSERT INTO "ladders" VALUES(1,1,'spiders-graded',1789999400.0,0);
INSERT INTO "ladders" VALUES(2,2,'spiders-graded',1789999800.0,0);
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
INSERT INTO "sessions" VALUES(1,1,'spiders-graded',2,'{"ladder_version_id": 2, "protocol_id": "spiders-graded", "steps": [{"key": "floor-far-still", "params": {"distance": 3.0, "size": 3.0}, "scene": "spiders"}]}','fr',1790000000.0,1790000200.0,'closed','{"engine": "fixture"}');
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
CREATE INDEX ladders_patient ON ladders(patient_id);
CREATE TRIGGER ladder_versions_no_update
        BEFORE UPDATE ON ladder_versions
        BEGIN SELECT RAISE(ABORT, 'ladder versions are immutable; save a new version'); END;
CREATE TRIGGER ladder_versions_no_delete
        BEFORE DELETE ON ladder_versions
        BEGIN SELECT RAISE(ABORT, 'ladder versions are immutable; archive the ladder'); END;
CREATE INDEX expectancies_session ON expectancies(session_id, t_before);
CREATE INDEX erp_urges_session ON erp_urges(session_id, t);
CREATE INDEX erp_rituals_session ON erp_rituals(session_id, t);
CREATE INDEX hotspots_session ON hotspots(session_id, t);
COMMIT;
