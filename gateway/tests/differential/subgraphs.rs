//! Five async-graphql Federation v2 subgraphs over [`data`], run in process through a counting
//! [`SubgraphClient`], and the supergraph the gateway's composer makes of their SDLs.
//!
//! What each one exercises:
//! - `accounts`: `User` with two keys (`id`, `email`), an enum, a field error (`secret`),
//!   recursion (`friends`), `name` `@shareable` for the reviews subgraph's `@provides`.
//! - `catalog`: `Product` with a single and a composite key (`upc`, `sku region`), an input
//!   object argument, lists of lists, a `@shareable` root field (`featured`).
//! - `inventory`: `Product` by the composite key only; `@requires` on a nullable field
//!   (`shippingEstimate` needs `weight price`), `@shareable` `name` and `featured`, a field
//!   error in an entity fetch (`stockNote`), entities inside lists of lists with `null` items
//!   (`shelves`).
//! - `reviews`: `@provides(fields: "name")` on `Review.author`, a union whose members are
//!   owned by three subgraphs (`Activity`), an interface only it declares (`Reviewable`), a
//!   non-null field error (`verified`), and `Media` as an `@interfaceObject` (`mentions`).
//! - `media`: the entity interface `Media @key(fields: "id")` with `Book` and `Movie`, and
//!   `User` as a `resolvable: false` reference.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;

use async_graphql::{
    Context, EmptyMutation, EmptySubscription, ID, InputObject, Interface, Object,
    SDLExportOptions, Schema, SimpleObject, Union, Variables,
};
use async_trait::async_trait;
use gateway::supergraph::Supergraph;
use gateway::supergraph::compose::{SubgraphSdl, compose};
use gateway::transport::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};
use serde_json::Value;

use super::data::{self, Category, FlagReason, Role, nullable};

fn error(message: String) -> async_graphql::Error {
    async_graphql::Error::new(message)
}

// ----- accounts -------------------------------------------------------------------------------

mod accounts {
    use super::*;

