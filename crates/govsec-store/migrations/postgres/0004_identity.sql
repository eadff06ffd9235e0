-- Users and what signing in needs: second factors, one-time recovery codes, sessions, and the
-- failure histories that slow down and lock out guessing. Secrets are stored only as hashes,
-- except the TOTP secret, which the server must read to check codes.
CREATE TABLE users (
    login         TEXT PRIMARY KEY NOT NULL,
    agency_code   TEXT NOT NULL REFERENCES agencies (code),
    role          TEXT NOT NULL CHECK (role IN ('authority_admin', 'authority_analyst', 'supervisor', 'agency_officer', 'auditor')),
    password_hash TEXT NOT NULL,
    email         TEXT,
    disabled      BOOLEAN NOT NULL,
    demo          BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_agency ON users (agency_code);

CREATE TABLE totp_credentials (
    login          TEXT PRIMARY KEY NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    secret         TEXT NOT NULL,
    last_used_step BIGINT
);

CREATE TABLE recovery_codes (
    login     TEXT NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (login, code_hash)
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    login        TEXT NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL,
    csrf_token   TEXT NOT NULL,
    -- False between the password and the second factor: such a session opens nothing but the
    -- second-factor page.
    second_factor_passed BOOLEAN NOT NULL
);
CREATE INDEX sessions_login ON sessions (login);

CREATE TABLE login_failures (
    kind            TEXT NOT NULL CHECK (kind IN ('account', 'address')),
    subject         TEXT NOT NULL,
    failures        BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    PRIMARY KEY (kind, subject)
);
