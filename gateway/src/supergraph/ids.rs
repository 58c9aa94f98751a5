//! Dense ids for the supergraph model. The planner asks "which graphs resolve field F of type T"
//! thousands of times per plan; indices into vectors make that a bounds-checked load instead of a
//! string hash.

use serde::Serialize;

/// A subgraph (a value of the supergraph's `join__Graph` enum), in declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SubgraphId(pub(crate) u16);

/// A named type of the supergraph (not built-ins nor join/link definitions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TypeId(pub(crate) u32);

/// A field of an object or interface type of the supergraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FieldId(pub(crate) u32);

impl SubgraphId {
    /// The position in [`super::Supergraph::subgraphs`].
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl TypeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl FieldId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
