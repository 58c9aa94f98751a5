//! Newtype IDs. On the wire every ID is a GraphQL `ID` holding a decimal number; inside, each
//! kind of ID is its own type so a `UserId` can never be passed where a `ProductId` is meant.

use crate::ApiError;

/// Declares a newtype ID over `i64` with wire conversions.
#[macro_export]
macro_rules! define_id {
    ($(#[$meta:meta])* $name:ident, $label:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl $name {
            /// Parses the wire form; anything but a positive integer is `BAD_USER_INPUT`.
            pub fn parse(id: &::async_graphql::ID) -> Result<Self, $crate::ApiError> {
                $crate::ids::parse_positive(id.as_str(), $label).map(Self)
            }

            /// The wire form.
            pub fn to_id(self) -> ::async_graphql::ID {
                ::async_graphql::ID(self.0.to_string())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

#[doc(hidden)]
pub fn parse_positive(raw: &str, label: &str) -> Result<i64, ApiError> {
    match raw.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(ApiError::bad_input(format!(
            "invalid {label} id: {}",
            truncate(raw, 64)
        ))),
    }
}

/// Echoing client input into an error is useful, echoing megabytes is not.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

define_id!(
    /// A user, owned by the users service.
    UserId,
    "user"
);
define_id!(
    /// A product, owned by the products service.
    ProductId,
    "product"
);
define_id!(
    /// A product category, owned by the products service.
    CategoryId,
    "category"
);
define_id!(
    /// An order, owned by the orders service.
    OrderId,
    "order"
);
define_id!(
    /// A review, owned by the reviews service.
    ReviewId,
    "review"
);

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::ID;

    #[test]
    fn parses_positive_integers_only() {
        assert_eq!(UserId::parse(&ID::from("42")).ok(), Some(UserId(42)));
        for bad in ["0", "-1", "abc", "", "1.5", "99999999999999999999"] {
            let err = UserId::parse(&ID::from(bad)).expect_err(bad);
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
        }
    }

    #[test]
    fn long_input_is_truncated_in_message() {
        let err = OrderId::parse(&ID::from("x".repeat(10_000))).expect_err("bad");
        assert!(err.message().len() < 100);
    }
}
