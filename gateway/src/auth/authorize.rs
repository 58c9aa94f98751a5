//! Enforcing `@authenticated`, `@requiresScopes` and `@policy` on an operation, before it is
//! planned.
//!
//! # What is checked
//! A field selected on parent type `P` is unauthorized when the caller does not meet one of:
//! - the requirement of `P` itself and of the field `P.f`;
//! - the requirement of the field's return type (so a protected type cannot be reached through
//!   any field returning it);
//! - when `P` is an interface or a union: the requirement of **every** possible concrete type
//!   `C` of `P` and of `C.f`. Selecting a field through an interface therefore needs what the
//!   strictest implementation needs; that closes the "authorization bypass through interfaces"
//!   (selecting a protected implementation's field via the interface or via an inline fragment
//!   on another implementation).
//!
//! Whether a selection is unauthorized depends only on its parent type, never on where a
//! fragment is spread, so a named fragment is checked (and filtered) once, not per spread.
//! `__typename` is always allowed. `__schema`/`__type` are governed by `[introspection]`.
//!
//! # Modes
//! - `reject`: the operation fails with `FORBIDDEN` (403), one error per unauthorized field
//!   (with its location); no subgraph is called.
//! - `filter`: the unauthorized fields are removed from the document that gets planned (so no
//!   subgraph is asked for them), while the response is projected with the client's own
//!   selection: they come back as `null`, null propagation applies to non-null ones, and each
//!   gets a `FORBIDDEN` error at its path.

use std::collections::{HashMap, HashSet};

use apollo_compiler::executable::{Field, Operation, Selection, SelectionSet};
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Node, Schema};
use serde_json::{Map, Value};

use super::policy::Subject;
use super::{AuthSettings, Caller};
use crate::config::AuthorizationMode;
use crate::error::{ErrorCode, GraphqlError, Location, PathSegment};
use crate::pipeline::RequestFailure;
use crate::pipeline::validate::DocumentHash;
use crate::supergraph::{Requirement, Supergraph};

/// Alias of the `__typename` added to abstract selections of the projection document, so
/// the error walk knows each object's runtime type. Stripped before the client sees it.
const RUNTIME_TYPE_ALIAS: &str = "_tsr_authz_typename";

/// The outcome of authorization.
#[derive(Debug)]
pub enum Authorized {
    /// Nothing unauthorized: run the operation as it is.
    Unchanged,
    /// Filter mode removed selections.
    Filtered(Box<Filtered>),
}

/// An operation with its unauthorized selections removed.
#[derive(Debug)]
pub struct Filtered {
    /// What gets planned: the client's document minus the unauthorized selections.
    pub document: Valid<ExecutableDocument>,
    pub hash: DocumentHash,
    /// What the response is projected with: the client's document plus runtime-type probes.
    pub shape_document: Valid<ExecutableDocument>,
    pub shape_hash: DocumentHash,
    /// Unauthorized `(parent type, field)` pairs met in the document.
    denied: HashSet<(Name, Name)>,
    /// Response keys of the removed fields.
    denied_keys: HashSet<Name>,
    /// Named fragments that contain removed selections.
    dirty_fragments: HashSet<Name>,
    operation_name: Option<Name>,
}

/// Checks `operation` of `document` for `caller`.
pub fn authorize(
    supergraph: &Supergraph,
    document: &Valid<ExecutableDocument>,
    operation: &Operation,
    settings: &AuthSettings,
    caller: &Caller,
) -> Result<Authorized, RequestFailure> {
    if supergraph.security().is_empty() {
        return Ok(Authorized::Unchanged);
    }
    let mut checker = Checker::new(supergraph, document, settings, caller);
    if !checker.set_dirty(&operation.selection_set) {
        return Ok(Authorized::Unchanged);
    }
    match settings.mode {
        AuthorizationMode::Reject => {
            let mut errors = Vec::new();
            let mut seen = HashSet::new();
            checker.collect(&operation.selection_set, &mut errors, &mut seen);
            Err(RequestFailure {
                code: ErrorCode::Forbidden,
                errors,
            })
        }
        AuthorizationMode::Filter => Ok(Authorized::Filtered(Box::new(
            checker.filter(operation.name.clone()),
        ))),
    }
}

