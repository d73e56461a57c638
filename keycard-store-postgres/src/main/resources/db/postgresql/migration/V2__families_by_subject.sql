-- The administration API and `keycard sessions list USER` list a user's login sessions; the embedded
-- schema has had this index from the start.
CREATE INDEX refresh_families_subject ON refresh_families (subject);
