//! CVSS vectors and scores: v2.0, v3.0, v3.1 and v4.0 vector strings are
//! parsed and validated against their FIRST specifications; v2.0 and v3.x
//! base scores are computed.
//!
//! - v2.0: "A Complete Guide to the Common Vulnerability Scoring System
//!   Version 2.0", §2.4 (vector) and §3.2.1 (base equation).
//! - v3.0 and v3.1: "CVSS v3.x Specification Document", §6 (vector string),
//!   §7.1 (base equations) and, for v3.1, Appendix A (the `Roundup`
//!   function that avoids floating-point artefacts). v3.0 rounds up with the
//!   plain "smallest number, to one decimal place, equal to or higher than
//!   its input".
//! - v4.0: "CVSS v4.0 Specification Document", §7 (vector string). The v4.0
//!   score comes from a table of macro-vectors and interpolation; no
//!   well-kept Rust crate computes it, so this module validates v4.0 vectors
//!   and keeps the score the source states.
//!
//! Metrics may appear in any order; each at most once; every base metric is
//! required. Scores are kept in tenths ([`CvssScore`]) so that comparing a
//! computed score with a stated one is exact.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Location};

/// A CVSS version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CvssVersion {
    /// CVSS v2.0.
    #[serde(rename = "2.0")]
    V2_0,
    /// CVSS v3.0.
    #[serde(rename = "3.0")]
    V3_0,
    /// CVSS v3.1.
    #[serde(rename = "3.1")]
    V3_1,
    /// CVSS v4.0.
    #[serde(rename = "4.0")]
    V4_0,
}

impl CvssVersion {
    /// The version as the vector prefix and NVD's `version` field write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2_0 => "2.0",
            Self::V3_0 => "3.0",
            Self::V3_1 => "3.1",
            Self::V4_0 => "4.0",
        }
    }
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One metric of a version's vector: its abbreviation, allowed values, and
/// whether it belongs to the (mandatory) base group.
struct Metric {
    name: &'static str,
    values: &'static [&'static str],
    base: bool,
}

