//! Errors of composition: one [`ComposeError`] for the caller, carrying every [`Conflict`] found.
//!
//! Composition reports all conflicts at once (like Apollo's composer does) so a team fixing its
//! subgraphs sees the whole list, not one error per attempt.

use std::fmt;

/// Why composition failed.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// `compose` was called with an empty list.
    #[error("no subgraphs to compose")]
    NoSubgraphs,
    /// A subgraph name is empty or used twice.
    #[error("invalid subgraph name {name:?}: {reason}")]
    InvalidSubgraphName { name: String, reason: &'static str },
    /// A subgraph SDL does not parse.
    #[error("subgraph {subgraph}: the sdl does not parse: {message}")]
    Syntax { subgraph: String, message: String },
    /// The subgraphs parse but do not compose.
    #[error("composition failed with {} error(s):\n{}", .0.len(), ConflictList(.0))]
    Conflicts(Vec<Conflict>),
    /// A live subgraph did not answer `{ _service { sdl } }` usefully.
    #[error("fetching the sdl from {url}: {reason}")]
    Fetch { url: String, reason: String },
}

impl ComposeError {
    /// The conflicts, when composition itself failed.
    pub fn conflicts(&self) -> &[Conflict] {
        match self {
            ComposeError::Conflicts(conflicts) => conflicts,
            _ => &[],
        }
    }
}

/// One composition error: a code (Apollo's name for the same error class, so users can look it
/// up) and a message naming the subgraph, type and field concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub code: ConflictCode,
    pub message: String,
}

impl Conflict {
    /// Messages follow the house style (lowercase start, after an optional `[subgraph]`
    /// prefix); the wording otherwise follows Apollo's, so its documentation applies.
    pub(super) fn new(code: ConflictCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: lowercase_start(message.into()),
        }
    }
}

fn lowercase_start(mut message: String) -> String {
    let start = match message.strip_prefix('[').and_then(|rest| rest.find("] ")) {
        Some(end) => end + 3,
        None => 0,
    };
    let mut chars = message[start..].chars();
    if let (Some(first), Some(second)) = (chars.next(), chars.next())
        && first.is_ascii_uppercase()
        && second.is_ascii_lowercase()
    {
        message.replace_range(start..start + 1, &first.to_ascii_lowercase().to_string());
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_lowercase() {
        assert_eq!(
            lowercase_start("Type \"X\" is bad".into()),
            "type \"X\" is bad"
        );
        assert_eq!(
            lowercase_start("[a] On type \"X\"".into()),
            "[a] on type \"X\""
        );
        assert_eq!(lowercase_start("ID is kept".into()), "ID is kept");
        assert_eq!(lowercase_start("@override x".into()), "@override x");
        assert_eq!(lowercase_start("[a]".into()), "[a]");
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code.as_str(), self.message)
    }
}

struct ConflictList<'a>(&'a [Conflict]);

impl fmt::Display for ConflictList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, conflict) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {conflict}")?;
        }
        Ok(())
    }
}

/// Classes of composition errors, named like Apollo's error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConflictCode {
    InvalidGraphql,
    InvalidLinkDirectiveUsage,
    UnsupportedFeature,
    TypeKindMismatch,
    ExtensionWithNoBase,
    NoQueries,
    InvalidFieldSharing,
    FieldTypeMismatch,
    ArgumentTypeMismatch,
    ArgumentDefaultMismatch,
    RequiredArgumentMissingInSomeSubgraph,
    InputFieldDefaultMismatch,
    RequiredInputFieldMissingInSomeSubgraph,
    EmptyMergedInputType,
    EmptyMergedEnumType,
    EnumValueMismatch,
    ExternalMissingOnBase,
    ExternalTypeMismatch,
    ExternalUnused,
    ExternalOnInterface,
    ExternalCollisionWithAnotherDirective,
    KeyInvalidFields,
    KeyFieldsHasArgs,
    KeyFieldsSelectInvalidType,
    RequiresInvalidFields,
    RequiresFieldsMissingExternal,
    ProvidesInvalidFields,
    ProvidesFieldsMissingExternal,
    ProvidesOnNonObjectField,
    OverrideFromSelfError,
    OverrideSourceHasOverride,
    OverrideCollisionWithAnotherDirective,
    OverrideLabelInvalid,
    OverrideOnInterface,
    InterfaceObjectUsageError,
    InterfaceKeyMissingImplementationType,
    ContextNotSet,
    ContextInvalidSelection,
    ContextualArgumentNotContextualInAllSubgraphs,
    ReferencedInaccessible,
    SatisfiabilityError,
    OnlyInaccessibleChildren,
}

