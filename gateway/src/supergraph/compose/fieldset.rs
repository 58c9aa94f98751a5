//! Field sets (`@key(fields:)`, `@requires(fields:)`, `@provides(fields:)`, `@fromContext`):
//! parsed with apollo-compiler's parser as the selection set of an anonymous query, then
//! walked against one subgraph's types.

use apollo_compiler::ast;

/// One selection of a field set.
#[derive(Debug, Clone)]
pub(super) enum Selection {
    Field {
        name: String,
        has_arguments: bool,
        aliased: bool,
        children: Vec<Selection>,
    },
    Fragment {
        type_condition: Option<String>,
        children: Vec<Selection>,
    },
}

/// Parses `fields` (e.g. `"id org { id }"`) into selections.
pub(super) fn parse(fields: &str) -> Result<Vec<Selection>, String> {
    let source = format!("{{ {fields} }}");
    let doc = ast::Document::parse(source, "fieldset.graphql").map_err(|e| {
        format!(
            "invalid field set \"{fields}\": {}",
            first_line(&e.errors.to_string())
        )
    })?;
    let [ast::Definition::OperationDefinition(operation)] = doc.definitions.as_slice() else {
        return Err(format!(
            "invalid field set \"{fields}\": not a single selection set"
        ));
    };
    if operation.name.is_some() || !operation.variables.is_empty() {
        return Err(format!(
            "invalid field set \"{fields}\": not a single selection set"
        ));
    }
    convert(&operation.selection_set).map_err(|e| format!("invalid field set \"{fields}\": {e}"))
}

fn convert(selections: &[ast::Selection]) -> Result<Vec<Selection>, String> {
    selections
        .iter()
        .map(|s| match s {
            ast::Selection::Field(f) => Ok(Selection::Field {
                name: f.name.to_string(),
                has_arguments: !f.arguments.is_empty(),
                aliased: f.alias.is_some(),
                children: convert(&f.selection_set)?,
            }),
            ast::Selection::InlineFragment(f) => Ok(Selection::Fragment {
                type_condition: f.type_condition.as_ref().map(|t| t.to_string()),
                children: convert(&f.selection_set)?,
            }),
            ast::Selection::FragmentSpread(_) => Err("named fragments are not allowed".to_owned()),
        })
        .collect()
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

/// Splits `@fromContext(field: "$ctx { a b }")` into the context name and the selection text
/// after it (kept verbatim, as the join spec carries it in `contextArguments.selection`).
pub(super) fn parse_context_field(value: &str) -> Option<(String, String)> {
    let rest = value.trim_start().strip_prefix('$')?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let selection = &rest[end..];
    if selection.trim().is_empty() {
        return None;
    }
    Some((rest[..end].to_owned(), selection.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_field_sets() {
        let sels = parse("id org { id } ... on A { b }").expect("parses");
        assert_eq!(sels.len(), 3);
        match &sels[1] {
            Selection::Field { name, children, .. } => {
                assert_eq!(name, "org");
                assert_eq!(children.len(), 1);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            matches!(&sels[2], Selection::Fragment { type_condition: Some(t), .. } if t == "A")
        );
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("id {").is_err());
        assert!(parse("} query { a").is_err());
        assert!(parse("...F").is_err());
    }

    #[test]
    fn splits_context_fields() {
        assert_eq!(
            parse_context_field("$storeCtx { currency }"),
            Some(("storeCtx".to_owned(), " { currency }".to_owned()))
        );
        assert_eq!(parse_context_field("storeCtx { currency }"), None);
        assert_eq!(parse_context_field("$ctx"), None);
    }
}
