//! Matching a host against the names a certificate presents (RFC 6125 §6.4, and RFC 9525,
//! which obsoletes it, "Verifying Service Identity").
//!
//! Rules implemented:
//! - DNS names are compared case-insensitively in their ASCII (A-label, punycode) form
//!   (RFC 6125 §6.4.1 and, for internationalized names, §6.4.2); U-labels on either side are converted with the `url` crate's
//!   IDNA (UTS #46) processing. A trailing root dot is ignored.
//! - A wildcard is allowed only as the whole left-most label, `*.example.gov.tw`
//!   (RFC 6125 §6.4.3 and the CA/Browser Forum Baseline Requirements); it matches exactly one
//!   label, so `*.gov.tw` matches `www.gov.tw` but neither `gov.tw` nor `a.b.gov.tw`.
//!   Partial-label wildcards such as `w*.gov.tw` are rejected: RFC 6125 §6.4.3 only says a
//!   client MAY match them, RFC 9525 forbids them, and browsers refuse them.
//! - A wildcard needs at least two labels after it, so `*.tw` or `*.com` never matches:
//!   that would span a whole public suffix. The full Public Suffix List is not consulted
//!   here.
//! - IP addresses are matched only against iPAddress SANs (RFC 9525, "Matching an IP
//!   Address Portion"; RFC 5280 §4.2.1.6), never against DNS names, and DNS names never
//!   against IP SANs. (RFC 6125 leaves IP addresses out of its scope, §1.7.2.)

use std::net::IpAddr;

use url::Host;

use crate::Error;

/// One subject alternative name of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectAltName {
    /// A dNSName, possibly with a left-most wildcard label.
    Dns(String),
    /// An iPAddress.
    Ip(IpAddr),
}

/// A host to check, parsed once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ReferenceHost {
    /// A domain in lower-case ASCII (punycode) form, without a trailing dot.
    Domain(String),
    /// An IP address.
    Ip(IpAddr),
}

impl ReferenceHost {
    /// Parses a host as typed by a user or found in a URL: a domain (Unicode or ASCII,
    /// any case), an IPv4 address or an IPv6 address with or without brackets.
    pub fn parse(host: &str) -> Result<Self, Error> {
        let trimmed = host.strip_suffix('.').unwrap_or(host);
        let unbracketed = trimmed
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(trimmed);
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            return Ok(ReferenceHost::Ip(ip));
        }
        if trimmed.is_empty() || trimmed.contains('*') {
            return Err(Error::InvalidHost(host.to_owned()));
        }
        match Host::parse(trimmed) {
            Ok(Host::Domain(d)) => Ok(ReferenceHost::Domain(d)),
            Ok(Host::Ipv4(ip)) => Ok(ReferenceHost::Ip(IpAddr::V4(ip))),
            Ok(Host::Ipv6(ip)) => Ok(ReferenceHost::Ip(IpAddr::V6(ip))),
            Err(_) => Err(Error::InvalidHost(host.to_owned())),
        }
    }

    /// The host of a parsed URL, if it has one.
    pub fn from_url(url: &url::Url) -> Option<Self> {
        match url.host()? {
            Host::Domain(d) => Some(ReferenceHost::Domain(
                d.strip_suffix('.').unwrap_or(d).to_ascii_lowercase(),
            )),
            Host::Ipv4(ip) => Some(ReferenceHost::Ip(IpAddr::V4(ip))),
            Host::Ipv6(ip) => Some(ReferenceHost::Ip(IpAddr::V6(ip))),
        }
    }
}

/// Whether `host` is covered by any of the certificate's subject alternative names.
pub fn host_matches(host: &ReferenceHost, sans: &[SubjectAltName]) -> bool {
    sans.iter().any(|san| match (host, san) {
        (ReferenceHost::Ip(ip), SubjectAltName::Ip(san_ip)) => ip == san_ip,
        (ReferenceHost::Domain(d), SubjectAltName::Dns(pattern)) => dns_name_matches(d, pattern),
        _ => false,
    })
}

