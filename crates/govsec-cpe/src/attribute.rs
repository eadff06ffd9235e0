//! Attributes and attribute values of a well-formed name (NISTIR 7695 §5).
//!
//! A [`ValueString`] holds a value in its WFN form: letters, digits and `_`
//! unquoted, every other printable ASCII character quoted with `\`, and
//! unquoted `*`/`?` only as wildcards at either end (NISTIR 7695 §5.3.2). That
//! form is canonical (each character has exactly one spelling), which is what
//! lets comparison work on the stored bytes without decoding them.

use std::fmt;

use crate::error::{Error, Reason, char_offset};

/// The eleven attributes of a WFN, in the order the bindings use
/// (NISTIR 7695 §5.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attribute {
    /// `part`: `a` application, `o` operating system, `h` hardware.
    Part,
    /// `vendor`.
    Vendor,
    /// `product`.
    Product,
    /// `version`.
    Version,
    /// `update`.
    Update,
    /// `edition` (legacy; NISTIR 7695 §5.3.3.6).
    Edition,
    /// `language`: an RFC 5646 tag.
    Language,
    /// `sw_edition`.
    SoftwareEdition,
    /// `target_sw`.
    TargetSoftware,
    /// `target_hw`.
    TargetHardware,
    /// `other`.
    Other,
}

impl Attribute {
    /// All attributes in binding order.
    pub const ALL: [Attribute; 11] = [
        Self::Part,
        Self::Vendor,
        Self::Product,
        Self::Version,
        Self::Update,
        Self::Edition,
        Self::Language,
        Self::SoftwareEdition,
        Self::TargetSoftware,
        Self::TargetHardware,
        Self::Other,
    ];

    /// The attribute's name as NISTIR 7695 §5.3.1 spells it (`sw_edition`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Part => "part",
            Self::Vendor => "vendor",
            Self::Product => "product",
            Self::Version => "version",
            Self::Update => "update",
            Self::Edition => "edition",
            Self::Language => "language",
            Self::SoftwareEdition => "sw_edition",
            Self::TargetSoftware => "target_sw",
            Self::TargetHardware => "target_hw",
            Self::Other => "other",
        }
    }

    /// Position in [`Attribute::ALL`] (0 for `part` … 10 for `other`).
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Unquoted wildcards at one end of a value string (NISTIR 7695 §5.3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Wildcard {
    /// No wildcard at this end.
    None,
    /// A single `*`: any run of zero or more characters.
    MultiCharacter,
    /// A run of this many `?` (at least one): exactly that many characters.
    SingleCharacters(usize),
}

impl Wildcard {
    /// How many bytes of the WFN form the wildcard takes.
    fn byte_len(self) -> usize {
        match self {
            Self::None => 0,
            Self::MultiCharacter => 1,
            Self::SingleCharacters(count) => count,
        }
    }
}

/// A validated attribute-value string in WFN form (NISTIR 7695 §5.3.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValueString {
    text: Box<str>,
    leading: Wildcard,
    trailing: Wildcard,
}

impl ValueString {
    /// Validates a value written in WFN form, such as `8\.0\.6001` or `sp?`.
    ///
    /// The error's offset is a character offset into `wfn`.
    pub fn new(wfn: &str) -> Result<Self, Error> {
        let mut builder = ValueBuilder::new();
        builder.begin(wfn.len());
        let bytes = wfn.as_bytes();
        let mut at = 0;
        let fail = |at: usize, reason| Error::InvalidValueString {
            offset: char_offset(wfn, at),
            reason,
        };
        while at < bytes.len() {
            let start = at;
            let byte = bytes[at];
            let piece = match byte {
                b'*' => Piece::MultiCharacter,
                b'?' => Piece::SingleCharacter,
                b'\\' => match bytes.get(at + 1) {
                    None => return Err(fail(at, Reason::DanglingEscape)),
                    Some(&quoted) if is_quotable(quoted) => {
                        at += 1;
                        Piece::Character(quoted)
                    }
                    Some(&quoted) if is_unreserved(quoted) => {
                        return Err(fail(at, Reason::NeedlessQuote(char::from(quoted))));
                    }
                    Some(_) => return Err(fail(at + 1, not_allowed(wfn, at + 1))),
                },
                _ if is_unreserved(byte) => Piece::Character(byte),
                _ if is_quotable(byte) => {
                    return Err(fail(at, Reason::MustBeQuoted(char::from(byte))));
                }
                _ => return Err(fail(at, not_allowed(wfn, at))),
            };
            builder
                .push(start, piece)
                .map_err(|(at, reason)| fail(at, reason))?;
            at += 1;
        }
        builder.finish(0).map_err(|(at, reason)| fail(at, reason))
    }