    pub struct User(pub &'static data::UserRow);

    #[Object]
    impl User {
        async fn id(&self) -> ID {
            ID(self.0.id.to_owned())
        }
        async fn email(&self) -> &str {
            self.0.email
        }
        #[graphql(shareable)]
        async fn name(&self) -> &str {
            self.0.name
        }
        async fn nickname(&self) -> Option<&str> {
            self.0.nickname
        }
        async fn role(&self) -> Role {
            self.0.role
        }
        async fn secret(&self, ctx: &Context<'_>) -> Option<String> {
            nullable(ctx, data::user_secret(self.0.id))
        }
        async fn friends(&self) -> Vec<User> {
            self.0
                .friends
                .iter()
                .filter_map(|id| data::user(id))
                .map(User)
                .collect()
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn users(&self, role: Option<Role>, #[graphql(default = 5)] first: i32) -> Vec<User> {
            data::users(role, first).into_iter().map(User).collect()
        }
        async fn user(&self, id: ID) -> Option<User> {
            data::user(&id).map(User)
        }
        async fn user_by_email(&self, email: String) -> Option<User> {
            data::user_by_email(&email).map(User)
        }
        #[graphql(entity)]
        async fn find_user_by_id(&self, id: ID) -> Option<User> {
            data::user(&id).map(User)
        }
        #[graphql(entity)]
        async fn find_user_by_email(&self, email: String) -> Option<User> {
            data::user_by_email(&email).map(User)
        }
    }

    /// What `renameUser` would do (nothing is stored, so answers stay deterministic).
    pub struct Rename(pub &'static data::UserRow, pub String);

    #[Object]
    impl Rename {
        async fn new_name(&self) -> &str {
            &self.1
        }
        async fn user(&self) -> User {
            User(self.0)
        }
    }

    pub struct Mutation;

    #[Object]
    impl Mutation {
        async fn rename_user(&self, id: ID, name: String) -> async_graphql::Result<Option<Rename>> {
            Ok(data::rename(&id, &name)
                .map_err(error)?
                .map(|(row, name)| Rename(row, name)))
        }
    }

    pub type S = Schema<Query, Mutation, EmptySubscription>;

    pub fn schema() -> S {
        Schema::build(Query, Mutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

// ----- catalog --------------------------------------------------------------------------------

mod catalog {
    use super::*;

    pub struct Product(pub &'static data::ProductRow);

    #[Object]
    impl Product {
        async fn upc(&self) -> ID {
            ID(self.0.upc.to_owned())
        }
        async fn sku(&self) -> &str {
            self.0.sku
        }
        async fn region(&self) -> &str {
            self.0.region
        }
        #[graphql(shareable)]
        async fn name(&self) -> &str {
            self.0.name
        }
        async fn price(&self) -> i32 {
            self.0.price
        }
        async fn weight(&self) -> Option<f64> {
            self.0.weight
        }
        async fn category(&self) -> Category {
            self.0.category
        }
        async fn tags(&self) -> Vec<&str> {
            self.0.tags.to_vec()
        }
        async fn dimensions(&self) -> Vec<Vec<i32>> {
            self.0.dimensions.iter().map(|d| d.to_vec()).collect()
        }
        async fn related(&self, #[graphql(default = 2)] first: i32) -> Vec<Product> {
            data::related(self.0, first)
                .into_iter()
                .map(Product)
                .collect()
        }
    }

    #[derive(InputObject)]
    pub struct ProductFilter {
        pub category: Option<Category>,
        pub max_price: Option<i32>,
        pub tags: Option<Vec<String>>,
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn products(
            &self,
            filter: Option<ProductFilter>,
            #[graphql(default = 4)] first: i32,
        ) -> Vec<Product> {
            let filter = filter.unwrap_or(ProductFilter {
                category: None,
                max_price: None,
                tags: None,
            });
            data::products(
                filter.category,
                filter.max_price,
                filter.tags.as_deref(),
                first,
            )
            .into_iter()
            .map(Product)
            .collect()
        }
        async fn product(&self, upc: ID) -> Option<Product> {
            data::product(&upc).map(Product)
        }
        #[graphql(shareable)]
        async fn featured(&self) -> Vec<Product> {
            data::featured().into_iter().map(Product).collect()
        }
        #[graphql(entity)]
        async fn find_product_by_upc(&self, upc: ID) -> Option<Product> {
            data::product(&upc).map(Product)
        }
        #[graphql(entity)]
        async fn find_product_by_sku_and_region(
            &self,
            sku: String,
            region: String,
        ) -> Option<Product> {
            data::product_by_sku(&sku, &region).map(Product)
        }
    }

    pub type S = Schema<Query, EmptyMutation, EmptySubscription>;

    pub fn schema() -> S {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

// ----- inventory ------------------------------------------------------------------------------

mod inventory {
    use super::*;

    /// A product as inventory sees it: the composite key, plus the `@requires` inputs when the
    /// gateway sent them in the representation (never read from the data set, so a missing or
    /// wrong input shows in the answer).
    pub struct Product {
        pub row: &'static data::ProductRow,
        pub weight: Option<f64>,
        pub price: Option<i32>,
    }

    impl Product {
        fn root(row: &'static data::ProductRow) -> Self {
            Self {
                row,
                weight: None,
                price: None,
            }
        }
    }

    #[Object]
    impl Product {
        async fn sku(&self) -> &str {
            self.row.sku
        }
        async fn region(&self) -> &str {
            self.row.region
        }
        #[graphql(shareable)]
        async fn name(&self) -> &str {
            self.row.name
        }
        async fn in_stock(&self) -> bool {
            self.row.in_stock
        }
        #[graphql(external)]
        async fn weight(&self) -> Option<f64> {
            self.weight
        }
        #[graphql(external)]
        async fn price(&self) -> async_graphql::Result<i32> {
            self.price
                .ok_or_else(|| error("inventory cannot resolve the external price".into()))
        }
        #[graphql(requires = "weight price")]
        async fn shipping_estimate(&self) -> async_graphql::Result<Option<i32>> {
            let price = self
                .price
                .ok_or_else(|| error("the required price was not sent".into()))?;
            Ok(data::shipping_estimate(self.weight, price))
        }
        async fn stock_note(&self, ctx: &Context<'_>) -> Option<String> {
            nullable(ctx, data::stock_note(self.row.upc))
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        #[graphql(shareable)]
        async fn featured(&self) -> Vec<Product> {
            data::featured().into_iter().map(Product::root).collect()
        }
        async fn shelves(&self) -> Vec<Vec<Option<Product>>> {
            data::shelves()
                .into_iter()
                .map(|shelf| shelf.into_iter().map(|p| p.map(Product::root)).collect())
                .collect()
        }
        #[graphql(entity)]
        async fn find_product_by_sku_and_region(
            &self,
            #[graphql(key)] sku: String,
            #[graphql(key)] region: String,
            weight: Option<f64>,
            price: Option<i32>,
        ) -> Option<Product> {
            data::product_by_sku(&sku, &region).map(|row| Product { row, weight, price })
        }
    }

    pub type S = Schema<Query, EmptyMutation, EmptySubscription>;

    pub fn schema() -> S {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

// ----- reviews --------------------------------------------------------------------------------

mod reviews {
    use super::*;

    pub struct Review(pub &'static data::ReviewRow);

    #[Object]
    impl Review {
        async fn id(&self) -> ID {
            ID(self.0.id.to_owned())
        }
        async fn body(&self) -> &str {
            self.0.body
        }
        async fn rating(&self) -> i32 {
            self.0.rating
        }
        async fn verified(&self) -> async_graphql::Result<bool> {
            data::review_verified(self.0.id).map_err(error)
        }
        #[graphql(provides = "name")]
        async fn author(&self) -> Option<User> {
            self.0.author.map(User)
        }
        async fn product(&self) -> Product {
            Product(self.0.product)
        }
    }

    pub struct User(pub &'static str);

    #[Object(name = "User")]
    impl User {
        async fn id(&self) -> ID {
            ID(self.0.to_owned())
        }
        /// Provided along `Review.author` only.
        #[graphql(external)]
        async fn name(&self) -> async_graphql::Result<&str> {
            data::user(self.0)
                .map(|u| u.name)
                .ok_or_else(|| error(format!("no user {}", self.0)))
        }
        async fn reviews(&self) -> Vec<Review> {
            data::user_reviews(self.0).into_iter().map(Review).collect()
        }
    }

    pub struct Product(pub &'static str);

    #[Object(name = "Product")]
    impl Product {
        async fn upc(&self) -> ID {
            ID(self.0.to_owned())
        }
        async fn reviews(&self, min_rating: Option<i32>) -> Vec<Review> {
            data::product_reviews(self.0, min_rating)
                .into_iter()
                .map(Review)
                .collect()
        }
        async fn average_rating(&self) -> Option<f64> {
            data::average_rating(self.0)
        }
    }

    #[derive(Interface)]
    #[graphql(field(
        name = "reviews",
        ty = "Vec<Review>",
        arg(name = "min_rating", ty = "Option<i32>")
    ))]
    pub enum Reviewable {
        Product(Product),
    }

    #[derive(Union)]
    pub enum Activity {
        Review(Review),
        Product(Product),
        User(User),
    }

    /// `Media` seen as an object: this subgraph adds `mentions` to every implementation
    /// without knowing them.
    #[derive(SimpleObject)]
    #[graphql(name = "Media", interface_object)]
    pub struct Media {
        id: ID,
        mentions: i32,
    }

    impl Media {
        fn new(id: &str) -> Self {
            Self {
                id: ID(id.to_owned()),
                mentions: data::mentions(id),
            }
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn reviews(&self, #[graphql(default = 4)] first: i32) -> Vec<Review> {
            data::reviews(first).into_iter().map(Review).collect()
        }
        async fn feed(&self) -> Vec<Activity> {
            data::feed()
                .into_iter()
                .filter_map(|item| match item {
                    data::ActivityRow::Review(id) => {
                        data::review(id).map(Review).map(Activity::Review)
                    }
                    data::ActivityRow::Product(upc) => Some(Activity::Product(Product(upc))),
                    data::ActivityRow::User(id) => Some(Activity::User(User(id))),
                })
                .collect()
        }
        async fn reviewables(&self) -> Vec<Reviewable> {
            data::reviewables()
                .into_iter()
                .map(|upc| Reviewable::Product(Product(upc)))
                .collect()
        }
        async fn trending(&self) -> Vec<Media> {
            data::trending().into_iter().map(Media::new).collect()
        }
        #[graphql(entity)]
        async fn find_user_by_id(&self, id: ID) -> Option<User> {
            data::user(&id).map(|u| User(u.id))
        }
        #[graphql(entity)]
        async fn find_product_by_upc(&self, upc: ID) -> Option<Product> {
            data::product(&upc).map(|p| Product(p.upc))
        }
        #[graphql(entity)]
        async fn find_media_by_id(&self, id: ID) -> Option<Media> {
            data::media(&id).map(|m| Media::new(m.id))
        }
    }

    pub struct Flag(pub &'static data::ReviewRow, pub FlagReason);

    #[Object]
    impl Flag {
        async fn review(&self) -> Review {
            Review(self.0)
        }
        async fn reason(&self) -> FlagReason {
            self.1
        }
        async fn accepted(&self) -> bool {
            data::flag_accepted(self.0, self.1)
        }
    }

    pub struct Mutation;

    #[Object]
    impl Mutation {
        async fn flag_review(&self, id: ID, reason: FlagReason) -> Option<Flag> {
            data::review(&id).map(|r| Flag(r, reason))
        }
    }

    pub type S = Schema<Query, Mutation, EmptySubscription>;

    pub fn schema() -> S {
        Schema::build(Query, Mutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

// ----- media ----------------------------------------------------------------------------------

mod media {
    use super::*;

    /// `User` as a reference this subgraph cannot resolve (`resolvable: false`).
    #[derive(SimpleObject)]
    #[graphql(name = "User", unresolvable = "id")]
    pub struct User {
        id: ID,
    }

    fn user(id: &str) -> User {
        User {
            id: ID(id.to_owned()),
        }
    }

    pub struct Book(pub &'static data::MediaRow);

    #[Object]
    impl Book {
        async fn id(&self) -> ID {
            ID(self.0.id.to_owned())
        }
        async fn title(&self) -> String {
            self.0.title.to_owned()
        }
        async fn author(&self) -> Option<User> {
            match self.0.kind {
                data::MediaKind::Book { author, .. } => author.map(user),
                data::MediaKind::Movie { .. } => None,
            }
        }
        async fn pages(&self) -> i32 {
            match self.0.kind {
                data::MediaKind::Book { pages, .. } => pages,
                data::MediaKind::Movie { .. } => 0,
            }
        }
    }

    pub struct Movie(pub &'static data::MediaRow);

    #[Object]
    impl Movie {
        async fn id(&self) -> ID {
            ID(self.0.id.to_owned())
        }
        async fn title(&self) -> String {
            self.0.title.to_owned()
        }
        async fn duration_minutes(&self) -> i32 {
            match self.0.kind {
                data::MediaKind::Movie {
                    duration_minutes, ..
                } => duration_minutes,
                data::MediaKind::Book { .. } => 0,
            }
        }
        async fn cast(&self) -> Vec<User> {
            match self.0.kind {
                data::MediaKind::Movie { cast, .. } => cast.iter().map(|id| user(id)).collect(),
                data::MediaKind::Book { .. } => Vec::new(),
            }
        }
    }

    #[derive(Interface)]
    #[graphql(field(name = "id", ty = "ID"), field(name = "title", ty = "String"))]
    pub enum Media {
        Book(Book),
        Movie(Movie),
    }

    pub fn of(row: &'static data::MediaRow) -> Media {
        match row.kind {
            data::MediaKind::Book { .. } => Media::Book(Book(row)),
            data::MediaKind::Movie { .. } => Media::Movie(Movie(row)),
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn media(&self) -> Vec<Media> {
            data::MEDIA.iter().map(of).collect()
        }
        async fn media_item(&self, id: ID) -> Option<Media> {
            data::media(&id).map(of)
        }
        #[graphql(entity)]
        async fn find_media_by_id(&self, id: ID) -> Option<Media> {
            data::media(&id).map(of)
        }
        #[graphql(entity)]
        async fn find_book_by_id(&self, id: ID) -> Option<Book> {
            data::media(&id)
                .filter(|m| matches!(m.kind, data::MediaKind::Book { .. }))
                .map(Book)
        }
        #[graphql(entity)]
        async fn find_movie_by_id(&self, id: ID) -> Option<Movie> {
            data::media(&id)
                .filter(|m| matches!(m.kind, data::MediaKind::Movie { .. }))
                .map(Movie)
        }
    }

    pub type S = Schema<Query, EmptyMutation, EmptySubscription>;

    pub fn schema() -> S {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

// ----- the gateway's view ---------------------------------------------------------------------

/// The subgraph schemas, built once per test run.
#[derive(Clone)]
pub struct Subgraphs {
    accounts: accounts::S,
    catalog: catalog::S,
    inventory: inventory::S,
    reviews: reviews::S,
    media: media::S,
}

impl Subgraphs {
    pub fn new() -> Self {
        Self {
            accounts: accounts::schema(),
            catalog: catalog::schema(),
            inventory: inventory::schema(),
            reviews: reviews::schema(),
            media: media::schema(),
        }
    }

    /// Each subgraph's name and federation SDL, as `_service { sdl }` would print it.
    pub fn sdls(&self) -> Vec<(&'static str, String)> {
        let options = SDLExportOptions::new().federation().compose_directive();
        vec![
            ("accounts", self.accounts.sdl_with_options(options)),
            ("catalog", self.catalog.sdl_with_options(options)),
            ("inventory", self.inventory.sdl_with_options(options)),
            ("reviews", self.reviews.sdl_with_options(options)),
            ("media", self.media.sdl_with_options(options)),
        ]
    }

    /// The supergraph composed from the five SDLs by the gateway's own composer.
    pub fn supergraph(&self) -> Arc<Supergraph> {
        let sdls: Vec<SubgraphSdl> = self
            .sdls()
            .into_iter()
            .map(|(name, sdl)| SubgraphSdl {
                name: name.to_owned(),
                url: format!("http://{name}.invalid/graphql"),
                sdl,
            })
            .collect();
        let supergraph = compose(&sdls).unwrap_or_else(|e| panic!("the subgraphs compose: {e}"));
        Arc::new(
            Supergraph::parse(&supergraph)
                .unwrap_or_else(|e| panic!("the composed supergraph loads: {e}\n{supergraph}")),
        )
    }

    async fn execute(&self, subgraph: &str, request: async_graphql::Request) -> Option<Value> {
        let response = match subgraph {
            "accounts" => self.accounts.execute(request).await,
            "catalog" => self.catalog.execute(request).await,
            "inventory" => self.inventory.execute(request).await,
            "reviews" => self.reviews.execute(request).await,
            "media" => self.media.execute(request).await,
            _ => return None,
        };
        Some(serde_json::to_value(&response).expect("a response serializes"))
    }
}

/// Calls the subgraphs in process and counts the requests each one receives.
pub struct Client {
    subgraphs: Subgraphs,
    calls: Mutex<BTreeMap<String, usize>>,
}

impl Client {
    pub fn new(subgraphs: Subgraphs) -> Self {
        Self {
            subgraphs,
            calls: Mutex::new(BTreeMap::new()),
        }
    }

    /// Requests per subgraph so far.
    pub fn calls(&self) -> BTreeMap<String, usize> {
        self.calls.lock().expect("lock").clone()
    }
}

#[async_trait]
impl SubgraphClient for Client {
    async fn execute(
        &self,
        subgraph: &str,
        request: SubgraphRequest,
    ) -> Result<SubgraphResponse, TransportError> {
        *self
            .calls
            .lock()
            .expect("lock")
            .entry(subgraph.to_owned())
            .or_default() += 1;
        let mut graphql = async_graphql::Request::new(request.query.to_string())
            .variables(Variables::from_json(Value::Object(request.variables)));
        if let Some(name) = request.operation_name {
            graphql = graphql.operation_name(name);
        }
        let json = self
            .subgraphs
            .execute(subgraph, graphql)
            .await
            .ok_or_else(|| TransportError::UnknownSubgraph(subgraph.to_owned()))?;
        Ok(serde_json::from_value(json).expect("a graphql response"))
    }
}
