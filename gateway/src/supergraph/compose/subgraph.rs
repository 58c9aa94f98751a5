//! One subgraph, read from its SDL into a normalised model: definitions and extensions of a
//! type folded together, federation directives resolved through the subgraph's `@link`
//! imports, plumbing (`_service`, `_entities`, `_Any`, federation and built-in directive
//! definitions) dropped, and the field sets of `@key`/`@requires`/`@provides` validated.

use std::collections::{HashMap, HashSet};

use apollo_compiler::Node;
use apollo_compiler::ast;
use indexmap::IndexMap;

use super::SubgraphSdl;
use super::error::{ComposeError, Conflict, ConflictCode};
use super::fieldset::{self, Selection};
use super::link::{self, FedDirective, Links};

/// Root operation type names in the supergraph.
pub(super) const ROOTS: [&str; 3] = ["Query", "Mutation", "Subscription"];

const BUILT_IN_SCALARS: [&str; 5] = ["Int", "Float", "String", "Boolean", "ID"];

#[derive(Debug)]
pub(super) struct Subgraph {
    pub(super) name: String,
    pub(super) url: String,
    /// The `join__Graph` enum value naming this subgraph.
    pub(super) graph: String,
    pub(super) fed2: bool,
    pub(super) types: IndexMap<String, Type>,
    /// Custom executable directives (`directive @x on FIELD`), merged when all subgraphs agree.
    pub(super) executable_directives: IndexMap<String, ExecutableDirective>,
    /// Fields that are `@external` only for show: key fields of type extensions.
    fake_external: HashSet<(String, String)>,
    /// Fields reachable through some `@provides` of this subgraph.
    provided: HashSet<(String, String)>,
    /// Fields selected by some `@key` of this subgraph (implicitly shareable).
    key_fields: HashSet<(String, String)>,
    /// Fields used by `@key`, `@requires`, `@provides`, `@fromContext` or an interface.
    used: HashSet<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Scalar,
    Object,
    Interface,
    Union,
    Enum,
    Input,
}

impl Kind {
    pub(super) fn is_composite(self) -> bool {
        matches!(self, Kind::Object | Kind::Interface | Kind::Union)
    }

    pub(super) fn describe(self) -> &'static str {
        match self {
            Kind::Scalar => "Scalar Type",
            Kind::Object => "Object Type",
            Kind::Interface => "Interface Type",
            Kind::Union => "Union Type",
            Kind::Enum => "Enum Type",
            Kind::Input => "Input Object Type",
        }
    }
}

#[derive(Debug)]
pub(super) struct Type {
    pub(super) name: String,
    pub(super) kind: Kind,
    pub(super) description: Option<String>,
    pub(super) has_definition: bool,
    pub(super) has_extension: bool,
    /// Federation 1 `@extends`.
    pub(super) extends: bool,
    pub(super) keys: Vec<Key>,
    pub(super) interface_object: bool,
    /// Merged directives kept in the supergraph (`@inaccessible`, `@tag`, auth, cost, ...).
    pub(super) directives: Vec<Applied>,
    /// `@context(name:)` names set on this type.
    pub(super) contexts: Vec<String>,
    pub(super) implements: Vec<String>,
    pub(super) fields: IndexMap<String, Field>,
    pub(super) members: Vec<String>,
    pub(super) values: IndexMap<String, EnumValue>,
    pub(super) input_fields: IndexMap<String, InputValue>,
}

#[derive(Debug)]
pub(super) struct Key {
    /// The field set as written, carried verbatim into `@join__type(key:)`.
    pub(super) fields: String,
    pub(super) resolvable: bool,
    /// Declared on a type extension (or an `@extends` type).
    pub(super) on_extension: bool,
}

#[derive(Debug)]
pub(super) struct Field {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) ty: ast::Type,
    pub(super) args: IndexMap<String, InputValue>,
    /// Has `@external` (or its type has it).
    pub(super) external_directive: bool,
    pub(super) requires: Option<String>,
    pub(super) provides: Option<String>,
    /// `@shareable` on the field or on the declaration that holds it.
    pub(super) shareable: bool,
    pub(super) override_from: Option<String>,
    pub(super) override_label: Option<String>,
    pub(super) directives: Vec<Applied>,
}

#[derive(Debug)]
pub(super) struct InputValue {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) ty: ast::Type,
    pub(super) default: Option<Node<ast::Value>>,
    pub(super) directives: Vec<Applied>,
    /// `@fromContext(field:)`, for arguments.
    pub(super) from_context: Option<String>,
}

#[derive(Debug)]
pub(super) struct EnumValue {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) directives: Vec<Applied>,
}

#[derive(Debug)]
pub(super) struct ExecutableDirective {
    pub(super) description: Option<String>,
    pub(super) args: IndexMap<String, InputValue>,
    pub(super) repeatable: bool,
    /// Executable locations only, sorted.
    pub(super) locations: Vec<&'static str>,
}

const EXECUTABLE_LOCATIONS: [&str; 8] = [
    "QUERY",
    "MUTATION",
    "SUBSCRIPTION",
    "FIELD",
    "FRAGMENT_DEFINITION",
    "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT",
    "VARIABLE_DEFINITION",
];

const BUILT_IN_DIRECTIVES: [&str; 7] = [
    "skip",
    "include",
    "deprecated",
    "specifiedBy",
    "oneOf",
    "defer",
    "stream",
];

/// A directive application kept in the supergraph, under its supergraph name.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Applied {
    pub(super) name: String,
    pub(super) args: Vec<(String, Node<ast::Value>)>,
}