struct Checker<'a> {
    supergraph: &'a Supergraph,
    schema: &'a Valid<Schema>,
    document: &'a Valid<ExecutableDocument>,
    settings: &'a AuthSettings,
    caller: &'a Caller,
    /// `(parent, field)` → allowed.
    fields: HashMap<(Name, Name), bool>,
    /// Type → allowed.
    types: HashMap<Name, bool>,
    /// Policy name → holds.
    policies: HashMap<String, bool>,
    /// Fragment → contains an unauthorized selection.
    fragments: HashMap<Name, bool>,
}

impl<'a> Checker<'a> {
    fn new(
        supergraph: &'a Supergraph,
        document: &'a Valid<ExecutableDocument>,
        settings: &'a AuthSettings,
        caller: &'a Caller,
    ) -> Self {
        Self {
            supergraph,
            schema: supergraph.api_schema(),
            document,
            settings,
            caller,
            fields: HashMap::new(),
            types: HashMap::new(),
            policies: HashMap::new(),
            fragments: HashMap::new(),
        }
    }

    fn satisfied(&mut self, requirement: &Requirement) -> bool {
        let authenticated = self.caller.claims.is_some();
        if requirement.authenticated && !authenticated {
            return false;
        }
        let scopes = &self.caller.scopes;
        let scopes_ok = requirement.scopes.iter().all(|any| {
            authenticated
                && any
                    .iter()
                    .any(|all| all.iter().all(|scope| scopes.contains(scope)))
        });
        if !scopes_ok {
            return false;
        }
        requirement.policies.iter().all(|any| {
            any.iter()
                .any(|all| all.iter().all(|policy| self.policy(policy)))
        })
    }

    fn policy(&mut self, name: &str) -> bool {
        if let Some(&holds) = self.policies.get(name) {
            return holds;
        }
        let holds = self.settings.policies.get(name).is_some_and(|rule| {
            rule.eval(Subject {
                claims: self.caller.claims.as_ref(),
                scopes: &self.caller.scopes,
            })
        });
        if !self.settings.policies.contains_key(name) {
            tracing::warn!(
                policy = name,
                "@policy names a policy [authorization.policies] does not define; denied"
            );
        }
        self.policies.insert(name.to_owned(), holds);
        holds
    }

    fn type_allowed(&mut self, ty: &Name) -> bool {
        if let Some(&allowed) = self.types.get(ty) {
            return allowed;
        }
        let allowed = match self.supergraph.security().of_type(ty) {
            Some(requirement) => self.satisfied(&requirement.clone()),
            None => true,
        };
        self.types.insert(ty.clone(), allowed);
        allowed
    }

    fn field_def_allowed(&mut self, ty: &Name, field: &Name) -> bool {
        match self.supergraph.security().of_field(ty, field) {
            Some(requirement) => self.satisfied(&requirement.clone()),
            None => true,
        }
    }

    /// Whether `field` may be selected on `parent` by this caller.
    fn field_allowed(&mut self, parent: &Name, field: &Field) -> bool {
        let key = (parent.clone(), field.name.clone());
        if let Some(&allowed) = self.fields.get(&key) {
            return allowed;
        }
        let return_type = field.definition.ty.inner_named_type().clone();
        let mut allowed = self.type_allowed(parent)
            && self.field_def_allowed(parent, &field.name)
            && self.type_allowed(&return_type);
        if allowed && self.is_abstract(parent) {
            for concrete in self.possible_types(parent) {
                if !(self.type_allowed(&concrete) && self.field_def_allowed(&concrete, &field.name))
                {
                    allowed = false;
                    break;
                }
            }
        }
        self.fields.insert(key, allowed);
        allowed
    }

    fn is_abstract(&self, ty: &str) -> bool {
        matches!(
            self.schema.types.get(ty),
            Some(ExtendedType::Interface(_) | ExtendedType::Union(_))
        )
    }

    fn possible_types(&self, ty: &str) -> Vec<Name> {
        let Some(id) = self.supergraph.type_id(ty) else {
            return Vec::new();
        };
        self.supergraph
            .possible_types(id)
            .iter()
            .map(|&t| self.supergraph.type_info(t).name.clone())
            .collect()
    }

    /// Whether a field is answered by the gateway itself (no authorization directive applies).
    fn is_meta(field: &Field) -> bool {
        matches!(field.name.as_str(), "__typename" | "__schema" | "__type")
    }

