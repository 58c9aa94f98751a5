//! Which local directive names mean which federation directive, per subgraph.
//!
//! A Federation 2 subgraph opts in with `@link(url: ".../federation/v2.x", import: [...])`.
//! Imported directives are used under their imported name (possibly renamed with
//! `{name: "@key", as: "@primaryKey"}`); the others stay reachable as `@federation__key` (or
//! `@<as>__key` when the link has `as:`). A subgraph without that link is Federation 1, where the
//! directives have their plain names.

use std::collections::HashMap;

use apollo_compiler::ast;

use super::error::{Conflict, ConflictCode};

/// The federation directives composition understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum FedDirective {
    Key,
    Shareable,
    External,
    Requires,
    Provides,
    Override,
    Inaccessible,
    Tag,
    InterfaceObject,
    Extends,
    ComposeDirective,
    Authenticated,
    RequiresScopes,
    Policy,
    Cost,
    ListSize,
    Context,
    FromContext,
}

impl FedDirective {
    const ALL: [FedDirective; 18] = [
        FedDirective::Key,
        FedDirective::Shareable,
        FedDirective::External,
        FedDirective::Requires,
        FedDirective::Provides,
        FedDirective::Override,
        FedDirective::Inaccessible,
        FedDirective::Tag,
        FedDirective::InterfaceObject,
        FedDirective::Extends,
        FedDirective::ComposeDirective,
        FedDirective::Authenticated,
        FedDirective::RequiresScopes,
        FedDirective::Policy,
        FedDirective::Cost,
        FedDirective::ListSize,
        FedDirective::Context,
        FedDirective::FromContext,
    ];

    /// The spec name, without `@`.
    pub(super) fn spec_name(self) -> &'static str {
        match self {
            FedDirective::Key => "key",
            FedDirective::Shareable => "shareable",
            FedDirective::External => "external",
            FedDirective::Requires => "requires",
            FedDirective::Provides => "provides",
            FedDirective::Override => "override",
            FedDirective::Inaccessible => "inaccessible",
            FedDirective::Tag => "tag",
            FedDirective::InterfaceObject => "interfaceObject",
            FedDirective::Extends => "extends",
            FedDirective::ComposeDirective => "composeDirective",
            FedDirective::Authenticated => "authenticated",
            FedDirective::RequiresScopes => "requiresScopes",
            FedDirective::Policy => "policy",
            FedDirective::Cost => "cost",
            FedDirective::ListSize => "listSize",
            FedDirective::Context => "context",
            FedDirective::FromContext => "fromContext",
        }
    }

    fn from_spec_name(name: &str) -> Option<FedDirective> {
        FedDirective::ALL
            .into_iter()
            .find(|d| d.spec_name() == name)
    }

    /// Directives that Tessera recognises under their plain name even when a Federation 2
    /// subgraph does not import them, provided the subgraph defines them itself: async-graphql
    /// 7.2 prints a fixed import list without these, so our subgraphs apply them as custom
    /// directives (see FEDERATION.md §6).
    fn recognised_when_defined_locally(self) -> bool {
        matches!(
            self,
            FedDirective::Authenticated
                | FedDirective::RequiresScopes
                | FedDirective::Policy
                | FedDirective::Cost
                | FedDirective::ListSize
                | FedDirective::Context
                | FedDirective::FromContext
        )
    }
}

/// Names of federation types a subgraph may import or define; they are plumbing, not merged.
const FEDERATION_TYPES: [&str; 4] = ["FieldSet", "Scope", "Policy", "ContextFieldValue"];

/// The result of reading a subgraph's `@link`s.
#[derive(Debug, Default)]
pub(super) struct Links {
    /// Local directive name → federation directive.
    directives: HashMap<String, FedDirective>,
    /// Local type names that are federation plumbing (`FieldSet`, `federation__Scope`, ...).
    plumbing_types: Vec<String>,
    /// The subgraph opted into Federation 2.
    pub(super) fed2: bool,
}

impl Links {
    pub(super) fn directive(&self, local_name: &str) -> Option<FedDirective> {
        self.directives.get(local_name).copied()
    }

    pub(super) fn is_plumbing_type(&self, name: &str) -> bool {
        self.plumbing_types.iter().any(|t| t == name)
            || name.starts_with("link__")
            || name.starts_with("federation__")
            || matches!(
                name,
                "_Any" | "_Entity" | "_Service" | "_FieldSet" | "FieldSet"
            )
    }
}

