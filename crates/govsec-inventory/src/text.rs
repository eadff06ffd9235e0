//! Decoding text inventories. Agencies' files come from Excel on Traditional Chinese Windows
//! (Big5/CP950, or UTF-16 "Unicode text"), from PowerShell (UTF-16 LE with a BOM in Windows
//! PowerShell 5.1, UTF-8 in PowerShell 7) and from Linux tools (UTF-8).

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;

use encoding_rs::{BIG5, Decoder, DecoderResult, Encoding, UTF_8, UTF_16LE};

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

/// Bytes read from the input at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// How far the decoder has got in choosing the encoding.
enum Choice {
    /// Nothing read yet: the first bytes may be a byte-order mark.
    Start,
    /// No byte-order mark and only ASCII so far, which UTF-8 and Big5 write alike; the first
    /// other byte decides.
    Undecided,
    /// Decoding in `encoding`. `by_content` when UTF-8 was chosen because the first non-ASCII
    /// bytes were UTF-8: a bad byte after that means the file mixes encodings.
    Decided {
        decoder: Decoder,
        encoding: &'static Encoding,
        by_content: bool,
    },
}

/// The lines of a text file, decoded as they are read so that memory holds a chunk and a
/// line, never the file. The encoding follows [`TextEncoding`]: a byte-order mark decides;
/// without one, valid UTF-8 is UTF-8 and a file whose first non-ASCII bytes are not UTF-8 is
/// Big5. Decoding is strict: a byte that does not decode is an error naming its line and
/// field, never a silent U+FFFD.
pub(crate) struct DecodedLines<R> {
    file: Arc<str>,
    input: R,
    requested: TextEncoding,
    choice: Choice,
    /// Bytes read but not decoded yet: a possible byte-order mark, or a sequence cut by the
    /// end of a chunk while the encoding is undecided.
    pending: Vec<u8>,
    /// Decoded text from `consumed` on not handed out yet.
    text: String,
    consumed: usize,
    /// Number of the next line handed out, 1-based.
    line: usize,
    read_bytes: u64,
    limit: u64,
    input_done: bool,
    /// Lines handed back to be read again (the format was detected from them), with whether
    /// a `\n` ended them.
    replay: VecDeque<(usize, String, bool)>,
    /// Whether a `\n` ended the line handed out last.
    terminated: bool,
}

impl<R: Read> DecodedLines<R> {
    /// Lines of `input`, refusing more than `limit` bytes.
    pub(crate) fn new(file: Arc<str>, input: R, requested: TextEncoding, limit: u64) -> Self {
        DecodedLines {
            file,
            input,
            requested,
            choice: Choice::Start,
            pending: Vec::new(),
            text: String::new(),
            consumed: 0,
            line: 1,
            read_bytes: 0,
            limit,
            input_done: false,
            replay: VecDeque::new(),
            terminated: false,
        }
    }

