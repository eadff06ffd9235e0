//! Agencies as the registry knows them: the 機關代碼, names, tier, supervising agency, security
//! responsibility level (資通安全責任等級, 資通安全管理法 第7條), document-exchange layer, contacts,
//! websites and information systems.
//!
//! Identifiers and enumerations are validated when parsed, so an invalid value cannot exist.

use std::fmt;

use govsec_i18n::{Lang, Text};
use serde::Serialize;

use crate::Error;

/// An agency code (機關代碼): 10 characters, digits and capital letters, as in the
/// Directorate-General of Personnel Administration's code table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct AgencyCode(String);

impl AgencyCode {
    /// The length of every agency code.
    pub const LENGTH: usize = 10;

    /// Reads an agency code; lower-case letters are accepted and upper-cased, surrounding
    /// whitespace is ignored.
    pub fn parse(text: &str) -> Result<AgencyCode, Error> {
        let code = text.trim().to_ascii_uppercase();
        if code.len() == Self::LENGTH
            && code
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            Ok(AgencyCode(code))
        } else {
            Err(Error::InvalidAgencyCode(text.to_owned()))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a closed set of values with a stable machine key, a zh-TW label that registry files
/// may use, and the catalogue message that names it in the UI.
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $key:literal, $zh:literal, $text:ident;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),* }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable machine key, as stored and as used in the JSON API.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),* }
            }

            /// The Traditional Chinese label used in registry files.
            pub fn zh_label(self) -> &'static str {
                match self { $($name::$variant => $zh),* }
            }

            /// The name of this value in the UI language.
            pub fn label(self, lang: Lang) -> &'static str {
                self.text().get(lang)
            }

            /// The catalogue message naming this value.
            pub fn text(self) -> Text {
                match self { $($name::$variant => Text::$text),* }
            }

            /// Reads the machine key, the zh-TW label or the English label, ignoring case and
            /// surrounding whitespace.
            pub fn parse(text: &str) -> Option<$name> {
                let wanted = text.trim();
                $name::ALL.iter().copied().find(|value| {
                    value.key().eq_ignore_ascii_case(wanted)
                        || value.zh_label() == wanted
                        || value.label(Lang::En).eq_ignore_ascii_case(wanted)
                })
            }
        }
    };
}

labelled_enum! {
    /// The tier of an agency, as the national HTTPS adoption table and the audits group them.
    Tier {
        /// 二級機關: ministries, councils and commissions directly under the Executive Yuan.
        SecondLevel => "second_level", "二級機關", TierSecondLevel;
        /// 三級機關: agencies under a second-level agency.
        ThirdLevel => "third_level", "三級機關", TierThirdLevel;
        /// 四級機關.
        FourthLevel => "fourth_level", "四級機關", TierFourthLevel;
        /// 縣市政府: the 22 special municipality, city and county governments.
        CityCounty => "city_county", "縣市政府", TierCityCounty;
        /// 鄉鎮市區公所.
        Township => "township", "鄉鎮市區公所", TierTownship;
        /// 學校.
        School => "school", "學校", TierSchool;
        /// 醫院.
        Hospital => "hospital", "醫院", TierHospital;
        /// 國營事業.
        StateEnterprise => "state_enterprise", "國營事業", TierStateEnterprise;
        /// 其他.
        Other => "other", "其他", TierOther;
    }
}

labelled_enum! {
    /// The type of a document-exchange centre (公文電子交換系統資訊安全管理規範: 交換中心).
    CentreType {
        /// 共用: a centre shared by several agencies.
        Shared => "shared", "共用", CentreShared;
        /// 自管: a centre the agency manages itself on the common software.
        SelfManaged => "self_managed", "自管", CentreSelfManaged;
        /// 自建: a centre the agency built itself.
        SelfBuilt => "self_built", "自建", CentreSelfBuilt;
    }
}

/// The security responsibility level of an agency (資通安全責任等級分級辦法), A the highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ResponsibilityLevel {
    /// Level A.
    A,
    /// Level B.
    B,
    /// Level C.
    C,
    /// Level D.
    D,
    /// Level E.
    E,
}

impl ResponsibilityLevel {
    /// Every level, A first.
    pub const ALL: [ResponsibilityLevel; 5] = [Self::A, Self::B, Self::C, Self::D, Self::E];

