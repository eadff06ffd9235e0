-- A record's configurations are stored compressed (LZ4, see `stored_configurations` in
-- src/vulndb.rs), so the column holds bytes. Values written before are their JSON's UTF-8
-- bytes, which the store still reads.
ALTER TABLE vulndb_records
    ALTER COLUMN configurations TYPE BYTEA USING convert_to(configurations, 'UTF8');
