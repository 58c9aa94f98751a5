//! Operation limits: bounds on the shape of a document, checked on its syntax tree right after
//! parsing, before validation, planning or any subgraph call.
//!
//! Validation and planning cost grows with the size of an operation *after* its fragments are
//! expanded, and a document can be small as text yet huge once expanded: ten fragments that
//! each spread the next one twice select 2^10 copies of the innermost field. So every measure
//! here is taken through fragments, with each fragment measured once (in dependency order, no
//! recursion through spreads) and its figures added wherever it is spread, saturating instead
//! of overflowing. A fragment bomb costs time linear in the document's text, and is refused.
//!
//! Every operation of the document is measured, not just the one that will run: a refused
//! document is never cached, so no operation of it can be run by picking another name.

use std::collections::{HashMap, HashSet};

use apollo_compiler::ast::{
    Definition, Document, FragmentDefinition, OperationDefinition, Selection,
};
use apollo_compiler::{Name, Node};

use super::RequestFailure;
use crate::error::{ErrorCode, GraphqlError, Location};

/// The bounds, from the `[limits]` config section. Each has its own error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationLimits {
    /// Deepest field nesting, through fragments (`{ a { b } }` has depth 2):
    /// `MAX_DEPTH_LIMIT`.
    pub max_depth: usize,
    /// Aliased fields, counted after fragments are expanded: `MAX_ALIASES_LIMIT`. Aliases are
    /// how one request repeats a field (`a1: login(..) a2: login(..)`), e.g. to brute-force.
    pub max_aliases: usize,
    /// Fields at the root of an operation, through fragments: `MAX_ROOT_FIELDS_LIMIT`.
    pub max_root_fields: usize,
    /// Directive applications, counted after fragments are expanded:
    /// `MAX_DIRECTIVES_LIMIT`.
    pub max_directives: usize,
    /// Fields selected once every fragment spread is replaced by its fragment:
    /// `MAX_FRAGMENT_EXPANSION_LIMIT`.
    pub max_fragment_expansion: usize,
}

impl Default for OperationLimits {
    /// Far above what real clients send (GraphiQL's introspection query has depth 13 and
    /// about 100 fields), far below what hurts.
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_aliases: 256,
            max_root_fields: 64,
            max_directives: 256,
            max_fragment_expansion: 20_000,
        }
    }
}

/// The size of a selection set once its fragments are expanded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// Deepest field nesting.
    pub depth: usize,
    /// Fields at this level (fragments spread here add theirs).
    pub top_fields: usize,
    /// Fields at every level.
    pub fields: usize,
    /// Aliased fields at every level.
    pub aliases: usize,
    /// Directive applications at every level.
    pub directives: usize,
}

impl Measure {
    /// `self` and `other` side by side in one selection set.
    fn beside(self, other: Measure) -> Measure {
        Measure {
            depth: self.depth.max(other.depth),
            top_fields: self.top_fields.saturating_add(other.top_fields),
            fields: self.fields.saturating_add(other.fields),
            aliases: self.aliases.saturating_add(other.aliases),
            directives: self.directives.saturating_add(other.directives),
        }
    }
}

/// Checks every operation of `document` against `limits`. Errors name the operation, the
/// measure and the limit, and point at the operation.
pub fn check(document: &Document, limits: &OperationLimits) -> Result<(), RequestFailure> {
    let fragments = measure_fragments(document);
    let mut errors = Vec::new();
    let mut first_code = None;
    for operation in document.definitions.iter().filter_map(|d| match d {
        Definition::OperationDefinition(op) => Some(op),
        _ => None,
    }) {
        let measure = measure_operation(operation, &fragments);
        let name = match &operation.name {
            Some(name) => format!("operation `{name}`"),
            None => "the anonymous operation".to_owned(),
        };
        for (value, limit, code, what) in [
            (
                measure.depth,
                limits.max_depth,
                ErrorCode::MaxDepthLimit,
                "a depth",
            ),
            (
                measure.aliases,
                limits.max_aliases,
                ErrorCode::MaxAliasesLimit,
                "aliased fields",
            ),
            (
                measure.top_fields,
                limits.max_root_fields,
                ErrorCode::MaxRootFieldsLimit,
                "root fields",
            ),
            (
                measure.directives,
                limits.max_directives,
                ErrorCode::MaxDirectivesLimit,
                "directives",
            ),
            (
                measure.fields,
                limits.max_fragment_expansion,
                ErrorCode::MaxFragmentExpansionLimit,
                "fields once its fragments are expanded",
            ),
        ] {
            if value > limit {
                first_code.get_or_insert(code);
                let shown = if value == usize::MAX {
                    "more than can be counted".to_owned()
                } else {
                    value.to_string()
                };
                let mut error = GraphqlError::new(
                    code,
                    format!("{name} has {what} of {shown}, over the limit of {limit}"),
                );
                if let Some(location) = location(document, operation) {
                    error = error.with_locations(vec![location]);
                }
                errors.push(error);
            }
        }
    }
    match first_code {
        None => Ok(()),
        Some(code) => Err(RequestFailure { code, errors }),
    }
}

