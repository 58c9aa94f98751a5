//! `Money`, the value type products and orders both return. Being a value type defined in two
//! subgraphs, it is `@shareable` and must be identical in both.

use async_graphql::SimpleObject;

/// An amount of money. `amount` is a decimal string (e.g. `"12.30"`), never a float.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
#[graphql(shareable)]
pub struct Money {
    /// Decimal string with two fraction digits.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

impl Money {
    /// From an integer number of cents (minor units).
    pub fn from_cents(cents: i64, currency: &str) -> Self {
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        Self {
            amount: format!("{sign}{}.{:02}", abs / 100, abs % 100),
            currency: currency.to_owned(),
        }
    }
}

/// Parses a decimal string (`"12"`, `"12.3"`, `"12.30"`) into cents; `None` for anything else,
/// including more than two fraction digits or a negative amount.
pub fn parse_cents(amount: &str) -> Option<i64> {
    let (whole, frac) = match amount.split_once('.') {
        Some((_, "")) => return None,
        Some((w, f)) => (w, f),
        None => (amount, ""),
    };
    if whole.is_empty() || whole.len() > 12 || frac.len() > 2 {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(Money::from_cents(1230, "USD").amount, "12.30");
        assert_eq!(Money::from_cents(5, "USD").amount, "0.05");
        assert_eq!(Money::from_cents(-5, "USD").amount, "-0.05");
        assert_eq!(parse_cents("12.3"), Some(1230));
        assert_eq!(parse_cents("12"), Some(1200));
        assert_eq!(parse_cents("0.05"), Some(5));
        for bad in ["", ".5", "1.234", "-1", "1e3", "abc", "1.", "9999999999999"] {
            assert_eq!(parse_cents(bad), None, "{bad}");
        }
    }
}
