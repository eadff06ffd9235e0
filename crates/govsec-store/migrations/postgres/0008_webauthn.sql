-- WebAuthn security keys as a second factor. A key's public credential (webauthn-rs's JSON of
-- it, with the public key and the signature counter) is not secret; it is kept next to the
-- user's TOTP secret. The signature counter is also a column, so that accepting an assertion
-- is one conditional update that a cloned key racing the real one cannot pass twice
-- (WebAuthn Level 2 §6.1.1, signature counter considerations).
CREATE TABLE webauthn_credentials (
    -- The credential ID in base64url: unique over all users (WebAuthn Level 2 §7.1 step 22).
    credential_id TEXT PRIMARY KEY NOT NULL,
    login         TEXT NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    credential    TEXT NOT NULL,
    sign_count    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX webauthn_credentials_login ON webauthn_credentials (login);

-- The user handle each user's keys are registered under: random, so that it says nothing about
-- the person (WebAuthn Level 2 §14.6.1, user handle contents).
CREATE TABLE webauthn_user_handles (
    login       TEXT PRIMARY KEY NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    user_handle TEXT NOT NULL UNIQUE
);

-- A registration or sign-in ceremony under way: the challenge and what the server expects back,
-- kept here and never trusted from the browser (WebAuthn Level 2 §13.4.3). One per session and
-- purpose; taken (deleted) by the answer, so a challenge answers once; gone with its session.
CREATE TABLE webauthn_ceremonies (
    session_hash TEXT NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE,
    purpose      TEXT NOT NULL CHECK (purpose IN ('register', 'authenticate')),
    state        TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    PRIMARY KEY (session_hash, purpose)
);