impl Applied {
    pub(super) fn bare(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            args: Vec::new(),
        }
    }

    pub(super) fn arg(&self, name: &str) -> Option<&Node<ast::Value>> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Same name and same arguments, regardless of argument order.
    pub(super) fn same_as(&self, other: &Applied) -> bool {
        self.name == other.name
            && self.args.len() == other.args.len()
            && self
                .args
                .iter()
                .all(|(n, v)| other.arg(n).is_some_and(|o| o == v))
    }
}

pub(super) fn has(directives: &[Applied], name: &str) -> bool {
    directives.iter().any(|d| d.name == name)
}

impl Subgraph {
    pub(super) fn type_kind(&self, name: &str) -> Option<Kind> {
        if BUILT_IN_SCALARS.contains(&name) {
            return Some(Kind::Scalar);
        }
        self.types.get(name).map(|t| t.kind)
    }

    pub(super) fn field(&self, ty: &str, field: &str) -> Option<&Field> {
        self.types.get(ty).and_then(|t| t.fields.get(field))
    }

    fn coordinate(ty: &str, field: &str) -> (String, String) {
        (ty.to_owned(), field.to_owned())
    }

    /// `@external` and not a key field of an extension (those resolve locally, for historical
    /// reasons).
    pub(super) fn is_external(&self, ty: &str, field: &str) -> bool {
        self.field(ty, field).is_some_and(|f| f.external_directive)
            && !self.fake_external.contains(&Self::coordinate(ty, field))
    }

    /// External and not brought back by a `@provides`.
    pub(super) fn is_fully_external(&self, ty: &str, field: &str) -> bool {
        self.is_external(ty, field) && !self.provided.contains(&Self::coordinate(ty, field))
    }

    pub(super) fn is_shareable(&self, ty: &str, field: &str) -> bool {
        if !self.fed2 {
            // Federation 1 had no @shareable: every field could be resolved anywhere.
            return true;
        }
        let c = Self::coordinate(ty, field);
        self.field(ty, field).is_some_and(|f| f.shareable)
            || self.key_fields.contains(&c)
            || (self.provided.contains(&c) && self.is_external(ty, field))
    }

    /// Reachable through some `@provides` of this subgraph.
    pub(super) fn is_provided(&self, ty: &str, field: &str) -> bool {
        self.provided.contains(&Self::coordinate(ty, field))
    }

    pub(super) fn is_used(&self, ty: &str, field: &str) -> bool {
        self.used.contains(&Self::coordinate(ty, field))
    }

    /// Object types implementing `interface` in this subgraph.
    pub(super) fn implementations<'a>(
        &'a self,
        interface: &'a str,
    ) -> impl Iterator<Item = &'a Type> {
        self.types
            .values()
            .filter(move |t| t.implements.iter().any(|i| i == interface))
    }
}

