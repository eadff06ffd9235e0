//! The well-formed name (WFN) of NISTIR 7695 §5: eleven attributes, each
//! ANY, NA or a value string.

use std::fmt;
use std::str::FromStr;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::attribute::{Attribute, AttributeValue, ValueString};
use crate::error::{Error, Reason};
use crate::{formatted_string, uri};

/// A CPE 2.3 well-formed name (NISTIR 7695 §5.2).
///
/// Every attribute starts as ANY (NISTIR 7695 §5.2: an attribute that is not
/// specified is ANY). Values are checked when set, so a `WellFormedName`
/// always binds to both the URI and the formatted string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WellFormedName {
    values: [AttributeValue; 11],
}

impl Default for WellFormedName {
    fn default() -> Self {
        Self::new()
    }
}

impl WellFormedName {
    /// A name whose attributes are all ANY.
    pub const fn new() -> Self {
        Self {
            values: [const { AttributeValue::Any }; 11],
        }
    }

    /// Parses either binding, chosen by the prefix: `cpe:2.3:` for the
    /// formatted string (NISTIR 7695 §6.2), `cpe:/` for the URI (§6.1).
    pub fn parse(name: &str) -> Result<Self, Error> {
        if formatted_string::has_prefix(name) {
            formatted_string::unbind(name)
        } else if uri::has_prefix(name) {
            uri::unbind(name)
        } else {
            Err(Error::UnknownBinding)
        }
    }

    /// Unbinds a formatted string, `cpe:2.3:…` (NISTIR 7695 §6.2.3).
    pub fn from_formatted_string(name: &str) -> Result<Self, Error> {
        formatted_string::unbind(name)
    }

    /// Unbinds a URI, `cpe:/…` (NISTIR 7695 §6.1.3).
    pub fn from_uri(name: &str) -> Result<Self, Error> {
        uri::unbind(name)
    }

    /// Binds to the formatted string (NISTIR 7695 §6.2.2).
    pub fn to_formatted_string(&self) -> String {
        formatted_string::bind(self)
    }

    /// Binds to the URI (NISTIR 7695 §6.1.2), packing the extended
    /// attributes into the edition when any of them is not ANY.
    pub fn to_uri(&self) -> String {
        uri::bind(self)
    }

    /// The value of one attribute.
    pub fn get(&self, attribute: Attribute) -> &AttributeValue {
        &self.values[attribute.index()]
    }

    /// Sets one attribute, checking the constraints that apply to it alone:
    /// `part` is `a`, `o` or `h` (NISTIR 7695 §5.3.3.1) and `language` is a
    /// language tag (§5.3.3.5); both may also be ANY or NA.
    pub fn set(&mut self, attribute: Attribute, value: AttributeValue) -> Result<(), Error> {
        if let AttributeValue::Value(string) = &value {
            check_attribute(attribute, string).map_err(|reason| Error::AttributeConstraint {
                attribute,
                value: string.as_str().to_owned(),
                reason,
            })?;
        }
        self.values[attribute.index()] = value;
        Ok(())
    }

    /// [`WellFormedName::set`] for chaining: `WellFormedName::new().with(…)?.with(…)?`.
    pub fn with(mut self, attribute: Attribute, value: AttributeValue) -> Result<Self, Error> {
        self.set(attribute, value)?;
        Ok(self)
    }

    /// The attributes and their values in binding order.
    pub fn iter(&self) -> impl Iterator<Item = (Attribute, &AttributeValue)> {
        Attribute::ALL.into_iter().zip(self.values.iter())
    }

    /// Whether any value has unquoted wildcards.
    pub fn has_wildcards(&self) -> bool {
        self.values.iter().any(AttributeValue::has_wildcards)
    }

    /// The attribute values as a JSON object keyed by attribute name, in
    /// binding order: logical values as `"ANY"` and `"NA"`, value strings in
    /// WFN form (`"8\\.0\\.6001"` in JSON for the WFN value `8\.0\.6001`).
    pub fn to_json(&self) -> String {
        // Our Serialize impls only emit strings into memory, which cannot fail.
        serde_json::to_string_pretty(self).expect("a WFN always serializes to JSON")
    }

    /// Sets a value decoded by a binding, reporting a violated attribute
    /// constraint at `byte_offset` of `input`.
    pub(crate) fn set_decoded(
        &mut self,
        input: &str,
        byte_offset: usize,
        attribute: Attribute,
        value: AttributeValue,
    ) -> Result<(), Error> {
        if let AttributeValue::Value(string) = &value {
            check_attribute(attribute, string)
                .map_err(|reason| Error::invalid_value(input, attribute, byte_offset, reason))?;
        }
        self.values[attribute.index()] = value;
        Ok(())
    }

    pub(crate) fn values(&self) -> &[AttributeValue; 11] {
        &self.values
    }
}

/// Constraints on single attributes beyond NISTIR 7695 §5.3.2.
fn check_attribute(attribute: Attribute, value: &ValueString) -> Result<(), Reason> {
    match attribute {
        Attribute::Part => {
            // NISTIR 7695 §5.3.3.1: "a", "o" or "h"; ABNF literals ignore case.
            if matches!(value.as_str(), "a" | "o" | "h" | "A" | "O" | "H") {
                Ok(())
            } else {
                Err(Reason::InvalidPart)
            }
        }
        Attribute::Language => {
            if is_language_tag(value.as_str()) {
                Ok(())
            } else {
                Err(Reason::InvalidLanguage)
            }
        }
        _ => Ok(()),
    }
}

/// NISTIR 7695 §5.3.3.5 in WFN form: `language ["\-" region]`, with
/// `language = 2*3ALPHA` and `region = 2ALPHA / 3DIGIT` (RFC 5646 §2.1).
fn is_language_tag(wfn: &str) -> bool {
    let (language, region) = match wfn.split_once("\\-") {
        Some((language, region)) => (language, Some(region)),
        None => (wfn, None),
    };
    let language_ok =
        (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic());
    let region_ok = region.is_none_or(|region| {
        (region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic()))
            || (region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit()))
    });
    language_ok && region_ok
}

impl FromStr for WellFormedName {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Error> {
        Self::parse(name)
    }
}

impl fmt::Display for WellFormedName {
    /// The WFN notation of NISTIR 7695 §5.4:
    /// `wfn:[part="a",vendor="microsoft",…,other=ANY]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("wfn:[")?;
        for (index, (attribute, value)) in self.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            match value {
                AttributeValue::Value(string) => write!(f, "{attribute}=\"{string}\"")?,
                AttributeValue::Any | AttributeValue::NotApplicable => {
                    write!(f, "{attribute}={value}")?;
                }
            }
        }
        f.write_str("]")
    }
}

impl Serialize for AttributeValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Any => serializer.serialize_str("ANY"),
            Self::NotApplicable => serializer.serialize_str("NA"),
            Self::Value(value) => serializer.serialize_str(value.as_str()),
        }
    }
}

impl Serialize for WellFormedName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.values.len()))?;
        for (attribute, value) in self.iter() {
            map.serialize_entry(attribute.name(), value)?;
        }
        map.end()
    }
}
