//! Tessera gateway
