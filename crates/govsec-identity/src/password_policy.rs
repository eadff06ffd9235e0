//! The password policy: what a new password must not be.
//!
//! It follows NIST SP 800-63B (rev. 4) §3.1.1.2 and OWASP ASVS 5.0 V6.2: a minimum length
//! rather than composition rules, a generous maximum so passphrases fit, and a comparison with a
//! blocklist of common, breached and context-specific values. The context matters here: the
//! breach behind seed `001` began with passwords built as "agency code + digits + symbol", which
//! passed the length and complexity rules of the time (GCB) and still fell to an attacker who
//! guessed the rule. So a password is also refused when it contains, or is built on, the user's
//! agency code, agency names, login name or e-mail address.
//!
//! Every problem found is reported (not only the first), each with a stable key for the message
//! catalogue and an English explanation.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use govsec_core::{AgencyCode, EmailAddress};

use crate::LoginName;

/// The fewest characters (Unicode scalar values, not bytes) a password has.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The most characters a password has: long enough for any passphrase, short enough that
/// hashing it costs nothing extra.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// The list of common and breached passwords the project ships, one a line.
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// What the policy knows about the person choosing the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordContext {
    /// The user's login name.
    pub login: LoginName,
    /// The code of the user's agency.
    pub agency_code: AgencyCode,
    /// The agency's names (Chinese, English, abbreviations).
    pub agency_names: Vec<String>,
    /// The user's e-mail address, if known.
    pub email: Option<EmailAddress>,
}

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    TooShort {
        /// The minimum.
        min: usize,
    },
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    TooLong {
        /// The maximum.
        max: usize,
    },
    /// On the list of common or breached passwords, possibly disguised by leetspeak or by
    /// digits and symbols at its ends.
    Common,
    /// Contains the agency code.
    ContainsAgencyCode,
    /// Contains the login name or a part of it.
    ContainsLogin,
    /// Contains the e-mail address's local part or its domain's name.
    ContainsEmail,
    /// Contains a name or abbreviation of the agency.
    ContainsAgencyName,
    /// Built as "base + digits + symbols" on the start of the agency code, a name, the login or
    /// the e-mail address: the pattern of seed `001`'s breach.
    ContextPattern,
    /// One character, or a short group of characters, repeated.
    Repeated,
    /// A plain run of consecutive letters or digits, such as `abcdefghijkl` or `987654321098`.
    Sequence,
}

impl PasswordProblem {
    /// A stable machine key for the message catalogue and the JSON API.
    pub fn key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort { .. } => "password_too_short",
            PasswordProblem::TooLong { .. } => "password_too_long",
            PasswordProblem::Common => "password_common",
            PasswordProblem::ContainsAgencyCode => "password_contains_agency_code",
            PasswordProblem::ContainsLogin => "password_contains_login",
            PasswordProblem::ContainsEmail => "password_contains_email",
            PasswordProblem::ContainsAgencyName => "password_contains_agency_name",
            PasswordProblem::ContextPattern => "password_context_pattern",
            PasswordProblem::Repeated => "password_repeated",
            PasswordProblem::Sequence => "password_sequence",
        }
    }
}

impl fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordProblem::TooShort { min } => {
                write!(f, "a password needs at least {min} characters")
            }
            PasswordProblem::TooLong { max } => {
                write!(f, "a password has at most {max} characters")
            }
            PasswordProblem::Common => f.write_str(
                "this password, or the word it is built on, is among the most common ones \
                 attackers try first",
            ),
            PasswordProblem::ContainsAgencyCode => {
                f.write_str("the password contains your agency's code")
            }
            PasswordProblem::ContainsLogin => f.write_str("the password contains your login name"),
            PasswordProblem::ContainsEmail => {
                f.write_str("the password contains your e-mail address")
            }
            PasswordProblem::ContainsAgencyName => {
                f.write_str("the password contains your agency's name")
            }
            PasswordProblem::ContextPattern => f.write_str(
                "the password is your agency's code or name, your login or e-mail followed by \
                 digits and symbols: the pattern behind a past breach",
            ),
            PasswordProblem::Repeated => {
                f.write_str("the password repeats one character or a short group")
            }
            PasswordProblem::Sequence => {
                f.write_str("the password is a run of consecutive letters or digits")
            }
        }
    }
}