/// Reads the `@link` applications of a subgraph's schema definitions and extensions.
pub(super) fn resolve(doc: &ast::Document, subgraph: &str, conflicts: &mut Vec<Conflict>) -> Links {
    let mut links = Links::default();
    let locally_defined: Vec<&str> = doc
        .definitions
        .iter()
        .filter_map(|d| match d {
            ast::Definition::DirectiveDefinition(def) => Some(def.name.as_str()),
            _ => None,
        })
        .collect();

    let schema_directives = doc.definitions.iter().flat_map(|d| match d {
        ast::Definition::SchemaDefinition(s) => s.directives.0.iter(),
        ast::Definition::SchemaExtension(s) => s.directives.0.iter(),
        _ => [].iter(),
    });

    let mut federation_link = None;
    for directive in schema_directives.clone() {
        if directive.name != "link" {
            continue;
        }
        let Some(url) = string_arg(directive, "url") else {
            conflicts.push(Conflict::new(
                ConflictCode::InvalidLinkDirectiveUsage,
                format!("[{subgraph}] @link is missing its url argument"),
            ));
            continue;
        };
        if let Some(version) = url.strip_prefix("https://specs.apollo.dev/federation/v") {
            federation_link = Some((directive, version.to_owned()));
        }
    }

    let Some((link, version)) = federation_link else {
        // Federation 1: plain names, no @shareable (everything is shareable there).
        for d in [
            FedDirective::Key,
            FedDirective::External,
            FedDirective::Requires,
            FedDirective::Provides,
            FedDirective::Extends,
            FedDirective::Tag,
            FedDirective::Inaccessible,
        ] {
            links.directives.insert(d.spec_name().to_owned(), d);
        }
        links.plumbing_types.push("_FieldSet".to_owned());
        return links;
    };

    links.fed2 = version
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok())
        >= Some(2);
    let prefix = string_arg(link, "as")
        .unwrap_or("federation")
        .trim_start_matches('@')
        .to_owned();
    for d in FedDirective::ALL {
        links
            .directives
            .insert(format!("{prefix}__{}", d.spec_name()), d);
    }
    for t in FEDERATION_TYPES {
        links.plumbing_types.push(format!("{prefix}__{t}"));
    }

    if let Some(imports) = link.specified_argument_by_name("import") {
        let ast::Value::List(items) = imports.as_ref() else {
            conflicts.push(Conflict::new(
                ConflictCode::InvalidLinkDirectiveUsage,
                format!("[{subgraph}] the import argument of the federation @link must be a list"),
            ));
            return links;
        };
        for item in items {
            let (name, alias) = match item.as_ref() {
                ast::Value::String(name) => (name.as_str(), name.as_str()),
                ast::Value::Object(fields) => {
                    let get = |key: &str| {
                        fields
                            .iter()
                            .find(|(k, _)| k == key)
                            .and_then(|(_, v)| v.as_str())
                    };
                    match get("name") {
                        Some(name) => (name, get("as").unwrap_or(name)),
                        None => {
                            conflicts.push(Conflict::new(
                                ConflictCode::InvalidLinkDirectiveUsage,
                                format!("[{subgraph}] a federation import object needs a name"),
                            ));
                            continue;
                        }
                    }
                }
                _ => {
                    conflicts.push(Conflict::new(
                        ConflictCode::InvalidLinkDirectiveUsage,
                        format!("[{subgraph}] invalid federation import {item}"),
                    ));
                    continue;
                }
            };
            if let Some(directive_name) = name.strip_prefix('@') {
                let Some(d) = FedDirective::from_spec_name(directive_name) else {
                    conflicts.push(Conflict::new(
                        ConflictCode::InvalidLinkDirectiveUsage,
                        format!(
                            "[{subgraph}] cannot import unknown federation directive \"{name}\""
                        ),
                    ));
                    continue;
                };
                if !alias.starts_with('@') {
                    conflicts.push(Conflict::new(
                        ConflictCode::InvalidLinkDirectiveUsage,
                        format!(
                            "[{subgraph}] invalid alias \"{alias}\" for import \"{name}\": should start with \"@\""
                        ),
                    ));
                    continue;
                }
                links
                    .directives
                    .insert(alias.trim_start_matches('@').to_owned(), d);
            } else if FEDERATION_TYPES.contains(&name) {
                links.plumbing_types.push(alias.to_owned());
            } else {
                conflicts.push(Conflict::new(
                    ConflictCode::InvalidLinkDirectiveUsage,
                    format!("[{subgraph}] cannot import unknown federation element \"{name}\""),
                ));
            }
        }
    }

    for d in FedDirective::ALL {
        let plain = d.spec_name();
        if d.recognised_when_defined_locally()
            && !links.directives.contains_key(plain)
            && locally_defined.contains(&plain)
        {
            links.directives.insert(plain.to_owned(), d);
        }
    }
    links
}

/// A string argument of a directive application.
pub(super) fn string_arg<'a>(directive: &'a ast::Directive, name: &str) -> Option<&'a str> {
    directive
        .specified_argument_by_name(name)
        .and_then(|v| v.as_str())
}
