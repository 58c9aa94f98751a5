//! One request for every `@fromContext` batch of an entity fetch.
//!
//! Objects under different enclosing contexts need different values for the same contextual
//! argument, and an `_entities` selection takes one value per variable. Instead of one
//! request per distinct value, the fetch's operation is rewritten to repeat the `_entities`
//! field once per batch under an alias (`_e0`, `_e1`, ...), each with its own representations
//! and context variables (`$representations_0`, `$contextualArgument_1_0_0`, ...), and the
//! answer is split back into one `_entities` response per batch.

use apollo_compiler::Node;
use apollo_compiler::ast::{Definition, Document, Selection, Value as AstValue};
use serde_json::{Map, Value};

use crate::transport::{SubgraphError, SubgraphResponse};

/// The alias of batch `index`'s `_entities` field.
pub(crate) fn alias(index: usize) -> String {
    format!("_e{index}")
}

/// The name variable `name` takes in batch `index`.
pub(crate) fn variable(name: &str, index: usize) -> String {
    format!("{name}_{index}")
}

/// Rewrites the `_entities` operation `operation` to serve `batches` batches; the variables
/// in `per_batch` (representations and context values) get one copy per batch.
pub(crate) fn rewrite(operation: &str, per_batch: &[&str], batches: usize) -> Option<String> {
    let mut document = Document::parse(operation, "fetch.graphql").ok()?;
    let Some(Definition::OperationDefinition(definition)) = document.definitions.first_mut() else {
        return None;
    };
    let definition = definition.make_mut();
    let mut variables = Vec::new();
    for declared in &definition.variables {
        if per_batch.contains(&declared.name.as_str()) {
            for index in 0..batches {
                let mut copy = (**declared).clone();
                copy.name = apollo_compiler::Name::new(&variable(&declared.name, index)).ok()?;
                variables.push(Node::new(copy));
            }
        } else {
            variables.push(declared.clone());
        }
    }
    definition.variables = variables;
    let mut selections = Vec::new();
    for selection in &definition.selection_set {
        let Selection::Field(field) = selection else {
            return None;
        };
        for index in 0..batches {
            let mut copy = (**field).clone();
            copy.alias = Some(apollo_compiler::Name::new(&alias(index)).ok()?);
            let mut copy = Selection::Field(Node::new(copy));
            rename_in_selection(&mut copy, per_batch, index);
            selections.push(copy);
        }
    }
    definition.selection_set = selections;
    Some(document.to_string())
}

fn rename_in_selection(selection: &mut Selection, names: &[&str], index: usize) {
    match selection {
        Selection::Field(field) => {
            let field = field.make_mut();
            for argument in &mut field.arguments {
                rename_in_value(argument.make_mut().value.make_mut(), names, index);
            }
            for directive in field.directives.iter_mut() {
                for argument in &mut directive.make_mut().arguments {
                    rename_in_value(argument.make_mut().value.make_mut(), names, index);
                }
            }
            for child in &mut field.selection_set {
                rename_in_selection(child, names, index);
            }
        }
        Selection::InlineFragment(fragment) => {
            let fragment = fragment.make_mut();
            for directive in fragment.directives.iter_mut() {
                for argument in &mut directive.make_mut().arguments {
                    rename_in_value(argument.make_mut().value.make_mut(), names, index);
                }
            }
            for child in &mut fragment.selection_set {
                rename_in_selection(child, names, index);
            }
        }
        Selection::FragmentSpread(_) => {}
    }
}

fn rename_in_value(value: &mut AstValue, names: &[&str], index: usize) {
    match value {
        AstValue::Variable(name) if names.contains(&name.as_str()) => {
            if let Ok(renamed) = apollo_compiler::Name::new(&variable(name, index)) {
                *name = renamed;
            }
        }
        AstValue::List(items) => {
            for item in items {
                rename_in_value(item.make_mut(), names, index);
            }
        }
        AstValue::Object(fields) => {
            for (_, item) in fields {
                rename_in_value(item.make_mut(), names, index);
            }
        }
        _ => {}
    }
}

/// Splits the answer to a rewritten operation into one `_entities` response per batch.
/// Errors are given to the batch their path names (and re-pathed under `_entities`); errors
/// without a batch go to the first batch, so each is reported once.
pub(crate) fn split(response: SubgraphResponse, batches: usize) -> Vec<SubgraphResponse> {
    let mut data = match response.data {
        Some(Value::Object(data)) => Some(data),
        _ => None,
    };
    let mut out: Vec<SubgraphResponse> = (0..batches)
        .map(|index| SubgraphResponse {
            data: data.as_mut().map(|d| {
                let mut one = Map::new();
                one.insert(
                    "_entities".into(),
                    d.remove(&alias(index)).unwrap_or(Value::Null),
                );
                Value::Object(one)
            }),
            errors: Vec::new(),
        })
        .collect();
    for error in response.errors {
        let batch = error
            .path
            .as_ref()
            .and_then(|p| p.first())
            .and_then(Value::as_str)
            .and_then(|first| (0..batches).find(|&i| first == alias(i)));
        match batch {
            Some(index) => {
                let mut error: SubgraphError = error;
                if let Some(first) = error.path.as_mut().and_then(|p| p.first_mut()) {
                    *first = Value::String("_entities".into());
                }
                out[index].errors.push(error);
            }
            None => {
                if let Some(first) = out.first_mut() {
                    first.errors.push(error);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn entities_field_is_repeated_per_batch_with_its_own_variables() {
        let operation = "query($representations:[_Any!]!,$contextualArgument_0_0:String,$v:Int){_entities(representations:$representations){...on Product{price(currency:$contextualArgument_0_0,x:$v)}}}";
        let rewritten = rewrite(operation, &["representations", "contextualArgument_0_0"], 2)
            .expect("rewrites");
        let reparsed = Document::parse(&rewritten, "r.graphql").expect("valid");
        let text = reparsed.to_string();
        for expected in [
            "$representations_0: [_Any!]!",
            "$representations_1: [_Any!]!",
            "$contextualArgument_0_0_1: String",
            "$v: Int",
            "_e0: _entities(representations: $representations_0)",
            "_e1: _entities(representations: $representations_1)",
            "price(currency: $contextualArgument_0_0_1, x: $v)",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }

    #[test]
    fn responses_split_by_alias_with_errors_repathed() {
        let response: SubgraphResponse = serde_json::from_value(json!({
            "data": {"_e0": [{"price": 1}], "_e1": [null]},
            "errors": [
                {"message": "bad", "path": ["_e1", 0, "price"]},
                {"message": "general"}
            ]
        }))
        .expect("response");
        let parts = split(response, 2);
        assert_eq!(parts[0].data, Some(json!({"_entities": [{"price": 1}]})));
        assert_eq!(parts[1].data, Some(json!({"_entities": [null]})));
        assert_eq!(parts[0].errors.len(), 1);
        assert_eq!(parts[0].errors[0].message, "general");
        assert_eq!(
            parts[1].errors[0].path,
            Some(vec![json!("_entities"), json!(0), json!("price")])
        );
    }
}
