//! The formatted string binding, `cpe:2.3:part:vendor:…:other`
//! (NISTIR 7695 §6.2).
//!
//! In the formatted string, `.`, `-` and `_` stand unquoted, every other
//! punctuation character is quoted with `\`, a lone `*` is ANY and a lone `-`
//! is NA. Unbinding (§6.2.3) turns the unquoted `.` and `-` into the WFN's
//! `\.` and `\-`; binding (§6.2.2) does the reverse.

use crate::attribute::{
    Attribute, AttributeValue, Piece, ValueBuilder, ValueString, is_quotable, is_unreserved,
    not_allowed,
};
use crate::error::{Binding, Error, Reason};
use crate::name::WellFormedName;

const PREFIX: &[u8] = b"cpe:2.3:";

/// Whether `name` starts with `cpe:2.3:` (ABNF literals ignore case).
pub(crate) fn has_prefix(name: &str) -> bool {
    name.as_bytes()
        .get(..PREFIX.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(PREFIX))
}

/// NISTIR 7695 §6.2.3 `unbind_fs`.
pub(crate) fn unbind(name: &str) -> Result<WellFormedName, Error> {
    if !has_prefix(name) {
        return Err(Error::UnknownBinding);
    }
    let bytes = name.as_bytes();
    // One pass finds the unquoted colons; past the eleventh component it
    // only counts, for the error.
    let mut ends = [0; 11];
    let mut found = 0;
    let mut at = PREFIX.len();
    while at <= bytes.len() {
        match bytes.get(at) {
            // A trailing lone `\` still ends the last component here, so
            // that its value reports the dangling escape.
            Some(b'\\') => at = (at + 2).min(bytes.len()),
            Some(b':') | None => {
                if let Some(end) = ends.get_mut(found) {
                    *end = at;
                }
                found += 1;
                at += 1;
            }
            Some(_) => at += 1,
        }
    }
    if found != Attribute::ALL.len() {
        return Err(Error::ComponentCount {
            binding: Binding::FormattedString,
            found,
        });
    }
    let mut wfn = WellFormedName::new();
    let mut builder = ValueBuilder::new();
    let mut start = PREFIX.len();
    for (attribute, end) in Attribute::ALL.into_iter().zip(ends) {
        let value = unbind_value(name, attribute, start, end, &mut builder)?;
        wfn.set_decoded(name, start, attribute, value)?;
        start = end + 1;
    }
    Ok(wfn)
}

/// NISTIR 7695 §6.2.3 `unbind_value_fs` for `name[start..end]`.
fn unbind_value(
    name: &str,
    attribute: Attribute,
    start: usize,
    end: usize,
    builder: &mut ValueBuilder,
) -> Result<AttributeValue, Error> {
    let bytes = &name.as_bytes()[start..end];
    match bytes {
        b"*" => return Ok(AttributeValue::Any),
        b"-" => return Ok(AttributeValue::NotApplicable),
        // The common case, such as `2.4.49`: nothing to check.
        _ if !bytes.is_empty()
            && bytes
                .iter()
                .all(|&b| is_unreserved(b) || b == b'.' || b == b'-') =>
        {
            return Ok(AttributeValue::Value(ValueString::quoting_punctuation(
                &name[start..end],
            )));
        }
        _ => {}
    }
    let fail = |at: usize, reason| Error::invalid_value(name, attribute, at, reason);
    builder.begin(end - start);
    let mut at = start;
    while at < end {
        let byte = name.as_bytes()[at];
        let piece_at = at;
        let piece = match byte {
            b'*' => Piece::MultiCharacter,
            b'?' => Piece::SingleCharacter,
            // §6.2.2: the formatted string leaves `.` and `-` unquoted.
            b'.' | b'-' => Piece::Character(byte),
            b'\\' => match name.as_bytes().get(at + 1).filter(|_| at + 1 < end) {
                None => return Err(fail(at, Reason::DanglingEscape)),
                Some(&quoted) if is_quotable(quoted) => {
                    at += 1;
                    Piece::Character(quoted)
                }
                Some(&quoted) if is_unreserved(quoted) => {
                    return Err(fail(at, Reason::NeedlessQuote(char::from(quoted))));
                }
                Some(_) => return Err(fail(at + 1, not_allowed(name, at + 1))),
            },
            _ if is_unreserved(byte) => Piece::Character(byte),
            _ if is_quotable(byte) => return Err(fail(at, Reason::MustBeQuoted(char::from(byte)))),
            _ => return Err(fail(at, not_allowed(name, at))),
        };
        builder
            .push(piece_at, piece)
            .map_err(|(at, reason)| fail(at, reason))?;
        at += 1;
    }
    builder
        .finish(start)
        .map(AttributeValue::Value)
        .map_err(|(at, reason)| fail(at, reason))
}

/// NISTIR 7695 §6.2.2 `bind_to_fs`.
pub(crate) fn bind(wfn: &WellFormedName) -> String {
    let mut out = String::with_capacity(64);
    out.push_str("cpe:2.3");
    for value in wfn.values() {
        out.push(':');
        match value {
            AttributeValue::Any => out.push('*'),
            AttributeValue::NotApplicable => out.push('-'),
            AttributeValue::Value(string) => {
                // §6.2.2.2 `process_quoted_chars`: `\.`, `\-` (and `\_`,
                // which a WFN never holds) lose their quoting.
                let mut escaped = false;
                for character in string.as_str().chars() {
                    if escaped {
                        if !matches!(character, '.' | '-') {
                            out.push('\\');
                        }
                        out.push(character);
                        escaped = false;
                    } else if character == '\\' {
                        escaped = true;
                    } else {
                        out.push(character);
                    }
                }
            }
        }
    }
    out
}
