//! What the user asks to scan, and how its addresses may be overridden.
//!
//! A target is a host name (Unicode or ASCII), an IP address, or an `http(s)://` URL. For a
//! host the scanner probes `http://HOST/` on port 80 and `https://HOST/` on port 443; a URL
//! with a port moves the probe of its own scheme to that port. The www./apex sibling is
//! probed too, as pshtt does, but the verdicts are for the host given.
//!
//! Overrides follow curl's flags so that scripts written for one work with the other:
//! `--resolve HOST:PORT:ADDR[,ADDR]…` pins the addresses of HOST when connecting to PORT,
//! `--connect-to HOST:PORT:CONNECT_HOST:CONNECT_PORT` sends connections for HOST:PORT to
//! another host and port (the TLS server name and the `Host` header stay HOST's); an empty
//! HOST applies to every host, as in curl.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;

use url::Url;

use crate::Error;
use crate::names::ReferenceHost;

/// Default port of `https://`.
pub const HTTPS_PORT: u16 = 443;
/// Default port of `http://`.
pub const HTTP_PORT: u16 = 80;

/// One thing to scan, parsed and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The text the user gave.
    pub input: String,
    /// The host the verdicts are for.
    pub host: ReferenceHost,
    /// The port of the `https://` probe.
    pub https_port: u16,
    /// The port of the `http://` probe.
    pub http_port: u16,
}

impl Target {
    /// Parses a host name, an IP address or an `http(s)://` URL.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let text = input.trim();
        let invalid = |reason: &str| Error::InvalidTarget {
            target: input.to_owned(),
            reason: reason.to_owned(),
        };
        if text.contains("://") {
            let url = Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
            let host =
                ReferenceHost::from_url(&url).ok_or_else(|| invalid("the URL has no host"))?;
            let (https_port, http_port) = match url.scheme() {
                "https" => (url.port().unwrap_or(HTTPS_PORT), HTTP_PORT),
                "http" => (HTTPS_PORT, url.port().unwrap_or(HTTP_PORT)),
                other => {
                    return Err(invalid(&format!(
                        "the scheme {other}: is not http or https"
                    )));
                }
            };
            return Ok(Target {
                input: input.to_owned(),
                host,
                https_port,
                http_port,
            });
        }
        if text.is_empty() {
            return Err(invalid("empty"));
        }
        if text.contains(['/', ' ', '@', '?', '#']) {
            return Err(invalid(
                "a host name may not contain '/', ' ', '@', '?' or '#'",
            ));
        }
        let host = ReferenceHost::parse(text)
            .map_err(|_| invalid("not a valid host name or IP address"))?;
        Ok(Target {
            input: input.to_owned(),
            host,
            https_port: HTTPS_PORT,
            http_port: HTTP_PORT,
        })
    }

    /// The www./apex sibling pshtt also probes: `www.` added to a host without it, removed
    /// from one with it (when something remains that is still a domain). IP addresses have
    /// none.
    pub fn sibling(&self) -> Option<ReferenceHost> {
        let ReferenceHost::Domain(domain) = &self.host else {
            return None;
        };
        match domain.strip_prefix("www.") {
            Some(apex) if apex.contains('.') => Some(ReferenceHost::Domain(apex.to_owned())),
            Some(_) => None,
            None => Some(ReferenceHost::Domain(format!("www.{domain}"))),
        }
    }
}

/// The host as written in a URL's authority (IPv6 in brackets).
pub fn url_host(host: &ReferenceHost) -> String {
    match host {
        ReferenceHost::Domain(d) => d.clone(),
        ReferenceHost::Ip(IpAddr::V4(ip)) => ip.to_string(),
        ReferenceHost::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
    }
}

/// `scheme://host[:port]/`, the port left out when it is the scheme's default.
pub fn root_url(scheme: &str, host: &ReferenceHost, port: u16) -> String {
    let default = if scheme == "https" {
        HTTPS_PORT
    } else {
        HTTP_PORT
    };
    if port == default {
        format!("{scheme}://{}/", url_host(host))
    } else {
        format!("{scheme}://{}:{port}/", url_host(host))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&url_host(&self.host))
    }
}

fn lower_host(host: &str, flag: &str, value: &str) -> Result<String, Error> {
    let unbracketed = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match ReferenceHost::parse(unbracketed) {
        Ok(ReferenceHost::Domain(d)) => Ok(d),
        Ok(ReferenceHost::Ip(ip)) => Ok(ip.to_string()),
        Err(_) => Err(Error::InvalidOverride {
            flag: flag.to_owned(),
            value: value.to_owned(),
            reason: format!("{host:?} is not a host name or IP address"),
        }),
    }
}

/// Splits `a:b:c` where a part may be a bracketed IPv6 address.
fn split_fields(value: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut depth = 0u32;
    for (i, c) in value.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => {
                fields.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&value[start..]);
    fields
}

fn parse_port(text: &str, flag: &str, value: &str) -> Result<u16, Error> {
    text.parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| Error::InvalidOverride {
            flag: flag.to_owned(),
            value: value.to_owned(),
            reason: format!("{text:?} is not a port number (1-65535)"),
        })
}

/// The `--resolve` and `--connect-to` overrides of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    resolve: HashMap<(String, u16), Vec<IpAddr>>,
    connect_to: HashMap<(String, u16), (String, u16)>,
}

