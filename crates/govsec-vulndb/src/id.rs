//! Validated identifiers and dates: CVE ids, NVD match-criteria ids, CWE
//! ids, calendar dates and timestamps.
//!
//! Each type parses its text form, keeps it in a canonical form, and
//! (de)serialises as that text, so records can be stored and read back.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Implements `Display`-based `Serialize` and `FromStr`-based `Deserialize`.
macro_rules! text_serde {
    ($type:ty) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A CVE id, `CVE-YYYY-NNNN…` (CVE Program, "CVE ID syntax"): a four-digit
/// year and a sequence number of at least four digits; a number of more than
/// four digits has no leading zero, so each id has one spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CveId {
    year: u16,
    number: u64,
}

impl CveId {
    /// The id from its year and sequence number.
    pub fn new(year: u16, number: u64) -> Self {
        Self { year, number }
    }

    /// The year part.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The sequence number.
    pub fn number(self) -> u64 {
        self.number
    }
}

impl FromStr for CveId {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let fail = || format!("{text:?} is not a CVE id of the form CVE-YYYY-NNNN");
        let rest = text.strip_prefix("CVE-").ok_or_else(fail)?;
        let (year, number) = rest.split_once('-').ok_or_else(fail)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || !digits(number) || number.len() < 4 {
            return Err(fail());
        }
        if number.len() > 4 && number.starts_with('0') {
            return Err(format!(
                "{text:?}: a CVE sequence number longer than four digits has no leading zero"
            ));
        }
        if number.len() > 19 {
            return Err(format!(
                "{text:?}: the sequence number has more than 19 digits"
            ));
        }
        Ok(Self {
            year: year.parse().map_err(|_| fail())?,
            number: number.parse().map_err(|_| fail())?,
        })
    }
}

impl fmt::Display for CveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CVE-{:04}-{:04}", self.year, self.number)
    }
}

text_serde!(CveId);

/// NVD's `matchCriteriaId`: the UUID NVD gives each match criteria, stable
/// across CVEs and feed versions. Criteria derived from CVE 5 `affected`
/// data get a stable id from their content (see [`MatchCriteriaId::derived`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MatchCriteriaId(u128);

impl MatchCriteriaId {
    /// A stable id for criteria that NVD did not number, from their text
    /// (FNV-1a, 128 bits), with the UUID version nibble set to 8 ("custom",
    /// RFC 9562 §5.8) so it cannot collide with NVD's random (version 4) ids.
    pub fn derived(content: &str) -> Self {
        const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
        const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
        let hash = content.bytes().fold(OFFSET, |hash, byte| {
            (hash ^ u128::from(byte)).wrapping_mul(PRIME)
        });
        let version_cleared = hash & !(0xf << 76);
        let variant_cleared = version_cleared & !(0x3 << 62);
        Self(variant_cleared | (0x8 << 76) | (0x2 << 62))
    }
}

impl FromStr for MatchCriteriaId {
    type Err = String;

    /// Read a byte at a time: a feed holds millions of these, and splitting and joining the
    /// groups allocated three times per id.
    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = || format!("{text:?} is not a UUID (8-4-4-4-12 hexadecimal digits)");
        let bytes = text.as_bytes();
        if bytes.len() != 36 {
            return Err(invalid());
        }
        let mut value: u128 = 0;
        for (position, &byte) in bytes.iter().enumerate() {
            if matches!(position, 8 | 13 | 18 | 23) {
                if byte != b'-' {
                    return Err(invalid());
                }
                continue;
            }
            let digit = match byte {
                b'0'..=b'9' => byte - b'0',
                b'a'..=b'f' => byte - b'a' + 10,
                b'A'..=b'F' => byte - b'A' + 10,
                _ => return Err(invalid()),
            };
            value = (value << 4) | u128::from(digit);
        }
        Ok(Self(value))
    }
}

impl fmt::Display for MatchCriteriaId {
    /// Upper-case hexadecimal, as NVD writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        let mut text = [b'-'; 36];
        let mut digit = 0;
        for (position, slot) in text.iter_mut().enumerate() {
            if matches!(position, 8 | 13 | 18 | 23) {
                continue;
            }
            *slot = DIGITS[((self.0 >> (124 - 4 * digit)) & 0xf) as usize];
            digit += 1;
        }
        f.write_str(std::str::from_utf8(&text).expect("hexadecimal digits and dashes are ASCII"))
    }
}