    /// Whether `set` contains an unauthorized selection, through fragments.
    fn set_dirty(&mut self, set: &SelectionSet) -> bool {
        for selection in &set.selections {
            let dirty = match selection {
                Selection::Field(field) => {
                    !Self::is_meta(field)
                        && (!self.field_allowed(&set.ty, field)
                            || self.set_dirty(&field.selection_set))
                }
                Selection::InlineFragment(inline) => self.set_dirty(&inline.selection_set),
                Selection::FragmentSpread(spread) => self.fragment_dirty(&spread.fragment_name),
            };
            if dirty {
                return true;
            }
        }
        false
    }

    fn fragment_dirty(&mut self, name: &Name) -> bool {
        if let Some(&dirty) = self.fragments.get(name) {
            return dirty;
        }
        // Validated documents have no fragment cycles; the entry also guards against one.
        self.fragments.insert(name.clone(), false);
        let document = self.document;
        let dirty = document
            .fragments
            .get(name)
            .is_some_and(|f| self.set_dirty(&f.selection_set));
        self.fragments.insert(name.clone(), dirty);
        dirty
    }

    /// Reject mode: one error per unauthorized field occurrence in the document.
    fn collect(
        &mut self,
        set: &SelectionSet,
        errors: &mut Vec<GraphqlError>,
        seen_fragments: &mut HashSet<Name>,
    ) {
        for selection in &set.selections {
            match selection {
                Selection::Field(field) if Self::is_meta(field) => {}
                Selection::Field(field) => {
                    if !self.field_allowed(&set.ty, field) {
                        errors.push(
                            forbidden(&set.ty, &field.name)
                                .with_locations(location(field, self.document)),
                        );
                    } else if self.set_dirty(&field.selection_set) {
                        self.collect(&field.selection_set, errors, seen_fragments);
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.collect(&inline.selection_set, errors, seen_fragments)
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.fragment_name;
                    if self.fragment_dirty(name) && seen_fragments.insert(name.clone()) {
                        let document = self.document;
                        if let Some(fragment) = document.fragments.get(name) {
                            self.collect(&fragment.selection_set, errors, seen_fragments);
                        }
                    }
                }
            }
        }
    }

    /// Filter mode: the document to plan and the document to project with.
    fn filter(&mut self, operation_name: Option<Name>) -> Filtered {
        // Every fragment's verdict, so the spreads left in place are known to be clean or not.
        let source = self.document;
        for name in source.fragments.keys() {
            self.fragment_dirty(name);
        }
        let mut document = (**self.document).clone();
        let mut denied = HashSet::new();
        let mut denied_keys = HashSet::new();
        let schema = self.schema;
        if let Ok(operation) = document.operations.get_mut(operation_name.as_deref()) {
            self.filter_set(
                &mut operation.selection_set,
                schema,
                &mut denied,
                &mut denied_keys,
            );
        }
        let dirty_fragments: HashSet<Name> = self
            .fragments
            .iter()
            .filter(|(_, dirty)| **dirty)
            .map(|(name, _)| name.clone())
            .collect();
        for name in &dirty_fragments {
            if let Some(fragment) = document.fragments.get_mut(name) {
                let fragment = fragment.make_mut();
                self.filter_set(
                    &mut fragment.selection_set,
                    schema,
                    &mut denied,
                    &mut denied_keys,
                );
            }
        }
        // The planned data must say which concrete type each abstract object is, so the
        // projection picks the right fields (the removed ones included, as nulls).
        add_typename(&mut document, schema, None);
        let mut shape_document = (**self.document).clone();
        let alias = Name::new(RUNTIME_TYPE_ALIAS).ok();
        add_typename(&mut shape_document, schema, alias);
        let text = document.to_string();
        let shape_text = shape_document.to_string();
        Filtered {
            hash: DocumentHash::of(&text),
            document: Valid::assume_valid(document),
            shape_hash: DocumentHash::of(&shape_text),
            shape_document: Valid::assume_valid(shape_document),
            denied,
            denied_keys,
            dirty_fragments,
            operation_name,
        }
    }

    fn filter_set(
        &mut self,
        set: &mut SelectionSet,
        schema: &Schema,
        denied: &mut HashSet<(Name, Name)>,
        denied_keys: &mut HashSet<Name>,
    ) {
        let parent = set.ty.clone();
        let mut removed = false;
        let mut kept = Vec::with_capacity(set.selections.len());
        for mut selection in std::mem::take(&mut set.selections) {
            match &mut selection {
                Selection::Field(field) if Self::is_meta(field) => {}
                Selection::Field(field) => {
                    if !self.field_allowed(&parent, field) {
                        denied.insert((parent.clone(), field.name.clone()));
                        denied_keys.insert(field.response_key().clone());
                        removed = true;
                        continue;
                    }
                    if self.set_dirty(&field.selection_set) {
                        let field = field.make_mut();
                        self.filter_set(&mut field.selection_set, schema, denied, denied_keys);
                    }
                }
                Selection::InlineFragment(inline) => {
                    if self.set_dirty(&inline.selection_set) {
                        let inline = inline.make_mut();
                        self.filter_set(&mut inline.selection_set, schema, denied, denied_keys);
                    }
                }
                // Named fragments are filtered in their definitions, once.
                Selection::FragmentSpread(_) => {}
            }
            kept.push(selection);
        }
        set.selections = kept;
        if removed && let Ok(field) = set.new_field(schema, apollo_compiler::name!("__typename")) {
            // Keeps the selection set non-empty, hence valid.
            set.push(field);
        }
    }
}

/// Adds `__typename` (aliased when `alias` is given) to every abstract selection set of the
/// document's operations and fragments.
fn add_typename(document: &mut ExecutableDocument, schema: &Schema, alias: Option<Name>) {
    fn walk(set: &mut SelectionSet, schema: &Schema, alias: &Option<Name>) {
        for selection in &mut set.selections {
            match selection {
                Selection::Field(field) if !field.selection_set.selections.is_empty() => {
                    walk(&mut field.make_mut().selection_set, schema, alias)
                }
                Selection::InlineFragment(inline) => {
                    walk(&mut inline.make_mut().selection_set, schema, alias)
                }
                _ => {}
            }
        }
        let is_abstract = matches!(
            schema.types.get(&set.ty),
            Some(ExtendedType::Interface(_) | ExtendedType::Union(_))
        );
        if is_abstract
            && let Ok(field) = set.new_field(schema, apollo_compiler::name!("__typename"))
        {
            set.push(match alias {
                Some(alias) => field.with_alias(alias.clone()),
                None => field,
            });
        }
    }
    if let Some(operation) = &mut document.operations.anonymous {
        walk(&mut operation.make_mut().selection_set, schema, &alias);
    }
    for operation in document.operations.named.values_mut() {
        walk(&mut operation.make_mut().selection_set, schema, &alias);
    }
    for fragment in document.fragments.values_mut() {
        walk(&mut fragment.make_mut().selection_set, schema, &alias);
    }
}

impl Filtered {
    /// After execution: a `FORBIDDEN` error at every path where a removed field is `null`,
    /// the projector's non-null errors for removed fields turned into the same error, and the
    /// runtime-type probes removed from `data`.
    pub fn finish(
        &self,
        supergraph: &Supergraph,
        data: &mut Value,
        errors: &mut Vec<GraphqlError>,
    ) {
        for error in errors.iter_mut() {
            let last_key = match error.path.as_deref().and_then(|p| p.last()) {
                Some(PathSegment::Key(k)) => k.as_str(),
                _ => continue,
            };
            if error.code() == Some(ErrorCode::SubgraphError.as_str())
                && error
                    .message
                    .starts_with("cannot return null for non-nullable field")
                && self.denied_keys.contains(last_key)
            {
                error.message = "unauthorized field or type: the caller may not see it".into();
                error.extensions.insert(
                    "code".into(),
                    Value::String(ErrorCode::Forbidden.as_str().into()),
                );
            }
        }
        let Ok(operation) = self
            .shape_document
            .operations
            .get(self.operation_name.as_deref())
        else {
            return;
        };
        let mut walker = ErrorWalker {
            steps: 0,
            filtered: self,
            supergraph,
            schema: supergraph.api_schema(),
            path: Vec::new(),
            found: Vec::new(),
            seen: HashSet::new(),
        };
        if let Value::Object(object) = &*data {
            walker.object(&operation.selection_set, object);
        }
        let found = std::mem::take(&mut walker.found);
        errors.extend(found);
        strip_probes(data);
    }
}

/// Most (selection, object) visits of the error walk. The planner's budget already bounds the
/// document; this bounds the product with the data, so a reused-fragment bomb over a long
/// list cannot turn error reporting into the expensive part. Past it, errors stop being
/// added (the data is already right).
const MAX_WALK_STEPS: usize = 1_000_000;

struct ErrorWalker<'a> {
    steps: usize,
    filtered: &'a Filtered,
    supergraph: &'a Supergraph,
    schema: &'a Valid<Schema>,
    path: Vec<PathSegment>,
    found: Vec<GraphqlError>,
    seen: HashSet<Vec<PathSegment>>,
}