    /// A wildcard-free value of letters, digits, `_`, `.` and `-`, as the
    /// bindings write them unquoted; the WFN quotes the `.` and `-`. Such a
    /// value breaks no rule of NISTIR 7695 §5.3.2 unless it is a lone `-`,
    /// which the bindings read as NA before getting here.
    pub(crate) fn quoting_punctuation(text: &str) -> Self {
        debug_assert!(
            text.bytes()
                .all(|b| is_unreserved(b) || b == b'.' || b == b'-')
        );
        debug_assert!(!text.is_empty() && text != "-");
        let punctuation = text.bytes().filter(|&b| !is_unreserved(b)).count();
        let text = if punctuation == 0 {
            Box::from(text)
        } else {
            let mut quoted = String::with_capacity(text.len() + punctuation);
            for character in text.chars() {
                if !is_unreserved(character as u8) {
                    quoted.push('\\');
                }
                quoted.push(character);
            }
            quoted.into_boxed_str()
        };
        Self {
            text,
            leading: Wildcard::None,
            trailing: Wildcard::None,
        }
    }

    /// The value in WFN form, with its quoting, e.g. `8\.0\.6001`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The wildcard at the start of the value.
    pub fn leading(&self) -> Wildcard {
        self.leading
    }

    /// The wildcard at the end of the value.
    pub fn trailing(&self) -> Wildcard {
        self.trailing
    }

    /// Whether the value has any unquoted wildcard (NISTIR 7696 §6.1 calls
    /// such a value "m + wild cards").
    pub fn has_wildcards(&self) -> bool {
        self.leading != Wildcard::None || self.trailing != Wildcard::None
    }

    /// The value with its quoting removed: `8\.0\.6001` gives `8.0.6001`.
    /// Wildcards are kept as `*` and `?`, so only call this on values
    /// without wildcards when the result must be unambiguous.
    pub fn unquoted(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut escaped = false;
        for character in self.text.chars() {
            if character == '\\' && !escaped {
                escaped = true;
            } else {
                out.push(character);
                escaped = false;
            }
        }
        out
    }

    /// The literal part between the wildcards, in WFN form.
    fn body(&self) -> &[u8] {
        let bytes = self.text.as_bytes();
        &bytes[self.leading.byte_len()..bytes.len() - self.trailing.byte_len()]
    }

    /// Whether this value, used as a pattern, matches the wildcard-free
    /// value `target`, ignoring ASCII case (NISTIR 7696 §6.1, the string
    /// comparison for "m + wild cards" against "i").
    ///
    /// `*` matches any run of characters and each `?` exactly one character,
    /// as NISTIR 7695 §5.3.2 defines them; characters are logical characters,
    /// so `\.` counts as one. Because the WFN form is canonical, comparing
    /// bytes at logical character boundaries is comparing characters.
    pub(crate) fn matches(&self, target: &ValueString) -> bool {
        let body = self.body();
        let text = target.text.as_bytes();
        let fits_at = |start: usize| {
            let end = start + body.len();
            end <= text.len()
                && text[start..end].eq_ignore_ascii_case(body)
                && match self.trailing {
                    Wildcard::None => end == text.len(),
                    Wildcard::MultiCharacter => true,
                    Wildcard::SingleCharacters(count) => logical_len(&text[end..]) == count,
                }
        };
        match self.leading {
            Wildcard::None => fits_at(0),
            Wildcard::SingleCharacters(count) => skip_logical(text, count).is_some_and(fits_at),
            Wildcard::MultiCharacter => {
                let mut start = 0;
                loop {
                    if fits_at(start) {
                        return true;
                    }
                    match text.get(start) {
                        None => return false,
                        Some(b'\\') => start += 2,
                        Some(_) => start += 1,
                    }
                }
            }
        }
    }
}

