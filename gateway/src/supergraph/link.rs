//! Resolving `@link` (and Federation 1 `@core`) applications to the local names of each spec's
//! directives and types.
//!
//! A supergraph may rename a spec (`@link(url: ".../join/v0.3", as: "j")` makes `@j__type`) or
//! import single elements (`import: ["@type"]` or `{name: "@type", as: "@jt"}`), so the gateway
//! never hard-codes `join__type`: it asks the [`LinkedSpec`] for the local name.

use apollo_compiler::Schema;
use apollo_compiler::ast::Value;

use super::error::SupergraphError;

const LINK_IDENTITY: &str = "https://specs.apollo.dev/link";
const CORE_IDENTITY: &str = "https://specs.apollo.dev/core";
/// Specs under this prefix describe the supergraph format itself; their definitions and
/// applications are removed from the API schema.
pub(crate) const APOLLO_SPECS: &str = "https://specs.apollo.dev/";

/// One spec linked from the schema definition.
#[derive(Debug, Clone)]
pub(crate) struct LinkedSpec {
    /// `https://specs.apollo.dev/join`.
    pub identity: String,
    /// `join`: the spec's name, the last segment of the identity.
    pub name: String,
    pub major: u32,
    pub minor: u32,
    /// Prefix of the spec's elements (`join` → `join__type`); `as:` changes it.
    pub namespace: String,
    /// Imported elements: (`@type` or `Graph` as named by the spec, local name).
    pub imports: Vec<(String, String)>,
}

impl LinkedSpec {
    /// The local name of the spec's directive `element` (`"type"` → `join__type`).
    pub fn directive_name(&self, element: &str) -> String {
        let spec_name = format!("@{element}");
        if let Some((_, local)) = self.imports.iter().find(|(name, _)| *name == spec_name) {
            return local.trim_start_matches('@').to_owned();
        }
        if element == self.name {
            return self.namespace.clone();
        }
        format!("{}__{element}", self.namespace)
    }

    /// The local name of the spec's type `element` (`"Graph"` → `join__Graph`).
    pub fn type_name(&self, element: &str) -> String {
        if let Some((_, local)) = self.imports.iter().find(|(name, _)| name == element) {
            return local.clone();
        }
        format!("{}__{element}", self.namespace)
    }

    /// Whether a directive of this local name belongs to the spec.
    pub fn owns_directive(&self, local: &str) -> bool {
        local == self.namespace
            || local
                .strip_prefix(&self.namespace)
                .is_some_and(|rest| rest.starts_with("__"))
            || self
                .imports
                .iter()
                .any(|(name, l)| name.starts_with('@') && l.trim_start_matches('@') == local)
    }

    /// Whether a type of this local name belongs to the spec.
    pub fn owns_type(&self, local: &str) -> bool {
        local
            .strip_prefix(&self.namespace)
            .is_some_and(|rest| rest.starts_with("__"))
            || self
                .imports
                .iter()
                .any(|(name, l)| !name.starts_with('@') && l == local)
    }

    /// Whether the spec is part of the supergraph format (removed from the API schema).
    pub fn is_apollo_spec(&self) -> bool {
        self.identity.starts_with(APOLLO_SPECS)
    }
}

/// Every spec linked from the schema definition, the link (or core) spec itself included.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    pub specs: Vec<LinkedSpec>,
}