impl ErrorWalker<'_> {
    fn runtime_type<'o>(
        &self,
        set: &'o SelectionSet,
        object: &'o Map<String, Value>,
    ) -> Option<&'o str> {
        match self.schema.types.get(&set.ty) {
            Some(ExtendedType::Object(_)) => Some(set.ty.as_str()),
            _ => object.get(RUNTIME_TYPE_ALIAS).and_then(Value::as_str),
        }
    }

    fn applies(&self, condition: &str, runtime: Option<&str>) -> bool {
        let Some(runtime) = runtime else {
            return false;
        };
        if condition == runtime {
            return true;
        }
        match (
            self.supergraph.type_id(condition),
            self.supergraph.type_id(runtime),
        ) {
            (Some(c), Some(r)) => self.supergraph.is_possible_type(c, r),
            _ => false,
        }
    }

    fn object(&mut self, set: &SelectionSet, object: &Map<String, Value>) {
        let runtime = self.runtime_type(set, object);
        self.selections(set, runtime, object);
    }

    fn selections(
        &mut self,
        set: &SelectionSet,
        runtime: Option<&str>,
        object: &Map<String, Value>,
    ) {
        for selection in &set.selections {
            self.steps += 1;
            if self.steps > MAX_WALK_STEPS {
                return;
            }
            match selection {
                Selection::Field(field) => {
                    let key = field.response_key();
                    let Some(value) = object.get(key.as_str()) else {
                        continue;
                    };
                    self.path.push(PathSegment::Key(key.to_string()));
                    if self
                        .filtered
                        .denied
                        .contains(&(set.ty.clone(), field.name.clone()))
                    {
                        if value.is_null() && self.seen.insert(self.path.clone()) {
                            self.found
                                .push(forbidden(&set.ty, &field.name).with_path(self.path.clone()));
                        }
                    } else if !field.selection_set.selections.is_empty() {
                        self.value(&field.selection_set, value);
                    }
                    self.path.pop();
                }
                Selection::InlineFragment(inline) => {
                    let applies = match &inline.type_condition {
                        Some(condition) => self.applies(condition, runtime),
                        None => true,
                    };
                    if applies {
                        self.selections(&inline.selection_set, runtime, object);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.fragment_name;
                    let filtered = self.filtered;
                    let Some(fragment) = filtered.shape_document.fragments.get(name) else {
                        continue;
                    };
                    // A fragment without removed selections has nothing to report.
                    if filtered.dirty_fragments.contains(name)
                        && self.applies(fragment.type_condition(), runtime)
                    {
                        self.selections(&fragment.selection_set, runtime, object);
                    }
                }
            }
        }
    }

    fn value(&mut self, set: &SelectionSet, value: &Value) {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.path.push(PathSegment::Index(i));
                    self.value(set, item);
                    self.path.pop();
                }
            }
            Value::Object(object) => self.object(set, object),
            _ => {}
        }
    }
}

/// Removes the runtime-type probes from every object.
fn strip_probes(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(strip_probes),
        Value::Object(object) => {
            object.shift_remove(RUNTIME_TYPE_ALIAS);
            object.values_mut().for_each(strip_probes);
        }
        _ => {}
    }
}

fn forbidden(ty: &Name, field: &Name) -> GraphqlError {
    GraphqlError::new(
        ErrorCode::Forbidden,
        format!("unauthorized field or type: the caller may not see `{ty}.{field}`"),
    )
}

fn location(field: &Node<Field>, document: &ExecutableDocument) -> Vec<Location> {
    field
        .location()
        .and_then(|span| span.line_column(&document.sources))
        .map(|lc| {
            vec![Location {
                line: lc.line,
                column: lc.column,
            }]
        })
        .unwrap_or_default()
}