/// Checks a new password against the policy; every problem found, in a fixed order, when it is
/// refused.
pub fn check_password(
    password: &str,
    context: &PasswordContext,
) -> Result<(), Vec<PasswordProblem>> {
    let mut problems = Vec::new();
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        problems.push(PasswordProblem::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if length > MAX_PASSWORD_CHARS {
        problems.push(PasswordProblem::TooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }

    let lower = password.to_lowercase();
    let forms = spellings(&lower);
    let list = common_passwords();
    if stripped_variants(&lower)
        .iter()
        .flat_map(|variant| spellings(variant))
        .any(|form| list.contains(form.as_str()))
    {
        problems.push(PasswordProblem::Common);
    }

    let terms = ContextTerms::new(context);
    let contains_any = |terms: &[String]| {
        terms
            .iter()
            .any(|term| forms.iter().any(|form| form.contains(term.as_str())))
    };
    if contains_any(&terms.code) {
        problems.push(PasswordProblem::ContainsAgencyCode);
    }
    if contains_any(&terms.login) {
        problems.push(PasswordProblem::ContainsLogin);
    }
    if contains_any(&terms.email) {
        problems.push(PasswordProblem::ContainsEmail);
    }
    if contains_any(&terms.names) {
        problems.push(PasswordProblem::ContainsAgencyName);
    }

    let padded_forms = [lower.clone(), compact_keeping_padding(&lower)];
    if terms
        .all()
        .any(|term| padded_forms.iter().any(|form| built_on(form, term)))
    {
        problems.push(PasswordProblem::ContextPattern);
    }

    if is_repetition(&lower) {
        problems.push(PasswordProblem::Repeated);
    }
    if is_sequence(&lower) {
        problems.push(PasswordProblem::Sequence);
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The list of common passwords, lower-cased, parsed once.
fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect()
    })
}

/// Context terms shorter than this are not looked for: two letters match too much by chance.
const MIN_TERM_CHARS: usize = 3;

/// Parts of an e-mail domain that say nothing about the agency.
const GENERIC_DOMAIN_LABELS: [&str; 9] =
    ["gov", "tw", "com", "org", "net", "edu", "mil", "idv", "www"];

/// Words left out of an English name's initials, as agencies' acronyms usually do.
const MINOR_WORDS: [&str; 6] = ["of", "the", "and", "for", "on", "in"];

/// The user's context as lower-case, separator-free terms, grouped by the problem they raise.
struct ContextTerms {
    code: Vec<String>,
    login: Vec<String>,
    email: Vec<String>,
    names: Vec<String>,
}

impl ContextTerms {
    fn new(context: &PasswordContext) -> ContextTerms {
        let keep = |terms: Vec<String>| -> Vec<String> {
            let mut kept: Vec<String> = terms
                .into_iter()
                .map(|term| compact(&term.to_lowercase()))
                .filter(|term| term.chars().count() >= MIN_TERM_CHARS)
                .collect();
            kept.sort();
            kept.dedup();
            kept
        };
        let login = context.login.as_str();
        let mut login_terms = vec![login.to_owned()];
        login_terms.extend(parts(login, 4));

        let mut email_terms = Vec::new();
        if let Some((local, domain)) = context
            .email
            .as_ref()
            .and_then(|email| email.as_str().split_once('@'))
        {
            email_terms.push(local.to_owned());
            email_terms.extend(parts(local, 4));
            email_terms.extend(
                domain
                    .split('.')
                    .map(str::to_lowercase)
                    .filter(|label| !GENERIC_DOMAIN_LABELS.contains(&label.as_str())),
            );
        }

        let mut name_terms = Vec::new();
        for name in &context.agency_names {
            name_terms.push(name.clone());
            let words: Vec<String> = name
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| !word.is_empty())
                .map(str::to_lowercase)
                .collect();
            if words.len() >= 2 && words.iter().all(|word| word.is_ascii()) {
                let initials = |skip_minor: bool| -> String {
                    words
                        .iter()
                        .filter(|word| !(skip_minor && MINOR_WORDS.contains(&word.as_str())))
                        .filter_map(|word| word.chars().next())
                        .collect()
                };
                name_terms.push(initials(false));
                name_terms.push(initials(true));
            }
        }

        ContextTerms {
            code: keep(vec![context.agency_code.as_str().to_owned()]),
            login: keep(login_terms),
            email: keep(email_terms),
            names: keep(name_terms),
        }
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        self.code
            .iter()
            .chain(&self.login)
            .chain(&self.email)
            .chain(&self.names)
    }
}

