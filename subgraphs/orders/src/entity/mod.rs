//! sea-orm models of the orders database. Storage only: the GraphQL types live in
//! [`crate::schema`] and are built from these with `From`.

pub mod order;
pub mod order_item;
