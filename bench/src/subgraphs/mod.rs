//! The four subgraphs of the standard federation benchmark, as async-graphql Federation v2
//! schemas over [`crate::data`]:
//! - [`accounts`]: `User @key(fields: "id") { id name username }`, `Query.users`;
//! - [`products`]: `Product @key(fields: "upc") { upc name price weight }`,
//!   `Query.topProducts(first: Int = 5)`;
//! - [`inventory`]: `Product { inStock shippingEstimate @requires(fields: "price weight") }`;
//! - [`reviews`]: `Review { id body author product }`, `User.reviews`, `Product.reviews`, and
//!   `Review.author @provides(fields: "username")`, as in the public benchmarks.

pub mod accounts;
pub mod inventory;
pub mod products;
pub mod reviews;

use async_graphql::{EmptyMutation, EmptySubscription, ObjectType, Schema};

/// A federated schema with no mutations or subscriptions.
pub type SubgraphSchema<Q> = Schema<Q, EmptyMutation, EmptySubscription>;

fn federated<Q: ObjectType + 'static>(query: Q) -> SubgraphSchema<Q> {
    Schema::build(query, EmptyMutation, EmptySubscription)
        .enable_federation()
        .finish()
}
