//! `govsec cpe …` and `govsec version …`: the CLI over `govsec-cpe`.
//!
//! Each function returns the text to print on stdout; the binary prints it,
//! and maps an `Err` to exit code 2 with the error's message on stderr.

use govsec_cpe::{Error, Version, WellFormedName};

/// `govsec cpe …`: CPE 2.3 names in either binding (`cpe:2.3:…` or `cpe:/…`).
#[derive(clap::Subcommand, Debug)]
pub enum CpeCommand {
    /// Print the well-formed name (NISTIR 7695) of NAME as JSON.
    Parse {
        /// A CPE name, formatted string (`cpe:2.3:…`) or URI (`cpe:/…`).
        name: String,
    },
    /// Print how SOURCE relates to TARGET (NISTIR 7696): SUPERSET, SUBSET,
    /// EQUAL or DISJOINT.
    Compare {
        /// The source name; wildcards belong here.
        source: String,
        /// The target name.
        target: String,
    },
}

/// `govsec version …`: version ordering as vulnerability bounds use it.
#[derive(clap::Subcommand, Debug)]
pub enum VersionCommand {
    /// Print `<`, `=` or `>`: how version A compares with version B.
    Compare {
        /// The first version.
        a: String,
        /// The second version.
        b: String,
    },
}

/// Runs a `cpe` subcommand; an `Err` is bad input (exit code 2).
pub fn run_cpe(cmd: &CpeCommand) -> Result<String, Error> {
    match cmd {
        CpeCommand::Parse { name } => Ok(WellFormedName::parse(name)?.to_json()),
        CpeCommand::Compare { source, target } => {
            let source = WellFormedName::parse(source)?;
            let target = WellFormedName::parse(target)?;
            Ok(source.compare(&target)?.to_string())
        }
    }
}

/// Runs a `version` subcommand; any text is a version, so it cannot fail.
pub fn run_version(cmd: &VersionCommand) -> String {
    match cmd {
        VersionCommand::Compare { a, b } => {
            let symbol = match Version::parse(a).cmp(&Version::parse(b)) {
                std::cmp::Ordering::Less => "<",
                std::cmp::Ordering::Equal => "=",
                std::cmp::Ordering::Greater => ">",
            };
            symbol.to_string()
        }
    }
}