const fn base(name: &'static str, values: &'static [&'static str]) -> Metric {
    Metric {
        name,
        values,
        base: true,
    }
}

const fn optional(name: &'static str, values: &'static [&'static str]) -> Metric {
    Metric {
        name,
        values,
        base: false,
    }
}

/// CVSS v2.0 guide §2.4, Table 13.
const V2_METRICS: &[Metric] = &[
    base("AV", &["L", "A", "N"]),
    base("AC", &["H", "M", "L"]),
    base("Au", &["M", "S", "N"]),
    base("C", &["N", "P", "C"]),
    base("I", &["N", "P", "C"]),
    base("A", &["N", "P", "C"]),
    optional("E", &["U", "POC", "F", "H", "ND"]),
    optional("RL", &["OF", "TF", "W", "U", "ND"]),
    optional("RC", &["UC", "UR", "C", "ND"]),
    optional("CDP", &["N", "L", "LM", "MH", "H", "ND"]),
    optional("TD", &["N", "L", "M", "H", "ND"]),
    optional("CR", &["L", "M", "H", "ND"]),
    optional("IR", &["L", "M", "H", "ND"]),
    optional("AR", &["L", "M", "H", "ND"]),
];

/// CVSS v3.x specification §6, Table 15 (the same for v3.0 and v3.1).
const V3_METRICS: &[Metric] = &[
    base("AV", &["N", "A", "L", "P"]),
    base("AC", &["L", "H"]),
    base("PR", &["N", "L", "H"]),
    base("UI", &["N", "R"]),
    base("S", &["U", "C"]),
    base("C", &["H", "L", "N"]),
    base("I", &["H", "L", "N"]),
    base("A", &["H", "L", "N"]),
    optional("E", &["X", "H", "F", "P", "U"]),
    optional("RL", &["X", "U", "W", "T", "O"]),
    optional("RC", &["X", "C", "R", "U"]),
    optional("CR", &["X", "H", "M", "L"]),
    optional("IR", &["X", "H", "M", "L"]),
    optional("AR", &["X", "H", "M", "L"]),
    optional("MAV", &["X", "N", "A", "L", "P"]),
    optional("MAC", &["X", "L", "H"]),
    optional("MPR", &["X", "N", "L", "H"]),
    optional("MUI", &["X", "N", "R"]),
    optional("MS", &["X", "U", "C"]),
    optional("MC", &["X", "H", "L", "N"]),
    optional("MI", &["X", "H", "L", "N"]),
    optional("MA", &["X", "H", "L", "N"]),
];

/// CVSS v4.0 specification §7, Table 23.
const V4_METRICS: &[Metric] = &[
    base("AV", &["N", "A", "L", "P"]),
    base("AC", &["L", "H"]),
    base("AT", &["N", "P"]),
    base("PR", &["N", "L", "H"]),
    base("UI", &["N", "P", "A"]),
    base("VC", &["H", "L", "N"]),
    base("VI", &["H", "L", "N"]),
    base("VA", &["H", "L", "N"]),
    base("SC", &["H", "L", "N"]),
    base("SI", &["H", "L", "N"]),
    base("SA", &["H", "L", "N"]),
    optional("E", &["X", "A", "P", "U"]),
    optional("CR", &["X", "H", "M", "L"]),
    optional("IR", &["X", "H", "M", "L"]),
    optional("AR", &["X", "H", "M", "L"]),
    optional("MAV", &["X", "N", "A", "L", "P"]),
    optional("MAC", &["X", "L", "H"]),
    optional("MAT", &["X", "N", "P"]),
    optional("MPR", &["X", "N", "L", "H"]),
    optional("MUI", &["X", "N", "P", "A"]),
    optional("MVC", &["X", "H", "L", "N"]),
    optional("MVI", &["X", "H", "L", "N"]),
    optional("MVA", &["X", "H", "L", "N"]),
    optional("MSC", &["X", "H", "L", "N"]),
    optional("MSI", &["X", "S", "H", "L", "N"]),
    optional("MSA", &["X", "S", "H", "L", "N"]),
    optional("S", &["X", "N", "P"]),
    optional("AU", &["X", "N", "Y"]),
    optional("R", &["X", "A", "U", "I"]),
    optional("V", &["X", "D", "C"]),
    optional("RE", &["X", "L", "M", "H"]),
    optional("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

/// A validated CVSS vector string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CvssVector {
    version: CvssVersion,
    text: Box<str>,
    values: Vec<(&'static str, &'static str)>,
}

impl CvssVector {
    /// Parses and validates a vector: `AV:N/AC:L/Au:N/C:P/I:P/A:P` (v2.0,
    /// which has no prefix), `CVSS:3.1/AV:N/…`, `CVSS:3.0/…`, `CVSS:4.0/…`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let fail = |reason: String| Error::InvalidCvss {
            location: Location::default(),
            vector: text.to_owned(),
            reason: reason.into_boxed_str(),
        };
        let (version, body) = match text.split_once('/') {
            Some(("CVSS:3.0", body)) => (CvssVersion::V3_0, body),
            Some(("CVSS:3.1", body)) => (CvssVersion::V3_1, body),
            Some(("CVSS:4.0", body)) => (CvssVersion::V4_0, body),
            Some((prefix, _)) if prefix.starts_with("CVSS:") => {
                return Err(fail(format!("unknown CVSS version prefix {prefix:?}")));
            }
            _ => (CvssVersion::V2_0, text),
        };
        let table = match version {
            CvssVersion::V2_0 => V2_METRICS,
            CvssVersion::V3_0 | CvssVersion::V3_1 => V3_METRICS,
            CvssVersion::V4_0 => V4_METRICS,
        };
        let mut values: Vec<(&'static str, &'static str)> = Vec::with_capacity(table.len());
        for part in body.split('/') {
            let (name, value) = part
                .split_once(':')
                .ok_or_else(|| fail(format!("{part:?} is not METRIC:VALUE")))?;
            let metric = table
                .iter()
                .find(|metric| metric.name == name)
                .ok_or_else(|| fail(format!("{name:?} is not a CVSS v{version} metric")))?;
            let value = metric
                .values
                .iter()
                .find(|allowed| **allowed == value)
                .ok_or_else(|| {
                    fail(format!(
                        "{value:?} is not a value of {name} (allowed: {})",
                        metric.values.join(", ")
                    ))
                })?;
            if values.iter().any(|(seen, _)| *seen == metric.name) {
                return Err(fail(format!("{name} is given twice")));
            }
            values.push((metric.name, value));
        }
        if let Some(missing) = table
            .iter()
            .find(|metric| metric.base && !values.iter().any(|(name, _)| *name == metric.name))
        {
            return Err(fail(format!("the base metric {} is missing", missing.name)));
        }
        Ok(Self {
            version,
            text: text.into(),
            values,
        })
    }

    /// The CVSS version.
    pub fn version(&self) -> CvssVersion {
        self.version
    }

    /// The vector string as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value of a metric (`"N"` for `AV:N`), if the vector gives it.
    pub fn get(&self, metric: &str) -> Option<&'static str> {
        self.values
            .iter()
            .find(|(name, _)| *name == metric)
            .map(|(_, value)| *value)
    }

    /// A base metric's value; base metrics are present by construction.
    fn base_value(&self, metric: &str) -> &'static str {
        self.get(metric)
            .expect("base metrics are validated when parsed")
    }

    /// The base score computed from the vector; `None` for v4.0 (see the
    /// module documentation).
    pub fn base_score(&self) -> Option<CvssScore> {
        match self.version {
            CvssVersion::V2_0 => Some(self.v2_base_score()),
            CvssVersion::V3_0 | CvssVersion::V3_1 => Some(self.v3_base_score()),
            CvssVersion::V4_0 => None,
        }
    }

    /// CVSS v2.0 guide §3.2.1.
    fn v2_base_score(&self) -> CvssScore {
        let impact_weight = |metric| match self.base_value(metric) {
            "P" => 0.275,
            "C" => 0.660,
            _ => 0.0f64,
        };
        let impact = 10.41
            * (1.0
                - (1.0 - impact_weight("C"))
                    * (1.0 - impact_weight("I"))
                    * (1.0 - impact_weight("A")));
        let access_vector = match self.base_value("AV") {
            "L" => 0.395,
            "A" => 0.646,
            _ => 1.0,
        };
        let access_complexity = match self.base_value("AC") {
            "H" => 0.35,
            "M" => 0.61,
            _ => 0.71,
        };
        let authentication = match self.base_value("Au") {
            "M" => 0.45,
            "S" => 0.56,
            _ => 0.704,
        };
        let exploitability = 20.0 * access_vector * access_complexity * authentication;
        let f_impact = if impact == 0.0 { 0.0 } else { 1.176 };
        let score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f_impact;
        // "round_to_1_decimal": to the nearest tenth.
        CvssScore::from_tenths((score * 10.0).round().clamp(0.0, 100.0) as u8)
    }

    /// CVSS v3.x specification §7.1 with v3.0's or v3.1's rounding.
    fn v3_base_score(&self) -> CvssScore {
        let changed = self.base_value("S") == "C";
        let cia = |metric| match self.base_value(metric) {
            "H" => 0.56,
            "L" => 0.22,
            _ => 0.0,
        };
        let iss = 1.0 - (1.0 - cia("C")) * (1.0 - cia("I")) * (1.0 - cia("A"));
        let impact = if changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15)
        } else {
            6.42 * iss
        };
        let attack_vector = match self.base_value("AV") {
            "N" => 0.85,
            "A" => 0.62,
            "L" => 0.55,
            _ => 0.2,
        };
        let attack_complexity = if self.base_value("AC") == "L" {
            0.77
        } else {
            0.44
        };
        let privileges = match (self.base_value("PR"), changed) {
            ("N", _) => 0.85,
            ("L", false) => 0.62,
            ("L", true) => 0.68,
            (_, false) => 0.27,
            (_, true) => 0.5,
        };
        let user_interaction = if self.base_value("UI") == "N" {
            0.85
        } else {
            0.62
        };
        let exploitability =
            8.22 * attack_vector * attack_complexity * privileges * user_interaction;
        if impact <= 0.0 {
            return CvssScore::from_tenths(0);
        }
        let raw = if changed {
            (1.08 * (impact + exploitability)).min(10.0)
        } else {
            (impact + exploitability).min(10.0)
        };
        let tenths = match self.version {
            CvssVersion::V3_1 => roundup_v31(raw),
            _ => (raw * 10.0).ceil(),
        };
        CvssScore::from_tenths(tenths.clamp(0.0, 100.0) as u8)
    }
}