/// The parts of a login name or e-mail local part between separators, of at least `min` chars.
fn parts(text: &str, min: usize) -> impl Iterator<Item = String> + '_ {
    text.split(['.', '_', '-', '@', '+'])
        .filter(move |part| part.chars().count() >= min)
        .map(str::to_owned)
}

/// Only the letters and digits of a text.
fn compact(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Whether a character is one that people pad a base word with: a digit or a symbol.
fn is_padding(c: char) -> bool {
    !c.is_alphabetic()
}

/// The text without digits and symbols at either end.
fn strip_ends(text: &str) -> String {
    text.trim_matches(is_padding).to_owned()
}

/// The text without the separators people put between words (space, `.`, `-`, `_`).
fn compact_keeping_padding(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '_'))
        .collect()
}

/// Whether a password character stands for a term character, as written or as leetspeak.
fn leet_eq(written: char, meant: char) -> bool {
    written == meant
        || matches!(
            (written, meant),
            ('@' | '4', 'a')
                | ('8', 'b')
                | ('3', 'e')
                | ('9', 'g')
                | ('1' | '!' | '|', 'i' | 'l')
                | ('0', 'o')
                | ('$' | '5', 's')
                | ('7' | '+', 't')
        )
}

/// Whether `form` is "padding + base + padding" with padding (digits and symbols) on at least
/// one side and the base the first [`MIN_TERM_CHARS`] or more characters of `term`, possibly in
/// leetspeak: `A0900@2024!` on the agency code `A09000000E`, `b0ca2024!!` on `boca`.
fn built_on(form: &str, term: &str) -> bool {
    let form: Vec<char> = form.chars().collect();
    let term: Vec<char> = term.chars().collect();
    let leading = form.iter().take_while(|&&c| is_padding(c)).count();
    (0..=leading).any(|start| {
        let rest = &form[start..];
        let matched = rest
            .iter()
            .zip(&term)
            .take_while(|&(&written, &meant)| leet_eq(written, meant))
            .count();
        (MIN_TERM_CHARS..=matched).any(|base| {
            let tail = &rest[base..];
            (start > 0 || !tail.is_empty()) && tail.iter().all(|&c| is_padding(c))
        })
    })
}

/// The ways a lower-cased password may hide a listed word: as it is, without symbols at its end,
/// without digits and symbols at its end, without them at both ends.
fn stripped_variants(lower: &str) -> Vec<String> {
    let mut variants = vec![
        lower.to_owned(),
        lower
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_owned(),
        lower.trim_end_matches(is_padding).to_owned(),
        strip_ends(lower),
    ];
    variants.retain(|variant| !variant.is_empty());
    variants.dedup();
    variants
}