/// The measure of an operation: its selection set plus the directives on the operation.
pub fn measure_operation(
    operation: &OperationDefinition,
    fragments: &HashMap<&Name, Measure>,
) -> Measure {
    let mut measure = measure_set(&operation.selection_set, fragments);
    measure.directives = measure
        .directives
        .saturating_add(operation.directives.len())
        .saturating_add(operation.variables.iter().map(|v| v.directives.len()).sum());
    measure
}

/// Measures every fragment of the document, each once, dependencies first. A fragment that
/// (indirectly) spreads itself is measured as if the cyclic spread were empty: validation
/// refuses such documents anyway, this only keeps the walk finite.
pub fn measure_fragments(document: &Document) -> HashMap<&Name, Measure> {
    let definitions: HashMap<&Name, &Node<FragmentDefinition>> = document
        .definitions
        .iter()
        .filter_map(|d| match d {
            Definition::FragmentDefinition(f) => Some((&f.name, f)),
            _ => None,
        })
        .collect();
    let mut measures: HashMap<&Name, Measure> = HashMap::with_capacity(definitions.len());
    let mut entered: HashSet<&Name> = HashSet::with_capacity(definitions.len());
    // Iterative depth-first walk over spreads: a chain of thousands of fragments must not
    // overflow the stack. A name is measured once all the fragments it spreads are.
    for root in definitions.keys() {
        let mut stack: Vec<(&Name, bool)> = vec![(root, false)];
        while let Some((name, deps_done)) = stack.pop() {
            if measures.contains_key(name) {
                continue;
            }
            let Some(definition) = definitions.get(name) else {
                continue;
            };
            if deps_done {
                let mut measure = measure_set(&definition.selection_set, &measures);
                measure.directives = measure
                    .directives
                    .saturating_add(definition.directives.len());
                measures.insert(name, measure);
                continue;
            }
            if !entered.insert(name) {
                // Entered but not measured: a cycle back to it. Leave it to the first visit.
                continue;
            }
            stack.push((name, true));
            let mut spreads = Vec::new();
            spread_names(&definition.selection_set, &mut spreads);
            for spread in spreads {
                if !measures.contains_key(spread) && !entered.contains(spread) {
                    stack.push((spread, false));
                }
            }
        }
    }
    measures
}

/// The names of the fragments spread anywhere in `set` (fields' sub-selections included).
fn spread_names<'a>(set: &'a [Selection], out: &mut Vec<&'a Name>) {
    for selection in set {
        match selection {
            Selection::Field(field) => spread_names(&field.selection_set, out),
            Selection::FragmentSpread(spread) => out.push(&spread.fragment_name),
            Selection::InlineFragment(inline) => spread_names(&inline.selection_set, out),
        }
    }
}

/// Measures `set`, taking spread fragments' measures from `fragments` (unknown or cyclic
/// ones count as empty). Recursion follows only field nesting, which the parser's recursion
/// limit bounds.
fn measure_set(set: &[Selection], fragments: &HashMap<&Name, Measure>) -> Measure {
    set.iter().fold(Measure::default(), |acc, selection| {
        let this = match selection {
            Selection::Field(field) => {
                let inner = measure_set(&field.selection_set, fragments);
                Measure {
                    depth: inner.depth.saturating_add(1),
                    top_fields: 1,
                    fields: inner.fields.saturating_add(1),
                    aliases: inner
                        .aliases
                        .saturating_add(usize::from(field.alias.is_some())),
                    directives: inner.directives.saturating_add(field.directives.len()),
                }
            }
            Selection::FragmentSpread(spread) => {
                let mut measure = fragments
                    .get(&spread.fragment_name)
                    .copied()
                    .unwrap_or_default();
                measure.directives = measure.directives.saturating_add(spread.directives.len());
                measure
            }
            Selection::InlineFragment(inline) => {
                let mut measure = measure_set(&inline.selection_set, fragments);
                measure.directives = measure.directives.saturating_add(inline.directives.len());
                measure
            }
        };
        acc.beside(this)
    })
}

fn location(document: &Document, operation: &Node<OperationDefinition>) -> Option<Location> {
    let range = operation.line_column_range(&document.sources)?;
    Some(Location {
        line: range.start.line,
        column: range.start.column,
    })
}

