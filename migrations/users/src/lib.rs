//! users migrations