/// The `join__Graph` value for each subgraph name: upper-cased, non-alphanumerics replaced,
/// made unique, as Apollo does.
pub(super) fn graph_enum_values(names: &[&str]) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    names
        .iter()
        .map(|name| {
            let mut base: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            if base.starts_with(|c: char| c.is_ascii_digit()) {
                base.insert(0, '_');
            }
            let mut candidate = base.clone();
            let mut n = 1;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{base}_{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

/// Parses one subgraph; syntax errors abort, federation misuse is collected in `conflicts`.
pub(super) fn parse(
    sdl: &SubgraphSdl,
    graph: String,
    conflicts: &mut Vec<Conflict>,
) -> Result<Subgraph, ComposeError> {
    let doc =
        ast::Document::parse(sdl.sdl.as_str(), format!("{}.graphql", sdl.name)).map_err(|e| {
            ComposeError::Syntax {
                subgraph: sdl.name.clone(),
                message: e.errors.to_string(),
            }
        })?;
    let links = link::resolve(&doc, &sdl.name, conflicts);
    let mut reader = Reader {
        subgraph: &sdl.name,
        links: &links,
        renames: root_renames(&doc),
        types: IndexMap::new(),
        executable_directives: IndexMap::new(),
        conflicts,
    };
    reader.read(&doc);
    let executable_directives = reader.executable_directives;
    let mut types = reader.types;
    if !types.contains_key("Query") {
        // Every subgraph has a query root, if only for `_service` and `_entities`.
        types.insert("Query".to_owned(), Type::new("Query", Kind::Object));
    }
    let mut subgraph = Subgraph {
        name: sdl.name.clone(),
        url: sdl.url.clone(),
        graph,
        fed2: links.fed2,
        types,
        executable_directives,
        fake_external: HashSet::new(),
        provided: HashSet::new(),
        key_fields: HashSet::new(),
        used: HashSet::new(),
    };
    analyse(&mut subgraph, conflicts);
    Ok(subgraph)
}

/// Local root type names that must be renamed to the standard ones in the supergraph.
fn root_renames(doc: &ast::Document) -> HashMap<String, String> {
    let mut renames = HashMap::new();
    for definition in &doc.definitions {
        let roots = match definition {
            ast::Definition::SchemaDefinition(s) => &s.root_operations,
            ast::Definition::SchemaExtension(s) => &s.root_operations,
            _ => continue,
        };
        for root in roots {
            let (operation, name) = root.as_ref();
            let standard = match operation {
                ast::OperationType::Query => "Query",
                ast::OperationType::Mutation => "Mutation",
                ast::OperationType::Subscription => "Subscription",
            };
            if name.as_str() != standard {
                renames.insert(name.to_string(), standard.to_owned());
            }
        }
    }
    renames
}

impl Type {
    fn new(name: &str, kind: Kind) -> Self {
        Type {
            name: name.to_owned(),
            kind,
            description: None,
            has_definition: false,
            has_extension: false,
            extends: false,
            keys: Vec::new(),
            interface_object: false,
            directives: Vec::new(),
            contexts: Vec::new(),
            implements: Vec::new(),
            fields: IndexMap::new(),
            members: Vec::new(),
            values: IndexMap::new(),
            input_fields: IndexMap::new(),
        }
    }
}

/// One declaration (definition or extension) of a type, in a uniform shape.
struct Declaration<'a> {
    name: &'a str,
    kind: Kind,
    extension: bool,
    description: Option<&'a Node<str>>,
    directives: &'a ast::DirectiveList,
    implements: &'a [apollo_compiler::Name],
    fields: &'a [Node<ast::FieldDefinition>],
    members: &'a [apollo_compiler::Name],
    values: &'a [Node<ast::EnumValueDefinition>],
    input_fields: &'a [Node<ast::InputValueDefinition>],
}

impl<'a> Declaration<'a> {
    fn of(definition: &'a ast::Definition) -> Option<Self> {
        use ast::Definition as D;
        let empty = Declaration {
            name: "",
            kind: Kind::Scalar,
            extension: false,
            description: None,
            directives: EMPTY_DIRECTIVES.get_or_init(ast::DirectiveList::default),
            implements: &[],
            fields: &[],
            members: &[],
            values: &[],
            input_fields: &[],
        };
        Some(match definition {
            D::ScalarTypeDefinition(d) => Declaration {
                name: &d.name,
                description: d.description.as_ref(),
                directives: &d.directives,
                ..empty
            },
            D::ScalarTypeExtension(d) => Declaration {
                name: &d.name,
                extension: true,
                directives: &d.directives,
                ..empty
            },
            D::ObjectTypeDefinition(d) => Declaration {
                name: &d.name,
                kind: Kind::Object,
                description: d.description.as_ref(),
                directives: &d.directives,
                implements: &d.implements_interfaces,
                fields: &d.fields,
                ..empty
            },
            D::ObjectTypeExtension(d) => Declaration {
                name: &d.name,
                kind: Kind::Object,
                extension: true,
                directives: &d.directives,
                implements: &d.implements_interfaces,
                fields: &d.fields,
                ..empty
            },
            D::InterfaceTypeDefinition(d) => Declaration {
                name: &d.name,
                kind: Kind::Interface,
                description: d.description.as_ref(),
                directives: &d.directives,
                implements: &d.implements_interfaces,
                fields: &d.fields,
                ..empty
            },
            D::InterfaceTypeExtension(d) => Declaration {
                name: &d.name,
                kind: Kind::Interface,
                extension: true,
                directives: &d.directives,
                implements: &d.implements_interfaces,
                fields: &d.fields,
                ..empty
            },
            D::UnionTypeDefinition(d) => Declaration {
                name: &d.name,
                kind: Kind::Union,
                description: d.description.as_ref(),
                directives: &d.directives,
                members: &d.members,
                ..empty
            },
            D::UnionTypeExtension(d) => Declaration {
                name: &d.name,
                kind: Kind::Union,
                extension: true,
                directives: &d.directives,
                members: &d.members,
                ..empty
            },
            D::EnumTypeDefinition(d) => Declaration {
                name: &d.name,
                kind: Kind::Enum,
                description: d.description.as_ref(),
                directives: &d.directives,
                values: &d.values,
                ..empty
            },
            D::EnumTypeExtension(d) => Declaration {
                name: &d.name,
                kind: Kind::Enum,
                extension: true,
                directives: &d.directives,
                values: &d.values,
                ..empty
            },
            D::InputObjectTypeDefinition(d) => Declaration {
                name: &d.name,
                kind: Kind::Input,
                description: d.description.as_ref(),
                directives: &d.directives,
                input_fields: &d.fields,
                ..empty
            },
            D::InputObjectTypeExtension(d) => Declaration {
                name: &d.name,
                kind: Kind::Input,
                extension: true,
                directives: &d.directives,
                input_fields: &d.fields,
                ..empty
            },
            _ => return None,
        })
    }
}

static EMPTY_DIRECTIVES: std::sync::OnceLock<ast::DirectiveList> = std::sync::OnceLock::new();

struct Reader<'a> {
    subgraph: &'a str,
    links: &'a Links,
    renames: HashMap<String, String>,
    types: IndexMap<String, Type>,
    executable_directives: IndexMap<String, ExecutableDirective>,
    conflicts: &'a mut Vec<Conflict>,
}

impl Reader<'_> {
    fn conflict(&mut self, code: ConflictCode, message: String) {
        self.conflicts.push(Conflict::new(
            code,
            format!("[{}] {message}", self.subgraph),
        ));
    }

    fn rename(&self, name: &str) -> String {
        self.renames
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }

    fn rename_type(&self, ty: &ast::Type) -> ast::Type {
        let named = ty.inner_named_type();
        match self.renames.get(named.as_str()) {
            None => ty.clone(),
            Some(new) => match apollo_compiler::Name::new(new) {
                Ok(new) => replace_named(ty, new),
                Err(_) => ty.clone(),
            },
        }
    }

    fn read(&mut self, doc: &ast::Document) {
        for definition in &doc.definitions {
            match definition {
                ast::Definition::SchemaDefinition(_) | ast::Definition::SchemaExtension(_) => {
                    self.read_schema_directives(definition);
                }
                ast::Definition::DirectiveDefinition(definition) => {
                    // Federation, link, built-in and custom type-system directive definitions
                    // are not composed (Apollo composes custom ones only via
                    // @composeDirective, which is refused below); custom executable ones are.
                    self.read_directive_definition(definition);
                }
                ast::Definition::OperationDefinition(_)
                | ast::Definition::FragmentDefinition(_) => {
                    self.conflict(
                        ConflictCode::InvalidGraphql,
                        "executable definitions are not allowed in a subgraph schema".to_owned(),
                    );
                }
                other => {
                    if let Some(declaration) = Declaration::of(other) {
                        self.read_declaration(&declaration);
                    }
                }
            }
        }
    }

    fn read_directive_definition(&mut self, definition: &ast::DirectiveDefinition) {
        let name = definition.name.as_str();
        if BUILT_IN_DIRECTIVES.contains(&name)
            || self.links.directive(name).is_some()
            || name == "link"
            || name.starts_with("federation__")
            || name.starts_with("link__")
        {
            return;
        }
        let mut locations: Vec<&'static str> = definition
            .locations
            .iter()
            .map(|l| l.name())
            .filter(|l| EXECUTABLE_LOCATIONS.contains(l))
            .collect();
        if locations.is_empty() {
            return;
        }
        locations.sort_unstable();
        let args = definition
            .arguments
            .iter()
            .map(|a| (a.name.to_string(), self.input_value(a)))
            .collect();
        self.executable_directives.insert(
            name.to_owned(),
            ExecutableDirective {
                description: definition.description.as_ref().map(|d| d.to_string()),
                args,
                repeatable: definition.repeatable,
                locations,
            },
        );
    }

    fn read_schema_directives(&mut self, definition: &ast::Definition) {
        let directives = match definition {
            ast::Definition::SchemaDefinition(s) => &s.directives,
            ast::Definition::SchemaExtension(s) => &s.directives,
            _ => return,
        };
        for directive in directives.iter() {
            if self.links.directive(&directive.name) == Some(FedDirective::ComposeDirective) {
                self.conflict(
                    ConflictCode::UnsupportedFeature,
                    format!(
                        "@composeDirective is not supported by Tessera's composition ({directive})"
                    ),
                );
            }
        }
    }

    fn read_declaration(&mut self, d: &Declaration<'_>) {
        let name = self.rename(d.name);
        if name.starts_with("__")
            || BUILT_IN_SCALARS.contains(&name.as_str())
            || self.links.is_plumbing_type(&name)
        {
            return;
        }
        let mut kind = d.kind;
        let mut interface_object = false;
        let mut decl_shareable = false;
        let mut decl_external = false;
        let mut keys = Vec::new();
        let mut directives = Vec::new();
        let mut contexts = Vec::new();
        let mut extends = false;
        let location = format!("type \"{name}\"");
        for directive in d.directives.iter() {
            let fed = match self.resolve(directive, &location) {
                Resolved::Invalid => continue,
                Resolved::Federation(fed) => Some(fed),
                Resolved::Plain => None,
            };
            match fed {
                Some(FedDirective::Key) => match link::string_arg(directive, "fields") {
                    Some(fields) => keys.push(Key {
                        fields: fields.to_owned(),
                        resolvable: directive
                            .specified_argument_by_name("resolvable")
                            .and_then(|v| v.to_bool())
                            .unwrap_or(true),
                        on_extension: d.extension,
                    }),
                    None => self.conflict(
                        ConflictCode::KeyInvalidFields,
                        format!("on type \"{name}\", @key is missing its fields argument"),
                    ),
                },
                Some(FedDirective::Shareable) => decl_shareable = true,
                Some(FedDirective::External) => decl_external = true,
                Some(FedDirective::Extends) => extends = true,
                Some(FedDirective::InterfaceObject) => {
                    interface_object = true;
                    kind = Kind::Object;
                }
                Some(FedDirective::Context) => match link::string_arg(directive, "name") {
                    Some(context) => contexts.push(context.to_owned()),
                    None => self.conflict(
                        ConflictCode::InvalidGraphql,
                        format!("on type \"{name}\", @context is missing its name argument"),
                    ),
                },
                Some(other) => {
                    if let Some(applied) = self.applied(directive, Some(other)) {
                        directives.push(applied);
                    }
                }
                None => {
                    if let Some(applied) = self.applied(directive, None) {
                        directives.push(applied);
                    }
                }
            }
        }

        let fields: Vec<Field> = d
            .fields
            .iter()
            .filter(|f| !(name == "Query" && matches!(f.name.as_str(), "_service" | "_entities")))
            .map(|f| self.field(&name, f, decl_shareable, decl_external && self.links.fed2))
            .collect();
        let values: Vec<EnumValue> = d.values.iter().map(|v| self.enum_value(v)).collect();
        let input_fields: Vec<InputValue> =
            d.input_fields.iter().map(|f| self.input_value(f)).collect();
        let implements: Vec<String> = d.implements.iter().map(|i| self.rename(i)).collect();
        let members: Vec<String> = d.members.iter().map(|m| self.rename(m)).collect();

        let ty = self
            .types
            .entry(name.clone())
            .or_insert_with(|| Type::new(&name, kind));
        if ty.kind != kind {
            let message = format!(
                "type \"{name}\" is declared both as {} and as {}",
                ty.kind.describe(),
                kind.describe()
            );
            self.conflict(ConflictCode::TypeKindMismatch, message);
            return;
        }
        if d.extension {
            ty.has_extension = true;
        } else {
            ty.has_definition = true;
        }
        if ty.description.is_none() {
            ty.description = d.description.map(|s| s.to_string());
        }
        ty.extends |= extends;
        ty.interface_object |= interface_object;
        ty.keys.extend(keys);
        ty.contexts.extend(contexts);
        for applied in directives {
            if !ty.directives.iter().any(|a| a.same_as(&applied)) {
                ty.directives.push(applied);
            }
        }
        for i in implements {
            if !ty.implements.contains(&i) {
                ty.implements.push(i);
            }
        }
        for m in members {
            if !ty.members.contains(&m) {
                ty.members.push(m);
            }
        }
        let mut duplicates = Vec::new();
        for f in fields {
            if ty.fields.contains_key(&f.name) {
                duplicates.push(f.name.clone());
            } else {
                ty.fields.insert(f.name.clone(), f);
            }
        }
        for v in values {
            if ty.values.contains_key(&v.name) {
                duplicates.push(v.name.clone());
            } else {
                ty.values.insert(v.name.clone(), v);
            }
        }
        for f in input_fields {
            if ty.input_fields.contains_key(&f.name) {
                duplicates.push(f.name.clone());
            } else {
                ty.input_fields.insert(f.name.clone(), f);
            }
        }
        for duplicate in duplicates {
            self.conflict(
                ConflictCode::InvalidGraphql,
                format!("\"{name}.{duplicate}\" is defined more than once"),
            );
        }
    }

    fn field(
        &mut self,
        parent: &str,
        f: &ast::FieldDefinition,
        decl_shareable: bool,
        decl_external: bool,
    ) -> Field {
        let mut field = Field {
            name: f.name.to_string(),
            description: f.description.as_ref().map(|s| s.to_string()),
            ty: self.rename_type(&f.ty),
            args: f
                .arguments
                .iter()
                .map(|a| (a.name.to_string(), self.input_value(a)))
                .collect(),
            external_directive: decl_external,
            requires: None,
            provides: None,
            shareable: decl_shareable,
            override_from: None,
            override_label: None,
            directives: Vec::new(),
        };
        let location = format!("field \"{parent}.{}\"", f.name);
        for directive in f.directives.iter() {
            let fed = match self.resolve(directive, &location) {
                Resolved::Invalid => continue,
                Resolved::Federation(fed) => Some(fed),
                Resolved::Plain => None,
            };
            match fed {
                Some(FedDirective::External) => field.external_directive = true,
                Some(FedDirective::Shareable) => field.shareable = true,
                Some(FedDirective::Requires) => {
                    field.requires = link::string_arg(directive, "fields").map(str::to_owned);
                    if field.requires.is_none() {
                        self.conflict(
                            ConflictCode::RequiresInvalidFields,
                            format!("on field \"{parent}.{}\", @requires needs fields", f.name),
                        );
                    }
                }
                Some(FedDirective::Provides) => {
                    field.provides = link::string_arg(directive, "fields").map(str::to_owned);
                    if field.provides.is_none() {
                        self.conflict(
                            ConflictCode::ProvidesInvalidFields,
                            format!("on field \"{parent}.{}\", @provides needs fields", f.name),
                        );
                    }
                }
                Some(FedDirective::Override) => {
                    field.override_from = link::string_arg(directive, "from").map(str::to_owned);
                    field.override_label = link::string_arg(directive, "label").map(str::to_owned);
                }
                _ => {
                    if let Some(applied) = self.applied(directive, fed) {
                        field.directives.push(applied);
                    }
                }
            }
        }
        field
    }

    fn input_value(&mut self, v: &ast::InputValueDefinition) -> InputValue {
        let mut value = InputValue {
            name: v.name.to_string(),
            description: v.description.as_ref().map(|s| s.to_string()),
            ty: self.rename_type(&v.ty),
            default: v.default_value.clone(),
            directives: Vec::new(),
            from_context: None,
        };
        let location = format!("\"{}\"", v.name);
        for directive in v.directives.iter() {
            let fed = match self.resolve(directive, &location) {
                Resolved::Invalid => continue,
                Resolved::Federation(fed) => Some(fed),
                Resolved::Plain => None,
            };
            if fed == Some(FedDirective::FromContext) {
                value.from_context = link::string_arg(directive, "field").map(str::to_owned);
            } else if let Some(applied) = self.applied(directive, fed) {
                value.directives.push(applied);
            }
        }
        value
    }

    fn enum_value(&mut self, v: &ast::EnumValueDefinition) -> EnumValue {
        let location = format!("enum value \"{}\"", v.value);
        let mut directives = Vec::new();
        for directive in v.directives.iter() {
            let fed = match self.resolve(directive, &location) {
                Resolved::Invalid => continue,
                Resolved::Federation(fed) => Some(fed),
                Resolved::Plain => None,
            };
            directives.extend(self.applied(directive, fed));
        }
        EnumValue {
            name: v.value.to_string(),
            description: v.description.as_ref().map(|s| s.to_string()),
            directives,
        }
    }

    /// Resolves a directive application to a federation directive and checks its arguments
    /// against the directive's definition (reported as a conflict when they do not fit).
    fn resolve(&mut self, directive: &ast::Directive, location: &str) -> Resolved {
        let Some(fed) = self.links.directive(&directive.name) else {
            return Resolved::Plain;
        };
        match check_arguments(directive, fed) {
            Ok(()) => Resolved::Federation(fed),
            Err(problem) => {
                self.conflict(
                    ConflictCode::InvalidGraphql,
                    format!("on {location}, invalid @{}: {problem}", directive.name),
                );
                Resolved::Invalid
            }
        }
    }

    /// The supergraph form of a directive application kept by composition, if it is kept.
    fn applied(&self, directive: &ast::Directive, fed: Option<FedDirective>) -> Option<Applied> {
        let name = match fed {
            Some(
                d @ (FedDirective::Inaccessible
                | FedDirective::Tag
                | FedDirective::Authenticated
                | FedDirective::RequiresScopes
                | FedDirective::Policy
                | FedDirective::Cost
                | FedDirective::ListSize),
            ) => d.spec_name(),
            Some(_) => return None,
            None => match directive.name.as_str() {
                "deprecated" => "deprecated",
                "specifiedBy" => "specifiedBy",
                _ => return None,
            },
        };
        Some(Applied {
            name: name.to_owned(),
            args: directive
                .arguments
                .iter()
                .map(|a| (a.name.to_string(), a.value.clone()))
                .collect(),
        })
    }
}

