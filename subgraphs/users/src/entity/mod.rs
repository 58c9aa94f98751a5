//! sea-orm models of the users database. Persistence shapes only: the GraphQL types live in
//! [`crate::schema`] and are built from these with `From`.

pub mod user;
