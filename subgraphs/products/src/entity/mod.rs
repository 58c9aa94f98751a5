//! The sea-orm models of the products database. Storage shapes only: no GraphQL derives here,
//! the API types in [`crate::schema`] are built `From` these.

pub mod category;
pub mod product;
