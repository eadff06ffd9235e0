//! Login names, validated when parsed.

use std::fmt;

use crate::Error;

/// A login name: 3 to 64 characters, lower-case ASCII letters, digits and `.`, `_`, `-`, `@`,
/// starting with a letter or a digit (so an e-mail address can serve as a login name).
///
/// Parsing lower-cases the input, so `Chen.Ming` and `chen.ming` are the same account: two
/// accounts that differ only in case would invite impersonation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoginName(String);

/// Why a text is not a login name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginProblem {
    /// Fewer than [`LoginName::MIN_LENGTH`] characters.
    TooShort,
    /// More than [`LoginName::MAX_LENGTH`] characters.
    TooLong,
    /// A character outside the allowed set.
    BadCharacter(char),
    /// The first character is a symbol.
    BadStart,
}

impl LoginProblem {
    /// A stable machine key for the message catalogue.
    pub fn key(self) -> &'static str {
        match self {
            LoginProblem::TooShort => "login_too_short",
            LoginProblem::TooLong => "login_too_long",
            LoginProblem::BadCharacter(_) => "login_bad_character",
            LoginProblem::BadStart => "login_bad_start",
        }
    }
}

impl fmt::Display for LoginProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginProblem::TooShort => {
                write!(f, "shorter than {} characters", LoginName::MIN_LENGTH)
            }
            LoginProblem::TooLong => write!(f, "longer than {} characters", LoginName::MAX_LENGTH),
            LoginProblem::BadCharacter(c) => write!(f, "the character {c:?} is not allowed"),
            LoginProblem::BadStart => f.write_str("must start with a letter or a digit"),
        }
    }
}

impl LoginName {
    /// The fewest characters a login name has.
    pub const MIN_LENGTH: usize = 3;
    /// The most characters a login name has.
    pub const MAX_LENGTH: usize = 64;

    /// Reads a login name, ignoring surrounding whitespace and upper-case letters.
    pub fn parse(text: &str) -> Result<LoginName, Error> {
        let name = text.trim().to_lowercase();
        let invalid = |problem| Error::InvalidLogin {
            text: text.to_owned(),
            problem,
        };
        if let Some(bad) = name
            .chars()
            .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "._-@".contains(c)))
        {
            return Err(invalid(LoginProblem::BadCharacter(bad)));
        }
        if name.len() < Self::MIN_LENGTH {
            return Err(invalid(LoginProblem::TooShort));
        }
        if name.len() > Self::MAX_LENGTH {
            return Err(invalid(LoginProblem::TooLong));
        }
        if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(invalid(LoginProblem::BadStart));
        }
        Ok(LoginName(name))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LoginName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> LoginProblem {
        match LoginName::parse(text) {
            Err(Error::InvalidLogin { problem, .. }) => problem,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn login_names_are_lower_cased_and_trimmed() {
        assert_eq!(
            LoginName::parse(" Chen.Ming ").unwrap().as_str(),
            "chen.ming"
        );
        assert_eq!(
            LoginName::parse("officer@mofa.gov.tw").unwrap().as_str(),
            "officer@mofa.gov.tw"
        );
        assert_eq!(LoginName::parse("abc").unwrap().as_str(), "abc");
        assert!(LoginName::parse(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn login_names_break_one_rule_at_a_time() {
        assert_eq!(problem("ab"), LoginProblem::TooShort);
        assert_eq!(problem(""), LoginProblem::TooShort);
        assert_eq!(problem(&"a".repeat(65)), LoginProblem::TooLong);
        assert_eq!(problem("chen ming"), LoginProblem::BadCharacter(' '));
        assert_eq!(problem("陳明明"), LoginProblem::BadCharacter('陳'));
        assert_eq!(problem("chen/ming"), LoginProblem::BadCharacter('/'));
        assert_eq!(problem(".chen"), LoginProblem::BadStart);
        assert_eq!(problem("@chen"), LoginProblem::BadStart);
    }

    #[test]
    fn login_problems_have_distinct_keys() {
        let keys = [
            LoginProblem::TooShort.key(),
            LoginProblem::TooLong.key(),
            LoginProblem::BadCharacter('x').key(),
            LoginProblem::BadStart.key(),
        ];
        let unique: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
    }
}
