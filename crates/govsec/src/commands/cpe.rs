//! `govsec cpe …` and `govsec version …`: the CLI over `govsec-cpe`.
//!
//! Each function returns the text to print on stdout; the binary prints it,
//! and maps an `Err` to exit code 2 with the error's message on stderr.

use govsec_cpe::{Error, Version, WellFormedName};

/// `govsec cpe …`: CPE 2.3 names in either binding (`cpe:2.3:…` or `cpe:/…`).
#[derive(clap::Subcommand, Debug)]
pub enum CpeCommand {
    /// Print the well-formed name (NISTIR 7695) of NAME as JSON.
    Parse {
        /// A CPE name, formatted string (`cpe:2.3:…`) or URI (`cpe:/…`).
        name: String,
    },
    /// Print how SOURCE relates to TARGET (NISTIR 7696): SUPERSET, SUBSET,
    /// EQUAL or DISJOINT.
    Compare {
        /// The source name; wildcards belong here.
        source: String,
        /// The target name.
        target: String,
    },
}

/// `govsec version …`: version ordering as vulnerability bounds use it.
#[derive(clap::Subcommand, Debug)]
pub enum VersionCommand {
    /// Print `<`, `=` or `>`: how version A compares with version B.
    Compare {
        /// The first version.
        a: String,
        /// The second version.
        b: String,
    },
}

/// Runs a `cpe` subcommand; an `Err` is bad input (exit code 2).
pub fn run_cpe(cmd: &CpeCommand) -> Result<String, Error> {
    match cmd {
        CpeCommand::Parse { name } => Ok(WellFormedName::parse(name)?.to_json()),
        CpeCommand::Compare { source, target } => {
            let source = WellFormedName::parse(source)?;
            let target = WellFormedName::parse(target)?;
            Ok(source.compare(&target)?.to_string())
        }
    }
}

/// Runs a `version` subcommand; any text is a version, so it cannot fail.
pub fn run_version(cmd: &VersionCommand) -> String {
    match cmd {
        VersionCommand::Compare { a, b } => {
            let symbol = match Version::parse(a).cmp(&Version::parse(b)) {
                std::cmp::Ordering::Less => "<",
                std::cmp::Ordering::Equal => "=",
                std::cmp::Ordering::Greater => ">",
            };
            symbol.to_string()
        }
    }
}

/// The CPE engine's reason, in the UI language.
fn reason_text(reason: &govsec_cpe::Reason, lang: govsec_i18n::Lang) -> String {
    use govsec_cpe::Reason;
    use govsec_i18n::Text;
    match reason {
        Reason::EmptyValue => Text::CpeReasonEmpty.fill(lang, &[]),
        Reason::CharacterNotAllowed(c) => Text::CpeReasonCharacter.fill(lang, &[c]),
        Reason::MustBeQuoted(c) => Text::CpeReasonMustBeQuoted.fill(lang, &[c]),
        Reason::MustBePercentEncoded(c) => Text::CpeReasonPercentEncode.fill(lang, &[c]),
        Reason::NeedlessQuote(c) => Text::CpeReasonNeedlessQuote.fill(lang, &[c]),
        Reason::DanglingEscape => Text::CpeReasonDanglingEscape.fill(lang, &[]),
        Reason::EmbeddedWildcard(c) => Text::CpeReasonEmbeddedWildcard.fill(lang, &[c]),
        Reason::MixedWildcards => Text::CpeReasonMixedWildcards.fill(lang, &[]),
        Reason::LoneQuotedHyphen => Text::CpeReasonLoneHyphen.fill(lang, &[]),
        Reason::LoneAsterisk => Text::CpeReasonLoneAsterisk.fill(lang, &[]),
        Reason::InvalidPercentEncoding => Text::CpeReasonPercentEncoding.fill(lang, &[]),
        Reason::PackedEdition => Text::CpeReasonPackedEdition.fill(lang, &[]),
        Reason::InvalidPart => Text::CpeReasonPart.fill(lang, &[]),
        Reason::InvalidLanguage => Text::CpeReasonLanguage.fill(lang, &[]),
        other => other.to_string(),
    }
}

/// The CPE engine's error in the UI language; English is the engine's own wording, which cites
/// the specification clause.
pub fn describe(error: &Error, lang: govsec_i18n::Lang) -> String {
    use govsec_i18n::{Lang, Text};
    if lang == Lang::En {
        return error.to_string();
    }
    match error {
        Error::UnknownBinding => Text::CpeUnknownBinding.fill(lang, &[]),
        Error::ComponentCount { binding, found } => {
            let expected = match binding {
                govsec_cpe::Binding::FormattedString => "11",
                govsec_cpe::Binding::Uri => "1–7",
            };
            Text::CpeComponentCount.fill(lang, &[binding, found, &expected])
        }
        Error::InvalidValue {
            attribute,
            offset,
            reason,
        } => Text::CpeInvalidValue.fill(
            lang,
            &[
                attribute,
                &(attribute.index() + 1),
                offset,
                &reason_text(reason, lang),
            ],
        ),
        Error::InvalidValueString { offset, reason } => {
            Text::CpeInvalidValueString.fill(lang, &[offset, &reason_text(reason, lang)])
        }
        Error::AttributeConstraint {
            attribute,
            value,
            reason,
        } => {
            Text::CpeAttributeConstraint.fill(lang, &[value, attribute, &reason_text(reason, lang)])
        }
        Error::UndefinedRelation { attribute } => {
            Text::CpeUndefinedRelation.fill(lang, &[attribute])
        }
        Error::NoNameRelation { superset, subset } => {
            Text::CpeNoNameRelation.fill(lang, &[superset, subset])
        }
        other => other.to_string(),
    }
}
