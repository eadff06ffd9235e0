-- A counter every registry change increments in its own transaction, so that any number of
-- server processes can tell whether what they cached of the registry is still current.
CREATE TABLE registry_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO registry_revision (id, revision) VALUES (1, 0);
