//! One module per subcommand.

pub mod agency;
pub mod audit;
pub mod bench;
pub mod bench_scan;
pub mod cpe;
pub mod demo;
pub mod inventory;
pub mod inventory_bench;
pub mod inventory_report;
pub mod scan;
pub mod serve;
pub mod token;
pub mod user;
pub mod vulndb;
pub mod vulndb_bench;
pub mod vulndb_import;
pub mod vulndb_update;

/// Now, in Unix seconds: what the store's timestamps and the identity rules count in.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// [`unix_now`] as the store's signed column type.
pub fn unix_now_signed() -> i64 {
    i64::try_from(unix_now()).unwrap_or(i64::MAX)
}
