//! Version ordering for comparing inventory versions with NVD's
//! `versionStart…`/`versionEnd…` bounds.
//!
//! [`Version::parse`] never fails: any text is split into tokens, and tokens
//! are compared by the rules in the crate documentation (see
//! [the crate docs](crate#versions)). The order is total and consistent with
//! `Eq` and `Hash`, because all three are computed on the same normalized
//! token list.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// A version string with a total order fit for vulnerability bounds.
///
/// ```
/// use govsec_cpe::Version;
/// let v = |text| Version::parse(text);
/// assert!(v("1.10") > v("1.9"));
/// assert!(v("2.4.49") > v("2.4.5"));
/// assert_eq!(v("1.0"), v("1.0.0"));
/// assert_eq!(v("19.00"), v("19.0"));
/// assert!(v("1.0-rc1") < v("1.0"));
/// assert!(v("1.0.1g") > v("1.0.1f"));
/// assert!(v("1.8.0_281") > v("1.8.0_202"));
/// assert!(v("update_281") > v("update_202"));
/// assert!(v("10.0.19041.1237") > v("10.0.19041.1234"));
/// ```
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    tokens: Vec<Token>,
}

/// One normalized token; ranges index into the version's text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A run of digits, without its leading zeros (empty for zero).
    Number(Range<usize>),
    /// A pre-release marker, by rank (see [`pre_release_rank`]).
    PreRelease(u8),
    /// Any other word or symbol, compared ignoring ASCII case.
    Word(Range<usize>),
}

/// Where a token stands against others of a different kind, and against the
/// end of a version: pre-release < end < other words < numbers.
fn class(token: Option<&Token>) -> u8 {
    match token {
        Some(Token::PreRelease(_)) => 0,
        None => 1,
        Some(Token::Word(_)) => 2,
        Some(Token::Number(_)) => 3,
    }
}

/// Separators split tokens and are otherwise ignored. `\` is one so that
/// WFN-quoted text (`2\.4\.49`) reads like its unquoted form.
fn is_separator(character: char) -> bool {
    matches!(character, '.' | '-' | '_' | '+' | '~' | ':' | '\\' | ',')
        || character.is_whitespace()
        || character.is_ascii_control()
}

/// Word characters: ASCII letters and anything beyond ASCII.
fn is_word_character(character: char) -> bool {
    character.is_ascii_alphabetic() || !character.is_ascii()
}

/// Rank of a pre-release word, or `None` for other words. Single letters
/// count only when a digit follows them directly (`1.0a1`, `2.0b3`,
/// `3.0m2`, `1.0c1`), so that OpenSSL's `1.0.1a` stays a letter release.
fn pre_release_rank(word: &str, digit_follows: bool) -> Option<u8> {
    let lower = |candidates: &[&str]| candidates.iter().any(|c| word.eq_ignore_ascii_case(c));
    if lower(&["dev", "snapshot", "nightly"]) {
        Some(0)
    } else if lower(&["alpha"]) || (digit_follows && lower(&["a"])) {
        Some(1)
    } else if lower(&["beta"]) || (digit_follows && lower(&["b"])) {
        Some(2)
    } else if lower(&["milestone"]) || (digit_follows && lower(&["m"])) {
        Some(3)
    } else if lower(&["pre", "preview"]) {
        Some(4)
    } else if lower(&["rc", "cr"]) || (digit_follows && lower(&["c"])) {
        Some(5)
    } else {
        None
    }
}

/// Words that mark a release and mean nothing for the order.
fn is_release_word(word: &str) -> bool {
    ["final", "ga", "release", "stable"]
        .iter()
        .any(|candidate| word.eq_ignore_ascii_case(candidate))
}

impl Version {
    /// Reads any text as a version; it never fails, and keeps the text.
    pub fn parse(text: &str) -> Version {
        let mut tokens = Vec::new();
        let mut characters = text.char_indices().peekable();
        while characters.next_if(|&(_, c)| is_separator(c)).is_some() {}
        // A leading `v` before a digit (`v1.2`) is a prefix, not a word.
        if let Some(&(at, first)) = characters.peek()
            && matches!(first, 'v' | 'V')
            && text[at + 1..].starts_with(|c: char| c.is_ascii_digit())
        {
            characters.next();
        }
        while let Some((start, character)) = characters.next() {
            if is_separator(character) {
                continue;
            }
            if character.is_ascii_digit() {
                let mut end = start + 1;
                while let Some(&(at, next)) = characters.peek()
                    && next.is_ascii_digit()
                {
                    end = at + 1;
                    characters.next();
                }
                let significant = text[start..end]
                    .find(|c| c != '0')
                    .map_or(end, |offset| start + offset);
                tokens.push(Token::Number(significant..end));
            } else if is_word_character(character) {
                let mut end = start + character.len_utf8();
                while let Some(&(at, next)) = characters.peek()
                    && is_word_character(next)
                {
                    end = at + next.len_utf8();
                    characters.next();
                }
                let word = &text[start..end];
                let digit_follows = characters.peek().is_some_and(|&(_, c)| c.is_ascii_digit());
                if let Some(rank) = pre_release_rank(word, digit_follows) {
                    tokens.push(Token::PreRelease(rank));
                } else if !is_release_word(word) {
                    tokens.push(Token::Word(start..end));
                }
            } else {
                tokens.push(Token::Word(start..start + character.len_utf8()));
            }
        }
        normalize(&mut tokens);
        Version {
            text: text.into(),
            tokens,
        }
    }