    /// The letter.
    pub fn letter(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
            Self::E => "E",
        }
    }

    /// Reads `A`–`E` (either case), also written `A級`.
    pub fn parse(text: &str) -> Option<ResponsibilityLevel> {
        let text = text.trim();
        let text = text.strip_suffix('級').unwrap_or(text);
        Self::ALL
            .into_iter()
            .find(|level| level.letter().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for ResponsibilityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letter())
    }
}

/// The layer of the document-exchange system an agency belongs to (公文電子交換系統 三層架構).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "layer", content = "centre")]
pub enum ExchangeLayer {
    /// 管理層: runs the national system.
    Management,
    /// 交換層: runs an exchange centre of the given type.
    Exchange(CentreType),
    /// 終端層: an agency that sends and receives documents through a centre.
    Terminal,
}

impl ExchangeLayer {
    /// The stable machine key of the layer (without the centre type).
    pub fn key(self) -> &'static str {
        match self {
            Self::Management => "management",
            Self::Exchange(_) => "exchange",
            Self::Terminal => "terminal",
        }
    }

    /// The zh-TW label used in registry files.
    pub fn zh_label(self) -> &'static str {
        match self {
            Self::Management => "管理層",
            Self::Exchange(_) => "交換層",
            Self::Terminal => "終端層",
        }
    }

    /// The catalogue message naming the layer.
    pub fn text(self) -> Text {
        match self {
            Self::Management => Text::LayerManagement,
            Self::Exchange(_) => Text::LayerExchange,
            Self::Terminal => Text::LayerTerminal,
        }
    }

    /// The centre type, for the exchange layer.
    pub fn centre(self) -> Option<CentreType> {
        match self {
            Self::Exchange(centre) => Some(centre),
            _ => None,
        }
    }
}

/// What a layer cell says before the centre type is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerName {
    /// 管理層.
    Management,
    /// 交換層.
    Exchange,
    /// 終端層.
    Terminal,
}

impl LayerName {
    /// Reads the zh-TW label, the English label or the machine key.
    pub fn parse(text: &str) -> Option<LayerName> {
        let text = text.trim();
        let is = |key: &str, zh: &str, en: Text| {
            text.eq_ignore_ascii_case(key)
                || text == zh
                || text.eq_ignore_ascii_case(en.get(Lang::En))
        };
        if is("management", "管理層", Text::LayerManagement) {
            Some(LayerName::Management)
        } else if is("exchange", "交換層", Text::LayerExchange) {
            Some(LayerName::Exchange)
        } else if is("terminal", "終端層", Text::LayerTerminal) {
            Some(LayerName::Terminal)
        } else {
            None
        }
    }
}

/// An e-mail address, checked for the shape `local@domain.tld` without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Reads an address; `None` when it is not one.
    pub fn parse(text: &str) -> Option<EmailAddress> {
        let text = text.trim();
        let (local, domain) = text.split_once('@')?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && text.len() <= 254
            && !text
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>\"|;".contains(c));
        well_formed.then(|| EmailAddress(text.to_owned()))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A contact person or role at an agency. Names and numbers are personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// Name or role (for example 資安長).
    pub name: String,
    /// Job title.
    pub title: String,
    /// E-mail address, if given.
    pub email: Option<EmailAddress>,
    /// Telephone number as written.
    pub phone: String,
}

/// The address of a website an agency runs: an absolute http or https URL with a host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct WebsiteUrl(String);

/// Why a text is not a website address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebsiteUrlProblem {
    /// The text does not parse as a URL; the parser's reason.
    Malformed(String),
    /// The scheme is not http or https.
    Scheme,
    /// There is no host.
    NoHost,
}

