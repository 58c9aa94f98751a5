//! Random valid operations from an API schema, from a seeded PRNG.
//!
//! The generator knows only the schema (apollo-compiler) and a few value pools for argument
//! names that select data (`id`, `upc`, `email`, `first`, ...). It writes aliases (fresh ones,
//! and the same response key repeated with the same field and arguments), named and inline
//! fragments, type conditions on abstract types, `__typename`, `@skip`/`@include` with literal
//! or variable conditions, literal and variable arguments (enums, input objects, lists).
//!
//! To stay valid under the "fields in a set can merge" rule it keeps, per selection set, the
//! response keys in use with their field and arguments; a key is only reused for the same
//! field with the same arguments, and such repeats share one nested scope. Every document is
//! still validated with apollo-compiler before use: a rejected one is counted and replaced,
//! so a generator bug can never pass for a gateway bug.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use apollo_compiler::ast::Type;
use apollo_compiler::schema::{ExtendedType, FieldDefinition};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Schema};
use rand::Rng;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

/// Deepest field nesting (the root field is depth 1).
pub const MAX_DEPTH: usize = 6;

/// One generated operation.
#[derive(Debug, Clone)]
pub struct Operation {
    pub query: String,
    pub variables: Map<String, Value>,
}

/// Response keys in use in one selection set: key → (field, printed arguments, nested scope).
#[derive(Default)]
struct Scope {
    keys: HashMap<String, Entry>,
}

#[derive(Clone)]
struct Entry {
    parent: Name,
    field: Name,
    args: String,
    nested: Rc<RefCell<Scope>>,
}

type ScopeRef = Rc<RefCell<Scope>>;

/// Generates operations for one schema.
pub struct Generator<'s> {
    schema: &'s Valid<Schema>,
    rng: ChaCha8Rng,
    variables: Vec<(String, String, Value)>,
    fragments: Vec<String>,
    counter: usize,
}

impl<'s> Generator<'s> {
    pub fn new(schema: &'s Valid<Schema>, seed: u64) -> Self {
        Self {
            schema,
            rng: ChaCha8Rng::seed_from_u64(seed),
            variables: Vec::new(),
            fragments: Vec::new(),
            counter: 0,
        }
    }

    /// A new valid operation; `rejected` counts the generated documents that failed
    /// validation and were replaced.
    pub fn operation(&mut self, rejected: &mut Vec<(String, String)>) -> Operation {
        loop {
            let operation = self.raw_operation();
            match ExecutableDocument::parse_and_validate(
                self.schema,
                &operation.query,
                "op.graphql",
            ) {
                Ok(_) => return operation,
                Err(e) => rejected.push((operation.query, e.errors.to_string())),
            }
        }
    }