impl ConflictCode {
    pub fn as_str(self) -> &'static str {
        use ConflictCode::*;
        match self {
            InvalidGraphql => "INVALID_GRAPHQL",
            InvalidLinkDirectiveUsage => "INVALID_LINK_DIRECTIVE_USAGE",
            UnsupportedFeature => "UNSUPPORTED_FEATURE",
            TypeKindMismatch => "TYPE_KIND_MISMATCH",
            ExtensionWithNoBase => "EXTENSION_WITH_NO_BASE",
            NoQueries => "NO_QUERIES",
            InvalidFieldSharing => "INVALID_FIELD_SHARING",
            FieldTypeMismatch => "FIELD_TYPE_MISMATCH",
            ArgumentTypeMismatch => "ARGUMENT_TYPE_MISMATCH",
            ArgumentDefaultMismatch => "ARGUMENT_DEFAULT_MISMATCH",
            RequiredArgumentMissingInSomeSubgraph => "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
            InputFieldDefaultMismatch => "INPUT_FIELD_DEFAULT_MISMATCH",
            RequiredInputFieldMissingInSomeSubgraph => {
                "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH"
            }
            EmptyMergedInputType => "EMPTY_MERGED_INPUT_TYPE",
            EmptyMergedEnumType => "EMPTY_MERGED_ENUM_TYPE",
            EnumValueMismatch => "ENUM_VALUE_MISMATCH",
            ExternalMissingOnBase => "EXTERNAL_MISSING_ON_BASE",
            ExternalTypeMismatch => "EXTERNAL_TYPE_MISMATCH",
            ExternalUnused => "EXTERNAL_UNUSED",
            ExternalOnInterface => "EXTERNAL_ON_INTERFACE",
            ExternalCollisionWithAnotherDirective => "EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE",
            KeyInvalidFields => "KEY_INVALID_FIELDS",
            KeyFieldsHasArgs => "KEY_FIELDS_HAS_ARGS",
            KeyFieldsSelectInvalidType => "KEY_FIELDS_SELECT_INVALID_TYPE",
            RequiresInvalidFields => "REQUIRES_INVALID_FIELDS",
            RequiresFieldsMissingExternal => "REQUIRES_FIELDS_MISSING_EXTERNAL",
            ProvidesInvalidFields => "PROVIDES_INVALID_FIELDS",
            ProvidesFieldsMissingExternal => "PROVIDES_FIELDS_MISSING_EXTERNAL",
            ProvidesOnNonObjectField => "PROVIDES_ON_NON_OBJECT_FIELD",
            OverrideFromSelfError => "OVERRIDE_FROM_SELF_ERROR",
            OverrideSourceHasOverride => "OVERRIDE_SOURCE_HAS_OVERRIDE",
            OverrideCollisionWithAnotherDirective => "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
            OverrideLabelInvalid => "OVERRIDE_LABEL_INVALID",
            OverrideOnInterface => "OVERRIDE_ON_INTERFACE",
            InterfaceObjectUsageError => "INTERFACE_OBJECT_USAGE_ERROR",
            InterfaceKeyMissingImplementationType => "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
            ContextNotSet => "CONTEXT_NOT_SET",
            ContextInvalidSelection => "CONTEXT_INVALID_SELECTION",
            ContextualArgumentNotContextualInAllSubgraphs => {
                "CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS"
            }
            ReferencedInaccessible => "REFERENCED_INACCESSIBLE",
            SatisfiabilityError => "SATISFIABILITY_ERROR",
            OnlyInaccessibleChildren => "ONLY_INACCESSIBLE_CHILDREN",
        }
    }
}
