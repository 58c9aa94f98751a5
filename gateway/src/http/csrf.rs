//! Cross-site request forgery prevention, before anything of the request is read.
//!
//! A browser asks the server before sending a cross-site request (a CORS preflight) unless the
//! request is "simple": `GET`/`POST`, only safelisted headers, and a `Content-Type` (if any) of
//! `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`. A simple request
//! arrives with the victim's cookies and no chance for the server to object first, so it must
//! prove it was preflighted: by a non-simple content type, or by a header only a preflighted
//! request can carry.

use axum::http::{HeaderMap, HeaderName, header};

use crate::config::CsrfConfig;
use crate::pipeline::HttpMethod;

/// The policy `[csrf]` configures.
#[derive(Debug, Clone)]
pub struct CsrfPolicy {
    enabled: bool,
    required_headers: Vec<HeaderName>,
    strict_get: bool,
}

/// The request looks like one a browser could have sent cross-site without a preflight.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "this request has been blocked as a possible cross-site request forgery: send it with a \
     `Content-Type: application/json` body, or add one of these headers: {headers}"
)]
pub struct CsrfRejection {
    headers: String,
}

impl CsrfPolicy {
    /// The policy of `config`; header names that are not valid HTTP header names are refused.
    pub fn from_config(config: &CsrfConfig) -> Result<Self, String> {
        let required_headers = config
            .required_headers
            .iter()
            .map(|name| {
                HeaderName::from_bytes(name.trim().as_bytes())
                    .map_err(|_| format!("[csrf] required_headers: `{name}` is not a header name"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            enabled: config.enabled,
            required_headers,
            strict_get: config.strict_get,
        })
    }

    /// Accepts a request that could not have been sent cross-site without a preflight.
    pub fn check(&self, method: HttpMethod, headers: &HeaderMap) -> Result<(), CsrfRejection> {
        if !self.enabled
            || self
                .required_headers
                .iter()
                .any(|name| headers.contains_key(name))
        {
            return Ok(());
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().map(essence).unwrap_or_default());
        let preflighted = match (method, content_type.as_deref()) {
            // A browser never sends a bodyless GET with a content type of its own accord; only
            // a JSON one is taken as a sign of a script that was preflighted.
            (HttpMethod::Get, Some(media)) => is_json(media),
            (HttpMethod::Get, None) => !self.strict_get,
            (HttpMethod::Post, Some(media)) => !is_simple(media),
            (HttpMethod::Post, None) => false,
        };
        if preflighted {
            Ok(())
        } else {
            Err(CsrfRejection {
                headers: self
                    .required_headers
                    .iter()
                    .map(HeaderName::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    }
}

/// The media type without parameters, lowercased (`Text/Plain; charset=x` → `text/plain`).
fn essence(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The content types a form or `fetch` without preflight may send.
fn is_simple(media: &str) -> bool {
    matches!(
        media,
        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain" | ""
    )
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(list: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in list {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn policy(strict_get: bool) -> CsrfPolicy {
        CsrfPolicy::from_config(&CsrfConfig {
            strict_get,
            ..CsrfConfig::default()
        })
        .expect("valid")
    }

    #[test]
    fn simple_posts_need_a_preflight_header() {
        let p = policy(false);
        for simple in [
            "text/plain",
            "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded",
            "Multipart/Form-Data; boundary=x",
        ] {
            let h = headers(&[("content-type", simple)]);
            assert!(p.check(HttpMethod::Post, &h).is_err(), "{simple}");
        }
        assert!(p.check(HttpMethod::Post, &headers(&[])).is_err());
        let h = headers(&[("content-type", "text/plain"), ("graphql-preflight", "1")]);
        assert!(p.check(HttpMethod::Post, &h).is_ok());
        let h = headers(&[("content-type", "application/json")]);
        assert!(p.check(HttpMethod::Post, &h).is_ok());
    }

    #[test]
    fn gets_with_a_non_json_content_type_need_a_preflight_header() {
        let p = policy(false);
        let h = headers(&[("content-type", "text/plain")]);
        let err = p.check(HttpMethod::Get, &h).unwrap_err();
        assert!(err.to_string().contains("graphql-preflight"), "{err}");
        let h = headers(&[
            ("content-type", "text/plain"),
            ("apollo-require-preflight", "true"),
        ]);
        assert!(p.check(HttpMethod::Get, &h).is_ok());
        let h = headers(&[("content-type", "application/json")]);
        assert!(p.check(HttpMethod::Get, &h).is_ok());
        assert!(p.check(HttpMethod::Get, &headers(&[])).is_ok());
        assert!(policy(true).check(HttpMethod::Get, &headers(&[])).is_err());
    }

    #[test]
    fn disabled_accepts_everything_and_bad_names_are_refused() {
        let off = CsrfPolicy::from_config(&CsrfConfig {
            enabled: false,
            ..CsrfConfig::default()
        })
        .expect("valid");
        let h = headers(&[("content-type", "text/plain")]);
        assert!(off.check(HttpMethod::Post, &h).is_ok());
        let bad = CsrfConfig {
            required_headers: vec!["not a header".to_owned()],
            ..CsrfConfig::default()
        };
        assert!(CsrfPolicy::from_config(&bad).is_err());
    }
}