    fn raw_operation(&mut self) -> Operation {
        self.variables.clear();
        self.fragments.clear();
        self.counter = 0;
        use apollo_compiler::ast::OperationType;
        // Some mutations (their fields run in order, each with its entity fetches).
        let mutation = self.schema.root_operation(OperationType::Mutation).cloned();
        let (keyword, root) = match mutation {
            Some(root) if self.rng.gen_bool(0.15) => ("mutation", root),
            _ => (
                "query",
                self.schema
                    .root_operation(OperationType::Query)
                    .expect("a query type")
                    .clone(),
            ),
        };
        let mut body = String::new();
        let scope = ScopeRef::default();
        self.selection_set(&root, 0, &scope, true, &mut body);

        let mut query = String::new();
        if keyword == "query" && self.variables.is_empty() && self.rng.gen_bool(0.3) {
            query.push_str(&body);
        } else {
            let definitions: Vec<String> = self
                .variables
                .iter()
                .map(|(name, ty, _)| format!("${name}: {ty}"))
                .collect();
            if definitions.is_empty() {
                write!(query, "{keyword} Op {body}").expect("write to string");
            } else {
                write!(query, "{keyword} Op({}) {body}", definitions.join(", "))
                    .expect("write to string");
            }
        }
        for fragment in &self.fragments {
            query.push('\n');
            query.push_str(fragment);
        }
        let variables = self
            .variables
            .iter()
            .map(|(name, _, value)| (name.clone(), value.clone()))
            .collect();
        Operation { query, variables }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// `{ ... }` for a value of type `parent`, whose fields sit at `depth + 1`.
    ///
    /// `direct` is true for a field's own selection set, false inside a fragment.
    fn selection_set(
        &mut self,
        parent: &Name,
        depth: usize,
        scope: &ScopeRef,
        direct: bool,
        out: &mut String,
    ) {
        out.push_str("{ ");
        let items = if depth == 0 {
            self.rng.gen_range(1..=3)
        } else {
            self.rng.gen_range(1..=4)
        };
        let mut anchored = false;
        for _ in 0..items {
            anchored |= self.selection(parent, depth, scope, direct, out);
        }
        if !anchored {
            // At least one field outside fragments and conditions, so no object can come out
            // empty: async-graphql answers `null` for `{}` (`do_resolve_container`), even in
            // non-null positions, which would make the monolith a wrong oracle there.
            self.typename(scope, parent, out);
        }
        out.push('}');
    }

    /// One selection; `true` when it is a field that is always included.
    fn selection(
        &mut self,
        parent: &Name,
        depth: usize,
        scope: &ScopeRef,
        direct: bool,
        out: &mut String,
    ) -> bool {
        let roll = self.rng.gen_range(0..100);
        let nested_allowed = depth + 1 < MAX_DEPTH;
        match roll {
            0..=9 => self.typename(scope, parent, out),
            10..=19 if nested_allowed => {
                self.inline_fragment(parent, depth, scope, direct, out);
                false
            }
            20..=25 if nested_allowed && depth > 0 => {
                self.named_fragment(parent, depth, scope, direct, out);
                false
            }
            26..=33 => self.repeat(parent, depth, scope, out),
            _ => self.field(parent, depth, scope, out),
        }
    }

    fn typename(&mut self, scope: &ScopeRef, parent: &Name, out: &mut String) -> bool {
        let alias = self.rng.gen_bool(0.2).then(|| self.fresh("t"));
        let key = alias.clone().unwrap_or_else(|| "__typename".to_owned());
        let mut scope = scope.borrow_mut();
        match scope.keys.get(&key) {
            Some(entry) if entry.field != "__typename" => return false,
            Some(_) => {}
            None => {
                scope.keys.insert(
                    key,
                    Entry {
                        parent: parent.clone(),
                        field: Name::new("__typename").expect("a name"),
                        args: String::new(),
                        nested: ScopeRef::default(),
                    },
                );
            }
        }
        if let Some(alias) = alias {
            write!(out, "{alias}: ").expect("write to string");
        }
        out.push_str("__typename ");
        true
    }

    /// The fields of an object or interface type (none for unions).
    fn fields(&self, parent: &Name) -> Vec<(Name, FieldDefinition)> {
        let fields = match self.schema.types.get(parent) {
            Some(ExtendedType::Object(o)) => &o.fields,
            Some(ExtendedType::Interface(i)) => &i.fields,
            _ => return Vec::new(),
        };
        fields
            .iter()
            .filter(|(name, _)| !name.starts_with("__"))
            .map(|(name, field)| (name.clone(), (***field).clone()))
            .collect()
    }

    fn field(&mut self, parent: &Name, depth: usize, scope: &ScopeRef, out: &mut String) -> bool {
        let nested_allowed = depth + 1 < MAX_DEPTH;
        let candidates: Vec<(Name, FieldDefinition)> = self
            .fields(parent)
            .into_iter()
            .filter(|(_, f)| nested_allowed || self.is_leaf(f.ty.inner_named_type()))
            .collect();
        let Some((name, definition)) = candidates.choose(&mut self.rng).cloned() else {
            return self.typename(scope, parent, out);
        };
        let args = self.arguments(&definition);
        let wants_alias = self.rng.gen_bool(0.25);
        let mut key = if wants_alias {
            self.fresh("a")
        } else {
            name.to_string()
        };
        let existing = scope.borrow().keys.get(&key).cloned();
        let repeatable = self.monolith_merges(&definition.ty);
        let nested = match existing {
            Some(entry) if entry.field == name && entry.args == args && repeatable => entry.nested,
            Some(_) => {
                key = self.fresh("a");
                self.insert(scope, &key, parent, &name, &args)
            }
            None => self.insert(scope, &key, parent, &name, &args),
        };
        self.emit_field(&key, &name, &args, &definition, depth, &nested, out)
    }

    /// The same response key again, with the same field and arguments: the two selections
    /// must merge.
    fn repeat(&mut self, parent: &Name, depth: usize, scope: &ScopeRef, out: &mut String) -> bool {
        let mut same_parent: Vec<(String, Entry)> = scope
            .borrow()
            .keys
            .iter()
            .filter(|(_, e)| &e.parent == parent && e.field != "__typename")
            .filter(|(_, e)| {
                self.fields(parent)
                    .iter()
                    .any(|(n, d)| *n == e.field && self.monolith_merges(&d.ty))
            })
            .map(|(k, e)| (k.clone(), e.clone()))
            .collect();
        same_parent.sort_by(|a, b| a.0.cmp(&b.0));
        let Some((key, entry)) = same_parent.choose(&mut self.rng).cloned() else {
            return self.field(parent, depth, scope, out);
        };
        let definition = self
            .fields(parent)
            .into_iter()
            .find(|(n, _)| *n == entry.field)
            .map(|(_, d)| d)
            .expect("a recorded field exists on its parent");
        self.emit_field(
            &key,
            &entry.field,
            &entry.args,
            &definition,
            depth,
            &entry.nested,
            out,
        )
    }

    fn insert(
        &mut self,
        scope: &ScopeRef,
        key: &str,
        parent: &Name,
        field: &Name,
        args: &str,
    ) -> ScopeRef {
        let nested = ScopeRef::default();
        scope.borrow_mut().keys.insert(
            key.to_owned(),
            Entry {
                parent: parent.clone(),
                field: field.clone(),
                args: args.to_owned(),
                nested: nested.clone(),
            },
        );
        nested
    }

    #[allow(clippy::too_many_arguments)]
    fn emit_field(
        &mut self,
        key: &str,
        name: &Name,
        args: &str,
        definition: &FieldDefinition,
        depth: usize,
        nested: &ScopeRef,
        out: &mut String,
    ) -> bool {
        if key != name.as_str() {
            write!(out, "{key}: ").expect("write to string");
        }
        out.push_str(name);
        out.push_str(args);
        let conditional = self.directives(out);
        out.push(' ');
        let inner = definition.ty.inner_named_type().clone();
        if !self.is_leaf(&inner) {
            self.selection_set(&inner, depth + 1, nested, true, out);
            out.push(' ');
        }
        !conditional
    }

    /// Whether async-graphql (the monolith) merges two occurrences of a field of type `ty`:
    /// it merges objects and lists of objects, but keeps only the first occurrence of a list
    /// of lists of objects (`insert_value` in `resolver_utils/container.rs`), so such a
    /// response key is never repeated.
    fn monolith_merges(&self, ty: &Type) -> bool {
        !(ty.is_list() && ty.item_type().is_list() && !self.is_leaf(ty.inner_named_type()))
    }

    fn is_leaf(&self, name: &Name) -> bool {
        self.schema.types.get(name).is_some_and(|t| t.is_leaf())
    }

    /// Object types a value of type `name` can have at run time.
    fn possible_types(&self, name: &Name) -> Vec<Name> {
        match self.schema.types.get(name) {
            Some(ExtendedType::Object(_)) => vec![name.clone()],
            Some(ExtendedType::Union(u)) => u.members.iter().map(|m| m.name.clone()).collect(),
            Some(ExtendedType::Interface(_)) => {
                let mut objects: Vec<Name> = self
                    .schema
                    .types
                    .iter()
                    .filter(|(_, t)| {
                        matches!(t, ExtendedType::Object(o) if o.implements_interfaces.iter().any(|i| i.name == *name))
                    })
                    .map(|(n, _)| n.clone())
                    .collect();
                objects.sort();
                objects
            }
            _ => Vec::new(),
        }
    }

    /// Type conditions valid inside a selection on `parent`: composite types whose possible
    /// types overlap its own.
    ///
    /// A union is offered only in a field's own selection set on that union: async-graphql
    /// (the monolith) treats `... on SomeUnion` on a concrete object as not matching
    /// (`Fields::add_set` checks interfaces only), so elsewhere the oracle would be wrong.
    fn type_conditions(&self, parent: &Name, direct: bool) -> Vec<Name> {
        let mine = self.possible_types(parent);
        let mut conditions: Vec<Name> = self
            .schema
            .types
            .iter()
            .filter(|(n, t)| {
                !t.is_built_in()
                    && matches!(
                        t,
                        ExtendedType::Object(_)
                            | ExtendedType::Interface(_)
                            | ExtendedType::Union(_)
                    )
                    && !n.starts_with("__")
                    && (!matches!(t, ExtendedType::Union(_)) || (direct && *n == parent))
                    && self.possible_types(n).iter().any(|p| mine.contains(p))
            })
            .map(|(n, _)| n.clone())
            .collect();
        conditions.sort();
        conditions
    }

    fn inline_fragment(
        &mut self,
        parent: &Name,
        depth: usize,
        scope: &ScopeRef,
        direct: bool,
        out: &mut String,
    ) {
        let conditions = self.type_conditions(parent, direct);
        let condition = if self.rng.gen_bool(0.15) {
            None
        } else {
            conditions.choose(&mut self.rng).cloned()
        };
        out.push_str("... ");
        let inner = match &condition {
            Some(c) => {
                write!(out, "on {c} ").expect("write to string");
                c.clone()
            }
            None => parent.clone(),
        };
        self.directives(out);
        // Fields of a fragment merge with the enclosing set: same scope, same depth.
        let still_direct = direct && condition.is_none();
        self.selection_set(&inner, depth, scope, still_direct, out);
        out.push(' ');
    }

    fn named_fragment(
        &mut self,
        parent: &Name,
        depth: usize,
        scope: &ScopeRef,
        direct: bool,
        out: &mut String,
    ) {
        let conditions = self.type_conditions(parent, direct);
        let Some(condition) = conditions.choose(&mut self.rng).cloned() else {
            return;
        };
        let name = self.fresh("F");
        let mut body = String::new();
        let still_direct = direct && condition == *parent;
        self.selection_set(&condition, depth, scope, still_direct, &mut body);
        self.fragments
            .push(format!("fragment {name} on {condition} {body}"));
        write!(out, "...{name} ").expect("write to string");
        self.directives(out);
    }

    /// Sometimes `@skip`/`@include`, with a literal or a variable condition.
    fn directives(&mut self, out: &mut String) -> bool {
        if !self.rng.gen_bool(0.12) {
            return false;
        }
        let directive = if self.rng.gen_bool(0.5) {
            "skip"
        } else {
            "include"
        };
        let condition = if self.rng.gen_bool(0.25) {
            self.rng.gen_bool(0.5).to_string()
        } else {
            let existing: Vec<String> = self
                .variables
                .iter()
                .filter(|(_, ty, _)| ty == "Boolean!")
                .map(|(n, _, _)| n.clone())
                .collect();
            match existing.choose(&mut self.rng) {
                Some(name) if self.rng.gen_bool(0.4) => format!("${name}"),
                _ => {
                    let name = self.fresh("b");
                    let value = self.rng.gen_bool(0.5);
                    self.variables
                        .push((name.clone(), "Boolean!".to_owned(), json!(value)));
                    format!("${name}")
                }
            }
        };
        write!(out, " @{directive}(if: {condition})").expect("write to string");
        true
    }

    /// `(name: value, ...)`, required arguments always, optional ones sometimes; each value a
    /// literal or a fresh variable.
    fn arguments(&mut self, field: &FieldDefinition) -> String {
        let mut parts = Vec::new();
        for argument in &field.arguments {
            let required = argument.ty.is_non_null() && argument.default_value.is_none();
            if !required && !self.rng.gen_bool(0.5) {
                continue;
            }
            let value = self.value(&argument.name, &argument.ty);
            if self.rng.gen_bool(0.4) {
                let name = self.fresh("v");
                self.variables
                    .push((name.clone(), argument.ty.to_string(), value));
                parts.push(format!("{}: ${name}", argument.name));
            } else {
                parts.push(format!(
                    "{}: {}",
                    argument.name,
                    self.literal(&value, &argument.ty)
                ));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("({})", parts.join(", "))
        }
    }

    /// A JSON value of type `ty`, from the pool for argument or input field `name`.
    fn value(&mut self, name: &str, ty: &Type) -> Value {
        if !ty.is_non_null() && self.rng.gen_bool(0.1) {
            return Value::Null;
        }
        if ty.is_list() {
            let n = self.rng.gen_range(0..=2);
            return Value::Array((0..n).map(|_| self.value(name, ty.item_type())).collect());
        }
        let named = ty.inner_named_type();
        match self.schema.types.get(named) {
            Some(ExtendedType::Enum(e)) => {
                let values: Vec<&Name> = e.values.keys().collect();
                json!(values.choose(&mut self.rng).expect("enum values").as_str())
            }
            Some(ExtendedType::InputObject(input)) => {
                let mut object = Map::new();
                let fields: Vec<_> = input
                    .fields
                    .iter()
                    .map(|(n, f)| (n.clone(), f.ty.clone(), f.default_value.is_none()))
                    .collect();
                for (field_name, field_ty, no_default) in fields {
                    let required = field_ty.is_non_null() && no_default;
                    if required || self.rng.gen_bool(0.5) {
                        let v = self.value(&field_name, &field_ty);
                        object.insert(field_name.to_string(), v);
                    }
                }
                Value::Object(object)
            }
            _ => self.scalar(name, named.as_str()),
        }
    }

    fn scalar(&mut self, name: &str, ty: &str) -> Value {
        let pick = |rng: &mut ChaCha8Rng, pool: &[&str]| json!(pool.choose(rng).expect("a pool"));
        match (name, ty) {
            ("first", _) => json!(self.rng.gen_range(0..=5)),
            ("minRating", _) => json!(self.rng.gen_range(1..=5)),
            ("maxPrice", _) => json!([500, 1000, 1500, 3000, 5000].choose(&mut self.rng)),
            ("name", _) => pick(&mut self.rng, &["Ada", "", "Grace Hopper", "zed"]),
            ("upc", _) => pick(&mut self.rng, &["p1", "p2", "p3", "p4", "p5", "p9"]),
            ("email", _) => pick(
                &mut self.rng,
                &[
                    "ada@example.com",
                    "grace@example.com",
                    "barbara@example.com",
                    "no@example.com",
                ],
            ),
            ("tags", _) => pick(
                &mut self.rng,
                &["scifi", "classic", "jazz", "family", "none"],
            ),
            ("id", _) => pick(
                &mut self.rng,
                &[
                    "u1", "u2", "u3", "u4", "u9", "m1", "m2", "m3", "m4", "m9", "r1", "r4", "r5",
                    "r9",
                ],
            ),
            (_, "Int") => json!(self.rng.gen_range(0..=5)),
            (_, "Float") => json!(f64::from(self.rng.gen_range(0..=8)) / 2.0),
            (_, "Boolean") => json!(self.rng.gen_bool(0.5)),
            _ => pick(&mut self.rng, &["x", "u1", "p1"]),
        }
    }

    /// `value` as a GraphQL literal of type `ty` (enum values bare).
    fn literal(&self, value: &Value, ty: &Type) -> String {
        match value {
            Value::Null => "null".to_owned(),
            Value::Array(items) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|item| self.literal(item, ty.item_type()))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            Value::Object(fields) => {
                let input = self
                    .schema
                    .get_input_object(ty.inner_named_type())
                    .expect("an input object type");
                let fields: Vec<String> = fields
                    .iter()
                    .map(|(name, v)| {
                        let field_ty = &input.fields[name.as_str()].ty;
                        format!("{name}: {}", self.literal(v, field_ty))
                    })
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }
            Value::String(s) if self.schema.get_enum(ty.inner_named_type()).is_some() => s.clone(),
            other => other.to_string(),
        }
    }
}
