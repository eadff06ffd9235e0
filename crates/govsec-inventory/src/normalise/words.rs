//! The words of a software or publisher name as the normaliser compares them. Inventories
//! write one product many ways — "Mozilla Firefox (x64 zh-TW)", "ＷｉｎＲＡＲ 6.24 (64 位元)",
//! "Microsoft Office 專業增強版 2016" — so a name is folded (full-width to ASCII, lower case,
//! trademark signs dropped), cut into tokens at spaces, punctuation and script boundaries, and
//! Chinese runs are segmented against the known Chinese words (longest match first), because
//! zh-TW names are written without spaces ("趨勢科技防毒軟體") and a whole run kept as one token
//! could never meet an ASCII CPE name. Architecture and locale tags are then marked as noise;
//! editions are kept aside, since most CPE names do not carry them.

use std::collections::HashSet;

/// What a token is, which decides how the later steps treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Latin letters, possibly with digits, `+`, `#` or inner dots (`notepad++`, `node.js`).
    Word,
    /// Digits only (`10`, `2016`, `281`).
    Number,
    /// Digits with dots or a `v` prefix (`23.01`, `16.0.4266.1001`, `v3`, `1.1.1k`).
    Version,
    /// A Chinese word, or a run of Chinese characters no known word covers.
    Chinese,
}

/// One token of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) text: String,
    pub(crate) kind: TokenKind,
}

impl Token {
    fn new(text: String) -> Self {
        let kind = classify(&text);
        Token { text, kind }
    }
}

fn classify(text: &str) -> TokenKind {
    let first = text.chars().next().unwrap_or(' ');
    if !first.is_ascii() {
        TokenKind::Chinese
    } else if text.bytes().all(|b| b.is_ascii_digit()) {
        TokenKind::Number
    } else if first.is_ascii_digit() && text.contains('.') {
        TokenKind::Version
    } else if let Some(rest) = text.strip_prefix('v')
        && rest.starts_with(|c: char| c.is_ascii_digit())
        && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        TokenKind::Version
    } else {
        TokenKind::Word
    }
}

/// Folds full-width forms to ASCII, lowers case and drops trademark signs.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '®' | '™' | '©' | '\u{FEFF}'))
        .map(|c| match c {
            // Full-width ASCII variants (U+FF01–U+FF5E) sit 0xFEE0 above ASCII.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Chinese words the segmenter knows, with the length of the longest.
#[derive(Debug, Default, Clone)]
pub(crate) struct ChineseLexicon {
    words: HashSet<String>,
    longest: usize,
}

impl ChineseLexicon {
    /// Learns every run of Chinese characters in `text` as a word.
    pub(crate) fn add(&mut self, text: &str) {
        let folded = fold(text);
        for run in folded.split(|c: char| !is_chinese(c)) {
            let length = run.chars().count();
            if length > 0 {
                self.longest = self.longest.max(length);
                self.words.insert(run.to_owned());
            }
        }
    }

    /// Splits a run of Chinese characters into known words, longest first from the left;
    /// characters no word covers are gathered into one unknown token between known ones.
    fn segment(&self, run: &[char], out: &mut Vec<Token>) {
        let mut unknown = String::new();
        let mut at = 0;
        while at < run.len() {
            let longest = self.longest.min(run.len() - at);
            let found = (1..=longest).rev().find_map(|length| {
                let piece: String = run[at..at + length].iter().collect();
                self.words.contains(&piece).then_some((piece, length))
            });
            match found {
                Some((piece, length)) => {
                    if !unknown.is_empty() {
                        out.push(Token::new(std::mem::take(&mut unknown)));
                    }
                    out.push(Token::new(piece));
                    at += length;
                }
                None => {
                    unknown.push(run[at]);
                    at += 1;
                }
            }
        }
        if !unknown.is_empty() {
            out.push(Token::new(unknown));
        }
    }
}

/// Han characters and the CJK punctuation-free ranges zh-TW names use.
fn is_chinese(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '_')
}

/// Cuts folded text into tokens. A dot stays inside a token when letters or digits stand on
/// both sides (`node.js`, `16.0.4266`) and at the start of a word (`.net`); every other
/// character that is neither a word character nor Chinese separates tokens.
pub(crate) fn tokenize(text: &str, lexicon: &ChineseLexicon) -> Vec<Token> {
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if is_chinese(c) {
            let start = at;
            while at < chars.len() && is_chinese(chars[at]) {
                at += 1;
            }
            lexicon.segment(&chars[start..at], &mut tokens);
        } else if is_word_char(c)
            || (c == '.' && chars.get(at + 1).is_some_and(|n| n.is_ascii_alphabetic()))
        {
            let mut word = String::new();
            while at < chars.len() {
                let c = chars[at];
                let inner_dot = c == '.'
                    && !word.is_empty()
                    && chars.get(at + 1).is_some_and(|n| n.is_ascii_alphanumeric());
                if is_word_char(c) || inner_dot || (c == '.' && word.is_empty()) {
                    word.push(c);
                    at += 1;
                } else {
                    break;
                }
            }
            tokens.push(Token::new(word));
        } else {
            at += 1;
        }
    }
    tokens
}