/// CVSS v3.1 specification Appendix A `Roundup`, returning tenths: work on
/// the input times 100,000 rounded to an integer, so that 4.000000000000001
/// rounds up to 4.0 and not 4.1.
fn roundup_v31(value: f64) -> f64 {
    let integer = (value * 100_000.0).round() as i64;
    if integer % 10_000 == 0 {
        (integer / 10_000) as f64
    } else {
        (integer / 10_000 + 1) as f64
    }
}

impl FromStr for CvssVector {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

impl fmt::Display for CvssVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for CvssVector {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for CvssVector {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A CVSS score, 0.0 to 10.0 in steps of 0.1, kept in tenths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CvssScore(u8);

impl CvssScore {
    /// The score from tenths (`98` is 9.8), saturating at 10.0.
    pub fn from_tenths(tenths: u8) -> Self {
        Self(tenths.min(100))
    }

    /// The score as a source states it, if it lies in 0.0–10.0 with at most
    /// one decimal.
    pub fn from_stated(value: f64) -> Option<Self> {
        let tenths = value * 10.0;
        ((0.0..=100.0).contains(&tenths) && (tenths - tenths.round()).abs() < 1e-6)
            .then(|| Self(tenths.round() as u8))
    }

    /// The score in tenths.
    pub fn tenths(self) -> u8 {
        self.0
    }