impl fmt::Display for ValueString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The value of one attribute: a logical value or a value string
/// (NISTIR 7695 §5.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttributeValue {
    /// The logical value ANY: any value, including NA.
    Any,
    /// The logical value NA: the attribute does not apply.
    NotApplicable,
    /// A value string, possibly with wildcards.
    Value(ValueString),
}

impl AttributeValue {
    /// Parses a value in WFN form; `ANY` and `NA` give the logical values.
    pub fn from_wfn(wfn: &str) -> Result<Self, Error> {
        match wfn {
            "ANY" => Ok(Self::Any),
            "NA" => Ok(Self::NotApplicable),
            _ => ValueString::new(wfn).map(Self::Value),
        }
    }

    /// The value string, if this is not a logical value.
    pub fn as_value(&self) -> Option<&ValueString> {
        match self {
            Self::Value(value) => Some(value),
            Self::Any | Self::NotApplicable => None,
        }
    }

    /// Whether the value is a string with unquoted wildcards.
    pub fn has_wildcards(&self) -> bool {
        self.as_value().is_some_and(ValueString::has_wildcards)
    }
}

impl fmt::Display for AttributeValue {
    /// `ANY`, `NA`, or the value string in WFN form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("ANY"),
            Self::NotApplicable => f.write_str("NA"),
            Self::Value(value) => f.write_str(value.as_str()),
        }
    }
}

/// One decoded unit of a value, whatever the binding it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A literal character: a letter, digit, `_` or ASCII punctuation.
    Character(u8),
    /// An unquoted `?`.
    SingleCharacter,
    /// An unquoted `*`.
    MultiCharacter,
}

/// Where a [`ValueBuilder`] is in the value: `[leading] body [trailing]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Leading,
    Body,
    Trailing,
}

/// Builds a [`ValueString`] from decoded pieces, enforcing the wildcard
/// placement rules of NISTIR 7695 §5.3.2 in one pass. The bindings' decoders
/// feed it, each reporting offsets in its own input.
#[derive(Debug)]
pub(crate) struct ValueBuilder {
    text: String,
    phase: Phase,
    leading: Wildcard,
    trailing: Wildcard,
    /// Offset of the first trailing wildcard, for error messages.
    trailing_at: usize,
    trailing_character: u8,
}

/// A failure at a byte offset of the decoder's input.
pub(crate) type PieceError = (usize, Reason);

impl ValueBuilder {
    /// A builder that allocates nothing until its first value.
    pub(crate) fn new() -> Self {
        Self {
            text: String::new(),
            phase: Phase::Leading,
            leading: Wildcard::None,
            trailing: Wildcard::None,
            trailing_at: 0,
            trailing_character: b'*',
        }
    }

    /// Starts a new value of at most `input_len` input bytes, keeping the
    /// buffer: one buffer serves every value of a name, and each finished
    /// value is copied out at its exact size.
    pub(crate) fn begin(&mut self, input_len: usize) {
        self.text.clear();
        // Quoting at most doubles the length.
        self.text.reserve(2 * input_len);
        self.phase = Phase::Leading;
        self.leading = Wildcard::None;
        self.trailing = Wildcard::None;
    }

