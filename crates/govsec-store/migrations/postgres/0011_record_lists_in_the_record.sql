-- A record's descriptions, weaknesses and references move into the record's row as JSON arrays
-- (the model's serde form). They are only ever read with their record, and as tables keyed by
-- (cve_id, source, position) they were a third of an import's time: a row, a key and a foreign
-- key check each, some ten references per CVE in NVD. CVSS metrics keep their table, which
-- statistics and rankings query.
ALTER TABLE vulndb_records
    ADD COLUMN descriptions TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN weaknesses TEXT NOT NULL DEFAULT '[]',
    ADD COLUMN cve_references TEXT NOT NULL DEFAULT '[]';

UPDATE vulndb_records r SET
    descriptions = COALESCE((
        SELECT json_agg(json_build_object('lang', d.lang, 'value', d.value) ORDER BY d.position)::text
        FROM vulndb_descriptions d
        WHERE d.cve_id = r.cve_id AND d.source = r.source
    ), '[]'),
    weaknesses = COALESCE((
        SELECT json_agg(
            json_build_object('source', w.weakness_source, 'kind', w.kind, 'cwe', w.cwe)
            ORDER BY w.position)::text
        FROM vulndb_weaknesses w
        WHERE w.cve_id = r.cve_id AND w.source = r.source
    ), '[]'),
    cve_references = COALESCE((
        SELECT json_agg(
            json_build_object('url', f.url, 'source', f.reference_source, 'tags', f.tags::json)
            ORDER BY f.position)::text
        FROM vulndb_references f
        WHERE f.cve_id = r.cve_id AND f.source = r.source
    ), '[]');

DROP TABLE vulndb_descriptions;
DROP TABLE vulndb_weaknesses;
DROP TABLE vulndb_references;
