//! The one end-to-end test binary.

mod graphiql;
mod seed_consistency;
mod through_gateway;
