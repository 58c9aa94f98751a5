//! orders migrations
