//! Federation v2 composition: subgraph SDLs in, a standard supergraph SDL out.
//!
//! Tessera writes its own composition rather than using the `graphql-composition` crate,
//! whose output is not a standard supergraph (no `@join__type` on root types, lost
//! `@external`, `usedOverridden` and `@interfaceObject` bookkeeping; see FEDERATION.md §6).
//! The output follows the join v0.5 / link v1.0 specs exactly as Apollo's composer writes them,
//! so it loads in Tessera and in any other Federation v2 router, and a test compares it with
//! Apollo's on every fixture.
//!
//! # Layout
//! - [`link`]: which local directive names mean which federation directive (`@link` imports,
//!   renames, `@federation__*`, Federation 1).
//! - [`subgraph`]: one subgraph SDL read into a normalised model, field sets validated.
//! - [`fieldset`]: parsing `@key`/`@requires`/`@provides`/`@fromContext` selections.
//! - [`merge`]: the merge rules and the `join` directives.
//! - [`satisfiability`]: every reachable field is resolvable from where it is reached.
//! - [`print`]: the supergraph SDL, in Apollo's order and layout.
//! - [`fetch`]: the one module doing I/O, reading a live subgraph's `_service { sdl }`.

mod error;
mod fetch;
mod fieldset;
mod link;
mod merge;
mod print;
mod satisfiability;
mod subgraph;

use std::collections::HashSet;

pub use error::{ComposeError, Conflict, ConflictCode};
pub use fetch::fetch_sdl;

/// One subgraph to compose: its name (becomes the `join__Graph` value), the URL the gateway
/// calls it at, and its SDL as printed by `_service { sdl }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubgraphSdl {
    pub name: String,
    pub url: String,
    pub sdl: String,
}

/// Composes subgraph SDLs into a supergraph SDL.
///
/// Subgraphs are ordered by name first, as Apollo does, so the output does not depend on the
/// order of the command line. All conflicts are reported together.
pub fn compose(subgraphs: &[SubgraphSdl]) -> Result<String, ComposeError> {
    let ordered = order_and_check_names(subgraphs)?;
    let names: Vec<&str> = ordered.iter().map(|s| s.name.as_str()).collect();
    let graphs = subgraph::graph_enum_values(&names);

    // 1. Read each subgraph; stop at subgraph-level errors, as merging would only add noise.
    let mut conflicts = Vec::new();
    let mut parsed = Vec::with_capacity(ordered.len());
    for (sdl, graph) in ordered.iter().zip(graphs) {
        parsed.push(subgraph::parse(sdl, graph, &mut conflicts)?);
    }
    if !conflicts.is_empty() {
        return Err(ComposeError::Conflicts(conflicts));
    }

    // 2. Merge.
    let supergraph = merge::merge(&parsed, &mut conflicts);
    if !conflicts.is_empty() {
        return Err(ComposeError::Conflicts(conflicts));
    }

    // 3. Every reachable field must be resolvable from where it is reached.
    satisfiability::validate(&parsed, &supergraph, &mut conflicts);
    if !conflicts.is_empty() {
        return Err(ComposeError::Conflicts(conflicts));
    }

    // 4. Print, and refuse to hand out anything that is not a valid GraphQL schema.
    let sdl = print::print(&supergraph);
    if let Err(invalid) = apollo_compiler::Schema::parse_and_validate(&sdl, "supergraph.graphql") {
        return Err(ComposeError::Conflicts(vec![Conflict::new(
            ConflictCode::InvalidGraphql,
            format!(
                "the composed supergraph is not a valid schema: {}",
                invalid.errors
            ),
        )]));
    }
    Ok(sdl)
}

fn order_and_check_names(subgraphs: &[SubgraphSdl]) -> Result<Vec<&SubgraphSdl>, ComposeError> {
    if subgraphs.is_empty() {
        return Err(ComposeError::NoSubgraphs);
    }
    let mut seen = HashSet::new();
    for s in subgraphs {
        if s.name.trim().is_empty() {
            return Err(ComposeError::InvalidSubgraphName {
                name: s.name.clone(),
                reason: "a subgraph name cannot be empty",
            });
        }
        if !seen.insert(s.name.as_str()) {
            return Err(ComposeError::InvalidSubgraphName {
                name: s.name.clone(),
                reason: "two subgraphs have this name",
            });
        }
    }
    let mut ordered: Vec<&SubgraphSdl> = subgraphs.iter().collect();
    ordered.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ordered)
}
