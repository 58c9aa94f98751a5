//! Reading the join directives of a validated supergraph into the [`super::model`].

use std::collections::HashMap;
use std::sync::Arc;

use apollo_compiler::ast::{self, Type, Value};
use apollo_compiler::executable::FieldSet;
use apollo_compiler::schema::{DirectiveList, ExtendedType};
use apollo_compiler::validation::Valid;
use apollo_compiler::{Name, Node, Schema};
use indexmap::IndexMap;

use super::error::SupergraphError;
use super::ids::{FieldId, SubgraphId, TypeId};
use super::link::{LinkedSpec, Links};
use super::model::{
    ContextArgument, FieldInGraph, FieldInfo, Key, SubgraphInfo, TypeInGraph, TypeInfo, TypeKind,
};

const JOIN: &str = "https://specs.apollo.dev/join";
const INACCESSIBLE: &str = "https://specs.apollo.dev/inaccessible";
const CONTEXT: &str = "https://specs.apollo.dev/context";

/// Everything [`super::Supergraph`] holds besides the schemas.
pub(crate) struct Model {
    pub join_version: (u32, u32),
    pub subgraphs: Vec<SubgraphInfo>,
    pub types: Vec<TypeInfo>,
    pub type_index: HashMap<Name, TypeId>,
    pub fields: Vec<FieldInfo>,
    pub query: TypeId,
    pub mutation: Option<TypeId>,
    pub subscription: Option<TypeId>,
    pub inaccessible_directive: Option<String>,
}

/// Local names of the join directives, after `@link` renames.
struct JoinNames {
    graph_enum: String,
    graph: String,
    ty: String,
    field: String,
    implements: String,
    union_member: String,
    enum_value: String,
    owner: String,
}

impl JoinNames {
    fn new(spec: &LinkedSpec) -> Self {
        Self {
            graph_enum: spec.type_name("Graph"),
            graph: spec.directive_name("graph"),
            ty: spec.directive_name("type"),
            field: spec.directive_name("field"),
            implements: spec.directive_name("implements"),
            union_member: spec.directive_name("unionMember"),
            enum_value: spec.directive_name("enumValue"),
            owner: spec.directive_name("owner"),
        }
    }
}

struct Builder<'a> {
    schema: &'a Valid<Schema>,
    names: JoinNames,
    graph_by_enum: HashMap<Name, SubgraphId>,
    type_index: HashMap<Name, TypeId>,
    inaccessible: Option<String>,
    context: Option<String>,
}