    /// The score as a number.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl fmt::Display for CvssScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl Serialize for CvssScore {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.value())
    }
}

impl<'de> Deserialize<'de> for CvssScore {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Self::from_stated(value)
            .ok_or_else(|| serde::de::Error::custom(format!("{value} is not a CVSS score")))
    }
}

/// A qualitative severity rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// 0.0 (v3.x, v4.0).
    None,
    /// v3.x/v4.0: 0.1–3.9; v2.0 (NVD): 0.0–3.9.
    Low,
    /// 4.0–6.9.
    Medium,
    /// v3.x/v4.0: 7.0–8.9; v2.0 (NVD): 7.0–10.0.
    High,
    /// 9.0–10.0 (v3.x, v4.0).
    Critical,
}

impl Severity {
    /// The rating of a score under a version's scale: CVSS v3.x
    /// specification §5 (also v4.0), and NVD's v2.0 ranges.
    pub fn of(score: CvssScore, version: CvssVersion) -> Self {
        match (version, score.tenths()) {
            (CvssVersion::V2_0, 0..=39) => Self::Low,
            (CvssVersion::V2_0, 40..=69) => Self::Medium,
            (CvssVersion::V2_0, _) => Self::High,
            (_, 0) => Self::None,
            (_, 1..=39) => Self::Low,
            (_, 40..=69) => Self::Medium,
            (_, 70..=89) => Self::High,
            (_, _) => Self::Critical,
        }
    }

