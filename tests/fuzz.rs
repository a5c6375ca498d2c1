//! The fuzz harness in the normal test suite: a short run (about 60 s) over mutated
//! copies of the bundled site must find no defect. `bench/fuzz --seconds 1800` runs the
//! same harness for longer; `BUYIN_FUZZ_SECONDS` and `BUYIN_FUZZ_SEED` set the budget and
//! the seed, `BUYIN_FUZZ_DEFECTS` where reproducers go (default `target/fuzz-defects`),
//! `BUYIN_FUZZ_BINARY` which `buyin` to run (default the one cargo built).

mod common;
mod fuzz_harness;

use std::path::PathBuf;
use std::time::Duration;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutated_projects_build_or_fail_cleanly() {
    let settings = fuzz_harness::Settings {
        seed: env_number("BUYIN_FUZZ_SEED", 12),
        budget: Duration::from_secs(env_number("BUYIN_FUZZ_SECONDS", 60)),
        hang: Duration::from_secs(20),
        defects: std::env::var_os("BUYIN_FUZZ_DEFECTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-defects")
            }),
    };
    let report = fuzz_harness::run(std::path::Path::new(env!("CARGO_BIN_EXE_buyin")), &settings);
    assert!(report.trials > 0, "no trial ran");
    assert!(
        report.defects.is_empty(),
        "{} of {} trials found defects:\n{}",
        report.defects.len(),
        report.trials,
        report.defects.join("\n")
    );
}