pub(crate) fn build(schema: &Valid<Schema>, links: &Links) -> Result<Model, SupergraphError> {
    let join = links.spec(JOIN).ok_or(SupergraphError::MissingJoinLink)?;
    if join.major != 0 || !(1..=5).contains(&join.minor) {
        return Err(SupergraphError::UnsupportedJoinVersion {
            major: join.major,
            minor: join.minor,
        });
    }
    let mut builder = Builder {
        schema,
        names: JoinNames::new(join),
        graph_by_enum: HashMap::new(),
        type_index: HashMap::new(),
        inaccessible: links
            .spec(INACCESSIBLE)
            .map(|s| s.directive_name("inaccessible")),
        context: links.spec(CONTEXT).map(|s| s.directive_name("context")),
    };
    let subgraphs = builder.graphs()?;
    let fed1 = join.minor == 1;

    // Pass 1: ids for every type a client or the planner can meet.
    let mut names = Vec::new();
    for (name, ty) in &schema.types {
        if name.starts_with("__") || links.is_format_type(name) {
            continue;
        }
        let kind = match ty {
            ExtendedType::Scalar(_) => TypeKind::Scalar,
            ExtendedType::Object(_) => TypeKind::Object,
            ExtendedType::Interface(_) => TypeKind::Interface,
            ExtendedType::Union(_) => TypeKind::Union,
            ExtendedType::Enum(_) => TypeKind::Enum,
            ExtendedType::InputObject(_) => TypeKind::InputObject,
        };
        builder
            .type_index
            .insert(name.clone(), TypeId(names.len() as u32));
        names.push((name.clone(), kind));
    }

    // Pass 2: per type, graphs and keys; then fields.
    let all_graphs: Vec<SubgraphId> = (0..subgraphs.len()).map(|i| SubgraphId(i as u16)).collect();
    let mut types = Vec::with_capacity(names.len());
    let mut fields = Vec::new();
    for (index, (name, kind)) in names.iter().enumerate() {
        let id = TypeId(index as u32);
        let Some(definition) = schema.types.get(name) else {
            continue;
        };
        let directives = definition.directives();
        let mut graphs = builder.type_graphs(name, directives)?;
        if graphs.is_empty() {
            // Federation 1 value types and built-in scalars carry no `@join__type`: every
            // graph has them.
            graphs = all_graphs
                .iter()
                .map(|&graph| TypeInGraph {
                    graph,
                    keys: Vec::new(),
                    extension: false,
                    is_interface_object: false,
                })
                .collect();
        }
        let owner = if fed1 {
            builder.owner(name, directives)?
        } else {
            None
        };
        let mut info = TypeInfo {
            name: name.clone(),
            kind: *kind,
            graphs,
            fields: IndexMap::new(),
            implements: Vec::new(),
            union_members: Vec::new(),
            enum_values: Vec::new(),
            possible_types: Vec::new(),
            contexts: Vec::new(),
            inaccessible: builder.is_inaccessible(directives),
        };
        if let Some(context) = &builder.context {
            for directive in directives.get_all(context) {
                if let Some(name) = directive
                    .specified_argument_by_name("name")
                    .and_then(|v| v.as_str())
                {
                    info.contexts.push(name.to_owned());
                }
            }
        }
        match definition {
            ExtendedType::Object(object) => {
                info.possible_types.push(id);
                info.implements = builder.implements(
                    name,
                    directives,
                    &info.graphs,
                    object.implements_interfaces.iter(),
                )?;
                for field in object.fields.values() {
                    let field_id = FieldId(fields.len() as u32);
                    fields.push(builder.field(id, &info, owner, field)?);
                    info.fields.insert(field.name.clone(), field_id);
                }
            }
            ExtendedType::Interface(interface) => {
                info.implements = builder.implements(
                    name,
                    directives,
                    &info.graphs,
                    interface.implements_interfaces.iter(),
                )?;
                for field in interface.fields.values() {
                    let field_id = FieldId(fields.len() as u32);
                    fields.push(builder.field(id, &info, owner, field)?);
                    info.fields.insert(field.name.clone(), field_id);
                }
            }
            ExtendedType::Union(union_) => {
                info.union_members =
                    builder.union_members(name, directives, &info.graphs, union_.members.iter())?;
                for member in &union_.members {
                    info.possible_types
                        .push(builder.type_id(member, &format!("union `{name}`"))?);
                }
            }
            ExtendedType::Enum(enum_) => {
                for value in enum_.values.values() {
                    let mut value_graphs = Vec::new();
                    for directive in value.directives.get_all(&builder.names.enum_value) {
                        let context = format!(
                            "`@{}` on `{name}.{}`",
                            builder.names.enum_value, value.value
                        );
                        if let Some(graph) = builder.graph_argument(directive, "graph", &context)? {
                            value_graphs.push(graph);
                        }
                    }
                    if value_graphs.is_empty() {
                        value_graphs = info.graphs.iter().map(|g| g.graph).collect();
                    }
                    info.enum_values.push((value.value.clone(), value_graphs));
                }
            }
            ExtendedType::Scalar(_) | ExtendedType::InputObject(_) => {}
        }
        types.push(info);
    }

    // Interfaces: possible types are the objects that implement them (anywhere).
    let implementers = schema.implementers_map();
    for info in types.iter_mut() {
        if info.kind == TypeKind::Interface
            && let Some(implementers) = implementers.get(&info.name)
        {
            for object in &implementers.objects {
                if let Some(&id) = builder.type_index.get(object) {
                    info.possible_types.push(id);
                }
            }
        }
    }

    builder.check_inputs(&types)?;

    let root = |ty: &Option<apollo_compiler::schema::ComponentName>| -> Option<TypeId> {
        ty.as_ref()
            .and_then(|name| builder.type_index.get(&name.name).copied())
    };
    let definition = &schema.schema_definition;
    let query = root(&definition.query).ok_or(SupergraphError::MissingQueryType)?;
    let mutation = root(&definition.mutation);
    let subscription = root(&definition.subscription);
    Ok(Model {
        join_version: (join.major, join.minor),
        subgraphs,
        types,
        type_index: builder.type_index,
        fields,
        query,
        mutation,
        subscription,
        inaccessible_directive: builder.inaccessible,
    })
}