impl Links {
    /// Reads the `@link`/`@core` applications of the schema definition.
    pub fn resolve(schema: &Schema) -> Result<Self, SupergraphError> {
        let directives = &schema.schema_definition.directives;
        // Bootstrap: the link spec links itself, possibly under another name.
        let mut bootstrap: Option<(String, &'static str)> = None;
        for directive in directives.iter() {
            for (argument, identity) in [("url", LINK_IDENTITY), ("feature", CORE_IDENTITY)] {
                let Some(url) = directive
                    .specified_argument_by_name(argument)
                    .and_then(|v| v.as_str())
                else {
                    continue;
                };
                if !url.starts_with(identity) {
                    continue;
                }
                let expected = string_argument(directive, "as")
                    .unwrap_or_else(|| identity.rsplit('/').next().unwrap_or("").to_owned());
                if directive.name.as_str() == expected {
                    bootstrap = Some((expected, argument));
                }
            }
        }
        let Some((link_name, url_argument)) = bootstrap else {
            return Err(SupergraphError::MissingJoinLink);
        };
        let mut specs = Vec::new();
        for directive in directives.get_all(&link_name) {
            let Some(url) = string_argument(directive, url_argument) else {
                return Err(SupergraphError::InvalidDirective {
                    context: format!("`@{link_name}` on the schema definition"),
                    message: format!("missing `{url_argument}` argument"),
                });
            };
            let (identity, version) = url
                .rsplit_once('/')
                .ok_or_else(|| SupergraphError::InvalidLinkUrl(url.clone()))?;
            let (major, minor) = parse_version(version)
                .ok_or_else(|| SupergraphError::InvalidLinkUrl(url.clone()))?;
            let name = identity.rsplit('/').next().unwrap_or_default().to_owned();
            if name.is_empty() {
                return Err(SupergraphError::InvalidLinkUrl(url));
            }
            let namespace = string_argument(directive, "as").unwrap_or_else(|| name.clone());
            let mut imports = Vec::new();
            if let Some(list) = directive
                .specified_argument_by_name("import")
                .and_then(|v| v.as_list())
            {
                for item in list {
                    match item.as_ref() {
                        Value::String(s) => imports.push((s.clone(), s.clone())),
                        Value::Object(fields) => {
                            let get = |key: &str| {
                                fields
                                    .iter()
                                    .find(|(k, _)| k == key)
                                    .and_then(|(_, v)| v.as_str())
                                    .map(str::to_owned)
                            };
                            let Some(original) = get("name") else {
                                return Err(SupergraphError::InvalidDirective {
                                    context: format!("`@{link_name}(url: \"{url}\")` import"),
                                    message: "an import object needs a `name`".into(),
                                });
                            };
                            let local = get("as").unwrap_or_else(|| original.clone());
                            imports.push((original, local));
                        }
                        _ => {
                            return Err(SupergraphError::InvalidDirective {
                                context: format!("`@{link_name}(url: \"{url}\")` import"),
                                message: "imports are strings or `{name, as}` objects".into(),
                            });
                        }
                    }
                }
            }
            specs.push(LinkedSpec {
                identity: identity.to_owned(),
                name,
                major,
                minor,
                namespace,
                imports,
            });
        }
        Ok(Self { specs })
    }

    /// The spec with this identity (`https://specs.apollo.dev/join`), if linked.
    pub fn spec(&self, identity: &str) -> Option<&LinkedSpec> {
        self.specs.iter().find(|s| s.identity == identity)
    }

    /// Whether a directive definition or application of this name belongs to a format spec.
    pub fn is_format_directive(&self, name: &str) -> bool {
        self.specs
            .iter()
            .any(|s| s.is_apollo_spec() && s.owns_directive(name))
    }

    /// Whether a type definition of this name belongs to a format spec.
    pub fn is_format_type(&self, name: &str) -> bool {
        self.specs
            .iter()
            .any(|s| s.is_apollo_spec() && s.owns_type(name))
    }
}

fn string_argument(directive: &apollo_compiler::ast::Directive, name: &str) -> Option<String> {
    directive
        .specified_argument_by_name(name)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// `v0.3` → `(0, 3)`.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.strip_prefix('v')?.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(namespace: &str, imports: &[(&str, &str)]) -> LinkedSpec {
        LinkedSpec {
            identity: "https://specs.apollo.dev/join".into(),
            name: "join".into(),
            major: 0,
            minor: 3,
            namespace: namespace.into(),
            imports: imports
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn local_names_follow_as_and_import() {
        let plain = spec("join", &[]);
        assert_eq!(plain.directive_name("type"), "join__type");
        assert_eq!(plain.type_name("Graph"), "join__Graph");
        assert!(plain.owns_directive("join__field"));
        assert!(!plain.owns_directive("joinery"));
        let renamed = spec("j", &[("@field", "@jf"), ("Graph", "G")]);
        assert_eq!(renamed.directive_name("type"), "j__type");
        assert_eq!(renamed.directive_name("field"), "jf");
        assert_eq!(renamed.type_name("Graph"), "G");
        assert!(renamed.owns_directive("jf"));
        assert!(renamed.owns_type("G"));
        assert_eq!(parse_version("v0.5"), Some((0, 5)));
        assert_eq!(parse_version("0.5"), None);
    }
}
