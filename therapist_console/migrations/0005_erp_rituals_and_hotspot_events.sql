-- Schema 5: the console's ERP and hotspot logging (issue 13).
-- erp_rituals.ritual: which kind of compulsion or safety behaviour, as the
-- therapist logged it in one click (NULL: logged before schema 5, or as free
-- text only). The older kind column ('ritual' or 'safety_behaviour') stays.
-- hotspots.event_id: the record's event (events.id) just before the hotspot,
-- the last scene event or contact of the session when it was marked (NULL:
-- none, or marked before schema 5). Nothing says that event brought it on.
ALTER TABLE erp_rituals ADD COLUMN ritual TEXT CHECK (ritual IN
    ('washing', 'checking', 'mental_ritual', 'reassurance', 'avoidance'));
ALTER TABLE hotspots ADD COLUMN event_id INTEGER;
