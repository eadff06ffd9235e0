-- API tokens for scripts: each acts as its owner with a role the owner may delegate, in the
-- owner's agency, until it expires or is revoked. Only the token's SHA-256 is kept.
CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    owner       TEXT NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    role        TEXT NOT NULL,
    label       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX api_tokens_owner ON api_tokens (owner);
