//! The page layout: header with the four modules' navigation, the language switch, and the
//! footer naming the caller's scope.

use govsec_i18n::{Lang, Text};
use maud::{DOCTYPE, Markup, html};

/// Which navigation entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    None,
    SignIn,
    Home,
    Agencies,
    WebPosture,
    Vans,
    Incidents,
    Compliance,
    AuditLog,
}

const NAVIGATION: [(Section, &str, Text); 7] = [
    (Section::Home, "/", Text::NavHome),
    (Section::Agencies, "/agencies", Text::NavAgencies),
    (Section::WebPosture, "/web-posture", Text::NavWebPosture),
    (Section::Vans, "/vans", Text::NavVans),
    (Section::Incidents, "/incidents", Text::NavIncidents),
    (Section::Compliance, "/compliance", Text::NavCompliance),
    (Section::AuditLog, "/audit-log", Text::NavAuditLog),
];

/// A whole page. `here` is the page's own path and query, for the language switch to return to.
pub fn page(lang: Lang, title: &str, section: Section, here: &str, content: Markup) -> Markup {
    page_with_script(lang, title, section, here, None, content)
}

/// A whole page that loads one of govsec's own scripts (a path under `/static/`): the content
/// security policy allows same-origin script files and nothing inline.
pub fn page_with_script(
    lang: Lang,
    title: &str,
    section: Section,
    here: &str,
    script: Option<&str>,
    content: Markup,
) -> Markup {
    let other = match lang {
        Lang::ZhTw => Lang::En,
        Lang::En => Lang::ZhTw,
    };
    let switch = format!("/lang/{}?next={}", other.tag(), encode_query_value(here));
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · govsec" }
                link rel="stylesheet" href="/static/govsec.css";
                @if let Some(script) = script { script src=(script) defer {} }
            }
            body {
                a class="skip" href="#main" { (Text::SkipToContent.get(lang)) }
                header class="site" {
                    a class="brand" href="/" { (Text::ProductName.get(lang)) }
                    nav aria-label=(Text::NavHome.get(lang)) {
                        @if section != Section::SignIn {
                            @for (entry, href, text) in NAVIGATION {
                                @if entry == section {
                                    a href=(href) aria-current="page" { (text.get(lang)) }
                                } @else {
                                    a href=(href) { (text.get(lang)) }
                                }
                            }
                        }
                    }
                    @if section != Section::SignIn {
                        a class="account" href="/account/password" { (Text::PasswordChangeTitle.get(lang)) }
                        a class="account" href="/account/security-keys" { (Text::SecurityKeysLink.get(lang)) }
                        a class="sign-out" href="/logout" { (Text::SignOut.get(lang)) }
                    }
                    a class="language" href=(switch) lang=(other.tag()) hreflang=(other.tag()) { (Text::SwitchLanguage.get(lang)) }
                }
                main id="main" { (content) }
                footer class="site" { (Text::ProductTagline.get(lang)) }
            }
        }
    }
}

/// Percent-encodes a value for a query string (everything but unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A share as a percentage with two decimals, or a dash when there is nothing to divide.
pub fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "–".to_owned()
    } else {
        format!("{:.2}%", part as f64 * 100.0 / whole as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            encode_query_value("/agencies?q=內 政&x"),
            "/agencies%3Fq%3D%E5%85%A7%20%E6%94%BF%26x"
        );
    }

    #[test]
    fn percentages_have_two_decimals() {
        assert_eq!(percent(30, 31), "96.77%");
        assert_eq!(percent(0, 0), "–");
    }
}
