//! reviews migrations