impl Overrides {
    /// Adds a `--resolve HOST:PORT:ADDR[,ADDR]…` entry.
    pub fn add_resolve(&mut self, value: &str) -> Result<(), Error> {
        let flag = "--resolve";
        let fields = split_fields(value);
        let [host, port_text, addrs] = fields.as_slice() else {
            return Err(Error::InvalidOverride {
                flag: flag.to_owned(),
                value: value.to_owned(),
                reason: "expected HOST:PORT:ADDR".to_owned(),
            });
        };
        let host = lower_host(host, flag, value)?;
        let port = parse_port(port_text, flag, value)?;
        let mut parsed = Vec::new();
        for addr in addrs.split(',') {
            let bare = addr
                .trim()
                .strip_prefix('[')
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or(addr.trim());
            let ip: IpAddr = bare.parse().map_err(|_| Error::InvalidOverride {
                flag: flag.to_owned(),
                value: value.to_owned(),
                reason: format!("{addr:?} is not an IP address"),
            })?;
            parsed.push(ip);
        }
        self.resolve.insert((host, port), parsed);
        Ok(())
    }

    /// Adds a `--connect-to HOST:PORT:CONNECT_HOST:CONNECT_PORT` entry.
    pub fn add_connect_to(&mut self, value: &str) -> Result<(), Error> {
        let flag = "--connect-to";
        let fields = split_fields(value);
        let [host, port_text, to_host, to_port] = fields.as_slice() else {
            return Err(Error::InvalidOverride {
                flag: flag.to_owned(),
                value: value.to_owned(),
                reason: "expected HOST:PORT:CONNECT_HOST:CONNECT_PORT".to_owned(),
            });
        };
        let host = if host.is_empty() {
            String::new()
        } else {
            lower_host(host, flag, value)?
        };
        let port = parse_port(port_text, flag, value)?;
        let to_host = lower_host(to_host, flag, value)?;
        let to_port = parse_port(to_port, flag, value)?;
        self.connect_to.insert((host, port), (to_host, to_port));
        Ok(())
    }

    /// Where a connection for `host:port` really goes: the `--connect-to` destination, and
    /// the `--resolve` addresses of that destination if any.
    pub fn route(&self, host: &str, port: u16) -> (String, u16, Option<&[IpAddr]>) {
        // Keys are stored as `lower_host` gives them: IPv6 without brackets.
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let (host, port) = self
            .connect_to
            .get(&(host.to_owned(), port))
            .or_else(|| self.connect_to.get(&(String::new(), port)))
            .cloned()
            .unwrap_or_else(|| (host.to_owned(), port));
        let pinned = self.resolve.get(&(host.clone(), port)).map(Vec::as_slice);
        (host, port, pinned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hosts_and_urls() {
        let t = Target::parse("WWW.Gov.TW").unwrap();
        assert_eq!(t.host, ReferenceHost::Domain("www.gov.tw".into()));
        assert_eq!((t.https_port, t.http_port), (443, 80));
        assert_eq!(t.sibling(), Some(ReferenceHost::Domain("gov.tw".into())));

        let t = Target::parse("https://example.gov.tw:8443/path").unwrap();
        assert_eq!((t.https_port, t.http_port), (8443, 80));
        assert_eq!(
            t.sibling(),
            Some(ReferenceHost::Domain("www.example.gov.tw".into()))
        );

        let t = Target::parse("http://example.gov.tw:8080").unwrap();
        assert_eq!((t.https_port, t.http_port), (443, 8080));

        let t = Target::parse("臺灣.tw").unwrap();
        assert_eq!(t.host, ReferenceHost::Domain("xn--nnx388a.tw".into()));

        let t = Target::parse("2001:db8::1").unwrap();
        assert_eq!(url_host(&t.host), "[2001:db8::1]");
        assert_eq!(t.sibling(), None);
        assert_eq!(Target::parse("www.tw").unwrap().sibling(), None);
    }

    #[test]
    fn rejects_bad_targets() {
        for bad in [
            "",
            "ftp://x.gov.tw/",
            "a b.gov.tw",
            "x.gov.tw/path",
            "*.gov.tw",
            "https:///",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overrides_route_like_curl() {
        let mut o = Overrides::default();
        o.add_resolve("Site.GOV.tw:443:127.0.0.2,[::1]").unwrap();
        o.add_connect_to("other.gov.tw:80:127.0.0.1:8080").unwrap();
        let (h, p, pinned) = o.route("site.gov.tw", 443);
        assert_eq!((h.as_str(), p), ("site.gov.tw", 443));
        assert_eq!(pinned.unwrap().len(), 2);
        assert!(o.route("site.gov.tw", 80).2.is_none());
        let (h, p, _) = o.route("other.gov.tw", 80);
        assert_eq!((h.as_str(), p), ("127.0.0.1", 8080));
        assert_eq!(o.route("any.gov.tw", 80).0, "any.gov.tw");
        o.add_connect_to(":80:127.0.0.1:9080").unwrap();
        assert_eq!(
            o.route("any.gov.tw", 80),
            ("127.0.0.1".to_owned(), 9080, None)
        );
        assert_eq!(o.route("other.gov.tw", 80).1, 8080, "a named rule wins");
        o.add_resolve("[2001:db8::1]:443:127.0.0.1").unwrap();
        assert!(
            o.route("[2001:db8::1]", 443).2.is_some(),
            "bracketed as in URLs"
        );

        for bad in ["x:443", "x:0:127.0.0.1", "x:443:nope", "x:99999:127.0.0.1"] {
            assert!(o.add_resolve(bad).is_err(), "{bad}");
        }
        assert!(o.add_connect_to("x:443:y").is_err());
    }

    #[test]
    fn root_urls_leave_out_default_ports() {
        let h = ReferenceHost::Domain("a.gov.tw".into());
        assert_eq!(root_url("https", &h, 443), "https://a.gov.tw/");
        assert_eq!(root_url("http", &h, 8080), "http://a.gov.tw:8080/");
    }
}
