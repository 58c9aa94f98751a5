//! The monolith: one plain async-graphql schema answering from the same [`data`] what the five
//! subgraphs answer together. Its SDL must equal the gateway's API schema (checked by
//! `schemas_agree`), so every generated operation is valid on both.

use async_graphql::{
    Context, EmptySubscription, ID, InputObject, Interface, Object, Schema, Union,
};

use super::data::{self, Category, FlagReason, Role, nullable};

fn error(message: String) -> async_graphql::Error {
    async_graphql::Error::new(message)
}

pub struct User(&'static data::UserRow);

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.0.id.to_owned())
    }
    async fn email(&self) -> &str {
        self.0.email
    }
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
    async fn reviews(&self) -> Vec<Review> {
        data::user_reviews(self.0.id)
            .into_iter()
            .map(Review)
            .collect()
    }
}

fn user(id: &str) -> Option<User> {
    data::user(id).map(User)
}

pub struct Product(&'static data::ProductRow);

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
    async fn in_stock(&self) -> bool {
        self.0.in_stock
    }
    async fn shipping_estimate(&self) -> Option<i32> {
        data::shipping_estimate(self.0.weight, self.0.price)
    }
    async fn stock_note(&self, ctx: &Context<'_>) -> Option<String> {
        nullable(ctx, data::stock_note(self.0.upc))
    }
    async fn reviews(&self, min_rating: Option<i32>) -> Vec<Review> {
        data::product_reviews(self.0.upc, min_rating)
            .into_iter()
            .map(Review)
            .collect()
    }
    async fn average_rating(&self) -> Option<f64> {
        data::average_rating(self.0.upc)
    }
}

fn product(upc: &str) -> Option<Product> {
    data::product(upc).map(Product)
}

pub struct Review(&'static data::ReviewRow);

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
    async fn author(&self) -> Option<User> {
        self.0.author.and_then(user)
    }
    async fn product(&self) -> async_graphql::Result<Product> {
        product(self.0.product).ok_or_else(|| error(format!("no product {}", self.0.product)))
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

pub struct Book(&'static data::MediaRow);

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
            data::MediaKind::Book { author, .. } => author.and_then(user),
            data::MediaKind::Movie { .. } => None,
        }
    }
    async fn pages(&self) -> i32 {
        match self.0.kind {
            data::MediaKind::Book { pages, .. } => pages,
            data::MediaKind::Movie { .. } => 0,
        }
    }
    async fn mentions(&self) -> i32 {
        data::mentions(self.0.id)
    }
}

pub struct Movie(&'static data::MediaRow);

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
            data::MediaKind::Movie { cast, .. } => cast.iter().filter_map(|id| user(id)).collect(),
            data::MediaKind::Book { .. } => Vec::new(),
        }
    }
    async fn mentions(&self) -> i32 {
        data::mentions(self.0.id)
    }
}

#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID"),
    field(name = "title", ty = "String"),
    field(name = "mentions", ty = "i32")
)]
pub enum Media {
    Book(Book),
    Movie(Movie),
}

fn media(row: &'static data::MediaRow) -> Media {
    match row.kind {
        data::MediaKind::Book { .. } => Media::Book(Book(row)),
        data::MediaKind::Movie { .. } => Media::Movie(Movie(row)),
    }
}

#[derive(InputObject)]
pub struct ProductFilter {
    category: Option<Category>,
    max_price: Option<i32>,
    tags: Option<Vec<String>>,
}

pub struct Query;

#[Object]
impl Query {
    async fn users(&self, role: Option<Role>, #[graphql(default = 5)] first: i32) -> Vec<User> {
        data::users(role, first).into_iter().map(User).collect()
    }
    async fn user(&self, id: ID) -> Option<User> {
        user(&id)
    }
    async fn user_by_email(&self, email: String) -> Option<User> {
        data::user_by_email(&email).map(User)
    }
    async fn products(
        &self,
        filter: Option<ProductFilter>,
        #[graphql(default = 4)] first: i32,
    ) -> Vec<Product> {
        let (category, max_price, tags) = match filter {
            Some(f) => (f.category, f.max_price, f.tags),
            None => (None, None, None),
        };
        data::products(category, max_price, tags.as_deref(), first)
            .into_iter()
            .map(Product)
            .collect()
    }
    async fn product(&self, upc: ID) -> Option<Product> {
        product(&upc)
    }
    async fn featured(&self) -> Vec<Product> {
        data::featured().into_iter().map(Product).collect()
    }
    async fn shelves(&self) -> Vec<Vec<Option<Product>>> {
        data::shelves()
            .into_iter()
            .map(|shelf| shelf.into_iter().map(|p| p.map(Product)).collect())
            .collect()
    }
    async fn reviews(&self, #[graphql(default = 4)] first: i32) -> Vec<Review> {
        data::reviews(first).into_iter().map(Review).collect()
    }
    async fn feed(&self) -> Vec<Activity> {
        data::feed()
            .into_iter()
            .filter_map(|item| match item {
                data::ActivityRow::Review(id) => data::review(id).map(Review).map(Activity::Review),
                data::ActivityRow::Product(upc) => product(upc).map(Activity::Product),
                data::ActivityRow::User(id) => user(id).map(Activity::User),
            })
            .collect()
    }
    async fn reviewables(&self) -> Vec<Reviewable> {
        data::reviewables()
            .into_iter()
            .filter_map(product)
            .map(Reviewable::Product)
            .collect()
    }
    async fn trending(&self) -> Vec<Media> {
        data::trending()
            .into_iter()
            .filter_map(data::media)
            .map(media)
            .collect()
    }
    async fn media(&self) -> Vec<Media> {
        data::MEDIA.iter().map(media).collect()
    }
    async fn media_item(&self, id: ID) -> Option<Media> {
        data::media(&id).map(media)
    }
}

pub struct Rename(&'static data::UserRow, String);

#[Object]
impl Rename {
    async fn new_name(&self) -> &str {
        &self.1
    }
    async fn user(&self) -> User {
        User(self.0)
    }
}

pub struct Flag(&'static data::ReviewRow, FlagReason);

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
    async fn rename_user(&self, ctx: &Context<'_>, id: ID, name: String) -> Option<Rename> {
        nullable(ctx, data::rename(&id, &name)).map(|(row, name)| Rename(row, name))
    }
    async fn flag_review(&self, id: ID, reason: FlagReason) -> Option<Flag> {
        data::review(&id).map(|r| Flag(r, reason))
    }
}

pub type Monolith = Schema<Query, Mutation, EmptySubscription>;

pub fn schema() -> Monolith {
    Schema::build(Query, Mutation, EmptySubscription).finish()
}