    /// The rating in upper case, as NVD writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Low => "LOW",
            Self::Medium => "MEDIUM",
            Self::High => "HIGH",
            Self::Critical => "CRITICAL",
        }
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.to_ascii_uppercase().as_str() {
            "NONE" => Ok(Self::None),
            "LOW" => Ok(Self::Low),
            "MEDIUM" => Ok(Self::Medium),
            "HIGH" => Ok(Self::High),
            "CRITICAL" => Ok(Self::Critical),
            _ => Err(format!(
                "{text:?} is not a severity (NONE, LOW, MEDIUM, HIGH, CRITICAL)"
            )),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(vector: &str) -> String {
        CvssVector::parse(vector)
            .unwrap()
            .base_score()
            .unwrap()
            .to_string()
    }

    #[test]
    fn v3_scores_follow_the_specification_examples() {
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            "10.0"
        );
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), "9.8");
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"), "7.5");
        assert_eq!(score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"), "7.8");
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), "0.0");
        assert_eq!(score("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:L/A:N"), "4.7");
        assert_eq!(score("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:L/A:N"), "4.7");
    }

    #[test]
    fn v31_roundup_avoids_floating_point_artefacts() {
        assert_eq!(roundup_v31(4.000_000_000_000_001), 40.0);
        assert_eq!(roundup_v31(4.02), 41.0);
        assert_eq!(roundup_v31(4.0), 40.0);
    }

    #[test]
    fn v2_scores() {
        assert_eq!(score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), "7.5");
        assert_eq!(score("AV:N/AC:L/Au:N/C:C/I:C/A:C"), "10.0");
        assert_eq!(score("AV:N/AC:M/Au:N/C:N/I:P/A:N"), "4.3");
        assert_eq!(score("AV:N/AC:L/Au:N/C:N/I:N/A:N"), "0.0");
    }

    #[test]
    fn v4_vectors_are_validated() {
        let vector = CvssVector::parse(
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:N/SC:N/SI:N/SA:N/AU:N/R:U/V:C/RE:M/U:Amber",
        )
        .unwrap();
        assert_eq!(vector.version(), CvssVersion::V4_0);
        assert_eq!(vector.get("U"), Some("Amber"));
        assert_eq!(vector.base_score(), None);
    }

    #[test]
    fn invalid_vectors_name_the_rule() {
        let reason = |vector: &str| match CvssVector::parse(vector) {
            Err(Error::InvalidCvss { reason, .. }) => reason.into_string(),
            other => panic!("{vector}: {other:?}"),
        };
        assert!(
            reason("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H").contains("base metric A is missing")
        );
        assert!(
            reason("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").contains("not a value of AV")
        );
        assert!(reason("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").contains("twice"));
        assert!(reason("CVSS:3.2/AV:N").contains("unknown CVSS version"));
        assert!(reason("AV:N/AC:L/Au:N/C:P/I:P").contains("base metric A is missing"));
        assert!(
            reason("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
                .contains("not a value of UI")
        );
        assert!(
            reason("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/Au:N")
                .contains("not a CVSS v3.1 metric")
        );
        assert!(reason("CVSS:3.1/AVN").contains("METRIC:VALUE"));
    }

    #[test]
    fn severities() {
        let of = |tenths, version| Severity::of(CvssScore::from_tenths(tenths), version);
        assert_eq!(of(0, CvssVersion::V3_1), Severity::None);
        assert_eq!(of(70, CvssVersion::V3_1), Severity::High);
        assert_eq!(of(90, CvssVersion::V3_1), Severity::Critical);
        assert_eq!(of(100, CvssVersion::V2_0), Severity::High);
        assert_eq!(CvssScore::from_stated(9.8).unwrap().tenths(), 98);
        assert_eq!(CvssScore::from_stated(10.5), None);
    }
}