enum Resolved {
    Plain,
    Federation(FedDirective),
    Invalid,
}

#[derive(Clone, Copy, PartialEq)]
enum ArgKind {
    String,
    Boolean,
    Int,
    StringList,
    StringListList,
}

impl ArgKind {
    fn describe(self) -> &'static str {
        match self {
            ArgKind::String => "a String",
            ArgKind::Boolean => "a Boolean",
            ArgKind::Int => "an Int",
            ArgKind::StringList => "a list of Strings",
            ArgKind::StringListList => "a list of lists of Strings",
        }
    }

    fn accepts(self, value: &ast::Value) -> bool {
        let strings = |v: &ast::Value| match v {
            ast::Value::List(items) => items.iter().all(|i| i.as_str().is_some()),
            ast::Value::String(_) => true,
            _ => false,
        };
        match self {
            ArgKind::String => value.as_str().is_some(),
            ArgKind::Boolean => value.to_bool().is_some(),
            ArgKind::Int => value.to_i32().is_some(),
            ArgKind::StringList => strings(value),
            ArgKind::StringListList => match value {
                ast::Value::List(items) => items.iter().all(|i| strings(i)),
                _ => false,
            },
        }
    }
}

/// Checks a federation directive's arguments: known names, required ones present, values of
/// the right kind. Variables are not allowed in a schema, so every value is literal.
fn check_arguments(directive: &ast::Directive, fed: FedDirective) -> Result<(), String> {
    use ArgKind as K;
    let expected: &[(&str, ArgKind, bool)] = match fed {
        FedDirective::Key => &[
            ("fields", K::String, true),
            ("resolvable", K::Boolean, false),
        ],
        FedDirective::Requires | FedDirective::Provides => &[("fields", K::String, true)],
        FedDirective::Override => &[("from", K::String, true), ("label", K::String, false)],
        FedDirective::Tag | FedDirective::Context => &[("name", K::String, true)],
        FedDirective::FromContext => &[("field", K::String, true)],
        FedDirective::External => &[("reason", K::String, false)],
        FedDirective::ComposeDirective => &[("name", K::String, true)],
        FedDirective::RequiresScopes => &[("scopes", K::StringListList, true)],
        FedDirective::Policy => &[("policies", K::StringListList, true)],
        FedDirective::Cost => &[("weight", K::Int, true)],
        FedDirective::ListSize => &[
            ("assumedSize", K::Int, false),
            ("slicingArguments", K::StringList, false),
            ("sizedFields", K::StringList, false),
            ("requireOneSlicingArgument", K::Boolean, false),
        ],
        FedDirective::Shareable
        | FedDirective::Inaccessible
        | FedDirective::InterfaceObject
        | FedDirective::Extends
        | FedDirective::Authenticated => &[],
    };
    for argument in &directive.arguments {
        let Some((_, kind, _)) = expected
            .iter()
            .find(|(n, _, _)| *n == argument.name.as_str())
        else {
            return Err(format!("unknown argument \"{}\"", argument.name));
        };
        if !kind.accepts(&argument.value) {
            return Err(format!(
                "argument \"{}\" must be {}",
                argument.name,
                kind.describe()
            ));
        }
    }
    for (name, _, required) in expected {
        if *required && directive.specified_argument_by_name(name).is_none() {
            return Err(format!("missing required argument \"{name}\""));
        }
    }
    Ok(())
}

