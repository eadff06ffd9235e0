-- A record's configurations are stored compressed (LZ4, see `stored_configurations` in
-- src/vulndb.rs), as a BLOB in the column declared TEXT: SQLite keeps a BLOB as it is whatever
-- the column's affinity, and rebuilding the table to rename the type would copy every record.
-- Values written before are JSON text, which the store still reads. Nothing to change here:
-- the file keeps the migrations of both databases numbered alike.
SELECT 1;