    /// Adds the piece found at byte offset `at` of the decoder's input.
    pub(crate) fn push(&mut self, at: usize, piece: Piece) -> Result<(), PieceError> {
        match (self.phase, piece) {
            (_, Piece::Character(byte)) => {
                if self.phase == Phase::Trailing {
                    return Err((
                        self.trailing_at,
                        Reason::EmbeddedWildcard(char::from(self.trailing_character)),
                    ));
                }
                self.phase = Phase::Body;
                if !is_unreserved(byte) {
                    self.text.push('\\');
                }
                self.text.push(char::from(byte));
            }
            (Phase::Leading, Piece::MultiCharacter) if self.leading == Wildcard::None => {
                self.leading = Wildcard::MultiCharacter;
                self.phase = Phase::Body;
                self.text.push('*');
            }
            (Phase::Leading, Piece::SingleCharacter) => {
                self.leading = match self.leading {
                    Wildcard::SingleCharacters(count) => Wildcard::SingleCharacters(count + 1),
                    Wildcard::None | Wildcard::MultiCharacter => Wildcard::SingleCharacters(1),
                };
                self.text.push('?');
            }
            (Phase::Leading | Phase::Body, wildcard) => {
                let (trailing, byte) = if wildcard == Piece::MultiCharacter {
                    (Wildcard::MultiCharacter, b'*')
                } else {
                    (Wildcard::SingleCharacters(1), b'?')
                };
                self.trailing = trailing;
                self.trailing_at = at;
                self.trailing_character = byte;
                self.phase = Phase::Trailing;
                self.text.push(char::from(byte));
            }
            (Phase::Trailing, Piece::SingleCharacter) => match self.trailing {
                Wildcard::SingleCharacters(count) => {
                    self.trailing = Wildcard::SingleCharacters(count + 1);
                    self.text.push('?');
                }
                Wildcard::None | Wildcard::MultiCharacter => {
                    return Err((at, Reason::MixedWildcards));
                }
            },
            (Phase::Trailing, Piece::MultiCharacter) => return Err((at, Reason::MixedWildcards)),
        }
        Ok(())
    }

    /// Finishes the value; `start` is the offset of its first piece.
    pub(crate) fn finish(&mut self, start: usize) -> Result<ValueString, PieceError> {
        if self.text.is_empty() {
            return Err((start, Reason::EmptyValue));
        }
        // NISTIR 7695 §5.3.2 ABNF: `body = (body1 *body2) / 2*body2`, where
        // only body2 may be a quoted hyphen, so without a leading wildcard the
        // body cannot be a lone `\-`.
        if self.leading == Wildcard::None && self.text.starts_with("\\-") {
            let body_len = self.text.len() - self.trailing.byte_len();
            if body_len == 2 {
                return Err((start, Reason::LoneQuotedHyphen));
            }
        }
        if self.text == "*" {
            return Err((start, Reason::LoneAsterisk));
        }
        Ok(ValueString {
            text: Box::from(self.text.as_str()),
            leading: self.leading,
            trailing: self.trailing,
        })
    }
}

/// Characters a WFN writes unquoted (NISTIR 7695 §5.3.2: ALPHA, DIGIT, `_`).
pub(crate) fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Characters a WFN may quote: `\`, `*`, `?` and the punctuation of
/// NISTIR 7695 §5.3.2 (`punc-w-dash`), i.e. all ASCII punctuation but `_`.
pub(crate) fn is_quotable(byte: u8) -> bool {
    byte.is_ascii_punctuation() && byte != b'_'
}

/// The reason for a character that no binding allows, at byte `at`.
pub(crate) fn not_allowed(input: &str, at: usize) -> Reason {
    Reason::CharacterNotAllowed(
        input
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or(char::REPLACEMENT_CHARACTER),
    )
}

/// Number of logical characters in WFN-form bytes (`\x` counts once).
fn logical_len(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut at = 0;
    while at < bytes.len() {
        at += if bytes[at] == b'\\' { 2 } else { 1 };
        count += 1;
    }
    count
}

/// Byte offset after `count` logical characters, if there are that many.
fn skip_logical(bytes: &[u8], count: usize) -> Option<usize> {
    let mut at = 0;
    for _ in 0..count {
        match bytes.get(at) {
            None => return None,
            Some(b'\\') => at += 2,
            Some(_) => at += 1,
        }
    }
    Some(at)
}
