//! The URI binding, `cpe:/part:vendor:product:version:update:edition:language`
//! (NISTIR 7695 §6.1).
//!
//! The URI has seven components; trailing empty ones may be left out, an
//! empty component is ANY and `-` is NA. Punctuation other than `-`, `.`,
//! `_` is percent-encoded, and the wildcards are `%01` (`?`) and `%02`
//! (`*`). The four extended attributes travel packed in the edition as
//! `~edition~sw_edition~target_sw~target_hw~other` (§6.1.2.4). Unbinding
//! lowercases the name, as `decode` in §6.1.3.2 does.

use crate::attribute::{Attribute, AttributeValue, Piece, ValueBuilder, ValueString, not_allowed};
use crate::error::{Binding, Error, Reason};
use crate::name::WellFormedName;

const PREFIX: &[u8] = b"cpe:/";

/// The attributes of the seven URI components, in order.
const COMPONENTS: [Attribute; 7] = [
    Attribute::Part,
    Attribute::Vendor,
    Attribute::Product,
    Attribute::Version,
    Attribute::Update,
    Attribute::Edition,
    Attribute::Language,
];

/// The attributes packed into the edition, in order (NISTIR 7695 §6.1.2.4).
const PACKED: [Attribute; 5] = [
    Attribute::Edition,
    Attribute::SoftwareEdition,
    Attribute::TargetSoftware,
    Attribute::TargetHardware,
    Attribute::Other,
];

/// Whether `name` starts with `cpe:/` (ABNF literals ignore case).
pub(crate) fn has_prefix(name: &str) -> bool {
    name.as_bytes()
        .get(..PREFIX.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(PREFIX))
}

/// NISTIR 7695 §6.1.3 `unbind_uri`.
pub(crate) fn unbind(name: &str) -> Result<WellFormedName, Error> {
    if !has_prefix(name) {
        return Err(Error::UnknownBinding);
    }
    let bytes = name.as_bytes();
    let found = bytes[PREFIX.len()..].iter().filter(|&&b| b == b':').count() + 1;
    if found > COMPONENTS.len() {
        return Err(Error::ComponentCount {
            binding: Binding::Uri,
            found,
        });
    }
    let mut wfn = WellFormedName::new();
    let mut builder = ValueBuilder::new();
    let mut start = PREFIX.len();
    for attribute in COMPONENTS.into_iter().take(found) {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b':')
            .map_or(bytes.len(), |at| start + at);
        if attribute == Attribute::Edition && bytes.get(start) == Some(&b'~') {
            unpack(name, &mut wfn, start, end, &mut builder)?;
        } else {
            let value = decode(name, attribute, start, end, &mut builder)?;
            wfn.set_decoded(name, start, attribute, value)?;
        }
        start = end + 1;
    }
    Ok(wfn)
}

/// NISTIR 7695 §6.1.3.3 `unpack`: `~ed~sw_ed~t_sw~t_hw~oth`, where the
/// last field runs to the end of the component.
fn unpack(
    name: &str,
    wfn: &mut WellFormedName,
    start: usize,
    end: usize,
    builder: &mut ValueBuilder,
) -> Result<(), Error> {
    let bytes = name.as_bytes();
    let mut field_start = start + 1;
    for (index, attribute) in PACKED.into_iter().enumerate() {
        let field_end = if index + 1 == PACKED.len() {
            end
        } else {
            bytes[field_start..end]
                .iter()
                .position(|&b| b == b'~')
                .map(|at| field_start + at)
                .ok_or_else(|| {
                    Error::invalid_value(name, Attribute::Edition, start, Reason::PackedEdition)
                })?
        };
        let value = decode(name, attribute, field_start, field_end, builder)?;
        wfn.set_decoded(name, field_start, attribute, value)?;
        field_start = field_end + 1;
    }
    Ok(())
}

