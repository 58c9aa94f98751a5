//! The one end-to-end test binary.

mod graphiql;
mod observability;
mod seed_consistency;
mod through_gateway;
