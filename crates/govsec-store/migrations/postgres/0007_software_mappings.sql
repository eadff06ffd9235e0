-- Mappings officers taught the inventory normaliser: a software name (with its publisher) as an
-- agency's inventories write it, and the CPE product it is. The key is the normaliser's mapping
-- key (the name's identifying words and the publisher's vendor), so that next month's version of
-- the same program finds it. An agency's mapping applies to its own inventories; once the
-- authority promotes it, to every agency's.
CREATE TABLE software_mappings (
    agency_code   TEXT NOT NULL REFERENCES agencies (code),
    mapping_key   TEXT NOT NULL,
    software_name TEXT NOT NULL,
    publisher     TEXT,
    part          TEXT NOT NULL CHECK (part IN ('a', 'o', 'h')),
    vendor        TEXT NOT NULL,
    product       TEXT NOT NULL,
    national      BOOLEAN NOT NULL DEFAULT FALSE,
    taught_by     TEXT NOT NULL,
    taught_at     BIGINT NOT NULL,
    promoted_by   TEXT,
    promoted_at   BIGINT,
    PRIMARY KEY (agency_code, mapping_key)
);
CREATE INDEX software_mappings_national ON software_mappings (national, mapping_key);