/// NISTIR 7695 §6.1.3.2 `decode` for `name[start..end]`.
fn decode(
    name: &str,
    attribute: Attribute,
    start: usize,
    end: usize,
    builder: &mut ValueBuilder,
) -> Result<AttributeValue, Error> {
    let bytes = name.as_bytes();
    match &bytes[start..end] {
        b"" => return Ok(AttributeValue::Any),
        b"-" => return Ok(AttributeValue::NotApplicable),
        // The common case, such as `2.4.49`: already lowercase, nothing
        // percent-encoded.
        component
            if component.iter().all(|&b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
            }) =>
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
        let byte = bytes[at];
        let piece_at = at;
        let piece = match byte {
            b'%' => {
                let encoded = bytes
                    .get(at + 1..at + 3)
                    .filter(|_| at + 3 <= end)
                    .and_then(percent_decode)
                    .ok_or_else(|| fail(at, Reason::InvalidPercentEncoding))?;
                at += 2;
                encoded
            }
            // §6.1.3.2 normalizes to lowercase before decoding.
            _ if byte.is_ascii_alphanumeric() => Piece::Character(byte.to_ascii_lowercase()),
            b'_' | b'.' | b'-' | b'~' => Piece::Character(byte),
            _ if byte.is_ascii_punctuation() => {
                return Err(fail(at, Reason::MustBePercentEncoded(char::from(byte))));
            }
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

/// The percent-encodings §6.1.2.3 `pct_encode` produces, plus the wildcards.
fn percent_decode(hex: &[u8]) -> Option<Piece> {
    let digit = |b: u8| char::from(b).to_digit(16);
    let value = digit(hex[0])? * 16 + digit(hex[1])?;
    let byte = u8::try_from(value).ok()?;
    match byte {
        0x01 => Some(Piece::SingleCharacter),
        0x02 => Some(Piece::MultiCharacter),
        b'-' | b'.' | b'_' => None,
        _ if byte.is_ascii_punctuation() => Some(Piece::Character(byte)),
        _ => None,
    }
}

/// NISTIR 7695 §6.1.2 `bind_to_uri`.
pub(crate) fn bind(wfn: &WellFormedName) -> String {
    let mut out = String::with_capacity(64);
    out.push_str("cpe:/");
    for (index, attribute) in COMPONENTS.into_iter().enumerate() {
        if index > 0 {
            out.push(':');
        }
        let extended_all_any = PACKED[1..]
            .iter()
            .all(|&extended| *wfn.get(extended) == AttributeValue::Any);
        if attribute == Attribute::Edition && !extended_all_any {
            for packed in PACKED {
                out.push('~');
                bind_value(&mut out, wfn.get(packed));
            }
        } else {
            bind_value(&mut out, wfn.get(attribute));
        }
    }
    // §6.1.2: trailing empty components (ANY) are trimmed.
    let trimmed = out.trim_end_matches(':').len();
    out.truncate(trimmed);
    out
}

/// §6.1.2.3 `transform_for_uri` and `pct_encode`.
fn bind_value(out: &mut String, value: &AttributeValue) {
    let string = match value {
        AttributeValue::Any => return,
        AttributeValue::NotApplicable => {
            out.push('-');
            return;
        }
        AttributeValue::Value(string) => string,
    };
    let mut escaped = false;
    for byte in string.as_str().bytes() {
        if escaped {
            match byte {
                b'-' | b'.' => out.push(char::from(byte)),
                _ => {
                    out.push('%');
                    out.push(hex_digit(byte >> 4));
                    out.push(hex_digit(byte & 0x0f));
                }
            }
            escaped = false;
        } else {
            match byte {
                b'\\' => escaped = true,
                b'?' => out.push_str("%01"),
                b'*' => out.push_str("%02"),
                _ => out.push(char::from(byte)),
            }
        }
    }
}

/// Lowercase hexadecimal digit for a nibble (`pct_encode` writes lowercase).
fn hex_digit(nibble: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(nibble & 0x0f)])
}