    /// The text the version was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The bytes of a word, for comparison ignoring ASCII case.
    fn word(&self, range: &Range<usize>) -> impl Iterator<Item = u8> + '_ {
        self.text.as_bytes()[range.clone()]
            .iter()
            .map(u8::to_ascii_lowercase)
    }

    /// The significant digits of a number.
    fn digits(&self, range: &Range<usize>) -> &[u8] {
        &self.text.as_bytes()[range.clone()]
    }

    /// End of the run of numbers starting at `start`.
    fn run_end(&self, start: usize) -> usize {
        self.tokens[start..]
            .iter()
            .position(|token| !matches!(token, Token::Number(_)))
            .map_or(self.tokens.len(), |offset| start + offset)
    }

    /// Compares two runs of numbers, the shorter padded with zeros.
    fn compare_runs(&self, own: &[Token], other: &Version, theirs: &[Token]) -> Ordering {
        const ZERO: Range<usize> = 0..0;
        for index in 0..own.len().max(theirs.len()) {
            let number = |tokens: &[Token]| match tokens.get(index) {
                Some(Token::Number(range)) => range.clone(),
                _ => ZERO,
            };
            let (mine, yours) = (self.digits(&number(own)), other.digits(&number(theirs)));
            let ordering = mine.len().cmp(&yours.len()).then_with(|| mine.cmp(yours));
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }
}

/// Makes equal versions have equal token lists: each run of numbers loses
/// its trailing zeros (keeping one), and a final run that is only zero goes
/// when something precedes it (`1.0-rc.0` is `1.0-rc`).
fn normalize(tokens: &mut Vec<Token>) {
    let is_zero = |token: &Token| matches!(token, Token::Number(range) if range.is_empty());
    let mut kept = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while index < tokens.len() {
        if let Token::Number(_) = tokens[index] {
            let end = tokens[index..]
                .iter()
                .position(|token| !matches!(token, Token::Number(_)))
                .map_or(tokens.len(), |offset| index + offset);
            let mut last = end;
            while last > index + 1 && is_zero(&tokens[last - 1]) {
                last -= 1;
            }
            kept.extend_from_slice(&tokens[index..last]);
            index = end;
        } else {
            kept.push(tokens[index].clone());
            index += 1;
        }
    }
    if kept.len() > 1 && kept.last().is_some_and(is_zero) {
        let before = &kept[kept.len() - 2];
        if !matches!(before, Token::Number(_)) {
            kept.pop();
        }
    }
    *tokens = kept;
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let (mut mine, mut yours) = (0, 0);
        loop {
            let (own, theirs) = (self.tokens.get(mine), other.tokens.get(yours));
            if let (Some(Token::Number(_)), Some(Token::Number(_))) = (own, theirs) {
                let (own_end, their_end) = (self.run_end(mine), other.run_end(yours));
                let ordering = self.compare_runs(
                    &self.tokens[mine..own_end],
                    other,
                    &other.tokens[yours..their_end],
                );
                if ordering != Ordering::Equal {
                    return ordering;
                }
                (mine, yours) = (own_end, their_end);
                continue;
            }
            let ordering = class(own)
                .cmp(&class(theirs))
                .then_with(|| match (own, theirs) {
                    (Some(Token::PreRelease(a)), Some(Token::PreRelease(b))) => a.cmp(b),
                    (Some(Token::Word(a)), Some(Token::Word(b))) => self.word(a).cmp(other.word(b)),
                    _ => Ordering::Equal,
                });
            if ordering != Ordering::Equal || own.is_none() {
                return ordering;
            }
            (mine, yours) = (mine + 1, yours + 1);
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for token in &self.tokens {
            match token {
                Token::Number(range) => {
                    state.write_u8(0);
                    state.write(self.digits(range));
                }
                Token::PreRelease(rank) => state.write_u8(1 + rank),
                Token::Word(range) => {
                    state.write_u8(10);
                    self.word(range).for_each(|byte| state.write_u8(byte));
                }
            }
            state.write_u8(0xff);
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl From<&str> for Version {
    fn from(text: &str) -> Self {
        Self::parse(text)
    }
}