/// Tokens that say which build of a program is installed, not which program it is.
const ARCHITECTURES: &[&str] = &[
    "x64", "x86", "x86_64", "amd64", "i386", "i586", "i686", "arm64", "aarch64", "win64", "win32",
    "64bit", "32bit", "ia64", "noarch",
];

/// Language tags and words: the same program in another language is the same CPE.
const LOCALE_WORDS: &[&str] = &[
    "mui",
    "multilingual",
    "繁體中文版",
    "繁體中文",
    "正體中文",
    "繁中版",
    "繁中",
    "中文版",
    "中文",
    "繁體",
    "多國語言版",
    "多國語言",
    "英文版",
    "zh_tw",
    "zh_hant",
    "en_us",
    "chinese",
    "traditional",
    "simplified",
    "english",
    "japanese",
    "korean",
];

/// The first word of a two-word locale tag (`zh-TW` is cut into `zh`, `tw`).
const LOCALE_LANGUAGES: &[&str] = &["zh", "en", "ja", "ko", "fr", "de", "es"];
/// The second word of a two-word locale tag.
const LOCALE_REGIONS: &[&str] = &["tw", "hant", "cn", "hans", "hk", "us", "gb", "jp", "kr"];

/// Edition words. A CPE rarely names the edition (NVD writes `office:2016`, not the Professional
/// Plus edition), so they do not count when names are ranked by similarity.
pub(crate) const EDITION_WORDS: &[&str] = &[
    "professional",
    "pro",
    "plus",
    "standard",
    "enterprise",
    "ultimate",
    "home",
    "education",
    "business",
    "premium",
    "datacenter",
    "essentials",
    "ltsc",
    "ltsb",
    "專業版",
    "專業增強版",
    "增強版",
    "標準版",
    "企業版",
    "家用版",
    "教育版",
    "旗艦版",
    "商用版",
    "專業",
    "企業",
    "家用",
];

/// Words that name the build's width together with a number: `64 位元`, `32 bit`.
const WIDTH_WORDS: &[&str] = &["bit", "bits", "位元", "位"];

/// Filler that carries no product identity.
const FILLER_WORDS: &[&str] = &[
    "the", "for", "and", "of", "with", "version", "ver", "release", "edition", "版本", "版", "的",
    "軟體", "software",
];

/// Chinese words the segmenter must know so that noise is cut out of a run of characters.
pub(crate) fn noise_lexicon() -> impl Iterator<Item = &'static str> {
    LOCALE_WORDS
        .iter()
        .chain(EDITION_WORDS)
        .chain(WIDTH_WORDS)
        .chain(FILLER_WORDS)
        .copied()
}

/// A name's tokens sorted into what identifies the program and what does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NameWords {
    /// Tokens that may name the product, in order, numbers, versions and editions included
    /// (an alias may spell an edition: "Nitro Pro").
    pub(crate) words: Vec<Token>,
    /// Edition words, in order; also in `words`.
    pub(crate) editions: Vec<String>,
    /// Whether an architecture tag said 64-bit, 32-bit or ARM.
    pub(crate) architecture: Option<&'static str>,
}

/// Sorts tokens into product words, editions and noise.
pub(crate) fn sort_words(tokens: Vec<Token>) -> NameWords {
    let mut result = NameWords::default();
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        let text = token.text.as_str();
        let next = tokens.get(index + 1).map(|t| t.text.as_str());
        if ARCHITECTURES.contains(&text) {
            result.architecture = Some(architecture_of(text));
            index += 1;
        } else if matches!(text, "64" | "32") && next.is_some_and(|n| WIDTH_WORDS.contains(&n)) {
            result.architecture = Some(if text == "64" { "x64" } else { "x86" });
            index += 2;
        } else if LOCALE_LANGUAGES.contains(&text)
            && next.is_some_and(|n| LOCALE_REGIONS.contains(&n))
        {
            index += 2;
        } else if LOCALE_WORDS.contains(&text) || FILLER_WORDS.contains(&text) {
            index += 1;
        } else if EDITION_WORDS.contains(&text) {
            result.editions.push(token.text.clone());
            result.words.push(token.clone());
            index += 1;
        } else {
            result.words.push(token.clone());
            index += 1;
        }
    }
    result
}

fn architecture_of(tag: &str) -> &'static str {
    match tag {
        "x86" | "i386" | "i586" | "i686" | "win32" | "32bit" => "x86",
        "arm64" | "aarch64" => "arm64",
        "ia64" => "itanium",
        "noarch" => "noarch",
        _ => "x64",
    }
}

