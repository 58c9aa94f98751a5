//! The authorization requirements of the supergraph: `@authenticated`,
//! `@requiresScopes(scopes:)` and `@policy(policies:)` on types and fields.
//!
//! Composition keeps them as applications of the linked specs
//! (`@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)`), and the API
//! schema drops them, so they are read here from the full supergraph, by the local names the
//! `@link`s give them (`as:` and `import:` renames included). The gateway enforces them before
//! planning (`crate::auth::authorize`).

use std::collections::HashMap;

use apollo_compiler::ast::{DirectiveList, Value};
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::{Name, Schema};

use super::link::Links;

const AUTHENTICATED: &str = "https://specs.apollo.dev/authenticated";
const REQUIRES_SCOPES: &str = "https://specs.apollo.dev/requiresScopes";
const POLICY: &str = "https://specs.apollo.dev/policy";

/// What one type or field requires of the caller. Every part must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    /// `@authenticated`: a verified token.
    pub authenticated: bool,
    /// `@requiresScopes`, one entry per application: each is a disjunction of conjunctions
    /// (`[["a", "b"], ["c"]]` is "a and b, or c").
    pub scopes: Vec<Vec<Vec<String>>>,
    /// `@policy`, one entry per application, shaped like `scopes`, over policy names.
    pub policies: Vec<Vec<Vec<String>>>,
}

impl Requirement {
    fn is_empty(&self) -> bool {
        !self.authenticated && self.scopes.is_empty() && self.policies.is_empty()
    }
}

/// Requirements by type and by field coordinate.
#[derive(Debug, Clone, Default)]
pub struct Security {
    types: HashMap<Name, Requirement>,
    /// Type → field → requirement.
    fields: HashMap<Name, HashMap<Name, Requirement>>,
}

impl Security {
    /// Whether nothing is protected (then enforcement is skipped entirely).
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.fields.is_empty()
    }

    /// Every policy name `@policy` uses, so unknown ones can be reported once at load.
    pub fn policy_names(&self) -> std::collections::BTreeSet<&str> {
        self.types
            .values()
            .chain(self.fields.values().flat_map(HashMap::values))
            .flat_map(|r| r.policies.iter().flatten().flatten())
            .map(String::as_str)
            .collect()
    }

    /// The requirement of a type, if any.
    pub fn of_type(&self, ty: &str) -> Option<&Requirement> {
        self.types.get(ty)
    }

    /// The requirement of field `ty.field`, if any.
    pub fn of_field(&self, ty: &str, field: &str) -> Option<&Requirement> {
        self.fields.get(ty)?.get(field)
    }

    /// Reads the requirements of `schema`, by the local names `links` give the specs.
    pub(crate) fn read(schema: &Schema, links: &Links) -> Self {
        let names = Names {
            authenticated: links
                .spec(AUTHENTICATED)
                .map(|s| s.directive_name("authenticated")),
            requires_scopes: links
                .spec(REQUIRES_SCOPES)
                .map(|s| s.directive_name("requiresScopes")),
            policy: links.spec(POLICY).map(|s| s.directive_name("policy")),
        };
        let mut security = Security::default();
        if names.authenticated.is_none()
            && names.requires_scopes.is_none()
            && names.policy.is_none()
        {
            return security;
        }
        for (type_name, ty) in &schema.types {
            let requirement = names.requirement(ty.directives().iter().map(|d| &***d));
            if !requirement.is_empty() {
                security.types.insert(type_name.clone(), requirement);
            }
            let fields: Vec<(&Name, &DirectiveList)> = match ty {
                ExtendedType::Object(o) => {
                    o.fields.iter().map(|(n, f)| (n, &f.directives)).collect()
                }
                ExtendedType::Interface(i) => {
                    i.fields.iter().map(|(n, f)| (n, &f.directives)).collect()
                }
                _ => Vec::new(),
            };
            for (field_name, directives) in fields {
                let requirement = names.requirement(directives.iter().map(|d| &**d));
                if !requirement.is_empty() {
                    security
                        .fields
                        .entry(type_name.clone())
                        .or_default()
                        .insert(field_name.clone(), requirement);
                }
            }
        }
        security
    }
}

/// Local names of the three directives, when their spec is linked.
struct Names {
    authenticated: Option<String>,
    requires_scopes: Option<String>,
    policy: Option<String>,
}

impl Names {
    fn requirement<'a>(
        &self,
        directives: impl Iterator<Item = &'a apollo_compiler::ast::Directive>,
    ) -> Requirement {
        let mut requirement = Requirement::default();
        for directive in directives {
            let name = directive.name.as_str();
            if self.authenticated.as_deref() == Some(name) {
                requirement.authenticated = true;
            } else if self.requires_scopes.as_deref() == Some(name) {
                requirement.scopes.push(string_list_list(
                    directive.specified_argument_by_name("scopes"),
                ));
            } else if self.policy.as_deref() == Some(name) {
                requirement.policies.push(string_list_list(
                    directive.specified_argument_by_name("policies"),
                ));
            }
        }
        requirement
    }
}

/// `[["a", "b"], ["c"]]`. Anything else reads as an empty disjunction, which nobody satisfies:
/// a malformed requirement must fail closed.
fn string_list_list(value: Option<&apollo_compiler::Node<Value>>) -> Vec<Vec<String>> {
    let Some(Value::List(outer)) = value.map(|v| &**v) else {
        return Vec::new();
    };
    outer
        .iter()
        .map(|inner| match &**inner {
            Value::List(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            // A single string where a list is expected (input coercion of `[[S]]`).
            Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        })
        .collect()
}
