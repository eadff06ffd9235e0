-- The append-only, hash-chained audit log (see govsec_core::audit). Entries are never updated
-- or deleted by govsec; verification walks them in sequence order.
CREATE TABLE audit_log (
    sequence       BIGINT PRIMARY KEY NOT NULL,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    agency         TEXT,
    role           TEXT,
    action         TEXT NOT NULL,
    object         TEXT NOT NULL,
    client_address TEXT,
    previous_hash  TEXT NOT NULL,
    content_hash   TEXT NOT NULL
);
CREATE INDEX audit_log_agency ON audit_log (agency, sequence);