/// Cuts a word glued from letters and digits ("java8", "win10", "7zip") into its runs, so that
/// it meets the table's "Java 8"; architecture tags ("x64", "win32") stay whole.
pub(crate) fn split_glued(token: Token) -> Vec<Token> {
    let text = token.text.as_str();
    let alphanumeric = text.bytes().all(|b| b.is_ascii_alphanumeric());
    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    let has_letter = text.bytes().any(|b| b.is_ascii_alphabetic());
    if !alphanumeric || !has_digit || !has_letter || ARCHITECTURES.contains(&text) {
        return vec![token];
    }
    let mut runs: Vec<String> = Vec::new();
    for c in text.chars() {
        match runs.last_mut() {
            Some(run)
                if run
                    .chars()
                    .last()
                    .is_some_and(|l| l.is_ascii_digit() == c.is_ascii_digit()) =>
            {
                run.push(c);
            }
            _ => runs.push(c.to_string()),
        }
    }
    // Only a clean cut of one digit run and a letter run of three or more: "sp1", "r2", "cu13"
    // and "v2beta3" are service packs, releases and versions, not glued names.
    let letters = runs
        .iter()
        .find(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()));
    if runs.len() != 2 || letters.is_none_or(|l| l.len() < 3) {
        return vec![token];
    }
    runs.into_iter().map(Token::new).collect()
}

/// The key two spellings of one phrase share: tokens joined by single spaces.
pub(crate) fn phrase_key(tokens: &[Token]) -> String {
    let mut key = String::new();
    for token in tokens {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&token.text);
    }
    key
}

/// Company-form words dropped from publisher names before they are looked up.
pub(crate) const COMPANY_WORDS: &[&str] = &[
    "inc",
    "inc.",
    "incorporated",
    "corporation",
    "corp",
    "corp.",
    "co",
    "co.",
    "company",
    "llc",
    "ltd",
    "ltd.",
    "limited",
    "gmbh",
    "ag",
    "sa",
    "s.a",
    "s.r.o",
    "bv",
    "b.v",
    "plc",
    "pty",
    "oy",
    "ab",
    "as",
    "kk",
    "group",
    "股份有限公司",
    "有限公司",
    "公司",
    "台灣分公司",
    "分公司",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(words: &[&str]) -> ChineseLexicon {
        let mut lexicon = ChineseLexicon::default();
        for word in words {
            lexicon.add(word);
        }
        for word in noise_lexicon() {
            lexicon.add(word);
        }
        lexicon
    }

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn full_width_and_trademarks_fold_to_ascii() {
        assert_eq!(fold("ＷｉｎＲＡＲ®　６"), "winrar 6");
        assert_eq!(fold("Java(TM) SE"), "java(tm) se");
    }

    #[test]
    fn tokens_keep_inner_dots_plus_signs_and_dotnet() {
        let lexicon = lexicon(&[]);
        let tokens = tokenize(
            "Notepad++ 8.5.8 (64-bit x64) Node.js .NET Framework",
            &lexicon,
        );
        assert_eq!(
            texts(&tokens),
            [
                "notepad++",
                "8.5.8",
                "64",
                "bit",
                "x64",
                "node.js",
                ".net",
                "framework"
            ]
        );
        assert_eq!(tokens[1].kind, TokenKind::Version);
        assert_eq!(tokens[2].kind, TokenKind::Number);
    }

    #[test]
    fn chinese_runs_are_segmented_by_longest_known_word() {
        let lexicon = lexicon(&["趨勢科技", "防毒", "瀏覽器"]);
        let tokens = tokenize("趨勢科技防毒軟體Google瀏覽器", &lexicon);
        assert_eq!(
            texts(&tokens),
            ["趨勢科技", "防毒", "軟體", "google", "瀏覽器"]
        );
        let unknown = tokenize("某某系統", &lexicon);
        assert_eq!(texts(&unknown), ["某某系統"]);
        assert_eq!(unknown[0].kind, TokenKind::Chinese);
    }

    #[test]
    fn noise_is_dropped_and_editions_set_aside() {
        let lexicon = lexicon(&[]);
        let words = sort_words(tokenize(
            "Microsoft Office 專業增強版 2016 - zh-tw (64 位元) 繁體中文版",
            &lexicon,
        ));
        assert_eq!(
            texts(&words.words),
            ["microsoft", "office", "專業增強版", "2016"]
        );
        assert_eq!(words.editions, ["專業增強版"]);
        assert_eq!(words.architecture, Some("x64"));
    }

    #[test]
    fn glued_words_are_cut_into_letters_and_digits() {
        let cut = |text: &str| -> Vec<String> {
            split_glued(Token::new(text.to_owned()))
                .into_iter()
                .map(|t| t.text)
                .collect()
        };
        assert_eq!(cut("java8"), ["java", "8"]);
        assert_eq!(cut("7zip"), ["7", "zip"]);
        assert_eq!(cut("x64"), ["x64"]);
        assert_eq!(cut("v2beta3"), ["v2beta3"]);
        assert_eq!(cut("sp1"), ["sp1"]);
        assert_eq!(cut("r2"), ["r2"]);
        assert_eq!(cut("notepad++"), ["notepad++"]);
    }

    #[test]
    fn versions_are_told_from_numbers_and_words() {
        assert_eq!(classify("v3.2"), TokenKind::Version);
        assert_eq!(classify("1.1.1k"), TokenKind::Version);
        assert_eq!(classify("2016"), TokenKind::Number);
        assert_eq!(classify("vlc"), TokenKind::Word);
        assert_eq!(classify("7zip"), TokenKind::Word);
    }
}