/// `ty` with its innermost named type replaced.
pub(super) fn replace_named(ty: &ast::Type, name: apollo_compiler::Name) -> ast::Type {
    match ty {
        ast::Type::Named(_) => ast::Type::Named(name),
        ast::Type::NonNullNamed(_) => ast::Type::NonNullNamed(name),
        ast::Type::List(inner) => ast::Type::List(Box::new(replace_named(inner, name))),
        ast::Type::NonNullList(inner) => {
            ast::Type::NonNullList(Box::new(replace_named(inner, name)))
        }
    }
}

/// Which federation directive a field set belongs to, for validation and error codes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldSetUse {
    Key,
    Requires,
    Provides,
    FromContext,
}

impl FieldSetUse {
    fn directive(self) -> &'static str {
        match self {
            FieldSetUse::Key => "key",
            FieldSetUse::Requires => "requires",
            FieldSetUse::Provides => "provides",
            FieldSetUse::FromContext => "fromContext",
        }
    }

    fn invalid_code(self) -> ConflictCode {
        match self {
            FieldSetUse::Key => ConflictCode::KeyInvalidFields,
            FieldSetUse::Requires => ConflictCode::RequiresInvalidFields,
            FieldSetUse::Provides => ConflictCode::ProvidesInvalidFields,
            FieldSetUse::FromContext => ConflictCode::ContextInvalidSelection,
        }
    }
}

