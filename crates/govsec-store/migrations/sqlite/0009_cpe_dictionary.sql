-- NVD's official CPE dictionary, reduced to what the inventory normaliser ranks names against:
-- each product once, with an English title of one of its names. Imported chunk by chunk; a
-- product already present takes the newer title.
CREATE TABLE cpe_dictionary (
    part    TEXT NOT NULL CHECK (part IN ('a', 'o', 'h')),
    vendor  TEXT NOT NULL,
    product TEXT NOT NULL,
    title   TEXT,
    PRIMARY KEY (part, vendor, product)
);