text_serde!(MatchCriteriaId);

/// A CWE id, `CWE-N`, or one of NVD's two placeholders `NVD-CWE-Other` and
/// `NVD-CWE-noinfo` (NVD, "CWE over time").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CweId {
    /// `CWE-N`.
    Cwe(u32),
    /// `NVD-CWE-Other`: a weakness CWE has no entry for.
    NvdOther,
    /// `NVD-CWE-noinfo`: not enough information to classify.
    NvdNoInfo,
}

impl FromStr for CweId {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "NVD-CWE-Other" => Ok(Self::NvdOther),
            "NVD-CWE-noinfo" => Ok(Self::NvdNoInfo),
            _ => text
                .strip_prefix("CWE-")
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse().ok())
                .map(Self::Cwe)
                .ok_or_else(|| {
                    format!("{text:?} is not a CWE id (CWE-N, NVD-CWE-Other, NVD-CWE-noinfo)")
                }),
        }
    }
}

impl fmt::Display for CweId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cwe(number) => write!(f, "CWE-{number}"),
            Self::NvdOther => f.write_str("NVD-CWE-Other"),
            Self::NvdNoInfo => f.write_str("NVD-CWE-noinfo"),
        }
    }
}

text_serde!(CweId);

/// A calendar date, `YYYY-MM-DD` (ISO 8601 / RFC 3339 full-date), as KEV
/// writes `dateAdded` and `dueDate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl FromStr for Date {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let fail = || format!("{text:?} is not a date of the form YYYY-MM-DD");
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(fail());
        }
        let number = |range: std::ops::Range<usize>| {
            let part = &text[range];
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse::<u16>().map_err(|_| fail())
            } else {
                Err(fail())
            }
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(fail()),
        };
        if day == 0 || day > days {
            return Err(fail());
        }
        Ok(Self {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

text_serde!(Date);

/// A timestamp as NVD and the CVE Program write them: an RFC 3339 date and
/// time, `YYYY-MM-DDTHH:MM:SS`, with optional fractional seconds and an
/// optional offset (`Z` or `±HH:MM`; NVD's feed omits it and means UTC).
///
/// The text is kept as given; timestamps of one source compare in time
/// order by their text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(Box<str>);

impl Timestamp {
    /// The date part.
    pub fn date(&self) -> Date {
        self.0[..10].parse().expect("validated when parsed")
    }

    /// The text as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Timestamp {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let fail =
            || format!("{text:?} is not a timestamp of the form YYYY-MM-DDTHH:MM:SS[.fff][Z]");
        let date = text.get(..10).ok_or_else(fail)?;
        date.parse::<Date>().map_err(|_| fail())?;
        let time = text[10..].strip_prefix(['T', 't', ' ']).ok_or_else(fail)?;
        let bytes = time.as_bytes();
        let two = |at: usize, max: u8| {
            bytes.get(at..at + 2).is_some_and(|d| {
                d.iter().all(u8::is_ascii_digit) && (d[0] - b'0') * 10 + (d[1] - b'0') <= max
            })
        };
        if !(two(0, 23)
            && bytes.get(2) == Some(&b':')
            && two(3, 59)
            && bytes.get(5) == Some(&b':')
            && two(6, 60))
        {
            return Err(fail());
        }
        let mut rest = &time[8..];
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(fail());
            }
            rest = &fraction[digits..];
        }
        let offset_ok = match rest.as_bytes() {
            [] | [b'Z' | b'z'] => true,
            [b'+' | b'-', h1, h2, b':', m1, m2] | [b'+' | b'-', h1, h2, m1, m2] => {
                [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
            }
            _ => false,
        };
        if offset_ok {
            Ok(Self(text.into()))
        } else {
            Err(fail())
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

text_serde!(Timestamp);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_ids_round_trip_and_reject_bad_forms() {
        for text in ["CVE-2021-44228", "CVE-2024-0012", "CVE-2024-123456"] {
            assert_eq!(text.parse::<CveId>().unwrap().to_string(), text);
        }
        for text in [
            "CVE-21-44228",
            "CVE-2021-123",
            "cve-2021-44228",
            "CVE-2021-012345",
            "CVE-2021-4422a",
            "CVE-2021",
        ] {
            assert!(text.parse::<CveId>().is_err(), "{text}");
        }
        assert!("CVE-2021-9999".parse::<CveId>().unwrap() < "CVE-2021-10000".parse().unwrap());
    }

    #[test]
    fn match_criteria_ids_round_trip() {
        let text = "D907BEC2-6930-4989-A6E1-847B4763BB12";
        assert_eq!(text.parse::<MatchCriteriaId>().unwrap().to_string(), text);
        assert_eq!(
            "d907bec2-6930-4989-a6e1-847b4763bb12"
                .parse::<MatchCriteriaId>()
                .unwrap()
                .to_string(),
            text
        );
        for wrong in [
            "D907BEC2-6930-4989-A6E1",
            "D907BEC26-930-4989-A6E1-847B4763BB12",
            "D907BEC2-6930-4989-A6E1-847B4763BB1G",
            "D907BEC2-6930-4989-A6E1+847B4763BB12",
            "D907BEC2-6930-4989-A6E1-847B4763BB12-",
            "+907BEC2-6930-4989-A6E1-847B4763BB12",
        ] {
            assert!(wrong.parse::<MatchCriteriaId>().is_err(), "{wrong}");
        }
        assert_eq!(
            MatchCriteriaId(0).to_string(),
            "00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(
            MatchCriteriaId(u128::MAX).to_string(),
            "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"
        );
        let derived = MatchCriteriaId::derived("cpe:2.3:a:openssl:openssl:*");
        assert_eq!(
            derived,
            MatchCriteriaId::derived("cpe:2.3:a:openssl:openssl:*")
        );
        assert_ne!(
            derived,
            MatchCriteriaId::derived("cpe:2.3:a:openssl:openssl:-")
        );
        assert_eq!(&derived.to_string()[14..15], "8");
    }

    proptest::proptest! {
        #[test]
        fn every_match_criteria_id_reads_back_from_its_text(value: u128) {
            let id = MatchCriteriaId(value);
            proptest::prop_assert_eq!(id.to_string().parse::<MatchCriteriaId>(), Ok(id));
            proptest::prop_assert_eq!(id.to_string(), format!("{value:032X}").chars().enumerate().fold(String::new(), |mut text, (at, digit)| {
                if matches!(at, 8 | 12 | 16 | 20) {
                    text.push('-');
                }
                text.push(digit);
                text
            }));
        }
    }

    #[test]
    fn dates_and_timestamps_are_checked() {
        assert_eq!(
            "2024-02-29".parse::<Date>().unwrap().to_string(),
            "2024-02-29"
        );
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2023-13-01".parse::<Date>().is_err());
        for text in [
            "2021-12-10T10:15:09.143",
            "2025-08-25T17:04:19.9796Z",
            "2026-11-30T00:00:00+0000",
            "2024-01-01T00:00:00",
        ] {
            let stamp: Timestamp = text.parse().unwrap();
            assert_eq!(stamp.as_str(), text);
        }
        assert_eq!(
            "2021-12-10T10:15:09.143"
                .parse::<Timestamp>()
                .unwrap()
                .date()
                .to_string(),
            "2021-12-10"
        );
        for text in [
            "2021-12-10",
            "2021-12-10T25:00:00",
            "2021-12-10T10:15:09.",
            "2021-12-10T10:15:09+1",
        ] {
            assert!(text.parse::<Timestamp>().is_err(), "{text}");
        }
    }

    #[test]
    fn cwe_ids() {
        assert_eq!("CWE-502".parse::<CweId>().unwrap(), CweId::Cwe(502));
        assert_eq!(
            "NVD-CWE-noinfo".parse::<CweId>().unwrap().to_string(),
            "NVD-CWE-noinfo"
        );
        assert!("CWE-".parse::<CweId>().is_err());
    }
}
