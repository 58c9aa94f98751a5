//! Content negotiation per the GraphQL-over-HTTP draft.
//!
//! The response media type is `application/graphql-response+json` or `application/json`,
//! chosen from `Accept` by quality; on a tie the former wins, being the one the draft prefers.
//! No `Accept` header, `*/*` and `application/*` mean `application/json`, which legacy
//! clients expect. Nothing acceptable → 406.

use std::cmp::Ordering;

/// `application/graphql-response+json`.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
/// `application/json`.
pub const APPLICATION_JSON: &str = "application/json";

/// The media type of a GraphQL response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFormat {
    /// Request errors get a 4xx status.
    GraphqlResponseJson,
    /// Every well-formed request gets 200, errors in the body.
    Json,
}

impl ResponseFormat {
    /// The `Content-Type` of the response.
    pub fn content_type(self) -> &'static str {
        match self {
            ResponseFormat::GraphqlResponseJson => {
                "application/graphql-response+json; charset=utf-8"
            }
            ResponseFormat::Json => "application/json; charset=utf-8",
        }
    }
}

/// One media range of an `Accept` header with its quality.
#[derive(Debug, Clone, PartialEq)]
struct MediaRange {
    essence: String,
    quality: f32,
}

fn parse_accept(accept: &str) -> Vec<MediaRange> {
    accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let essence = parts.next()?.trim().to_ascii_lowercase();
            if essence.is_empty() {
                return None;
            }
            let quality = parts
                .filter_map(|p| p.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
                .and_then(|(_, q)| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            Some(MediaRange { essence, quality })
        })
        .collect()
}

/// The quality `accept` gives to `media_type` (the most specific matching range decides).
fn quality_of(ranges: &[MediaRange], media_type: &str) -> f32 {
    let (kind, _) = media_type.split_once('/').unwrap_or((media_type, ""));
    let exact = ranges.iter().find(|r| r.essence == media_type);
    let kind_wildcard = ranges.iter().find(|r| r.essence == format!("{kind}/*"));
    let any = ranges.iter().find(|r| r.essence == "*/*");
    exact.or(kind_wildcard).or(any).map_or(0.0, |r| r.quality)
}

/// Picks the response format for an `Accept` header value, or `None` (406).
pub fn negotiate(accept: Option<&str>) -> Option<ResponseFormat> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(ResponseFormat::Json);
    };
    let ranges = parse_accept(accept);
    // Only an explicit mention selects graphql-response+json; wildcards mean legacy JSON.
    let graphql = ranges
        .iter()
        .find(|r| r.essence == GRAPHQL_RESPONSE_JSON)
        .map_or(0.0, |r| r.quality);
    let json = quality_of(&ranges, APPLICATION_JSON);
    match graphql.partial_cmp(&json) {
        _ if graphql <= 0.0 && json <= 0.0 => None,
        Some(Ordering::Less) => Some(ResponseFormat::Json),
        _ => Some(ResponseFormat::GraphqlResponseJson),
    }
}

/// Whether a browser is asking for a page: `text/html` is acceptable and preferred over JSON.
pub fn wants_html(accept: Option<&str>) -> bool {
    let Some(accept) = accept else { return false };
    let ranges = parse_accept(accept);
    let html = ranges
        .iter()
        .find(|r| r.essence == "text/html")
        .map_or(0.0, |r| r.quality);
    html > 0.0
        && html >= quality_of(&ranges, APPLICATION_JSON)
        && html
            >= ranges
                .iter()
                .find(|r| r.essence == GRAPHQL_RESPONSE_JSON)
                .map_or(0.0, |r| r.quality)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_table() {
        use ResponseFormat::*;
        let cases: &[(Option<&str>, Option<ResponseFormat>)] = &[
            (None, Some(Json)),
            (Some(""), Some(Json)),
            (Some("*/*"), Some(Json)),
            (Some("application/*"), Some(Json)),
            (Some("application/json"), Some(Json)),
            (
                Some("application/graphql-response+json"),
                Some(GraphqlResponseJson),
            ),
            (
                Some("application/graphql-response+json, application/json;q=0.9"),
                Some(GraphqlResponseJson),
            ),
            (
                Some("application/json, application/graphql-response+json;q=0.5"),
                Some(Json),
            ),
            (
                Some("application/json, application/graphql-response+json"),
                Some(GraphqlResponseJson),
            ),
            (Some("application/json, multipart/mixed"), Some(Json)),
            (Some("APPLICATION/JSON; charset=utf-8"), Some(Json)),
            (Some("text/plain"), None),
            (Some("text/html"), None),
            (Some("application/json;q=0"), None),
            (Some("application/xml, text/*"), None),
        ];
        for (accept, expected) in cases {
            assert_eq!(negotiate(*accept), *expected, "Accept: {accept:?}");
        }
    }

    #[test]
    fn browsers_want_html() {
        let chrome = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
        assert!(wants_html(Some(chrome)));
        assert!(!wants_html(Some("application/json")));
        assert!(!wants_html(Some("*/*")));
        assert!(!wants_html(None));
        assert!(!wants_html(Some("application/json, text/html;q=0.5")));
    }
}
