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
/// Writes a line of a command's output. A reader that stopped early (`govsec … | head`) is not
/// a failure: the command ends quietly, as Unix tools do, where `println!` would panic.
pub fn print_line(text: impl std::fmt::Display) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// [`unix_now`] as the store's signed column type.
pub fn unix_now_signed() -> i64 {
    i64::try_from(unix_now()).unwrap_or(i64::MAX)
}
