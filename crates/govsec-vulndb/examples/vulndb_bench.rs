//! Generates a synthetic NVD feed and measures parse + index and lookups:
//! `vulndb_bench CVES [LOOKUPS] [THREADS]`; prints the report as JSON.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let cves: usize = args.next().as_deref().unwrap_or("300000").parse()?;
    let lookups: usize = args.next().as_deref().unwrap_or("2000000").parse()?;
    let threads: usize = args.next().as_deref().unwrap_or("2").parse()?;
    let feed = std::env::temp_dir().join(format!("nvdcve-2.0-synthetic-{cves}.json"));
    let started = std::time::Instant::now();
    govsec_vulndb::synthetic::generate_nvd(cves, 42, &feed)?;
    eprintln!(
        "generated {} in {:.1} s ({} bytes)",
        feed.display(),
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&feed)?.len()
    );
    let report = govsec_vulndb::synthetic::benchmark(&feed, lookups, threads, 42)?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    std::fs::remove_file(&feed)?;
    Ok(())
}
