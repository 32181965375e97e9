-- Palier record made by commit f52b8f4 (schema 5: ERP rituals and hotspot events (migration 5)), by make.py here
PRAGMA user_version = 5;
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
    , ritual TEXT CHECK (ritual IN
    ('washing', 'checking', 'mental_ritual', 'reassurance', 'avoidance')));
INSERT INTO "erp_rituals" VALUES(1,1,1790000141.0,'checked the floor','ritual',1,'floor-far-still',NULL);
INSERT INTO "erp_rituals" VALUES(2,1,1790000142.0,'looked away','safety_behaviour',0,NULL,NULL);
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
, t_source REAL, contact INTEGER CHECK (contact IN (0, 1)), rmssd_ms REAL CHECK (rmssd_ms >= 0));
INSERT INTO "heart_rate" VALUES(1,1,1790000061.0,88.5,'sim',NULL,NULL,NULL);
INSERT INTO "heart_rate" VALUES(2,1,1790000062.0,90.0,'sim',NULL,NULL,NULL);
INSERT INTO "heart_rate" VALUES(3,1,1790000063.0,91.0,'ble:AA',12.5,1,31.5);
CREATE TABLE hotspots (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL,
        t           REAL NOT NULL,
        suds        INTEGER CHECK (suds BETWEEN 0 AND 100),
        note        TEXT NOT NULL DEFAULT '',
        step_key    TEXT
    , event_id INTEGER);
