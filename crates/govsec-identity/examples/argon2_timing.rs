//! Measures one Argon2id hash with the recommended parameters, to keep the crate docs true.
//!
//! Run it in a release build: `cargo run --release -p govsec-identity --example argon2_timing`.

use std::time::Instant;

use govsec_identity::PasswordHasher;
use rand_core::UnwrapErr;

fn main() {
    let hasher = PasswordHasher::recommended();
    let mut rng = UnwrapErr(getrandom::SysRng);
    let rounds = 20;
    let mut timings = Vec::with_capacity(rounds);
    let mut stored = String::new();
    for _ in 0..rounds {
        let start = Instant::now();
        stored = hasher
            .hash("correct horse battery staple", &mut rng)
            .expect("the recommended parameters hash");
        timings.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let start = Instant::now();
    let verified = hasher
        .verify("correct horse battery staple", &stored)
        .expect("the stored hash is well formed");
    let verify_ms = start.elapsed().as_secs_f64() * 1000.0;
    timings.sort_by(f64::total_cmp);
    println!(
        "{stored}\nhash: median {:.1} ms, min {:.1} ms, max {:.1} ms over {rounds}; verify {:.1} ms ({verified})",
        timings[rounds / 2],
        timings[0],
        timings[rounds - 1],
        verify_ms,
    );
}
