//! The crate's one error type.
//!
//! Every error says where the input went wrong (a character offset and, for
//! names, the attribute and its component number) and why, citing the clause
//! of NISTIR 7695 or 7696 that the input breaks, so that a user can fix the
//! name without reading this crate.

use std::fmt;

use crate::Attribute;

/// The two textual bindings of a CPE 2.3 name (NISTIR 7695 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Binding {
    /// The formatted string binding, `cpe:2.3:…` (NISTIR 7695 §6.2).
    FormattedString,
    /// The URI binding, `cpe:/…` (NISTIR 7695 §6.1).
    Uri,
}

impl Binding {
    /// How many components the binding requires after its prefix.
    fn expected_components(self) -> &'static str {
        match self {
            Self::FormattedString => "exactly 11",
            Self::Uri => "at most 7",
        }
    }

    /// The clause of NISTIR 7695 that defines the binding.
    fn clause(self) -> &'static str {
        match self {
            Self::FormattedString => "§6.2",
            Self::Uri => "§6.1",
        }
    }
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::FormattedString => "formatted string",
            Self::Uri => "URI",
        })
    }
}

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text starts with neither binding's prefix.
    #[error(
        "not a CPE 2.3 name: it must start with \"cpe:2.3:\" (formatted string, NISTIR 7695 §6.2) \
         or \"cpe:/\" (URI, NISTIR 7695 §6.1)"
    )]
    UnknownBinding,

    /// The binding has the wrong number of colon-separated components.
    #[error(
        "the {binding} binding has {found} components after its prefix where it needs {} \
         (NISTIR 7695 {}); a ':' inside a value must be quoted",
        binding.expected_components(),
        binding.clause()
    )]
    ComponentCount {
        /// The binding being parsed.
        binding: Binding,
        /// How many components were found.
        found: usize,
    },

    /// One attribute of a bound name is malformed.
    #[error(
        "invalid {attribute} (component {}) at character offset {offset}: {reason}",
        attribute.index() + 1
    )]
    InvalidValue {
        /// The attribute whose value is malformed.
        attribute: Attribute,
        /// Character offset (0-based, in Unicode scalar values) into the whole name.
        offset: usize,
        /// What is wrong.
        reason: Reason,
    },

    /// A stand-alone WFN value string is malformed.
    #[error("invalid value string at character offset {offset}: {reason}")]
    InvalidValueString {
        /// Character offset (0-based) into the value string.
        offset: usize,
        /// What is wrong.
        reason: Reason,
    },

    /// A value string is valid in general but not for this attribute.
    #[error("{value:?} is not a valid {attribute}: {reason}")]
    AttributeConstraint {
        /// The attribute the value was meant for.
        attribute: Attribute,
        /// The value, in WFN form.
        value: String,
        /// What is wrong.
        reason: Reason,
    },

    /// NISTIR 7696 leaves the comparison undefined because the target
    /// contains wildcards.
    #[error(
        "the relation is undefined: the target's {attribute} contains unquoted wildcards, and \
         NISTIR 7696 §6.1 (attribute comparison table) only defines wildcards in the source"
    )]
    UndefinedRelation {
        /// The first attribute whose comparison is undefined.
        attribute: Attribute,
    },

    /// The names overlap without either containing the other.
    #[error(
        "the names overlap but neither contains the other: the source is a superset in \
         {superset} and a subset in {subset}; NISTIR 7696 §6.2 defines no name relation \
         (SUPERSET, SUBSET, EQUAL, DISJOINT) for that combination"
    )]
    NoNameRelation {
        /// The first attribute in which the source is the superset.
        superset: Attribute,
        /// The first attribute in which the source is the subset.
        subset: Attribute,
    },
}

