//! The one end-to-end test binary.

mod deploy_files;
mod graphiql;
mod seed_consistency;
mod through_gateway;