/// Walks a field set against the subgraph's types, recording every field it reaches in
/// `targets` and describing problems in `problems` (code, message).
struct Walk<'a> {
    subgraph: &'a Subgraph,
    usage: FieldSetUse,
    targets: Vec<(String, String)>,
    problems: Vec<(ConflictCode, String)>,
}

impl Walk<'_> {
    fn walk(&mut self, parent: &str, selections: &[Selection], external_in_parents: bool) {
        for selection in selections {
            match selection {
                Selection::Fragment {
                    type_condition,
                    children,
                } => {
                    let target = type_condition.as_deref().unwrap_or(parent);
                    if self.subgraph.types.contains_key(target) {
                        self.walk(target, children, external_in_parents);
                    } else {
                        self.problems.push((
                            self.usage.invalid_code(),
                            format!("unknown type \"{target}\" in a type condition"),
                        ));
                    }
                }
                Selection::Field {
                    name,
                    has_arguments,
                    aliased,
                    children,
                } => self.field(
                    parent,
                    name,
                    *has_arguments,
                    *aliased,
                    children,
                    external_in_parents,
                ),
            }
        }
    }

    fn field(
        &mut self,
        parent: &str,
        name: &str,
        has_arguments: bool,
        aliased: bool,
        children: &[Selection],
        external_in_parents: bool,
    ) {
        if name == "__typename" {
            return;
        }
        let Some(field) = self.subgraph.field(parent, name) else {
            let message = if self.usage == FieldSetUse::Key {
                format!(
                    "Cannot query field \"{name}\" on type \"{parent}\" (the field should either be added to this subgraph or, if it should not be resolved by this subgraph, you need to add it to this subgraph with @external)"
                )
            } else {
                format!("Cannot query field \"{name}\" on type \"{parent}\"")
            };
            self.problems.push((self.usage.invalid_code(), message));
            return;
        };
        if aliased {
            self.problems.push((
                self.usage.invalid_code(),
                format!("aliases are not allowed (on \"{name}\")"),
            ));
        }
        self.targets.push((parent.to_owned(), name.to_owned()));
        // Interface fields also reach the implementations' fields.
        if self.subgraph.type_kind(parent) == Some(Kind::Interface) {
            let implementations: Vec<String> = self
                .subgraph
                .implementations(parent)
                .map(|t| t.name.clone())
                .collect();
            for implementation in implementations {
                if self.subgraph.field(&implementation, name).is_some() {
                    self.targets.push((implementation, name.to_owned()));
                }
            }
        }
        let base = field.ty.inner_named_type().to_string();
        let base_kind = self.subgraph.type_kind(&base);
        let external = self.subgraph.is_external(parent, name);
        match self.usage {
            FieldSetUse::Key => {
                if has_arguments || !field.args.is_empty() {
                    self.problems.push((
                        ConflictCode::KeyFieldsHasArgs,
                        format!(
                            "field {parent}.{name} cannot be included because it has arguments (fields with argument are not allowed in @key)"
                        ),
                    ));
                }
                if matches!(base_kind, Some(Kind::Interface | Kind::Union)) {
                    self.problems.push((
                        ConflictCode::KeyFieldsSelectInvalidType,
                        format!(
                            "field \"{parent}.{name}\" is a {} type which is not allowed in @key",
                            if base_kind == Some(Kind::Union) {
                                "Union"
                            } else {
                                "Interface"
                            }
                        ),
                    ));
                }
            }
            FieldSetUse::Requires | FieldSetUse::Provides => {
                if children.is_empty() && !external && !external_in_parents && self.subgraph.fed2 {
                    let code = if self.usage == FieldSetUse::Requires {
                        ConflictCode::RequiresFieldsMissingExternal
                    } else {
                        ConflictCode::ProvidesFieldsMissingExternal
                    };
                    self.problems.push((
                        code,
                        format!(
                            "field \"{parent}.{name}\" should not be part of a @{} since it is already provided by this subgraph (it is not marked @external)",
                            self.usage.directive()
                        ),
                    ));
                }
            }
            FieldSetUse::FromContext => {}
        }
        let composite = matches!(
            base_kind,
            Some(Kind::Object | Kind::Interface | Kind::Union)
        );
        if composite && children.is_empty() {
            self.problems.push((
                self.usage.invalid_code(),
                format!(
                    "field \"{parent}.{name}\" of composite type \"{base}\" must have a selection of subfields"
                ),
            ));
        } else if !composite && !children.is_empty() {
            self.problems.push((
                self.usage.invalid_code(),
                format!(
                    "field \"{parent}.{name}\" of leaf type \"{base}\" cannot have a selection"
                ),
            ));
        } else if composite {
            self.walk(&base, children, external_in_parents || external);
        }
    }
}

