//! Keyset pagination. Lists are ordered by id; `after` is the id of the last item already seen,
//! so a page is "the next `first` items with an id past the cursor". Stable under inserts and
//! cheap on both backends (an index range scan, no OFFSET).

use crate::error::{ApiError, ApiResult};

/// The most items one page may hold.
pub const MAX_FIRST: i32 = 100;
/// The page size when `first` is omitted.
pub const DEFAULT_FIRST: i32 = 20;

/// Validated page arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page<K> {
    /// Items to return, in `0..=MAX_FIRST`.
    pub first: u64,
    /// Exclusive lower bound on the id.
    pub after: Option<K>,
}

impl<K> Page<K> {
    /// Checks `first` and parses `after` with the ID type's parser.
    pub fn new(
        first: Option<i32>,
        after: Option<&async_graphql::ID>,
        parse: impl Fn(&async_graphql::ID) -> ApiResult<K>,
    ) -> ApiResult<Self> {
        let first = first.unwrap_or(DEFAULT_FIRST);
        if !(0..=MAX_FIRST).contains(&first) {
            return Err(ApiError::bad_input(format!(
                "`first` must be between 0 and {MAX_FIRST}, got {first}"
            )));
        }
        let after = after.map(parse).transpose()?;
        Ok(Self {
            first: first as u64,
            after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use async_graphql::ID;

    #[test]
    fn bounds() {
        assert_eq!(Page::new(None, None, UserId::parse).expect("ok").first, 20);
        assert_eq!(
            Page::new(Some(100), None, UserId::parse).expect("ok").first,
            100
        );
        assert_eq!(
            Page::new(Some(0), None, UserId::parse).expect("ok").first,
            0
        );
        for bad in [-1, 101, i32::MAX] {
            let err = Page::new(Some(bad), None, UserId::parse).expect_err("bad");
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
        }
        let err = Page::new(Some(5), Some(&ID::from("x")), UserId::parse).expect_err("bad");
        assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
        assert_eq!(
            Page::new(Some(5), Some(&ID::from("9")), UserId::parse)
                .expect("ok")
                .after,
            Some(UserId(9))
        );
    }
}
