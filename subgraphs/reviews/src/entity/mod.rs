//! sea-orm models of the reviews database. Storage shapes only: the GraphQL types in
//! [`crate::schema`] are built `From` these, so a column change never silently changes the API.

pub mod review;
