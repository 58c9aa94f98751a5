use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn load(name: &str) -> Supergraph {
    Supergraph::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn graph_names(s: &Supergraph, ids: impl IntoIterator<Item = SubgraphId>) -> Vec<String> {
    ids.into_iter()
        .map(|g| s.subgraph(g).name.clone())
        .collect()
}

fn resolvers(s: &Supergraph, ty: &str, field: &str) -> Vec<String> {
    let t = s.type_id(ty).expect("type");
    let f = s.field(s.field_id(t, field).expect("field"));
    graph_names(
        s,
        f.graphs
            .iter()
            .filter(|g| g.resolves(|_| false))
            .map(|g| g.graph),
    )
}

#[test]
fn tessera_graphs_types_and_keys() {
    let s = load("tessera.graphql");
    assert_eq!(s.join_version(), (0, 3));
    let names: Vec<_> = s
        .subgraphs()
        .iter()
        .map(|g| (g.name.as_str(), g.url.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("orders", "http://127.0.0.1:4003/graphql"),
            ("products", "http://127.0.0.1:4002/graphql"),
            ("reviews", "http://127.0.0.1:4004/graphql"),
            ("users", "http://127.0.0.1:4001/graphql"),
        ]
    );
    let product = s.type_info(s.type_id("Product").expect("Product"));
    assert!(product.is_entity());
    let products = s.subgraph_id("products").expect("products");
    let keys: Vec<_> = product
        .in_graph(products)
        .expect("in products")
        .keys
        .iter()
        .map(|k| k.text.as_str())
        .collect();
    assert_eq!(keys, ["id", "sku"]);
    let orders = product
        .in_graph(s.subgraph_id("orders").expect("orders"))
        .expect("in orders");
    assert_eq!(orders.keys.len(), 1);
    assert!(!orders.keys[0].resolvable);
    assert_eq!(orders.resolvable_keys().count(), 0);
    // Fields without @join__field belong to every graph of their type.
    assert_eq!(
        resolvers(&s, "Product", "id"),
        ["orders", "products", "reviews"]
    );
    assert_eq!(resolvers(&s, "Product", "reviews"), ["reviews"]);
    assert_eq!(resolvers(&s, "Money", "amount"), ["orders", "products"]);
    assert_eq!(resolvers(&s, "Query", "users"), ["users"]);
    let status = s.type_info(s.type_id("OrderStatus").expect("enum"));
    assert_eq!(status.enum_values.len(), 5);
    assert_eq!(graph_names(&s, status.enum_values[0].1.clone()), ["orders"]);
    assert!(
        s.root_type(apollo_compiler::ast::OperationType::Mutation)
            .is_some()
    );
    assert!(
        s.root_type(apollo_compiler::ast::OperationType::Subscription)
            .is_none()
    );
}

#[test]
fn api_schema_drops_join_and_link() {
    let s = load("tessera.graphql");
    let api = s.api_schema();
    assert!(
        api.types
            .keys()
            .all(|name| !name.starts_with("join__") && !name.starts_with("link__"))
    );
    assert!(
        api.directive_definitions
            .keys()
            .all(|name| !name.starts_with("join__") && name != "link")
    );
    let sdl = api.to_string();
    assert!(!sdl.contains("@join__"), "{sdl}");
    assert!(!sdl.contains("@link"), "{sdl}");
    assert!(sdl.contains("type User {"), "{sdl}");
    assert!(
        api.get_object("Product")
            .expect("Product")
            .fields
            .contains_key("averageRating")
    );
}

#[test]
fn api_schema_drops_every_inaccessible_element() {
    let s = load("inaccessible.graphql");
    let api = s.api_schema();
    assert!(api.types.get("Hidden").is_none(), "type");
    assert!(api.types.get("Secret").is_none(), "interface");
    let book = api.get_object("Book").expect("Book");
    assert!(
        !book.fields.contains_key("code") && !book.fields.contains_key("internal"),
        "fields"
    );
    assert!(
        !book
            .implements_interfaces
            .iter()
            .any(|i| i.name == "Secret"),
        "implements"
    );
    assert!(book.implements_interfaces.iter().any(|i| i.name == "Node"));
    let media = api.get_union("Media").expect("Media");
    assert_eq!(
        media
            .members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["Book", "Movie"]
    );
    let color = api.get_enum("Color").expect("Color");
    assert_eq!(
        color.values.keys().map(|v| v.as_str()).collect::<Vec<_>>(),
        ["RED", "GREEN"]
    );
    let filter = api.get_input_object("Filter").expect("Filter");
    assert!(!filter.fields.contains_key("hiddenFlag"), "input field");
    let query = api.get_object("Query").expect("Query");
    assert!(!query.fields.contains_key("hidden"));
    let media_field = query.fields.get("media").expect("media");
    assert_eq!(
        media_field
            .arguments
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["filter"],
        "argument"
    );
    assert!(api.directive_definitions.get("inaccessible").is_none());
    assert!(api.directive_definitions.get("tag").is_none());
    assert!(!api.to_string().contains("@tag"));
    // The model keeps them, marked, for planning.
    let secret = s.type_info(s.type_id("Secret").expect("still modelled"));
    assert!(secret.inaccessible);
    let book_id = s.type_id("Book").expect("Book");
    assert!(
        s.field(s.field_id(book_id, "internal").expect("internal"))
            .inaccessible
    );
}

#[test]
fn progressive_override_and_context_arguments() {
    let s = load("override_context.graphql");
    assert_eq!(s.join_version(), (0, 5));
    let product = s.type_id("Product").expect("Product");
    let in_stock = s.field(s.field_id(product, "inStock").expect("inStock"));
    let a = s.subgraph_id("a").expect("a");
    let b = s.subgraph_id("b").expect("b");
    let entry_a = in_stock.in_graph(a).expect("a");
    let entry_b = in_stock.in_graph(b).expect("b");
    assert_eq!(entry_a.override_from.as_deref(), Some("b"));
    assert_eq!(entry_a.override_label.as_deref(), Some("percent(50)"));
    // Label off: the old graph still resolves; on: the new one.
    assert!(!entry_a.resolves(|_| false) && entry_b.resolves(|_| false));
    assert!(entry_a.resolves(|_| true) && !entry_b.resolves(|_| true));
    let product2 = s.type_id("Product2").expect("Product2");
    let price = s.field(s.field_id(product2, "price").expect("price"));
    let args = &price.in_graph(b).expect("b").context_arguments;
    assert_eq!(args.len(), 1);
    assert_eq!(
        (
            args[0].name.as_str(),
            args[0].context.as_str(),
            args[0].ty.as_str()
        ),
        ("currency", "b__shop", "String")
    );
    let shop = s.type_info(s.type_id("Shop").expect("Shop"));
    assert_eq!(shop.contexts, ["b__shop"]);
    // The context spec's directives are not client-visible.
    assert!(
        s.api_schema()
            .directive_definitions
            .get("context")
            .is_none()
    );
}

#[test]
fn federation_1_supergraph_loads() {
    let s = load("fed1.graphql");
    assert!(s.is_fed1());
    // Fields without @join__field belong to the owner; join__field names the others.
    assert_eq!(resolvers(&s, "Product", "inStock"), ["inventory"]);
    assert_eq!(resolvers(&s, "Product", "upc"), ["products"]);
    let product = s.type_id("Product").expect("Product");
    let estimate = s.field(s.field_id(product, "shippingEstimate").expect("field"));
    let inventory = s.subgraph_id("inventory").expect("inventory");
    assert_eq!(
        estimate
            .in_graph(inventory)
            .and_then(|g| g.requires_text.as_deref()),
        Some("price weight")
    );
    let review = s.type_id("Review").expect("Review");
    let author = s.field(s.field_id(review, "author").expect("author"));
    assert!(author.graphs[0].provides.is_some());
    assert!(s.api_schema().directive_definitions.get("core").is_none());
    assert!(s.api_schema().types.get("core__Purpose").is_none());
}

#[test]
fn renamed_join_spec_is_followed() {
    let s = load("renamed_join.graphql");
    assert_eq!(resolvers(&s, "Product", "reviews"), ["reviews"]);
    assert_eq!(s.subgraphs().len(), 4);
    assert!(s.api_schema().types.keys().all(|n| !n.starts_with("j__")));
    assert!(s.api_schema().directive_definitions.get("jfield").is_none());
}

#[test]
fn invalid_supergraphs_are_refused_with_the_problem_named() {
    let tessera = fixture("tessera.graphql");
    let cases: Vec<(String, &str)> = vec![
        ("type Query { a: Int }".into(), "no `@link"),
        ("type Query { a: Int".into(), "not a valid graphql schema"),
        (
            tessera.replace("join/v0.3", "join/v0.9"),
            "unsupported join spec version v0.9",
        ),
        (
            tessera.replace(
                "@join__type(graph: ORDERS, key: \"id\")\n{",
                "@join__type(graph: NOPE, key: \"id\")\n{",
            ),
            "NOPE",
        ),
        (
            tessera.replace(
                "@join__type(graph: REVIEWS, key: \"id\")\n{\n  id: ID!\n  rating",
                "@join__type(graph: REVIEWS, key: \"id nope\")\n{\n  id: ID!\n  rating",
            ),
            "invalid field set `id nope`",
        ),
        (
            tessera.replace(
                "  createdAt: DateTime! @join__field(graph: USERS)",
                "  createdAt: DateTime! @join__field(graph: USERS) @inaccessible",
            ),
            "not a valid graphql schema",
        ),
    ];
    for (sdl, expected) in cases {
        let err = Supergraph::parse(&sdl).expect_err(expected).to_string();
        assert!(err.contains(expected), "expected `{expected}` in `{err}`");
    }
}

#[test]
fn accessible_field_of_inaccessible_type_is_refused() {
    let sdl =
        fixture("inaccessible.graphql").replace("hidden: Hidden @inaccessible", "hidden: Hidden");
    let err = Supergraph::parse(&sdl).expect_err("refused").to_string();
    assert!(err.contains("api schema"), "{err}");
}

#[test]
fn possible_types_per_graph() {
    let s = load("inaccessible.graphql");
    let node = s.type_id("Node").expect("Node");
    let a = s.subgraph_id("a").expect("a");
    let names: Vec<_> = s
        .possible_types_in_graph(node, a)
        .iter()
        .map(|t| s.type_info(*t).name.to_string())
        .collect();
    assert_eq!(names, ["Book", "Movie"]);
    let media = s.type_id("Media").expect("Media");
    assert_eq!(s.possible_types(media).len(), 3);
}

/// Input enums and input objects must be the intersection over their graphs: a value or field
/// one graph lacks could otherwise be sent to it. The composed fixture passes; the same
/// supergraph with an extra value or field in one graph only is refused, naming it.
#[test]
fn input_values_missing_from_a_graph_are_refused() {
    let sdl = fixture("federation/types.graphql");
    Supergraph::parse(&sdl).expect("the composed supergraph loads");
    let extra_value = sdl.replace(
        "  M @join__enumValue(graph: A) @join__enumValue(graph: B)\n",
        "  M @join__enumValue(graph: A) @join__enumValue(graph: B)\n  XL @join__enumValue(graph: B)\n",
    );
    assert_ne!(extra_value, sdl);
    let error = Supergraph::parse(&extra_value).expect_err("XL is not in A");
    assert!(
        matches!(&error, SupergraphError::InputNotInGraph { element, graph }
            if element == "enum value `Size.XL`" && graph == "A"),
        "{error}"
    );
    let extra_field = sdl.replace(
        "  minPrice: Int\n}",
        "  minPrice: Int\n  onlyNew: Boolean @join__field(graph: B)\n}",
    );
    assert_ne!(extra_field, sdl);
    let error = Supergraph::parse(&extra_field).expect_err("onlyNew is not in A");
    assert!(
        matches!(&error, SupergraphError::InputNotInGraph { element, .. }
            if element == "input field `Filter.onlyNew`"),
        "{error}"
    );
}
