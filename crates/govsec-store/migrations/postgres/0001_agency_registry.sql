-- The agency registry: agencies in their supervision tree, with contacts, websites and
-- information systems. `path` is the ancestry path (/ROOT/…/CODE/) used to scope queries; it is
-- compared byte-wise (COLLATE "C") so that a subtree is one index range.
CREATE TABLE agencies (
    code            TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 10),
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    tier            TEXT NOT NULL,
    parent_code     TEXT REFERENCES agencies (code),
    level           TEXT NOT NULL CHECK (level IN ('A', 'B', 'C', 'D', 'E')),
    exchange_layer  TEXT NOT NULL CHECK (exchange_layer IN ('management', 'exchange', 'terminal')),
    exchange_centre TEXT CHECK (exchange_centre IN ('shared', 'self_managed', 'self_built')),
    path            TEXT COLLATE "C" NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_code);
CREATE UNIQUE INDEX agencies_path ON agencies (path);

CREATE TABLE agency_contacts (
    agency_code TEXT NOT NULL REFERENCES agencies (code) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL,
    email       TEXT,
    phone       TEXT NOT NULL,
    PRIMARY KEY (agency_code, position)
);

CREATE TABLE agency_websites (
    agency_code TEXT NOT NULL REFERENCES agencies (code) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    url         TEXT NOT NULL,
    PRIMARY KEY (agency_code, position)
);

CREATE TABLE information_systems (
    agency_code     TEXT NOT NULL REFERENCES agencies (code) ON DELETE CASCADE,
    position        BIGINT NOT NULL,
    name            TEXT NOT NULL,
    core            BOOLEAN NOT NULL,
    covered_by_vans BOOLEAN NOT NULL,
    covered_by_edr  BOOLEAN NOT NULL,
    PRIMARY KEY (agency_code, position)
);
