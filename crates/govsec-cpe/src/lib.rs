//! CPE 2.3 names and versions for govsec: parse, bind, compare and order.
//!
//! Matching an inventory against NVD needs two things done exactly: CPE
//! names handled as the NIST specifications say, and versions ordered the way
//! vulnerability bounds need. This crate does both, without I/O.
//!
//! # Names (NISTIR 7695)
//!
//! A [`WellFormedName`] holds the eleven [`Attribute`]s, each an
//! [`AttributeValue`]: the logical values ANY and NA, or a [`ValueString`].
//! Value strings are kept in WFN form (NISTIR 7695 §5.3.2): letters, digits
//! and `_` as they are, every other printable ASCII character quoted with a
//! backslash (`8\.0\.6001`, `visual_c\+\+`), and unquoted `*` (any run of
//! characters) and `?` (exactly one character) only at either end.
//!
//! Both bindings parse ([`WellFormedName::parse`] picks by prefix) and bind:
//!
//! | WFN                       | formatted string (§6.2) | URI (§6.1)    |
//! |---------------------------|-------------------------|---------------|
//! | ANY                       | `*`                     | empty         |
//! | NA                        | `-`                     | `-`           |
//! | `8\.0\.6001`              | `8.0.6001`              | `8.0.6001`    |
//! | `c\+\+`                   | `c\+\+`                 | `c%2b%2b`     |
//! | `8\.*` (wildcard)         | `8.*`                   | `8.%02`       |
//! | `sp?` (wildcard)          | `sp?`                   | `sp%01`       |
//! | `\*` (literal asterisk)   | `\*`                    | `%2a`         |
//! | `\:` (literal colon)      | `\:`                    | `%3a`         |
//!
//! ```
//! use govsec_cpe::{Attribute, WellFormedName};
//! let name = WellFormedName::parse("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*")?;
//! assert_eq!(name.get(Attribute::Version).to_string(), r"8\.0\.6001");
//! assert_eq!(name.to_uri(), "cpe:/a:microsoft:internet_explorer:8.0.6001:beta");
//! let packed = WellFormedName::parse("cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~")?;
//! assert_eq!(
//!     packed.to_formatted_string(),
//!     "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*"
//! );
//! # Ok::<(), govsec_cpe::Error>(())
//! ```
//!
//! [`WellFormedName::to_json`] is the JSON that `govsec cpe parse` prints:
//! an object of the eleven attributes in binding order, with `"ANY"` and
//! `"NA"` for the logical values and value strings in WFN form, so
//! `8.0.6001` reads `"8\\.0\\.6001"` (`ValueString::unquoted` removes the
//! quoting).
//!
//! Invalid names give an [`Error`] naming the attribute, its component
//! number, the character offset and the rule broken, e.g. `invalid version
//! (component 4) at character offset 24: unquoted '*' is a wildcard and may
//! only stand at the beginning or end of a value`.
//!
//! Choices where the specification leaves room:
//!
//! - The formatted string keeps letter case; the URI binding lowercases, as
//!   `decode` in NISTIR 7695 §6.1.3.2 does. Comparison ignores case either way.
//! - The formatted string must quote punctuation other than `.`, `-` and `_`
//!   (its ABNF, §6.2.2); `a+b` is an error that says to write `a\+b`.
//! - A value may not be a lone `*` (that is ANY) nor a lone quoted hyphen
//!   `\-` (that would bind as NA), so binding never changes a name's meaning.
//! - `part` is `a`, `o` or `h`, and `language` an RFC 5646 tag (`en-us`);
//!   wildcards are not accepted in either.
//!
//! # Matching (NISTIR 7696)
//!
//! [`compare_attribute`] implements the attribute comparison table, and
//! [`WellFormedName::compare`] the name comparison into a [`Relation`]:
//! SUPERSET, SUBSET, EQUAL or DISJOINT. The specification leaves two cases
//! without a relation, and they are errors rather than guesses: a target with
//! wildcards ([`Error::UndefinedRelation`]) and names where the source is a
//! superset in one attribute but a subset in another ([`Error::NoNameRelation`]).
//! A DISJOINT attribute decides DISJOINT in any case. The boolean tests
//! `CPE_SUPERSET`, `CPE_SUBSET`, `CPE_EQUAL`, `CPE_DISJOINT` are
//! [`WellFormedName::is_superset`] and its siblings.
//!
//! For vulnerability matching, [`covers`] tells whether criteria (with
//! wildcards) cover a concrete inventory name. NA is not ANY:
//!
//! ```
//! use govsec_cpe::{covers, WellFormedName};
//! let parse = |name| WellFormedName::parse(name).unwrap();
//! let inventory = parse("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*");
//! assert!(covers(&parse("cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*"), &inventory));
//! assert!(covers(&parse("cpe:2.3:a:apache:http_server:2.4.*:*:*:*:*:*:*:*"), &inventory));
//! assert!(!covers(&parse("cpe:2.3:a:apache:http_server:-:*:*:*:*:*:*:*"), &inventory));
//! let jre = parse("cpe:2.3:a:oracle:jre:1.8.0:update_281:*:*:*:*:*:*");
//! assert!(!covers(&parse("cpe:2.3:a:oracle:jre:1.8.0:update_202:*:*:*:*:*:*"), &jre));
//! ```
//!
//! Wildcards follow NISTIR 7695 §5.3.2: `*` matches any run of characters,
//! including none, and each `?` exactly one character, where a quoted
//! character such as `\.` is one character.
//!
//! ## Where the reference library `cpe` (PyPI, 1.3.1) disagrees
//!
//! The differential test (`tests/differential.rs`) compares 12,000 generated
//! name pairs with the Python `cpe` library: the unbound WFNs, every
//! attribute relation and the four name tests. It accepts only these
//! differences, where the library contradicts NISTIR 7695/7696; in each, this
//! crate's answer is also checked against a plain glob matcher.
//!
//! | case | the reference | this crate, following the specification |
//! |------|---------------|------------------------------------------|
//! | a value ending in a quoted backslash, `a\\:` | splits at colons not preceded by `\`, so the colon is swallowed and the name rejected | `\\` is a quoted backslash and the colon after it separates components (NISTIR 7695 §6.2.3) |
//! | leading `?`: `??crosoft` against `microsoft` | DISJOINT: it tests `startswith('?', i, i)` on an empty slice, so leading `?` is never a wildcard | SUPERSET: `?` may begin a value (NISTIR 7695 §5.3.2) |
//! | `?` matching nothing: `sp?` against `sp` | SUPERSET: its port of the 7696 pseudocode lets each `?` match zero or one character | DISJOINT: `?` is a single-character wildcard (NISTIR 7695 §5.3.2) |
//! | quoted punctuation near a match: `a?` against `a\\b`; `\!` against `\\\!` | counts backslashes, not characters, and searches quoted text byte by byte: SUPERSET for both | DISJOINT: `\\` and `\!` are one character each (NISTIR 7695 §5.3.2) |
//! | a target whose wildcard follows a quoted one, or a quoted backslash: `\*x*`, `a\\*` | sees only the first `*` and `?`, and calls any one after `\` quoted, so it answers | undefined: the target has an unquoted wildcard (NISTIR 7696 §6.1) |
//!
//! # Versions
//!
//! [`Version::parse`] reads any text and never fails; [`Version`]'s `Ord`
//! is a total order consistent with `Eq` and `Hash`. The rules:
//!
//! 1. The text is split into tokens: runs of digits (numbers), runs of
//!    letters (words; any non-ASCII character counts as a letter), and single
//!    symbols such as `*` or `!`. The separators `.` `-` `_` `+` `~` `:` `,`
//!    `\`, whitespace and control characters only split tokens. A leading `v`
//!    before a digit is dropped: `v1.2` = `1.2`.
//! 2. Numbers compare as numbers, of any length: `1.10` > `1.9`, `2.4.49` >
//!    `2.4.5`; leading zeros do not count: `19.00` = `19.0`, `1.01` = `1.1`.
//! 3. Consecutive numbers form a run, compared position by position with
//!    missing trailing positions as zero: `1.0` = `1.0.0` = `1`, `1.0.0.1` >
//!    `1.0`. A separator between numbers is only a separator, so the Java
//!    forms `1.8.0_281` > `1.8.0_202` > `1.8.0`, and Windows builds
//!    `10.0.19041.1237` > `10.0.19041.1234` compare as expected.
//! 4. Pre-release words sort below the release, ranked `dev` = `snapshot` =
//!    `nightly` < `alpha` < `beta` < `milestone` < `pre` = `preview` < `rc` =
//!    `cr`: `1.0-dev` < `1.0-alpha` < `1.0-beta.2` < `1.0-beta.11` <
//!    `1.0-rc1` < `1.0`. The letters `a`, `b`, `m`, `c` count as alpha, beta,
//!    milestone and rc only when a digit follows directly (`1.0a1`, `2.0b3`).
//! 5. Any other word is a suffix after the release and before the next number:
//!    OpenSSL's `1.0.1` < `1.0.1f` < `1.0.1g` < `1.0.2`, and `1.0.2z` <
//!    `1.0.2za`; `1.0-sp1` > `1.0`; `update_202` < `update_281`. Such words
//!    compare alphabetically ignoring ASCII case.
//! 6. `final`, `ga`, `release` and `stable` are ignored: `1.0-final` = `1.0`.
//! 7. Comparison runs left to right over these elements; at the first
//!    difference, a pre-release word < the end of the version < another word
//!    < a number. So `1.0` < `1.0a` < `1.0.1`, and `1.0-rc1` < `1.0.1`.
//!
//! Strings that are not versions at all still have a place: `latest`,
//! `unknown` or `n/a` are words and compare alphabetically among themselves,
//! and below any version that starts with a number (`latest` < `0.1`).
//! Text with no letters, digits or symbols (the empty string, `-`, `...`)
//! is the empty version, equal to each other, above a lone pre-release word
//! (`beta`) and below everything else. CPE's `*` is the symbol `*` here,
//! not ANY: check the WFN's logical value before comparing versions.
//! WFN-quoted text reads like plain text, since `\` is a separator:
//! `2\.4\.49` = `2.4.49`.
//!
//! ```
//! use govsec_cpe::Version;
//! assert!(Version::parse("1.0.1f") < Version::parse("1.0.1g"));
//! assert!(Version::parse("latest") < Version::parse("0.1"));
//! assert_eq!(Version::parse(""), Version::parse("-"));
//! ```

mod attribute;
mod error;
mod formatted_string;
mod matching;
mod name;
mod uri;
mod version;

pub use attribute::{Attribute, AttributeValue, ValueString, Wildcard};
pub use error::{Binding, Error, Reason};
pub use matching::{Relation, compare_attribute, covers};
pub use name::WellFormedName;
pub use version::Version;