impl WebsiteUrl {
    /// Reads and normalises a website address (`https://Example.gov.tw` becomes
    /// `https://example.gov.tw/`).
    pub fn parse(text: &str) -> Result<WebsiteUrl, WebsiteUrlProblem> {
        let url = url::Url::parse(text.trim())
            .map_err(|error| WebsiteUrlProblem::Malformed(error.to_string()))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(WebsiteUrlProblem::Scheme);
        }
        match url.host_str() {
            Some(host) if !host.is_empty() => Ok(WebsiteUrl(url.to_string())),
            _ => Err(WebsiteUrlProblem::NoHost),
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebsiteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An information system (資訊系統) an agency operates, with whether it is a core system
/// (核心資通系統) and whether VANS and EDR cover it — the audit measured these coverages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InformationSystem {
    /// The system's name.
    pub name: String,
    /// Whether it is a core system.
    pub core: bool,
    /// Whether its software inventory is reported to VANS.
    pub covered_by_vans: bool,
    /// Whether endpoint detection and response covers it.
    pub covered_by_edr: bool,
}

/// An agency with everything the registry holds about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agency {
    /// 機關代碼.
    pub code: AgencyCode,
    /// Name in Traditional Chinese.
    pub name_zh: String,
    /// Name in English, possibly empty.
    pub name_en: String,
    /// Tier.
    pub tier: Tier,
    /// The supervising agency, none for a root.
    pub parent: Option<AgencyCode>,
    /// Security responsibility level.
    pub level: ResponsibilityLevel,
    /// Document-exchange layer.
    pub exchange_layer: ExchangeLayer,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Websites.
    pub websites: Vec<WebsiteUrl>,
    /// Information systems.
    pub systems: Vec<InformationSystem>,
}

impl Agency {
    /// The name in the UI language, falling back to the Chinese name when there is no English
    /// one.
    pub fn name(&self, lang: Lang) -> &str {
        display_name(&self.name_zh, &self.name_en, lang)
    }
}

/// The name to show in `lang`: the English one when asked for and present, else the Chinese.
pub fn display_name<'a>(name_zh: &'a str, name_en: &'a str, lang: Lang) -> &'a str {
    match lang {
        Lang::En if !name_en.is_empty() => name_en,
        _ => name_zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_codes_are_ten_capitals_or_digits() {
        assert_eq!(
            AgencyCode::parse(" 301000000a ").unwrap().as_str(),
            "301000000A"
        );
        for bad in [
            "",
            "30100000A",
            "301000000AB",
            "30100000-A",
            "３０１０００００ＡＡ",
        ] {
            assert!(AgencyCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tiers_parse_from_key_and_both_labels() {
        assert_eq!(Tier::parse("二級機關"), Some(Tier::SecondLevel));
        assert_eq!(Tier::parse("second_level"), Some(Tier::SecondLevel));
        assert_eq!(
            Tier::parse("City or county government"),
            Some(Tier::CityCounty)
        );
        assert_eq!(Tier::parse("五級機關"), None);
        for tier in Tier::ALL {
            assert_eq!(Tier::parse(tier.zh_label()), Some(*tier));
            assert_eq!(Tier::parse(tier.label(Lang::En)), Some(*tier));
        }
    }

    #[test]
    fn levels_accept_letters_in_either_case() {
        assert_eq!(
            ResponsibilityLevel::parse("a"),
            Some(ResponsibilityLevel::A)
        );
        assert_eq!(
            ResponsibilityLevel::parse("C級"),
            Some(ResponsibilityLevel::C)
        );
        assert_eq!(ResponsibilityLevel::parse("F"), None);
        assert_eq!(ResponsibilityLevel::parse(""), None);
    }

    #[test]
    fn website_urls_need_http_or_https_and_a_host() {
        assert_eq!(
            WebsiteUrl::parse("https://WWW.Moi.gov.tw")
                .unwrap()
                .as_str(),
            "https://www.moi.gov.tw/"
        );
        assert_eq!(
            WebsiteUrl::parse("ftp://x.gov.tw/"),
            Err(WebsiteUrlProblem::Scheme)
        );
        assert!(matches!(
            WebsiteUrl::parse("www.moi.gov.tw"),
            Err(WebsiteUrlProblem::Malformed(_))
        ));
        assert!(WebsiteUrl::parse("https://").is_err());
        assert!(WebsiteUrl::parse("http://測試.政府.tw/").is_ok());
    }

    #[test]
    fn email_addresses_are_checked_for_shape() {
        assert!(EmailAddress::parse("ciso@moi.gov.tw").is_some());
        for bad in [
            "ciso", "ciso@gov", "a b@x.tw", "@x.tw", "x@.tw", "x@tw.", "x@y@z.tw",
        ] {
            assert!(EmailAddress::parse(bad).is_none(), "{bad:?}");
        }
    }
}