impl Builder<'_> {
    /// Input types are merged by intersection: a subgraph is never sent an enum value or an
    /// input field it does not define, because clients cannot send what is not in every graph
    /// of the type. A supergraph that breaks this (hand-written, or from a composer that does
    /// not intersect) is refused here, naming the value, instead of letting requests reach a
    /// subgraph with input it cannot parse.
    fn check_inputs(&self, types: &[TypeInfo]) -> Result<(), SupergraphError> {
        let graphs_of = |name: &Name| -> Option<&TypeInfo> {
            self.type_index.get(name).map(|id| &types[id.index()])
        };
        // Every named type reachable in an input position: argument types, then input object
        // fields, transitively.
        let mut pending: Vec<Name> = Vec::new();
        for ty in self.schema.types.values() {
            let fields = match ty {
                ExtendedType::Object(o) => &o.fields,
                ExtendedType::Interface(i) => &i.fields,
                _ => continue,
            };
            for field in fields.values() {
                pending.extend(
                    field
                        .arguments
                        .iter()
                        .map(|a| a.ty.inner_named_type().clone()),
                );
            }
        }
        let mut seen = std::collections::HashSet::new();
        while let Some(name) = pending.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(info) = graphs_of(&name) else {
                continue;
            };
            let type_graphs: Vec<SubgraphId> = info.graphs.iter().map(|g| g.graph).collect();
            match self.schema.types.get(&name) {
                Some(ExtendedType::Enum(_)) => {
                    for (value, graphs) in &info.enum_values {
                        if let Some(missing) = type_graphs.iter().find(|g| !graphs.contains(g)) {
                            return Err(SupergraphError::InputNotInGraph {
                                element: format!("enum value `{name}.{value}`"),
                                graph: self.graph_name(*missing),
                            });
                        }
                    }
                }
                Some(ExtendedType::InputObject(input)) => {
                    for (field_name, field) in &input.fields {
                        pending.push(field.ty.inner_named_type().clone());
                        let mut field_graphs = Vec::new();
                        for directive in field.directives.get_all(&self.names.field) {
                            let context =
                                format!("`@{}` on `{name}.{field_name}`", self.names.field);
                            if let Some(graph) =
                                self.graph_argument(directive, "graph", &context)?
                            {
                                field_graphs.push(graph);
                            }
                        }
                        if field_graphs.is_empty() {
                            continue;
                        }
                        if let Some(missing) =
                            type_graphs.iter().find(|g| !field_graphs.contains(g))
                        {
                            return Err(SupergraphError::InputNotInGraph {
                                element: format!("input field `{name}.{field_name}`"),
                                graph: self.graph_name(*missing),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The `join__Graph` value naming `graph`, for messages.
    fn graph_name(&self, graph: SubgraphId) -> String {
        self.graph_by_enum
            .iter()
            .find(|(_, id)| **id == graph)
            .map(|(name, _)| name.to_string())
            .unwrap_or_default()
    }

    /// The values of `join__Graph`, in declaration order.
    fn graphs(&mut self) -> Result<Vec<SubgraphInfo>, SupergraphError> {
        let graph_enum = self
            .schema
            .get_enum(&self.names.graph_enum)
            .ok_or_else(|| {
                SupergraphError::MissingDefinition(format!("enum {}", self.names.graph_enum))
            })?;
        let mut out = Vec::with_capacity(graph_enum.values.len());
        for (value, definition) in &graph_enum.values {
            let context = format!("`{}.{value}`", self.names.graph_enum);
            let directive = definition
                .directives
                .get(&self.names.graph)
                .ok_or_else(|| SupergraphError::InvalidDirective {
                    context: context.clone(),
                    message: format!("missing `@{}(name:, url:)`", self.names.graph),
                })?;
            let name = required_string(directive, "name", &context)?;
            // Federation 1 supergraphs may leave the URL empty: configuration must supply it.
            let url = directive
                .specified_argument_by_name("url")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned();
            if out.iter().any(|g: &SubgraphInfo| g.name == name) {
                return Err(SupergraphError::InvalidDirective {
                    context,
                    message: format!("graph name `{name}` is used twice"),
                });
            }
            if out.len() >= usize::from(u16::MAX) {
                return Err(SupergraphError::InvalidDirective {
                    context,
                    message: "too many graphs".into(),
                });
            }
            self.graph_by_enum
                .insert(value.clone(), SubgraphId(out.len() as u16));
            out.push(SubgraphInfo {
                name,
                url,
                enum_value: value.clone(),
            });
        }
        if out.is_empty() {
            return Err(SupergraphError::MissingDefinition(format!(
                "a value of enum {}",
                self.names.graph_enum
            )));
        }
        Ok(out)
    }

    fn type_id(&self, name: &str, context: &str) -> Result<TypeId, SupergraphError> {
        self.type_index
            .get(name)
            .copied()
            .ok_or_else(|| SupergraphError::InvalidDirective {
                context: context.to_owned(),
                message: format!("unknown type `{name}`"),
            })
    }

    /// A `graph:` argument: an enum value of `join__Graph`.
    fn graph_argument(
        &self,
        directive: &ast::Directive,
        argument: &str,
        context: &str,
    ) -> Result<Option<SubgraphId>, SupergraphError> {
        let Some(value) = directive.specified_argument_by_name(argument) else {
            return Ok(None);
        };
        match value.as_ref() {
            Value::Null => Ok(None),
            Value::Enum(name) => self
                .graph_by_enum
                .get(name)
                .copied()
                .map(Some)
                .ok_or_else(|| SupergraphError::UnknownGraph {
                    graph: name.to_string(),
                    context: context.to_owned(),
                }),
            other => Err(SupergraphError::InvalidDirective {
                context: context.to_owned(),
                message: format!(
                    "`{argument}` must be a {} value, got `{other}`",
                    self.names.graph_enum
                ),
            }),
        }
    }

    fn is_inaccessible(&self, directives: &DirectiveList) -> bool {
        self.inaccessible
            .as_deref()
            .is_some_and(|name| directives.has(name))
    }

    fn field_set(
        &self,
        type_name: &Name,
        text: &str,
        context: &str,
    ) -> Result<Arc<apollo_compiler::executable::SelectionSet>, SupergraphError> {
        match FieldSet::parse_and_validate(
            self.schema,
            type_name.clone(),
            text,
            "field_set.graphql",
        ) {
            Ok(set) => Ok(Arc::new(set.into_inner().selection_set)),
            Err(with_errors) => Err(SupergraphError::InvalidFieldSet {
                fields: text.to_owned(),
                context: context.to_owned(),
                message: first_diagnostic(&with_errors.errors),
            }),
        }
    }

    /// `@join__type` applications, merged per graph.
    fn type_graphs(
        &self,
        name: &Name,
        directives: &DirectiveList,
    ) -> Result<Vec<TypeInGraph>, SupergraphError> {
        let mut out: Vec<TypeInGraph> = Vec::new();
        for directive in directives.get_all(&self.names.ty) {
            let context = format!("`@{}` on `{name}`", self.names.ty);
            let graph = self
                .graph_argument(directive, "graph", &context)?
                .ok_or_else(|| SupergraphError::InvalidDirective {
                    context: context.clone(),
                    message: "missing `graph`".into(),
                })?;
            let key = directive
                .specified_argument_by_name("key")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let resolvable = bool_argument(directive, "resolvable").unwrap_or(true);
            let extension = bool_argument(directive, "extension").unwrap_or(false);
            let is_interface_object =
                bool_argument(directive, "isInterfaceObject").unwrap_or(false);
            let index = match out.iter().position(|g| g.graph == graph) {
                Some(index) => index,
                None => {
                    out.push(TypeInGraph {
                        graph,
                        keys: Vec::new(),
                        extension: false,
                        is_interface_object: false,
                    });
                    out.len() - 1
                }
            };
            let entry = &mut out[index];
            entry.extension |= extension;
            entry.is_interface_object |= is_interface_object;
            if let Some(text) = key {
                let selection = self.field_set(name, &text, &context)?;
                entry.keys.push(Key {
                    text,
                    selection,
                    resolvable,
                });
            }
        }
        out.sort_by_key(|g| g.graph);
        Ok(out)
    }

    /// Federation 1's `@join__owner(graph:)`.
    fn owner(
        &self,
        name: &Name,
        directives: &DirectiveList,
    ) -> Result<Option<SubgraphId>, SupergraphError> {
        match directives.get(&self.names.owner) {
            Some(directive) => {
                let context = format!("`@{}` on `{name}`", self.names.owner);
                self.graph_argument(directive, "graph", &context)
            }
            None => Ok(None),
        }
    }

    fn implements<'n>(
        &self,
        name: &Name,
        directives: &DirectiveList,
        graphs: &[TypeInGraph],
        declared: impl Iterator<Item = &'n apollo_compiler::schema::ComponentName>,
    ) -> Result<Vec<(SubgraphId, TypeId)>, SupergraphError> {
        let mut out = Vec::new();
        let mut any = false;
        for directive in directives.get_all(&self.names.implements) {
            any = true;
            let context = format!("`@{}` on `{name}`", self.names.implements);
            let Some(graph) = self.graph_argument(directive, "graph", &context)? else {
                continue;
            };
            let interface = required_string(directive, "interface", &context)?;
            out.push((graph, self.type_id(&interface, &context)?));
        }
        if !any {
            // Before join v0.2 (and in some tools' output) every graph of the type implements
            // every declared interface.
            for interface in declared {
                let id = self.type_id(interface, &format!("`{name}` implements"))?;
                out.extend(graphs.iter().map(|g| (g.graph, id)));
            }
        }
        Ok(out)
    }

    fn union_members<'n>(
        &self,
        name: &Name,
        directives: &DirectiveList,
        graphs: &[TypeInGraph],
        declared: impl Iterator<Item = &'n apollo_compiler::schema::ComponentName>,
    ) -> Result<Vec<(SubgraphId, TypeId)>, SupergraphError> {
        let mut out = Vec::new();
        let mut any = false;
        for directive in directives.get_all(&self.names.union_member) {
            any = true;
            let context = format!("`@{}` on `{name}`", self.names.union_member);
            let Some(graph) = self.graph_argument(directive, "graph", &context)? else {
                continue;
            };
            let member = required_string(directive, "member", &context)?;
            out.push((graph, self.type_id(&member, &context)?));
        }
        if !any {
            // Without `@join__unionMember`, a graph knows a member when it defines both.
            for member in declared {
                let id = self.type_id(member, &format!("union `{name}`"))?;
                let member_graphs = self
                    .schema
                    .types
                    .get(&member.name)
                    .map(|t| self.type_graphs(&member.name, t.directives()))
                    .transpose()?
                    .unwrap_or_default();
                for g in graphs {
                    if member_graphs.is_empty() || member_graphs.iter().any(|m| m.graph == g.graph)
                    {
                        out.push((g.graph, id));
                    }
                }
            }
        }
        Ok(out)
    }

    fn field(
        &self,
        parent: TypeId,
        parent_info: &TypeInfo,
        owner: Option<SubgraphId>,
        definition: &Node<ast::FieldDefinition>,
    ) -> Result<FieldInfo, SupergraphError> {
        let parent_name = &parent_info.name;
        let context = format!(
            "`@{}` on `{parent_name}.{}`",
            self.names.field, definition.name
        );
        let named = definition.ty.inner_named_type();
        let named_type =
            self.type_id(named, &format!("field `{parent_name}.{}`", definition.name))?;
        let mut graphs: Vec<FieldInGraph> = Vec::new();
        let mut any = false;
        for directive in definition.directives.get_all(&self.names.field) {
            any = true;
            let Some(graph) = self.graph_argument(directive, "graph", &context)? else {
                continue;
            };
            let requires_text = optional_string(directive, "requires");
            let requires = requires_text
                .as_deref()
                .map(|text| {
                    self.field_set(
                        parent_name,
                        text,
                        &format!("`@requires` of `{parent_name}.{}`", definition.name),
                    )
                })
                .transpose()?;
            let provides = optional_string(directive, "provides")
                .map(|text| {
                    self.field_set(
                        named,
                        &text,
                        &format!("`@provides` of `{parent_name}.{}`", definition.name),
                    )
                })
                .transpose()?;
            let ty = match optional_string(directive, "type") {
                Some(text) => Some(Type::parse(&text, "type.graphql").map_err(|errors| {
                    SupergraphError::InvalidDirective {
                        context: context.clone(),
                        message: first_diagnostic(&errors),
                    }
                })?),
                None => None,
            };
            let mut context_arguments = Vec::new();
            if let Some(list) = directive
                .specified_argument_by_name("contextArguments")
                .and_then(|v| v.as_list())
            {
                for item in list {
                    let Some(fields) = item.as_object() else {
                        return Err(SupergraphError::InvalidDirective {
                            context: context.clone(),
                            message: "`contextArguments` items must be objects".into(),
                        });
                    };
                    let get = |key: &str| -> Result<String, SupergraphError> {
                        fields
                            .iter()
                            .find(|(k, _)| k == key)
                            .and_then(|(_, v)| v.as_str())
                            .map(str::to_owned)
                            .ok_or_else(|| SupergraphError::InvalidDirective {
                                context: context.clone(),
                                message: format!("a context argument lacks `{key}`"),
                            })
                    };
                    context_arguments.push(ContextArgument {
                        name: get("name")?,
                        ty: get("type")?,
                        context: get("context")?,
                        selection: get("selection")?,
                    });
                }
            }
            graphs.push(FieldInGraph {
                graph,
                external: bool_argument(directive, "external").unwrap_or(false),
                used_overridden: bool_argument(directive, "usedOverridden").unwrap_or(false),
                requires,
                requires_text,
                provides,
                ty,
                override_from: optional_string(directive, "override"),
                override_label: optional_string(directive, "overrideLabel"),
                context_arguments,
            });
        }
        if !any {
            let implicit: Vec<SubgraphId> = match owner {
                Some(owner) => vec![owner],
                None => parent_info.graphs.iter().map(|g| g.graph).collect(),
            };
            graphs = implicit
                .into_iter()
                .map(|graph| FieldInGraph {
                    graph,
                    external: false,
                    used_overridden: false,
                    requires: None,
                    requires_text: None,
                    provides: None,
                    ty: None,
                    override_from: None,
                    override_label: None,
                    context_arguments: Vec::new(),
                })
                .collect();
        }
        Ok(FieldInfo {
            parent,
            name: definition.name.clone(),
            ty: definition.ty.clone(),
            named_type,
            graphs,
            inaccessible: self
                .inaccessible
                .as_deref()
                .is_some_and(|name| definition.directives.has(name)),
        })
    }
}

fn bool_argument(directive: &ast::Directive, name: &str) -> Option<bool> {
    directive
        .specified_argument_by_name(name)
        .and_then(|v| v.to_bool())
}

fn optional_string(directive: &ast::Directive, name: &str) -> Option<String> {
    directive
        .specified_argument_by_name(name)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn required_string(
    directive: &ast::Directive,
    name: &str,
    context: &str,
) -> Result<String, SupergraphError> {
    optional_string(directive, name).ok_or_else(|| SupergraphError::InvalidDirective {
        context: context.to_owned(),
        message: format!("missing string argument `{name}`"),
    })
}

/// The first diagnostic's message, without source excerpts: enough to name the problem.
pub(crate) fn first_diagnostic(errors: &apollo_compiler::validation::DiagnosticList) -> String {
    errors
        .iter()
        .next()
        .map(|d| d.error.to_string())
        .unwrap_or_else(|| "unknown error".into())
}
