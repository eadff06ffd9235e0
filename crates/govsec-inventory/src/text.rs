//! Decoding text inventories. Agencies' files come from Excel on Traditional Chinese Windows
//! (Big5/CP950, or UTF-16 "Unicode text"), from PowerShell (UTF-16 LE with a BOM in Windows
//! PowerShell 5.1, UTF-8 in PowerShell 7) and from Linux tools (UTF-8).

use std::sync::Arc;

use encoding_rs::{BIG5, Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::InventoryError;

/// Which encoding to decode a text file with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// A byte-order mark decides; without one, valid UTF-8 is UTF-8, otherwise Big5 when the
    /// whole file decodes as Big5.
    #[default]
    Detect,
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16: the byte-order mark decides the byte order, little-endian without one (what
    /// Windows writes).
    Utf16,
    /// Big5 as Windows code page 950 extends it (the WHATWG Big5 decoder).
    Big5,
}

impl TextEncoding {
    /// Parses the command-line spelling: `auto`, `utf-8`, `utf-16`, `big5` (or `cp950`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "auto" | "detect" => Some(TextEncoding::Detect),
            "utf-8" | "utf8" => Some(TextEncoding::Utf8),
            "utf-16" | "utf16" => Some(TextEncoding::Utf16),
            "big5" | "cp950" => Some(TextEncoding::Big5),
            _ => None,
        }
    }
}

/// Decoded text and the encoding it came from.
pub(crate) struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
}

/// Decodes `bytes`; an error names the line and field of the first byte that does not decode.
pub(crate) fn decode(
    file: &Arc<str>,
    bytes: &[u8],
    encoding: TextEncoding,
) -> Result<Decoded, InventoryError> {
    let bom = Encoding::for_bom(bytes);
    match encoding {
        TextEncoding::Detect => match bom {
            Some((found, length)) if found != UTF_8 => strict(file, found, &bytes[length..]),
            Some((_, length)) => utf8(file, &bytes[length..]),
            None => detect_unmarked(file, bytes),
        },
        TextEncoding::Utf8 => utf8(file, bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)),
        TextEncoding::Utf16 => match bom {
            Some((found, length)) if found == UTF_16LE || found == UTF_16BE => {
                strict(file, found, &bytes[length..])
            }
            _ => strict(file, UTF_16LE, bytes),
        },
        TextEncoding::Big5 => strict(file, BIG5, bytes),
    }
}

fn detect_unmarked(file: &Arc<str>, bytes: &[u8]) -> Result<Decoded, InventoryError> {
    let Err(error) = std::str::from_utf8(bytes) else {
        return utf8(file, bytes);
    };
    let valid = &bytes[..error.valid_up_to()];
    if !valid.is_ascii() {
        // Chinese text already read as UTF-8 and then bytes that are not: decoding the whole
        // file as Big5 would turn the first part into mojibake, so say where UTF-8 stops.
        let (row, column) = position_in_bytes(bytes, error.valid_up_to());
        return Err(InventoryError::MixedEncoding {
            file: file.clone(),
            row,
            column,
        });
    }
    strict(file, BIG5, bytes)
}

fn utf8(file: &Arc<str>, bytes: &[u8]) -> Result<Decoded, InventoryError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_owned(),
            encoding: UTF_8,
        }),
        Err(error) => {
            let (row, column) = position_in_bytes(bytes, error.valid_up_to());
            Err(InventoryError::Undecodable {
                file: file.clone(),
                row,
                column,
                encoding: "UTF-8",
            })
        }
    }
}

/// Decodes without any replacement: a single bad byte is an error, never a silent U+FFFD.
fn strict(
    file: &Arc<str>,
    encoding: &'static Encoding,
    bytes: &[u8],
) -> Result<Decoded, InventoryError> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok(Decoded {
            text: text.into_owned(),
            encoding,
        });
    }
    // The replacement character marks the first byte that did not decode; its place in the
    // decoded text gives the line and field.
    let offset = text.find('\u{FFFD}').unwrap_or(text.len());
    let (row, column) = position_in_text(&text[..offset]);
    Err(InventoryError::Undecodable {
        file: file.clone(),
        row,
        column,
        encoding: encoding.name(),
    })
}

/// Line and delimiter-counted field of byte `offset`: close enough for the officer to find the
/// cell even when a quoted cell holds a delimiter.
fn position_in_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let row = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before[line_start..]
        .iter()
        .filter(|&&b| matches!(b, b',' | b'\t' | b';'))
        .count()
        + 1;
    (row, column)
}

fn position_in_text(before: &str) -> (usize, usize) {
    position_in_bytes(before.as_bytes(), before.len())
}