INSERT INTO "hotspots" VALUES(1,1,1790000143.0,80,'the legs','floor-far-still',NULL);
INSERT INTO "hotspots" VALUES(2,1,1790000144.0,NULL,'',NULL,NULL);
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
INSERT INTO "ladder_versions" VALUES(1,1,1,NULL,1789999400.0,'copied','{"en": "Enclosed spaces: graded exposure", "fr": "Espaces clos : exposition graduée"}','[{"id": "room-roomy-open", "text": {"en": "An ordinary windowless room, three metres across, its door open onto a lit corridor.", "fr": "Une pièce ordinaire sans fenêtre, de trois mètres de large, porte ouverte sur un couloir éclairé."}, "scene": "enclosed", "expected_suds": 10, "min_duration_min": 4.0, "preset": {"place": "small_room", "space": 0.0, "door": "open", "lights": "steady", "people": 0, "ventilation": 1.0}, "note": {"en": "Let the patient look all round, up at the ceiling and back at the door; describe the room aloud.", "fr": "Laisser le patient regarder tout autour, le plafond, puis la porte ; décrire la pièce à voix haute."}}, {"id": "room-door-closed", "text": {"en": "The same room with its door closed.", "fr": "La même pièce, porte fermée."}, "scene": "enclosed", "expected_suds": 25, "min_duration_min": 5.0, "preset": {"place": "small_room", "space": 0.0, "door": "closed", "lights": "steady", "ventilation": 1.0}, "note": {"en": "Ask how likely it feels that the door will not open again, before and after the step.", "fr": "Demander à quel point il semble probable que la porte ne se rouvre pas, avant et après l''étape."}}, {"id": "room-closer-dim", "text": {"en": "The walls and ceiling have come in to half the room, the door is closed, the light is low.", "fr": "Les murs et le plafond se sont rapprochés de moitié, la porte est fermée, la lumière est faible."}, "scene": "enclosed", "expected_suds": 35, "min_duration_min": 5.0, "preset": {"place": "small_room", "space": 0.5, "door": "closed", "lights": "dim", "ventilation": 1.0}}, {"id": "room-touchable-dark", "text": {"en": "A room whose walls can be touched, door closed, the fan slowed; now and then the light goes out for a few seconds.", "fr": "Une pièce dont on touche les murs, porte fermée, ventilation ralentie ; de temps en temps, la lumière s''éteint quelques secondes."}, "scene": "enclosed", "expected_suds": 45, "min_duration_min": 6.0, "preset": {"place": "small_room", "space": 1.0, "door": "closed", "lights": "dim", "ventilation": 0.5}, "events": [{"event": "lights_out", "every_min": 3.0}], "note": {"en": "Encourage slow, normal breathing rather than held breath; ask the patient to reach out and ''touch'' the walls.", "fr": "Encourager une respiration lente et normale plutôt que retenue ; proposer au patient de tendre la main vers les murs."}}, {"id": "lift-glass-open", "text": {"en": "A large panoramic glass lift standing at a floor, its doors open onto a bright landing.", "fr": "Un grand ascenseur panoramique vitré arrêté à un étage, portes ouvertes sur un palier lumineux."}, "scene": "enclosed", "expected_suds": 50, "min_duration_min": 4.0, "preset": {"place": "lift", "space": 0.0, "door": "open", "lights": "steady", "people": 0, "ventilation": 1.0, "moving": false}}, {"id": "lift-glass-travel", "text": {"en": "The glass lift travels up and down with its doors closed; the floors go by outside.", "fr": "L''ascenseur vitré monte et descend portes fermées ; les étages défilent au-dehors."}, "scene": "enclosed", "expected_suds": 55, "min_duration_min": 5.0, "preset": {"place": "lift", "space": 0.0, "door": "closed", "lights": "steady", "people": 0, "moving": true}}, {"id": "lift-normal-two", "text": {"en": "An ordinary steel lift, travelling, two strangers standing in front of the patient.", "fr": "Un ascenseur ordinaire en acier, en marche, deux inconnus debout devant le patient."}, "scene": "enclosed", "expected_suds": 60, "min_duration_min": 6.0, "preset": {"place": "lift", "space": 0.5, "door": "closed", "lights": "steady", "people": 2, "moving": true}}, {"id": "lift-old-three-dim", "text": {"en": "A cramped old lift with worn panels, dimly lit, travelling, three people close by.", "fr": "Un vieil ascenseur exigu aux panneaux usés, faiblement éclairé, en marche, trois personnes tout près."}, "scene": "enclosed", "expected_suds": 70, "min_duration_min": 6.0, "preset": {"place": "lift", "space": 0.85, "door": "closed", "lights": "dim", "people": 3, "ventilation": 0.6, "moving": true}}, {"id": "lift-stuck-alarm", "text": {"en": "The old lift, four people inside, stops between floors with a jolt; the alarm is pressed and the intercom answers.", "fr": "Le vieil ascenseur, avec quatre personnes, s''arrête entre deux étages dans une secousse ; on appuie sur l''alarme et l''interphone répond."}, "scene": "enclosed", "expected_suds": 80, "min_duration_min": 8.0, "preset": {"place": "lift", "space": 1.0, "door": "closed", "lights": "dim", "people": 4, "ventilation": 0.4, "moving": true}, "events": [{"event": "stops_between_floors", "every_min": 2.0, "start_min": 1.0}, {"event": "alarm", "at_min": [1.2, 5.2]}], "note": {"en": "Before the stop, ask what the patient expects to happen if the lift stops and how sure they are; compare after.", "fr": "Avant l''arrêt, demander au patient ce qu''il pense qu''il se passera si l''ascenseur s''arrête, et avec quelle certitude ; comparer après."}}, {"id": "lift-full-stuck-wall", "text": {"en": "Top of the hierarchy: the cramped lift full (five people), the tube flickering, the fan stopped; it sticks between floors and the doors open onto the bare shaft wall.", "fr": "Sommet de la hiérarchie : l''ascenseur exigu plein (cinq personnes), le tube qui clignote, le ventilateur arrêté ; il se bloque entre deux étages et les portes s''ouvrent sur le mur nu de la gaine."}, "scene": "enclosed", "expected_suds": 90, "min_duration_min": 10.0, "preset": {"place": "lift", "space": 1.0, "door": "closed", "lights": "flickering", "people": 5, "ventilation": 0.0, "moving": true}, "events": [{"event": "stops_between_floors", "every_min": 3.0, "start_min": 1.0}, {"event": "doors_open_onto_wall", "at_min": [1.5, 7.5]}, {"event": "lights_out", "at_min": [4.0]}], "note": {"en": "Stay until the fear of suffocating has been tested: the air is enough although the fan is silent. Step down if SUDS stays above 85.", "fr": "Rester jusqu''à ce que la peur d''étouffer ait été mise à l''épreuve : l''air suffit même si le ventilateur se tait. Redescendre d''une étape si le SUDS reste au-dessus de 85."}}]');
INSERT INTO "ladder_versions" VALUES(2,1,2,1,1789999700.0,'step 2 feels harder','{"en": "Enclosed spaces: graded exposure", "fr": "Espaces clos : exposition graduée"}','[{"id": "room-roomy-open", "text": {"en": "An ordinary windowless room, three metres across, its door open onto a lit corridor.", "fr": "Une pièce ordinaire sans fenêtre, de trois mètres de large, porte ouverte sur un couloir éclairé."}, "scene": "enclosed", "expected_suds": 10, "min_duration_min": 4.0, "preset": {"place": "small_room", "space": 0.0, "door": "open", "lights": "steady", "people": 0, "ventilation": 1.0}, "note": {"en": "Let the patient look all round, up at the ceiling and back at the door; describe the room aloud.", "fr": "Laisser le patient regarder tout autour, le plafond, puis la porte ; décrire la pièce à voix haute."}}, {"id": "room-door-closed", "text": {"en": "The same room with its door closed.", "fr": "La même pièce, porte fermée."}, "scene": "enclosed", "expected_suds": 30, "min_duration_min": 5.0, "preset": {"place": "small_room", "space": 0.0, "door": "closed", "lights": "steady", "ventilation": 1.0}, "note": {"en": "Ask how likely it feels that the door will not open again, before and after the step.", "fr": "Demander à quel point il semble probable que la porte ne se rouvre pas, avant et après l''étape."}}, {"id": "room-closer-dim", "text": {"en": "The walls and ceiling have come in to half the room, the door is closed, the light is low.", "fr": "Les murs et le plafond se sont rapprochés de moitié, la porte est fermée, la lumière est faible."}, "scene": "enclosed", "expected_suds": 35, "min_duration_min": 5.0, "preset": {"place": "small_room", "space": 0.5, "door": "closed", "lights": "dim", "ventilation": 1.0}}, {"id": "room-touchable-dark", "text": {"en": "A room whose walls can be touched, door closed, the fan slowed; now and then the light goes out for a few seconds.", "fr": "Une pièce dont on touche les murs, porte fermée, ventilation ralentie ; de temps en temps, la lumière s''éteint quelques secondes."}, "scene": "enclosed", "expected_suds": 45, "min_duration_min": 6.0, "preset": {"place": "small_room", "space": 1.0, "door": "closed", "lights": "dim", "ventilation": 0.5}, "events": [{"event": "lights_out", "every_min": 3.0}], "note": {"en": "Encourage slow, normal breathing rather than held breath; ask the patient to reach out and ''touch'' the walls.", "fr": "Encourager une respiration lente et normale plutôt que retenue ; proposer au patient de tendre la main vers les murs."}}, {"id": "lift-glass-open", "text": {"en": "A large panoramic glass lift standing at a floor, its doors open onto a bright landing.", "fr": "Un grand ascenseur panoramique vitré arrêté à un étage, portes ouvertes sur un palier lumineux."}, "scene": "enclosed", "expected_suds": 50, "min_duration_min": 4.0, "preset": {"place": "lift", "space": 0.0, "door": "open", "lights": "steady", "people": 0, "ventilation": 1.0, "moving": false}}, {"id": "lift-glass-travel", "text": {"en": "The glass lift travels up and down with its doors closed; the floors go by outside.", "fr": "L''ascenseur vitré monte et descend portes fermées ; les étages défilent au-dehors."}, "scene": "enclosed", "expected_suds": 55, "min_duration_min": 5.0, "preset": {"place": "lift", "space": 0.0, "door": "closed", "lights": "steady", "people": 0, "moving": true}}, {"id": "lift-normal-two", "text": {"en": "An ordinary steel lift, travelling, two strangers standing in front of the patient.", "fr": "Un ascenseur ordinaire en acier, en marche, deux inconnus debout devant le patient."}, "scene": "enclosed", "expected_suds": 60, "min_duration_min": 6.0, "preset": {"place": "lift", "space": 0.5, "door": "closed", "lights": "steady", "people": 2, "moving": true}}, {"id": "lift-old-three-dim", "text": {"en": "A cramped old lift with worn panels, dimly lit, travelling, three people close by.", "fr": "Un vieil ascenseur exigu aux panneaux usés, faiblement éclairé, en marche, trois personnes tout près."}, "scene": "enclosed", "expected_suds": 70, "min_duration_min": 6.0, "preset": {"place": "lift", "space": 0.85, "door": "closed", "lights": "dim", "people": 3, "ventilation": 0.6, "moving": true}}, {"id": "lift-stuck-alarm", "text": {"en": "The old lift, four people inside, stops between floors with a jolt; the alarm is pressed and the intercom answers.", "fr": "Le vieil ascenseur, avec quatre personnes, s''arrête entre deux étages dans une secousse ; on appuie sur l''alarme et l''interphone répond."}, "scene": "enclosed", "expected_suds": 80, "min_duration_min": 8.0, "preset": {"place": "lift", "space": 1.0, "door": "closed", "lights": "dim", "people": 4, "ventilation": 0.4, "moving": true}, "events": [{"event": "stops_between_floors", "every_min": 2.0, "start_min": 1.0}, {"event": "alarm", "at_min": [1.2, 5.2]}], "note": {"en": "Before the stop, ask what the patient expects to happen if the lift stops and how sure they are; compare after.", "fr": "Avant l''arrêt, demander au patient ce qu''il pense qu''il se passera si l''ascenseur s''arrête, et avec quelle certitude ; comparer après."}}, {"id": "lift-full-stuck-wall", "text": {"en": "Top of the hierarchy: the cramped lift full (five people), the tube flickering, the fan stopped; it sticks between floors and the doors open onto the bare shaft wall.", "fr": "Sommet de la hiérarchie : l''ascenseur exigu plein (cinq personnes), le tube qui clignote, le ventilateur arrêté ; il se bloque entre deux étages et les portes s''ouvrent sur le mur nu de la gaine."}, "scene": "enclosed", "expected_suds": 90, "min_duration_min": 10.0, "preset": {"place": "lift", "space": 1.0, "door": "closed", "lights": "flickering", "people": 5, "ventilation": 0.0, "moving": true}, "events": [{"event": "stops_between_floors", "every_min": 3.0, "start_min": 1.0}, {"event": "doors_open_onto_wall", "at_min": [1.5, 7.5]}, {"event": "lights_out", "at_min": [4.0]}], "note": {"en": "Stay until the fear of suffocating has been tested: the air is enough although the fan is silent. Step down if SUDS stays above 85.", "fr": "Rester jusqu''à ce que la peur d''étouffer ait été mise à l''épreuve : l''air suffit même si le ventilateur se tait. Redescendre d''une étape si le SUDS reste au-dessus de 85."}}]');
INSERT INTO "ladder_versions" VALUES(3,2,1,NULL,1789999800.0,'','{"en": "Enclosed spaces: graded exposure", "fr": "Espaces clos : exposition graduée"}','[{"id": "room-roomy-open", "text": {"en": "An ordinary windowless room, three metres across, its door open onto a lit corridor.", "fr": "Une pièce ordinaire sans fenêtre, de trois mètres de large, porte ouverte sur un couloir éclairé."}, "scene": "enclosed", "expected_suds": 10, "min_duration_min": 4.0, "preset": {"place": "small_room", "space": 0.0, "door": "open", "lights": "steady", "people": 0, "ventilation": 1.0}, "note": {"en": "Let the patient look all round, up at the ceiling and back at the door; describe the room aloud.", "fr": "Laisser le patient regarder tout autour, le plafond, puis la porte ; décrire la pièce à voix haute."}}, {"id": "room-door-closed", "text": {"en": "The same room with its door closed.", "fr": "La même pièce, porte fermée."}, "scene": "enclosed", "expected_suds": 25, "min_duration_min": 5.0, "preset": {"place": "small_room", "space": 0.0, "door": "closed", "lights": "steady", "ventilation": 1.0}, "note": {"en": "Ask how likely it feels that the door will not open again, before and after the step.", "fr": "Demander à quel point il semble probable que la porte ne se rouvre pas, avant et après l''étape."}}, {"id": "room-closer-dim", "text": {"en": "The walls and ceiling have come in to half the room, the door is closed, the light is low.", "fr": "Les murs et le plafond se sont rapprochés de moitié, la porte est fermée, la lumière est faible."}, "scene": "enclosed", "expected_suds": 35, "min_duration_min": 5.0, "preset": {"place": "small_room", "space": 0.5, "door": "closed", "lights": "dim", "ventilation": 1.0}}, {"id": "room-touchable-dark", "text": {"en": "A room whose walls can be touched, door closed, the fan slowed; now and then the light goes out for a few seconds.", "fr": "Une pièce dont on touche les murs, porte fermée, ventilation ralentie ; de temps en temps, la lumière s''éteint quelques secondes."}, "scene": "enclosed", "expected_suds": 45, "min_duration_min": 6.0, "preset": {"place": "small_room", "space": 1.0, "door": "closed", "lights": "dim", "ventilation": 0.5}, "events": [{"event": "lights_out", "every_min": 3.0}], "note": {"en": "Encourage slow, normal breathing rather than held breath; ask the patient to reach out and ''touch'' the walls.", "fr": "Encourager une respiration lente et normale plutôt que retenue ; proposer au patient de tendre la main vers les murs."}}, {"id": "lift-glass-open", "text": {"en": "A large panoramic glass lift standing at a floor, its doors open onto a bright landing.", "fr": "Un grand ascenseur panoramique vitré arrêté à un étage, portes ouvertes sur un palier lumineux."}, "scene": "enclosed", "expected_suds": 50, "min_duration_min": 4.0, "preset": {"place": "lift", "space": 0.0, "door": "open", "lights": "steady", "people": 0, "ventilation": 1.0, "moving": false}}, {"id": "lift-glass-travel", "text": {"en": "The glass lift travels up and down with its doors closed; the floors go by outside.", "fr": "L''ascenseur vitré monte et descend portes fermées ; les étages défilent au-dehors."}, "scene": "enclosed", "expected_suds": 55, "min_duration_min": 5.0, "preset": {"place": "lift", "space": 0.0, "door": "closed", "lights": "steady", "people": 0, "moving": true}}, {"id": "lift-normal-two", "text": {"en": "An ordinary steel lift, travelling, two strangers standing in front of the patient.", "fr": "Un ascenseur ordinaire en acier, en marche, deux inconnus debout devant le patient."}, "scene": "enclosed", "expected_suds": 60, "min_duration_min": 6.0, "preset": {"place": "lift", "space": 0.5, "door": "closed", "lights": "steady", "people": 2, "moving": true}}, {"id": "lift-old-three-dim", "text": {"en": "A cramped old lift with worn panels, dimly lit, travelling, three people close by.", "fr": "Un vieil ascenseur exigu aux panneaux usés, faiblement éclairé, en marche, trois personnes tout près."}, "scene": "enclosed", "expected_suds": 70, "min_duration_min": 6.0, "preset": {"place": "lift", "space": 0.85, "door": "closed", "lights": "dim", "people": 3, "ventilation": 0.6, "moving": true}}, {"id": "lift-stuck-alarm", "text": {"en": "The old lift, four people inside, stops between floors with a jolt; the alarm is pressed and the intercom answers.", "fr": "Le vieil ascenseur, avec quatre personnes, s''arrête entre deux étages dans une secousse ; on appuie sur l''alarme et l''interphone répond."}, "scene": "enclosed", "expected_suds": 80, "min_duration_min": 8.0, "preset": {"place": "lift", "space": 1.0, "door": "closed", "lights": "dim", "people": 4, "ventilation": 0.4, "moving": true}, "events": [{"event": "stops_between_floors", "every_min": 2.0, "start_min": 1.0}, {"event": "alarm", "at_min": [1.2, 5.2]}], "note": {"en": "Before the stop, ask what the patient expects to happen if the lift stops and how sure they are; compare after.", "fr": "Avant l''arrêt, demander au patient ce qu''il pense qu''il se passera si l''ascenseur s''arrête, et avec quelle certitude ; comparer après."}}, {"id": "lift-full-stuck-wall", "text": {"en": "Top of the hierarchy: the cramped lift full (five people), the tube flickering, the fan stopped; it sticks between floors and the doors open onto the bare shaft wall.", "fr": "Sommet de la hiérarchie : l''ascenseur exigu plein (cinq personnes), le tube qui clignote, le ventilateur arrêté ; il se bloque entre deux étages et les portes s''ouvrent sur le mur nu de la gaine."}, "scene": "enclosed", "expected_suds": 90, "min_duration_min": 10.0, "preset": {"place": "lift", "space": 1.0, "door": "closed", "lights": "flickering", "people": 5, "ventilation": 0.0, "moving": true}, "events": [{"event": "stops_between_floors", "every_min": 3.0, "start_min": 1.0}, {"event": "doors_open_onto_wall", "at_min": [1.5, 7.5]}, {"event": "lights_out", "at_min": [4.0]}], "note": {"en": "Stay until the fear of suffocating has been tested: the air is enough although the fan is silent. Step down if SUDS stays above 85.", "fr": "Rester jusqu''à ce que la peur d''étouffer ait été mise à l''épreuve : l''air suffit même si le ventilateur se tait. Redescendre d''une étape si le SUDS reste au-dessus de 85."}}]');
CREATE TABLE ladders (
        id           INTEGER PRIMARY KEY,
        patient_id   INTEGER NOT NULL,
        protocol_id  TEXT,
        created_at   REAL NOT NULL,
        archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
    );