/// Why a value is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// Nothing between two separators.
    #[error(
        "the value is empty; NISTIR 7695 §5.3.2 requires at least one character (write '*' for ANY)"
    )]
    EmptyValue,
    /// A character outside printable ASCII, or a space.
    #[error(
        "{0:?} is not allowed: values hold ASCII letters, digits, '_' and quoted ASCII \
         punctuation only (NISTIR 7695 §5.3.2)"
    )]
    CharacterNotAllowed(char),
    /// Punctuation that the binding requires to be quoted.
    #[error("'{0}' must be quoted as '\\{0}' (NISTIR 7695 §5.3.2, §6.2.2)")]
    MustBeQuoted(char),
    /// Punctuation that the URI binding requires to be percent-encoded.
    #[error("'{0}' must be percent-encoded in the URI binding (NISTIR 7695 §6.1.2.3)")]
    MustBePercentEncoded(char),
    /// A backslash in front of a character that must not be quoted.
    #[error(
        "'\\{0}' quotes a character that is written unquoted; only punctuation is quoted \
         (NISTIR 7695 §5.3.2)"
    )]
    NeedlessQuote(char),
    /// A backslash at the very end of the value.
    #[error("the value ends in a lone '\\' with nothing to quote")]
    DanglingEscape,
    /// An unquoted `*` or `?` in the middle of the value.
    #[error(
        "unquoted '{0}' is a wildcard and may only stand at the beginning or end of a value \
         (NISTIR 7695 §5.3.2); quote it as '\\{0}' to mean the character itself"
    )]
    EmbeddedWildcard(char),
    /// Wildcards at one end that are neither one `*` nor a run of `?`.
    #[error(
        "the wildcards at each end of a value must be a single '*' or a run of '?' \
         (NISTIR 7695 §5.3.2)"
    )]
    MixedWildcards,
    /// The value is a single quoted hyphen, which no binding can tell from NA.
    #[error(
        "a value may not be a single quoted hyphen '\\-': bound, it would read as NA \
         (NISTIR 7695 §5.3.2)"
    )]
    LoneQuotedHyphen,
    /// The value is a single unquoted asterisk, which no binding can tell from ANY.
    #[error(
        "a lone unquoted '*' is the logical value ANY, not a value string (NISTIR 7695 §5.3.1, \
         §6.2.3); use ANY, or quote it as '\\*'"
    )]
    LoneAsterisk,
    /// A percent-encoding the URI binding does not allow.
    #[error(
        "not a percent-encoding the URI binding allows: only %01, %02 and the encodings of \
         punctuation other than '-', '.' and '_' (NISTIR 7695 §6.1.2.3)"
    )]
    InvalidPercentEncoding,
    /// A packed edition without its five `~`-separated fields.
    #[error(
        "a packed edition needs five '~'-separated fields: \
         ~edition~sw_edition~target_sw~target_hw~other (NISTIR 7695 §6.1.2.4)"
    )]
    PackedEdition,
    /// A part other than `a`, `o` or `h`.
    #[error(
        "part must be \"a\" (application), \"o\" (operating system), \"h\" (hardware), ANY or NA \
         (NISTIR 7695 §5.3.3.1)"
    )]
    InvalidPart,
    /// A language that is not a language tag.
    #[error(
        "language must be ANY, NA or an RFC 5646 tag: 2 or 3 letters, optionally '-' and a \
         2-letter or 3-digit region, such as en-us (NISTIR 7695 §5.3.3.5)"
    )]
    InvalidLanguage,
}

impl Error {
    /// Builds an [`Error::InvalidValue`] from a byte offset into `input`.
    pub(crate) fn invalid_value(
        input: &str,
        attribute: Attribute,
        byte_offset: usize,
        reason: Reason,
    ) -> Self {
        Self::InvalidValue {
            attribute,
            offset: char_offset(input, byte_offset),
            reason,
        }
    }
}

/// Converts a byte offset (on a character boundary) into a character offset.
pub(crate) fn char_offset(input: &str, byte_offset: usize) -> usize {
    input
        .get(..byte_offset)
        .map_or(byte_offset, |prefix| prefix.chars().count())
}
