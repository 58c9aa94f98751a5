//! Value syntaxes shared by several sections: durations (`"30s"`) and byte sizes (`"2MiB"`).
//!
//! They are parsed while the file is deserialized, so a typo fails at start-up with the
//! offending text in the message instead of surfacing at the first request.

use std::time::Duration;

use serde::{Deserialize, Deserializer, de};

/// Parses `"250ms"`, `"30s"`, `"2m"` or `"1h"`. A bare number is refused: a timeout without a
/// unit is ambiguous and usually a mistake.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let value: u64 = digits.parse().map_err(|_| {
        format!("invalid duration `{text}`: expected a number followed by ms, s, m or h")
    })?;
    let duration = match unit.trim() {
        "ms" => Duration::from_millis(value),
        "s" => Duration::from_secs(value),
        "m" => Duration::from_secs(value.saturating_mul(60)),
        "h" => Duration::from_secs(value.saturating_mul(3600)),
        _ => {
            return Err(format!(
                "invalid duration `{text}`: expected a number followed by ms, s, m or h"
            ));
        }
    };
    Ok(duration)
}

/// Parses a byte size: a plain integer (bytes) or a number with `B`, `KB`, `KiB`, `MB` or `MiB`.
pub fn parse_byte_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let invalid =
        || format!("invalid byte size `{text}`: expected e.g. 1048576, \"512KiB\" or \"2MiB\"");
    let value: usize = digits.parse().map_err(|_| invalid())?;
    let factor: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "kib" => 1024,
        "mb" => 1_000_000,
        "mib" => 1024 * 1024,
        _ => return Err(invalid()),
    };
    value.checked_mul(factor).ok_or_else(invalid)
}

/// `deserialize_with` for [`Duration`] fields.
pub fn duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_duration(&text).map_err(de::Error::custom)
}

/// `deserialize_with` for optional [`Duration`] fields.
pub fn optional_duration<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    text.map(|t| parse_duration(&t).map_err(de::Error::custom))
        .transpose()
}

/// `deserialize_with` for byte sizes, given as an integer or a string with a unit.
pub fn byte_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<usize, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bytes(u64),
        Text(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Bytes(n) => usize::try_from(n).map_err(de::Error::custom),
        Raw::Text(text) => parse_byte_size(&text).map_err(de::Error::custom),
    }
}

/// `deserialize_with` for subgraph URLs: absolute `http`/`https` only, checked at load.
pub fn optional_http_url<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<reqwest::Url>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let url = reqwest::Url::parse(&text)
        .map_err(|e| de::Error::custom(format!("invalid url `{text}`: {e}")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(de::Error::custom(format!(
            "invalid url `{text}`: only http and https are supported"
        )));
    }
    Ok(Some(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("3 days").is_err());
    }

    #[test]
    fn byte_sizes_accept_units() {
        assert_eq!(parse_byte_size("1024"), Ok(1024));
        assert_eq!(parse_byte_size("2MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_byte_size("512kib"), Ok(512 * 1024));
        assert_eq!(parse_byte_size("1MB"), Ok(1_000_000));
        assert!(parse_byte_size("2GiB").is_err());
        assert!(parse_byte_size("lots").is_err());
    }
}
