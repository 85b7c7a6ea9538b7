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

/// Always `https://authn.<domain>`: a domain never changes the scheme or the host
/// pattern, so no flag can quietly turn it into plain http to another host.
pub fn from_domain(domain: &str) -> Result<String, Error> {
    let domain = domain.trim().trim_end_matches('/');
    if domain.is_empty() {
        return Err(Error::Config("the domain is empty".into()));
    }
    if domain.contains("://") || domain.contains('/') {
        return Err(Error::Config(format!(
            "domain {domain:?} must be a bare name like aws.us.pangea.cloud; for a full URL use --base-url"
        )));
    }
    normalise(&format!("https://{SERVICE_NAME}.{domain}")).map(|(s, _)| s)
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

/// True for 127.0.0.0/8, `::1` and `localhost`: the only hosts plain http may reach by default.
pub fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Refuses plain http to a non-loopback host unless `allow_http`.
pub fn check_scheme(url: &Url, allow_http: bool) -> Result<(), Error> {
    if url.scheme() == "http" && !allow_http && !is_loopback(url) {
        return Err(Error::Config(format!(
            "refusing plain http to {}: tokens would cross the network unencrypted; \
             use https, or allow it for this explicit http:// base URL with --allow-http",
            authority(url)
        )));
    }
    Ok(())
}

/// How requests to a base URL may travel with respect to proxies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyRoute {
    /// Connect directly, whatever the proxy variables say (loopback).
    Direct,
    /// The usual rules (https: a proxy only sees an encrypted tunnel).
    Default,
}

/// Decides the proxy route: loopback never goes through a proxy; plain http to another
/// host through a proxy is refused, because the proxy would read the bearer token.
/// `env` looks up proxy variables (injected for tests).
pub fn proxy_route(url: &Url, env: &dyn Fn(&str) -> Option<String>) -> Result<ProxyRoute, Error> {
    if is_loopback(url) {
        return Ok(ProxyRoute::Direct);
    }
    if url.scheme() != "http" {
        return Ok(ProxyRoute::Default);
    }
    let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let proxy = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
        .into_iter()
        .find(|n| set(n).is_some());
    let Some(var) = proxy else {
        return Ok(ProxyRoute::Default);
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let bypassed = ["no_proxy", "NO_PROXY"]
        .into_iter()
        .filter_map(set)
        .flat_map(|list| {
            list.split(',')
                .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .any(|e| e == "*" || (!e.is_empty() && (host == e || host.ends_with(&format!(".{e}")))));
    if bypassed {
        return Ok(ProxyRoute::Default);
    }
    Err(Error::Config(format!(
        "refusing plain http to {} through the proxy in {var}: the proxy would read the token; \
         use https, or add the host to NO_PROXY",
        authority(url)
    )))
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
    fn a_domain_is_always_https_authn() {
        assert_eq!(
            from_domain("aws.us.pangea.cloud").unwrap(),
            "https://authn.aws.us.pangea.cloud"
        );
        assert!(matches!(from_domain(" "), Err(Error::Config(_))));
        assert!(matches!(from_domain("http://x.io"), Err(Error::Config(_))));
    }

    #[test]
    fn loopback_goes_direct_and_plain_http_through_a_proxy_is_refused() {
        let proxied = |name: &str| (name == "HTTP_PROXY").then(|| "http://127.0.0.1:3128".into());
        let (_, local) = normalise("http://localhost:8443").unwrap();
        assert_eq!(proxy_route(&local, &proxied).unwrap(), ProxyRoute::Direct);
        let (_, remote) = normalise("http://10.0.0.1").unwrap();
        let e = proxy_route(&remote, &proxied).unwrap_err().to_string();
        assert!(e.contains("HTTP_PROXY") && e.contains("10.0.0.1"), "{e}");
        let bypass = |name: &str| match name {
            "HTTP_PROXY" => Some("http://127.0.0.1:3128".into()),
            "NO_PROXY" => Some("example.com,10.0.0.1".into()),
            _ => None,
        };
        assert_eq!(proxy_route(&remote, &bypass).unwrap(), ProxyRoute::Default);
        let (_, tls) = normalise("https://10.0.0.1").unwrap();
        assert_eq!(proxy_route(&tls, &proxied).unwrap(), ProxyRoute::Default);
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
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
