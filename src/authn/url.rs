//! Base URL resolution (spec 1.1) and the plain-http safety check.

use super::error::Error;
use reqwest::Url;
use std::net::IpAddr;

/// The service slug substituted for `{SERVICE_NAME}`.
pub const SERVICE_NAME: &str = "authn";

/// Resolves a template: every `{SERVICE_NAME}` becomes `authn`; any other brace is refused.
pub fn from_template(template: &str) -> Result<String, Error> {
    let resolved = template.trim().replace("{SERVICE_NAME}", SERVICE_NAME);
    if resolved.contains(['{', '}']) {
        return Err(Error::Config(format!(
            "base URL template {template:?} has a placeholder other than {{SERVICE_NAME}}"
        )));
    }
    normalise(&resolved).map(|(s, _)| s)
}

/// `https://authn.<domain>`, or `http://<domain>` verbatim when `insecure`; a domain that
/// already names a scheme is taken as the whole base URL, as the legacy SDKs did.
pub fn from_domain(domain: &str, insecure: bool) -> Result<String, Error> {
    let domain = domain.trim().trim_end_matches('/');
    if domain.is_empty() {
        return Err(Error::Config("the domain is empty".into()));
    }
    let url = if domain.starts_with("http://") || domain.starts_with("https://") {
        domain.to_string()
    } else if insecure {
        format!("http://{domain}")
    } else {
        format!("https://{SERVICE_NAME}.{domain}")
    };
    normalise(&url).map(|(s, _)| s)
}

/// Parses and checks a base URL; returns it without a trailing slash, plus the parsed form.
pub fn normalise(base: &str) -> Result<(String, Url), Error> {
    let url = Url::parse(base.trim())
        .map_err(|e| Error::Config(format!("invalid base URL {base:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base URL {base:?} must start with http:// or https://"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config(format!("base URL {base:?} has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the base URL must not carry credentials; pass the token separately".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {base:?} must not have a query or fragment"
        )));
    }
    let s = url.as_str().trim_end_matches('/').to_string();
    Ok((s, url))
}

/// `host` or `host:port` of a parsed URL.
pub fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// True for 127.0.0.0/8, ::1 and `localhost`: the only hosts plain http may reach by default.
pub fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Refuses plain http to a remote host unless `insecure`.
pub fn check_scheme(url: &Url, insecure: bool) -> Result<(), Error> {
    if url.scheme() == "http" && !insecure && !is_loopback(url) {
        return Err(Error::Config(format!(
            "refusing plain http to {}: tokens would cross the network unencrypted; \
             use https, or allow it explicitly with --insecure",
            authority(url)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_substitutes_the_service_and_keeps_a_prefix() {
        assert_eq!(
            from_template("https://{SERVICE_NAME}.aws.us.pangea.cloud").unwrap(),
            "https://authn.aws.us.pangea.cloud"
        );
        assert_eq!(
            from_template("http://127.0.0.1:1/prefix/").unwrap(),
            "http://127.0.0.1:1/prefix"
        );
        assert!(matches!(
            from_template("https://{OTHER}.example.com"),
            Err(Error::Config(_))
        ));
        assert!(matches!(from_template("ftp://x"), Err(Error::Config(_))));
        assert!(matches!(from_template("not a url"), Err(Error::Config(_))));
        assert!(matches!(
            from_template("https://u:p@h.example"),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn domain_follows_the_legacy_rules() {
        assert_eq!(
            from_domain("aws.us.pangea.cloud", false).unwrap(),
            "https://authn.aws.us.pangea.cloud"
        );
        assert_eq!(
            from_domain("127.0.0.1:8080", true).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(matches!(from_domain(" ", false), Err(Error::Config(_))));
    }

    #[test]
    fn plain_http_only_to_loopback_unless_insecure() {
        let ok = [
            "http://127.0.0.1:1",
            "http://127.9.9.9",
            "http://[::1]:8",
            "http://LOCALHOST",
        ];
        for u in ok {
            let (_, url) = normalise(u).unwrap();
            assert!(check_scheme(&url, false).is_ok(), "{u}");
        }
        let (_, remote) = normalise("http://10.0.0.1").unwrap();
        let err = check_scheme(&remote, false).unwrap_err().to_string();
        assert!(
            err.contains("plain http") && err.contains("10.0.0.1"),
            "{err}"
        );
        assert!(check_scheme(&remote, true).is_ok());
        let (_, tls) = normalise("https://10.0.0.1").unwrap();
        assert!(check_scheme(&tls, false).is_ok());
    }
}
