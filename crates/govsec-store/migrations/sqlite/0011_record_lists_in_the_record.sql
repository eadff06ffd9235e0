-- A record's descriptions, weaknesses and references move into the record's row as JSON arrays
-- (the model's serde form). They are only ever read with their record, and as tables keyed by
-- (cve_id, source, position) they were a third of an import's time: a row, a key and a foreign
-- key check each, some ten references per CVE in NVD. CVSS metrics keep their table, which
-- statistics and rankings query.
ALTER TABLE vulndb_records ADD COLUMN descriptions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE vulndb_records ADD COLUMN weaknesses TEXT NOT NULL DEFAULT '[]';
ALTER TABLE vulndb_records ADD COLUMN cve_references TEXT NOT NULL DEFAULT '[]';

UPDATE vulndb_records SET
    descriptions = COALESCE((
        SELECT json_group_array(json_object('lang', d.lang, 'value', d.value) ORDER BY d.position)
        FROM vulndb_descriptions d
        WHERE d.cve_id = vulndb_records.cve_id AND d.source = vulndb_records.source
    ), '[]'),
    weaknesses = COALESCE((
        SELECT json_group_array(
            json_object('source', w.weakness_source, 'kind', w.kind, 'cwe', w.cwe)
            ORDER BY w.position)
        FROM vulndb_weaknesses w
        WHERE w.cve_id = vulndb_records.cve_id AND w.source = vulndb_records.source
    ), '[]'),
    cve_references = COALESCE((
        SELECT json_group_array(
            json_object('url', r.url, 'source', r.reference_source, 'tags', json(r.tags))
            ORDER BY r.position)
        FROM vulndb_references r
        WHERE r.cve_id = vulndb_records.cve_id AND r.source = vulndb_records.source
    ), '[]');

DROP INDEX vulndb_weaknesses_cwe;
DROP TABLE vulndb_descriptions;
DROP TABLE vulndb_weaknesses;
DROP TABLE vulndb_references;