INSERT INTO "ladders" VALUES(1,1,'enclosed-graded',1789999400.0,0);
INSERT INTO "ladders" VALUES(2,2,'enclosed-graded',1789999800.0,0);
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
CREATE TABLE patient_heart_rate (
    patient_id   INTEGER PRIMARY KEY REFERENCES patients(id),
    age_years    REAL CHECK (age_years IS NULL OR age_years BETWEEN 1 AND 120),
    fraction     REAL NOT NULL CHECK (fraction BETWEEN 0.3 AND 1.0),
    ceiling_bpm  REAL NOT NULL CHECK (ceiling_bpm BETWEEN 60 AND 230),
    sustain_s    REAL NOT NULL CHECK (sustain_s BETWEEN 1 AND 600),
    enabled      INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at   REAL NOT NULL
);
INSERT INTO "patient_heart_rate" VALUES(1,40.0,0.85,153.0,20.0,1,1790000005.0);
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
, artifact TEXT CHECK (artifact IN ('range', 'ectopic')));
INSERT INTO "rr_intervals" VALUES(1,1,1790000061.0,680.0,NULL);
INSERT INTO "rr_intervals" VALUES(2,1,1790000061.0,676.5,NULL);
INSERT INTO "rr_intervals" VALUES(3,1,1790000063.0,650.0,NULL);
INSERT INTO "rr_intervals" VALUES(4,1,1790000063.0,2400.0,'range');
CREATE TABLE sensor_states (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    t           REAL NOT NULL,
    source      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN
                    ('stopped', 'connecting', 'connected', 'reconnecting', 'failed')),
    detail      TEXT NOT NULL DEFAULT ''
);
INSERT INTO "sensor_states" VALUES(1,1,1790000064.0,'ble:AA','reconnecting','signal lost');
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
CREATE INDEX sensor_states_session ON sensor_states(session_id, t);
COMMIT;
