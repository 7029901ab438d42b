-- Version 2: a place's history (every mention of one place) without a scan of all events.
CREATE INDEX events_place ON events (place_id, date);