/// A text as written and with simple leetspeak undone, `1`, `!` and `|` read once as `i` and
/// once as `l`; each form also without separators.
fn spellings(text: &str) -> Vec<String> {
    let unleet = |one: char| -> String {
        text.chars()
            .map(|c| match c {
                '@' | '4' => 'a',
                '8' => 'b',
                '3' => 'e',
                '9' => 'g',
                '1' | '!' | '|' => one,
                '0' => 'o',
                '$' | '5' => 's',
                '7' | '+' => 't',
                other => other,
            })
            .collect()
    };
    let mut forms = vec![text.to_owned(), unleet('i'), unleet('l')];
    let compacted: Vec<String> = forms.iter().map(|form| compact(form)).collect();
    forms.extend(compacted);
    forms.sort();
    forms.dedup();
    forms
}

/// Whether the text is one character, or a group of up to four, repeated (at least twice).
fn is_repetition(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (1..=4).any(|unit| {
        chars.len() >= 2 * unit
            && chars.len().is_multiple_of(unit)
            && chars.chunks(unit).all(|chunk| chunk == &chars[..unit])
    })
}

/// Whether the text is a run of consecutive letters or digits, up or down (digits wrap from 9 to
/// 0, as on a keyboard's number row).
fn is_sequence(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 3 || !chars.iter().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let step = |a: char, b: char| -> i32 {
        match (a, b) {
            ('9', '0') => 1,
            ('0', '9') => -1,
            _ if a.is_ascii_digit() == b.is_ascii_digit() => b as i32 - a as i32,
            _ => 0,
        }
    };
    let first = step(chars[0], chars[1]);
    (first == 1 || first == -1) && chars.windows(2).all(|pair| step(pair[0], pair[1]) == first)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn context() -> PasswordContext {
        PasswordContext {
            login: LoginName::parse("chen.ming-hua").unwrap(),
            agency_code: AgencyCode::parse("A09000000E").unwrap(),
            agency_names: vec![
                "外交部領事事務局".to_owned(),
                "Bureau of Consular Affairs".to_owned(),
            ],
            email: EmailAddress::parse("mhchen@boca.gov.tw"),
        }
    }

    fn problems(password: &str) -> Vec<PasswordProblem> {
        check_password(password, &context())
            .err()
            .unwrap_or_default()
    }

    #[test]
    fn strong_passwords_and_passphrases_pass() {
        for password in [
            "correct horse battery staple",
            "Vq7#pLm2!xRt9wZs",
            "我的貓咪每天早上六點叫我起床",
            "sunlight-over-yushan-in-winter",
            "tHe rain in Keelung never stops",
        ] {
            assert_eq!(check_password(password, &context()), Ok(()), "{password}");
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(
            problems("Vq7#pLm2!xR"),
            vec![PasswordProblem::TooShort { min: 12 }]
        );
        assert_eq!(
            check_password("貓咪每天早上六點叫我起床", &context()),
            Ok(())
        );
        assert_eq!(
            problems("貓咪每天早上六點叫我起"),
            vec![PasswordProblem::TooShort { min: 12 }]
        );
        let long: String = "Vq7#pLm2!xRt9wZs".repeat(9);
        assert_eq!(problems(&long), vec![PasswordProblem::TooLong { max: 128 }]);
    }

    #[test]
    fn listed_passwords_are_found_in_disguise() {
        for password in [
            "1qaz2wsx3edc",
            "P@ssw0rd2024!",
            "PASSWORD1234!!!!",
            "p455w0rd123456",
            "Taiwan2024!@#$",
            "!!!2024taipei###",
            "ji32k7au4a83",
            "zxcvbnm123456",
            "a123456!!!!!",
            "gov1234567890!",
            "1qaz@WSX3edc",
            "Welcome2024!!",
        ] {
            assert!(
                problems(password).contains(&PasswordProblem::Common),
                "{password}"
            );
        }
    }

    #[test]
    fn the_seeds_pattern_is_refused() {
        assert_eq!(
            problems("A09000000E2024!"),
            vec![
                PasswordProblem::ContainsAgencyCode,
                PasswordProblem::ContextPattern
            ]
        );
        assert!(problems("a09000000e#1234").contains(&PasswordProblem::ContainsAgencyCode));
        assert!(problems("boca20240126!!").contains(&PasswordProblem::ContainsEmail));
        assert!(problems("boca20240126!!").contains(&PasswordProblem::ContextPattern));
        assert!(problems("A0900@2024!!!!").contains(&PasswordProblem::ContextPattern));
        assert!(
            problems("Bureau Of Consular Affairs").contains(&PasswordProblem::ContainsAgencyName)
        );
        assert!(problems("外交部領事事務局2024!").contains(&PasswordProblem::ContainsAgencyName));
        assert!(problems("chen.ming-hua!2024").contains(&PasswordProblem::ContainsLogin));
        assert!(problems("ming-hua rides a bike").contains(&PasswordProblem::ContainsLogin));
        assert!(problems("mhchen rides a bike").contains(&PasswordProblem::ContainsEmail));
        assert!(problems("b0ca is my bureau!").contains(&PasswordProblem::ContainsEmail));
    }

    #[test]
    fn repetitions_and_sequences_are_refused() {
        assert!(problems("aaaaaaaaaaaa").contains(&PasswordProblem::Repeated));
        assert!(problems("abcabcabcabc").contains(&PasswordProblem::Repeated));
        assert!(problems("xY9!xY9!xY9!").contains(&PasswordProblem::Repeated));
        assert_eq!(problems("abcdefghijklm"), vec![PasswordProblem::Sequence]);
        assert_eq!(problems("ZYXWVUTSRQPO"), vec![PasswordProblem::Sequence]);
        assert_eq!(problems("789012345678"), vec![PasswordProblem::Sequence]);
        assert_eq!(problems("210987654321"), vec![PasswordProblem::Sequence]);
        assert!(!is_sequence("abcdefgh1234"));
        assert!(!is_repetition("abcdabcdabc"));
    }

    #[test]
    fn every_problem_is_explained_with_a_distinct_key() {
        let all = [
            PasswordProblem::TooShort { min: 12 },
            PasswordProblem::TooLong { max: 128 },
            PasswordProblem::Common,
            PasswordProblem::ContainsAgencyCode,
            PasswordProblem::ContainsLogin,
            PasswordProblem::ContainsEmail,
            PasswordProblem::ContainsAgencyName,
            PasswordProblem::ContextPattern,
            PasswordProblem::Repeated,
            PasswordProblem::Sequence,
        ];
        let keys: HashSet<_> = all.iter().map(|p| p.key()).collect();
        assert_eq!(keys.len(), all.len());
        assert!(all.iter().all(|p| !p.to_string().is_empty()));
    }

    #[test]
    fn the_shipped_list_is_large_lower_case_and_without_duplicates() {
        let lines: Vec<&str> = COMMON_PASSWORDS
            .lines()
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect();
        assert!(lines.len() >= 400, "{} entries", lines.len());
        assert_eq!(common_passwords().len(), lines.len());
        for line in lines {
            assert_eq!(line, line.trim());
            assert_eq!(line, line.to_lowercase());
        }
    }

    proptest! {
        #[test]
        fn an_accepted_password_never_contains_the_agency_code(
            prefix in "[a-zA-Z0-9!@#]{0,8}",
            suffix in "[a-zA-Z0-9!@#]{0,8}",
            lower in any::<bool>(),
        ) {
            let code = if lower { "a09000000e" } else { "A09000000E" };
            let password = format!("{prefix}{code}{suffix}");
            prop_assert!(check_password(&password, &context()).is_err());
        }

        #[test]
        fn accepted_passwords_obey_the_rules(password in "\\PC{0,40}") {
            if check_password(&password, &context()).is_ok() {
                let chars = password.chars().count();
                prop_assert!((MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars));
                prop_assert!(!password.to_lowercase().contains("a09000000e"));
                prop_assert!(!common_passwords().contains(password.to_lowercase().as_str()));
            }
        }
    }
}
