//! products migrations