#[cfg(test)]
mod tests {
    use apollo_compiler::ast::Document;

    use super::*;

    fn measure(query: &str) -> Measure {
        let document = Document::parse(query, "q.graphql").expect("parses");
        let fragments = measure_fragments(&document);
        let operation = document
            .definitions
            .iter()
            .find_map(|d| match d {
                Definition::OperationDefinition(op) => Some(op.clone()),
                _ => None,
            })
            .expect("an operation");
        measure_operation(&operation, &fragments)
    }

    fn codes(query: &str, limits: OperationLimits) -> Vec<String> {
        let document = Document::parse(query, "q.graphql").expect("parses");
        match check(&document, &limits) {
            Ok(()) => Vec::new(),
            Err(failure) => failure
                .errors
                .iter()
                .map(|e| e.code().unwrap_or_default().to_owned())
                .collect(),
        }
    }

    #[test]
    fn measures_count_through_fragments() {
        let m = measure(
            "query Q @a { a: me { id ...F ... on User @skip(if: true) { b: name } } }
             fragment F on User { friends { id c: name } }",
        );
        assert_eq!(m.depth, 3, "me > friends > id");
        assert_eq!(m.top_fields, 1);
        assert_eq!(m.fields, 6, "me, id, friends, id, name, name");
        assert_eq!(m.aliases, 3);
        assert_eq!(m.directives, 2);
    }

    #[test]
    fn root_fields_count_through_root_fragments() {
        let m = measure("{ a b ...R ... { c } } fragment R on Query { d e }");
        assert_eq!(m.top_fields, 5);
        assert_eq!(m.depth, 1);
    }

    #[test]
    fn fragment_bombs_are_measured_without_expanding_them() {
        // Each fragment spreads the next one twice: 2^40 leaves once expanded.
        let mut query = String::from("{ ...F0 }\n");
        for i in 0..40 {
            query.push_str(&format!(
                "fragment F{i} on Query {{ a: f {{ ...F{n} }} b: f {{ ...F{n} }} }}\n",
                n = i + 1
            ));
        }
        query.push_str("fragment F40 on Query { leaf }\n");
        let m = measure(&query);
        assert_eq!(m.depth, 41);
        assert!(m.fields > 1 << 40, "{}", m.fields);
        assert_eq!(
            codes(&query, OperationLimits::default()),
            ["MAX_ALIASES_LIMIT", "MAX_FRAGMENT_EXPANSION_LIMIT"]
        );
    }

    #[test]
    fn long_fragment_chains_do_not_overflow_the_stack() {
        let mut query = String::from("{ ...F0 }\n");
        for i in 0..20_000 {
            query.push_str(&format!("fragment F{i} on Query {{ ...F{} }}\n", i + 1));
        }
        query.push_str("fragment F20000 on Query { leaf }\n");
        let m = measure(&query);
        assert_eq!((m.depth, m.fields), (1, 1));
    }

    #[test]
    fn cycles_terminate() {
        // Which spread of the cycle counts as empty depends on where the walk enters it.
        let m = measure("{ ...A } fragment A on Query { x ...B } fragment B on Query { y ...A }");
        assert!((1..=2).contains(&m.top_fields), "{m:?}");
    }

    #[test]
    fn each_limit_has_its_own_code() {
        let tight = OperationLimits {
            max_depth: 2,
            max_aliases: 1,
            max_root_fields: 2,
            max_directives: 1,
            max_fragment_expansion: 100,
        };
        assert!(codes("{ a { b } c }", tight).is_empty());
        assert_eq!(codes("{ a { b { c } } }", tight), ["MAX_DEPTH_LIMIT"]);
        assert_eq!(codes("{ x: a y: a }", tight), ["MAX_ALIASES_LIMIT"]);
        assert_eq!(codes("{ a b c }", tight), ["MAX_ROOT_FIELDS_LIMIT"]);
        assert_eq!(
            codes("{ a @skip(if: false) b @include(if: true) }", tight),
            ["MAX_DIRECTIVES_LIMIT"]
        );
        let wide = format!("{{ a {{ {} }} }}", "f ".repeat(101));
        assert_eq!(codes(&wide, tight), ["MAX_FRAGMENT_EXPANSION_LIMIT"]);
    }

    #[test]
    fn every_operation_of_the_document_is_checked() {
        let tight = OperationLimits {
            max_depth: 1,
            ..OperationLimits::default()
        };
        let errors = codes("query Ok { a } query Deep { a { b } }", tight);
        assert_eq!(errors, ["MAX_DEPTH_LIMIT"]);
    }
}
