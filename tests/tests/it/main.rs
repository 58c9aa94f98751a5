//! The one end-to-end test binary.

mod seed_consistency;
mod through_gateway;