    /// The encoding chosen so far: UTF-8 while only ASCII has been read.
    pub(crate) fn encoding(&self) -> &'static Encoding {
        match &self.choice {
            Choice::Decided { encoding, .. } => encoding,
            Choice::Start | Choice::Undecided => UTF_8,
        }
    }

    /// Hands lines back so that the next calls of [`next_line`](Self::next_line) give them
    /// again, in order.
    pub(crate) fn replay(&mut self, lines: Vec<(usize, String, bool)>) {
        for line in lines.into_iter().rev() {
            self.replay.push_front(line);
        }
    }

    /// Reads the next line (without its `\n`; a `\r` before it is kept) into `line` and
    /// returns its number, or `None` at the end of the file.
    pub(crate) fn next_line(&mut self, line: &mut String) -> Result<Option<usize>, InventoryError> {
        line.clear();
        if let Some((number, text, terminated)) = self.replay.pop_front() {
            line.push_str(&text);
            self.terminated = terminated;
            return Ok(Some(number));
        }
        loop {
            if let Some(end) = self.text[self.consumed..].find('\n') {
                line.push_str(&self.text[self.consumed..self.consumed + end]);
                self.consumed += end + 1;
                self.terminated = true;
                return Ok(Some(self.take_line_number()));
            }
            if self.input_done {
                if self.consumed == self.text.len() {
                    return Ok(None);
                }
                line.push_str(&self.text[self.consumed..]);
                self.consumed = self.text.len();
                self.terminated = false;
                return Ok(Some(self.take_line_number()));
            }
            self.text.drain(..self.consumed);
            self.consumed = 0;
            self.fill()?;
        }
    }

    /// Whether a `\n` ended the line read last.
    pub(crate) fn terminated(&self) -> bool {
        self.terminated
    }

    /// The rest of the text as it is, for formats that are documents rather than lines.
    pub(crate) fn read_rest(&mut self) -> Result<String, InventoryError> {
        let mut rest = String::new();
        for (_, text, terminated) in std::mem::take(&mut self.replay) {
            rest.push_str(&text);
            if terminated {
                rest.push('\n');
            }
        }
        loop {
            if self.input_done {
                rest.push_str(&self.text[self.consumed..]);
                self.consumed = self.text.len();
                return Ok(rest);
            }
            // Whole lines move to the document; the line being read stays, so that a byte
            // that does not decode is still placed by its line and field.
            if let Some(end) = self.text[self.consumed..].rfind('\n') {
                let lines = &self.text[self.consumed..=self.consumed + end];
                self.line += lines.matches('\n').count();
                rest.push_str(lines);
                self.consumed += end + 1;
            }
            self.text.drain(..self.consumed);
            self.consumed = 0;
            self.fill()?;
        }
    }

    fn take_line_number(&mut self) -> usize {
        let number = self.line;
        self.line += 1;
        number
    }

    /// Reads and decodes the next chunk of input.
    fn fill(&mut self) -> Result<(), InventoryError> {
        let mut chunk = vec![0u8; CHUNK_BYTES];
        let read = loop {
            match self.input.read(&mut chunk) {
                Ok(read) => break read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Err(InventoryError::Io {
                        file: self.file.clone(),
                        reason: error.to_string(),
                    });
                }
            }
        };
        self.read_bytes += read as u64;
        if self.read_bytes > self.limit {
            return Err(InventoryError::InputTooLarge {
                file: self.file.clone(),
                limit: self.limit,
            });
        }
        self.input_done = read == 0;
        self.pending.extend_from_slice(&chunk[..read]);
        self.decode_pending()
    }

    fn decode_pending(&mut self) -> Result<(), InventoryError> {
        if matches!(self.choice, Choice::Start) {
            // A byte-order mark is at most three bytes.
            if self.pending.len() < 3 && !self.input_done {
                return Ok(());
            }
            self.choose_by_mark();
        }
        if matches!(self.choice, Choice::Undecided) {
            self.decode_undecided();
        }
        let Choice::Decided {
            decoder,
            encoding,
            by_content,
        } = &mut self.choice
        else {
            return Ok(());
        };
        let last = self.input_done;
        let mut source = &self.pending[..];
        loop {
            self.text.reserve(
                decoder
                    .max_utf8_buffer_length_without_replacement(source.len())
                    .unwrap_or(source.len() * 3 + 16),
            );
            let (result, read) =
                decoder.decode_to_string_without_replacement(source, &mut self.text, last);
            source = &source[read..];
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(_, _) => {
                    let (row, column) = position_after(self.line, &self.text[self.consumed..]);
                    let file = self.file.clone();
                    return Err(if *by_content && *encoding == UTF_8 {
                        InventoryError::MixedEncoding { file, row, column }
                    } else {
                        InventoryError::Undecodable {
                            file,
                            row,
                            column,
                            encoding: encoding.name(),
                        }
                    });
                }
            }
        }
        self.pending.clear();
        Ok(())
    }

    fn choose_by_mark(&mut self) {
        let bom = Encoding::for_bom(&self.pending);
        let (encoding, mark) = match (self.requested, bom) {
            (TextEncoding::Detect, Some((found, length))) => (Some(found), length),
            (TextEncoding::Detect, None) => (None, 0),
            (TextEncoding::Utf8, Some((found, length))) if found == UTF_8 => (Some(UTF_8), length),
            (TextEncoding::Utf8, _) => (Some(UTF_8), 0),
            (TextEncoding::Utf16, Some((found, length))) if found != UTF_8 => (Some(found), length),
            (TextEncoding::Utf16, _) => (Some(UTF_16LE), 0),
            (TextEncoding::Big5, _) => (Some(BIG5), 0),
        };
        self.pending.drain(..mark);
        self.choice = match encoding {
            Some(encoding) => Choice::Decided {
                decoder: encoding.new_decoder_without_bom_handling(),
                encoding,
                by_content: false,
            },
            None => Choice::Undecided,
        };
    }

    /// Passes ASCII through, and at the first other byte chooses UTF-8 when it starts a valid
    /// UTF-8 sequence, Big5 otherwise.
    fn decode_undecided(&mut self) {
        let ascii = self
            .pending
            .iter()
            .position(|byte| !byte.is_ascii())
            .unwrap_or(self.pending.len());
        let text = std::str::from_utf8(&self.pending[..ascii]).expect("ASCII is UTF-8");
        self.text.push_str(text);
        self.pending.drain(..ascii);
        let Some(&lead) = self.pending.first() else {
            return;
        };
        let length = match lead {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 1,
        };
        if self.pending.len() < length && !self.input_done {
            return;
        }
        let sequence = &self.pending[..length.min(self.pending.len())];
        let utf8 = length > 1 && std::str::from_utf8(sequence).is_ok();
        let encoding = if utf8 { UTF_8 } else { BIG5 };
        self.choice = Choice::Decided {
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            by_content: utf8,
        };
    }
}

/// Line and delimiter-counted field just after `text`, which starts at line `first_line`:
/// close enough for the officer to find the cell even when a quoted cell holds a delimiter.
fn position_after(first_line: usize, text: &str) -> (usize, usize) {
    let line_start = text.rfind('\n').map_or(0, |i| i + 1);
    let row = first_line + text.matches('\n').count();
    let column = text[line_start..]
        .bytes()
        .filter(|&b| matches!(b, b',' | b'\t' | b';'))
        .count()
        + 1;
    (row, column)
}