/// Resolves a field set of `usage` on `parent`, returning the fields it reaches; problems are
/// reported as conflicts naming the subgraph, type and directive.
fn walk_field_set(
    subgraph: &Subgraph,
    usage: FieldSetUse,
    parent: &str,
    location: &str,
    fields: &str,
    conflicts: &mut Vec<Conflict>,
) -> Vec<(String, String)> {
    let selections = match fieldset::parse(fields) {
        Ok(selections) => selections,
        Err(message) => {
            conflicts.push(Conflict::new(
                usage.invalid_code(),
                format!(
                    "[{}] On {location}, for @{}(fields: \"{fields}\"): {message}",
                    subgraph.name,
                    usage.directive()
                ),
            ));
            return Vec::new();
        }
    };
    let mut walk = Walk {
        subgraph,
        usage,
        targets: Vec::new(),
        problems: Vec::new(),
    };
    walk.walk(parent, &selections, false);
    for (code, message) in walk.problems {
        conflicts.push(Conflict::new(
            code,
            format!(
                "[{}] On {location}, for @{}(fields: \"{fields}\"): {message}",
                subgraph.name,
                usage.directive()
            ),
        ));
    }
    walk.targets
}

/// Computes external/provided/key/used field sets and validates every federation field set.
fn analyse(subgraph: &mut Subgraph, conflicts: &mut Vec<Conflict>) {
    let mut fake_external = HashSet::new();
    let mut key_fields = HashSet::new();
    let mut provided = HashSet::new();
    let mut used = HashSet::new();

    // Keys first: they decide which @external fields are only nominally external.
    for ty in subgraph.types.values() {
        for key in &ty.keys {
            let location = format!("type \"{}\"", ty.name);
            let targets = walk_field_set(
                subgraph,
                FieldSetUse::Key,
                &ty.name,
                &location,
                &key.fields,
                conflicts,
            );
            for target in targets {
                let external = subgraph
                    .field(&target.0, &target.1)
                    .is_some_and(|f| f.external_directive);
                if external && (key.on_extension || ty.extends) {
                    fake_external.insert(target.clone());
                }
                key_fields.insert(target.clone());
                used.insert(target);
            }
        }
    }
    subgraph.fake_external = fake_external;

    let mut context_types: HashMap<String, Vec<String>> = HashMap::new();
    for ty in subgraph.types.values() {
        for context in &ty.contexts {
            context_types
                .entry(context.clone())
                .or_default()
                .push(ty.name.clone());
        }
    }

    for ty in subgraph.types.values() {
        for field in ty.fields.values() {
            let location = format!("field \"{}.{}\"", ty.name, field.name);
            if let Some(requires) = &field.requires {
                let targets = walk_field_set(
                    subgraph,
                    FieldSetUse::Requires,
                    &ty.name,
                    &location,
                    requires,
                    conflicts,
                );
                used.extend(targets);
            }
            if let Some(provides) = &field.provides {
                if subgraph.is_external(&ty.name, &field.name) {
                    conflicts.push(Conflict::new(
                        ConflictCode::ExternalCollisionWithAnotherDirective,
                        format!(
                            "[{}] Cannot have both @provides and @external on field \"{}.{}\"",
                            subgraph.name, ty.name, field.name
                        ),
                    ));
                }
                let base = field.ty.inner_named_type().as_str();
                if matches!(
                    subgraph.type_kind(base),
                    Some(Kind::Object | Kind::Interface | Kind::Union)
                ) {
                    let targets = walk_field_set(
                        subgraph,
                        FieldSetUse::Provides,
                        base,
                        &location,
                        provides,
                        conflicts,
                    );
                    for target in targets {
                        provided.insert(target.clone());
                        used.insert(target);
                    }
                } else {
                    conflicts.push(Conflict::new(
                        ConflictCode::ProvidesOnNonObjectField,
                        format!(
                            "[{}] Invalid @provides directive on field \"{}.{}\": field has type \"{}\" which is not a Composite Type",
                            subgraph.name, ty.name, field.name, field.ty
                        ),
                    ));
                }
            }
            for arg in field.args.values() {
                let Some(value) = &arg.from_context else {
                    continue;
                };
                let Some((context, selection)) = fieldset::parse_context_field(value) else {
                    conflicts.push(Conflict::new(
                        ConflictCode::ContextNotSet,
                        format!(
                            "[{}] @fromContext argument on \"{}.{}({}:)\" does not reference a context: \"{value}\"",
                            subgraph.name, ty.name, field.name, arg.name
                        ),
                    ));
                    continue;
                };
                let Some(types) = context_types.get(&context) else {
                    conflicts.push(Conflict::new(
                        ConflictCode::ContextNotSet,
                        format!(
                            "[{}] Context \"{context}\" is used at location \"{}.{}({}:)\" but is never set",
                            subgraph.name, ty.name, field.name, arg.name
                        ),
                    ));
                    continue;
                };
                // The selection is a selection set: `{ a b }` or `... on T { a }`.
                let trimmed = selection.trim();
                let inner = trimmed
                    .strip_prefix('{')
                    .and_then(|s| s.strip_suffix('}'))
                    .unwrap_or(trimmed);
                for context_type in types {
                    let location = format!(
                        "argument \"{}.{}({}:)\" with context \"{context}\" of type \"{context_type}\"",
                        ty.name, field.name, arg.name
                    );
                    let targets = walk_field_set(
                        subgraph,
                        FieldSetUse::FromContext,
                        context_type,
                        &location,
                        inner,
                        conflicts,
                    );
                    used.extend(targets);
                }
            }
        }
        if ty.kind == Kind::Interface {
            for field in ty.fields.values() {
                if field.external_directive {
                    conflicts.push(Conflict::new(
                        ConflictCode::ExternalOnInterface,
                        format!(
                            "[{}] Interface type field \"{}.{}\" is marked @external but @external is not allowed on interface fields",
                            subgraph.name, ty.name, field.name
                        ),
                    ));
                }
                for implementation in subgraph.implementations(&ty.name) {
                    if implementation.fields.contains_key(&field.name) {
                        used.insert((implementation.name.clone(), field.name.clone()));
                    }
                }
            }
        }
    }
    subgraph.key_fields = key_fields;
    subgraph.provided = provided;
    subgraph.used = used;

    if subgraph.fed2 {
        for ty in subgraph.types.values() {
            for field in ty.fields.values() {
                if subgraph.is_external(&ty.name, &field.name)
                    && !subgraph.is_used(&ty.name, &field.name)
                {
                    conflicts.push(Conflict::new(
                        ConflictCode::ExternalUnused,
                        format!(
                            "[{}] Field \"{}.{}\" is marked @external but is not used in any federation directive (@key, @provides, @requires) or to satisfy an interface; the field declaration has no use and should be removed (or the field should not be @external)",
                            subgraph.name, ty.name, field.name
                        ),
                    ));
                }
            }
        }
    }
}
