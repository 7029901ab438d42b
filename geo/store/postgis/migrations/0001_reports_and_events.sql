-- Frontline's PostGIS store, version 1: reports and their events.
-- Runs with search_path set to the store's schema (then public, where PostGIS is).

-- Every write and removal of a report, in order. The store's stamp (what the app's
-- caches are keyed on) is how many there are and the last one: any commit changes it.
CREATE TABLE changes (
    n         bigserial PRIMARY KEY,
    report_id text NOT NULL,
    action    text NOT NULL,      -- added, refreshed, replaced, removed
    at        timestamptz NOT NULL DEFAULT now()
);

-- 'duplicate_ids' is set once an event id is stored twice (two reports, or twice in one):
-- reads then show each id once, the earliest copy, as the file store does. Unset, they
-- skip that check, which would otherwise cost a probe per event.
CREATE TABLE store_flags (name text PRIMARY KEY);

-- One row per stored report: its facts. The json columns keep what was written
-- as written (key order included), so `frontline db export` gives the files back.
CREATE TABLE reports (
    id               text COLLATE "C" PRIMARY KEY,
    date             date NOT NULL,
    format           text NOT NULL,
    title            text,
    source_url       text,
    content_hash     text,
    fronts           json,            -- [{name, initiative, initiative_source[, evidence]}]
    unresolved       json,            -- [{mention, front, section, method, candidates}]
    unresolved_names text[] NOT NULL DEFAULT '{}',
    counts           json,
    meta             json NOT NULL,   -- the rest of the report's facts ("report" and any other)
    n_events         integer NOT NULL,
    ingested_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_date ON reports (date, id);

-- One row per event: the public event properties as columns (geo/schema.py).
-- report_ref is the stored report the event belongs to; report_id is the event's
-- own property (absent in older files), kept apart so nothing is rewritten.
CREATE TABLE events (
    report_ref        text COLLATE "C" NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq               integer NOT NULL,   -- position in the report, for a faithful export
    id                text COLLATE "C" NOT NULL,
    date              date NOT NULL,
    front             text,
    initiative        text,
    initiative_source text,
    section           text,
    place             text,
    place_id          text,
    mention           text,
    status            text,
    kind              text,
    precision         text,
    source            text,
    source_url        text,
    report_format     text,
    snippet           text,
    method            text,
    report_id         text,
    extra             json,               -- properties beyond the schema, if any
    geom              geometry(Point, 4326) NOT NULL,
    PRIMARY KEY (report_ref, seq)
);
CREATE INDEX events_geom ON events USING gist (geom);
CREATE INDEX events_date ON events (date);
CREATE INDEX events_front_date ON events (front, date);
-- An id stored twice (by two reports) counts once: the earliest copy wins.
CREATE INDEX events_id ON events (id, date, report_ref, seq);