/// Whether the ASCII lower-case domain `host` matches the certificate dNSName `pattern`.
fn dns_name_matches(host: &str, pattern: &str) -> bool {
    let pattern = pattern.strip_suffix('.').unwrap_or(pattern);
    if let Some(suffix) = pattern.strip_prefix("*.") {
        // RFC 6125 §6.4.3: the wildcard is the whole left-most label and matches one label.
        let Some(suffix) = ascii_domain(suffix) else {
            return false;
        };
        if suffix.split('.').count() < 2 {
            return false;
        }
        match host.split_once('.') {
            Some((first, rest)) => !first.is_empty() && rest == suffix,
            None => false,
        }
    } else {
        ascii_domain(pattern).is_some_and(|p| p == host)
    }
}

/// The lower-case ASCII form of a domain without wildcards, or `None` if it is not one.
fn ascii_domain(name: &str) -> Option<String> {
    if name.is_empty() || name.contains('*') || name.parse::<IpAddr>().is_ok() {
        return None;
    }
    match Host::parse(name) {
        Ok(Host::Domain(d)) => Some(d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dns(names: &[&str]) -> Vec<SubjectAltName> {
        names
            .iter()
            .map(|n| SubjectAltName::Dns((*n).to_owned()))
            .collect()
    }

    fn m(host: &str, names: &[&str]) -> bool {
        host_matches(&ReferenceHost::parse(host).unwrap(), &dns(names))
    }

    #[test]
    fn exact_and_case_insensitive() {
        assert!(m("www.gov.tw", &["www.gov.tw"]));
        assert!(m("WWW.Gov.TW", &["www.gov.tw"]));
        assert!(m("www.gov.tw", &["WWW.GOV.TW."]));
        assert!(m("www.gov.tw.", &["www.gov.tw"]));
        assert!(!m("www.gov.tw", &["gov.tw"]));
        assert!(!m("gov.tw", &["www.gov.tw"]));
    }

    #[test]
    fn wildcard_single_left_most_label() {
        assert!(m("www.gov.tw", &["*.gov.tw"]));
        assert!(!m("gov.tw", &["*.gov.tw"]));
        assert!(!m("a.b.gov.tw", &["*.gov.tw"]));
        assert!(m("A.moea.gov.tw", &["*.MOEA.gov.tw"]));
    }

    #[test]
    fn partial_and_misplaced_wildcards_are_refused() {
        assert!(!m("www.gov.tw", &["w*.gov.tw"]));
        assert!(!m("www.gov.tw", &["*w.gov.tw"]));
        assert!(!m("www.gov.tw", &["www.*.tw"]));
        assert!(!m("www.gov.tw", &["*.*.tw"]));
        assert!(!m("gov.tw", &["*.tw"]));
        assert!(!m("example.com", &["*.com"]));
        assert!(!m("www.gov.tw", &["*"]));
    }

    #[test]
    fn idn_hosts_compare_in_punycode() {
        // 台灣.tw in A-label form is xn--kpry57d.tw.
        assert!(m("政府.台灣", &["政府.台灣"]));
        let Ok(ReferenceHost::Domain(ascii)) = ReferenceHost::parse("政府.台灣") else {
            panic!("政府.台灣 is a domain");
        };
        assert!(ascii.starts_with("xn--"));
        assert!(m("政府.台灣", &[ascii.as_str()]));
        assert!(m(&ascii, &["政府.台灣"]));
        assert!(m("www.政府.台灣", &["*.政府.台灣"]));
        assert!(!m("政府.台灣", &["*.台灣"]));
    }

    #[test]
    fn ip_addresses_only_against_ip_sans() {
        let v4: IpAddr = "192.0.2.10".parse().unwrap();
        let host = ReferenceHost::parse("192.0.2.10").unwrap();
        assert_eq!(host, ReferenceHost::Ip(v4));
        assert!(!host_matches(&host, &dns(&["192.0.2.10"])));
        assert!(host_matches(&host, &[SubjectAltName::Ip(v4)]));
        let v6 = ReferenceHost::parse("[2001:db8::1]").unwrap();
        assert!(host_matches(
            &v6,
            &[SubjectAltName::Ip("2001:db8::1".parse().unwrap())]
        ));
        assert!(!m("www.gov.tw", &[]));
        assert!(!host_matches(
            &ReferenceHost::parse("www.gov.tw").unwrap(),
            &[SubjectAltName::Ip(v4)]
        ));
    }

    #[test]
    fn invalid_hosts_are_errors() {
        assert!(ReferenceHost::parse("").is_err());
        assert!(ReferenceHost::parse("*.gov.tw").is_err());
        assert!(ReferenceHost::parse("bad host").is_err());
    }
}
