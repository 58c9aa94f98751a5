//! The one data set both sides serve. Every answer, including which fields are `null` and which
//! fail, is a pure function of these tables, so the monolith and the federated subgraphs agree
//! by construction and any difference in a response is the gateway's doing.

use async_graphql::{Context, Enum, ServerError};

/// A nullable field that fails: the error is recorded at the field's path and the field
/// answers `null` in place. Returning `Err` instead would make async-graphql drop the key
/// (`do_resolve_container`), and the null put back later would lose its position.
pub fn nullable<T>(ctx: &Context<'_>, result: Result<Option<T>, String>) -> Option<T> {
    result.unwrap_or_else(|message| {
        ctx.add_error(ctx.set_error_path(ServerError::new(message, Some(ctx.item.pos))));
        None
    })
}

/// Account roles; an enum used as an argument and as an output.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    Member,
    Guest,
}

/// Why a review is flagged; a mutation argument and output.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagReason {
    Spam,
    Rude,
}

/// `Mutation.flagReview`: accepted unless the review is highly rated and the reason is spam.
pub fn flag_accepted(review: &ReviewRow, reason: FlagReason) -> bool {
    !(review.rating >= 4 && reason == FlagReason::Spam)
}

/// `Mutation.renameUser`: the name is refused when empty or too long; nothing is stored.
pub fn rename(id: &str, name: &str) -> Result<Option<(&'static UserRow, String)>, String> {
    if name.is_empty() || name.len() > 8 {
        return Err(format!("invalid name {name:?}"));
    }
    Ok(user(id).map(|u| (u, name.to_uppercase())))
}

/// Product categories; used in the `ProductFilter` input and as an output.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Book,
    Game,
    Music,
}

pub struct UserRow {
    pub id: &'static str,
    pub email: &'static str,
    pub name: &'static str,
    /// `None` for some users: a plain nullable field.
    pub nickname: Option<&'static str>,
    pub role: Role,
    pub friends: &'static [&'static str],
}

pub const USERS: &[UserRow] = &[
    UserRow {
        id: "u1",
        email: "ada@example.com",
        name: "Ada",
        nickname: Some("countess"),
        role: Role::Admin,
        friends: &["u2", "u3"],
    },
    UserRow {
        id: "u2",
        email: "grace@example.com",
        name: "Grace",
        nickname: None,
        role: Role::Member,
        friends: &["u1"],
    },
    UserRow {
        id: "u3",
        email: "edsger@example.com",
        name: "Edsger",
        nickname: Some("ewd"),
        role: Role::Member,
        friends: &[],
    },
    UserRow {
        id: "u4",
        email: "barbara@example.com",
        name: "Barbara",
        nickname: None,
        role: Role::Guest,
        friends: &["u3", "u1"],
    },
];

pub fn user(id: &str) -> Option<&'static UserRow> {
    USERS.iter().find(|u| u.id == id)
}

pub fn user_by_email(email: &str) -> Option<&'static UserRow> {
    USERS.iter().find(|u| u.email == email)
}

/// `User.secret`: readable for some users, a field error for the others.
///
/// Never a plain `null`: async-graphql leaves the index out of `_entities` error paths, so the
/// gateway attributes such an error to the n-th entity whose value is null along the path; a
/// legitimate `null` beside the errors would be a candidate too, and the attribution is then
/// a guess the differential test would (rightly) catch. Plain nulls are tested on fields
/// that never fail (`nickname`, `weight`, `averageRating`).
pub fn user_secret(id: &str) -> Result<Option<String>, String> {
    match id {
        "u1" => Ok(Some("s-ada".to_owned())),
        "u3" => Ok(Some("s-edsger".to_owned())),
        other => Err(format!("secret of {other} is forbidden")),
    }
}

/// `Query.users(role, first)`.
pub fn users(role: Option<Role>, first: i32) -> Vec<&'static UserRow> {
    USERS
        .iter()
        .filter(|u| role.is_none_or(|r| u.role == r))
        .take(usize::try_from(first).unwrap_or(0))
        .collect()
}

pub struct ProductRow {
    pub upc: &'static str,
    pub sku: &'static str,
    pub region: &'static str,
    pub name: &'static str,
    pub price: i32,
    /// `None` for some products: the nullable field `shippingEstimate` `@requires`.
    pub weight: Option<f64>,
    pub category: Category,
    pub tags: &'static [&'static str],
    pub dimensions: &'static [&'static [i32]],
    pub related: &'static [&'static str],
    pub in_stock: bool,
}

pub const PRODUCTS: &[ProductRow] = &[
    ProductRow {
        upc: "p1",
        sku: "dune",
        region: "eu",
        name: "Dune",
        price: 1200,
        weight: Some(0.5),
        category: Category::Book,
        tags: &["scifi", "classic"],
        dimensions: &[&[20, 13], &[4]],
        related: &["p2", "p4"],
        in_stock: true,
    },
    ProductRow {
        upc: "p2",
        sku: "dune",
        region: "us",
        name: "Dune (US)",
        price: 1500,
        weight: None,
        category: Category::Book,
        tags: &["scifi"],
        dimensions: &[],
        related: &["p1"],
        in_stock: false,
    },
    ProductRow {
        upc: "p3",
        sku: "go",
        region: "eu",
        name: "Go",
        price: 3000,
        weight: Some(1.25),
        category: Category::Game,
        tags: &[],
        dimensions: &[&[45, 45], &[], &[1, 2, 3]],
        related: &["p1", "p5", "p3"],
        in_stock: true,
    },
    ProductRow {
        upc: "p4",
        sku: "kind-of-blue",
        region: "eu",
        name: "Kind of Blue",
        price: 999,
        weight: Some(0.2),
        category: Category::Music,
        tags: &["jazz", "classic"],
        dimensions: &[&[12, 12]],
        related: &[],
        in_stock: true,
    },
    ProductRow {
        upc: "p5",
        sku: "catan",
        region: "us",
        name: "Catan",
        price: 4500,
        weight: None,
        category: Category::Game,
        tags: &["family"],
        dimensions: &[&[30], &[30, 8]],
        related: &["p3"],
        in_stock: false,
    },
];

pub fn product(upc: &str) -> Option<&'static ProductRow> {
    PRODUCTS.iter().find(|p| p.upc == upc)
}

pub fn product_by_sku(sku: &str, region: &str) -> Option<&'static ProductRow> {
    PRODUCTS.iter().find(|p| p.sku == sku && p.region == region)
}

/// `Query.products(filter, first)`.
pub fn products(
    category: Option<Category>,
    max_price: Option<i32>,
    tags: Option<&[String]>,
    first: i32,
) -> Vec<&'static ProductRow> {
    PRODUCTS
        .iter()
        .filter(|p| category.is_none_or(|c| p.category == c))
        .filter(|p| max_price.is_none_or(|m| p.price <= m))
        .filter(|p| tags.is_none_or(|t| t.iter().all(|t| p.tags.contains(&t.as_str()))))
        .take(usize::try_from(first).unwrap_or(0))
        .collect()
}

/// `Product.related(first)`.
pub fn related(p: &ProductRow, first: i32) -> Vec<&'static ProductRow> {
    p.related
        .iter()
        .filter_map(|upc| product(upc))
        .take(usize::try_from(first).unwrap_or(0))
        .collect()
}

/// `Query.featured`, served by two subgraphs (a shareable root field).
pub fn featured() -> Vec<&'static ProductRow> {
    ["p3", "p1"].iter().filter_map(|upc| product(upc)).collect()
}

/// `Query.shelves`: a list of lists of nullable products (entities inside lists of lists,
/// `null` items among them).
pub fn shelves() -> Vec<Vec<Option<&'static ProductRow>>> {
    vec![
        vec![product("p1"), None, product("p4")],
        vec![],
        vec![product("p5"), product("p3")],
    ]
}

/// `Product.shippingEstimate`, computed from the required `weight` and `price`; `null` when
/// the weight is.
pub fn shipping_estimate(weight: Option<f64>, price: i32) -> Option<i32> {
    // Whole grams times a price band: exact in f64, so both sides agree to the bit.
    weight.map(|w| (w * 1000.0) as i32 / 100 + price / 1000)
}

/// `Product.stockNote`: a field error for one product (never a plain `null`, see
/// [`user_secret`]).
pub fn stock_note(upc: &str) -> Result<Option<String>, String> {
    match upc {
        "p3" => Err("stock system unavailable for go".to_owned()),
        other => Ok(Some(format!("note-{other}"))),
    }
}

pub struct ReviewRow {
    pub id: &'static str,
    pub body: &'static str,
    pub rating: i32,
    pub author: Option<&'static str>,
    pub product: &'static str,
}

pub const REVIEWS: &[ReviewRow] = &[
    ReviewRow {
        id: "r1",
        body: "A classic.",
        rating: 5,
        author: Some("u1"),
        product: "p1",
    },
    ReviewRow {
        id: "r2",
        body: "Too long.",
        rating: 2,
        author: Some("u2"),
        product: "p1",
    },
    ReviewRow {
        id: "r3",
        body: "Deep.",
        rating: 4,
        author: Some("u1"),
        product: "p3",
    },
    ReviewRow {
        id: "r4",
        body: "Anonymous praise.",
        rating: 5,
        author: None,
        product: "p4",
    },
    ReviewRow {
        id: "r5",
        body: "Unverifiable.",
        rating: 3,
        author: Some("u4"),
        product: "p5",
    },
    ReviewRow {
        id: "r6",
        body: "Fun with friends.",
        rating: 4,
        author: Some("u3"),
        product: "p5",
    },
];

pub fn review(id: &str) -> Option<&'static ReviewRow> {
    REVIEWS.iter().find(|r| r.id == id)
}

/// `Review.verified: Boolean!`: a field error on one review, so a non-null error propagates.
pub fn review_verified(id: &str) -> Result<bool, String> {
    match id {
        "r5" => Err("verification failed for r5".to_owned()),
        other => Ok(other != "r2"),
    }
}

/// `Query.reviews(first)`.
pub fn reviews(first: i32) -> Vec<&'static ReviewRow> {
    REVIEWS
        .iter()
        .take(usize::try_from(first).unwrap_or(0))
        .collect()
}

/// `Product.reviews(minRating)`.
pub fn product_reviews(upc: &str, min_rating: Option<i32>) -> Vec<&'static ReviewRow> {
    REVIEWS
        .iter()
        .filter(|r| r.product == upc && min_rating.is_none_or(|m| r.rating >= m))
        .collect()
}

/// `User.reviews`.
pub fn user_reviews(id: &str) -> Vec<&'static ReviewRow> {
    REVIEWS.iter().filter(|r| r.author == Some(id)).collect()
}

/// `Product.averageRating`: `null` without reviews.
pub fn average_rating(upc: &str) -> Option<f64> {
    let ratings: Vec<i32> = product_reviews(upc, None)
        .iter()
        .map(|r| r.rating)
        .collect();
    if ratings.is_empty() {
        return None;
    }
    // Halves only, so exact in f64.
    let sum: i32 = ratings.iter().sum();
    Some(f64::from(sum * 2 / i32::try_from(ratings.len()).unwrap_or(1)) / 2.0)
}

/// One item of `Query.feed`, a union whose members live in three subgraphs.
#[derive(Clone, Copy)]
pub enum ActivityRow {
    Review(&'static str),
    Product(&'static str),
    User(&'static str),
}

pub fn feed() -> Vec<ActivityRow> {
    vec![
        ActivityRow::Review("r3"),
        ActivityRow::Product("p4"),
        ActivityRow::User("u2"),
        ActivityRow::Review("r5"),
        ActivityRow::User("u1"),
        ActivityRow::Product("p2"),
    ]
}

/// `Query.reviewables`: products, through an interface only the reviews subgraph declares.
pub fn reviewables() -> Vec<&'static str> {
    vec!["p5", "p1", "p2"]
}

#[derive(Clone, Copy)]
pub enum MediaKind {
    Book {
        author: Option<&'static str>,
        pages: i32,
    },
    Movie {
        duration_minutes: i32,
        cast: &'static [&'static str],
    },
}

pub struct MediaRow {
    pub id: &'static str,
    pub title: &'static str,
    pub kind: MediaKind,
}

pub const MEDIA: &[MediaRow] = &[
    MediaRow {
        id: "m1",
        title: "Notes on Structured Programming",
        kind: MediaKind::Book {
            author: Some("u3"),
            pages: 82,
        },
    },
    MediaRow {
        id: "m2",
        title: "Hidden Figures",
        kind: MediaKind::Movie {
            duration_minutes: 127,
            cast: &["u4", "u2"],
        },
    },
    MediaRow {
        id: "m3",
        title: "Untitled Manuscript",
        kind: MediaKind::Book {
            author: None,
            pages: 3,
        },
    },
    MediaRow {
        id: "m4",
        title: "Bletchley",
        kind: MediaKind::Movie {
            duration_minutes: 95,
            cast: &[],
        },
    },
];

pub fn media(id: &str) -> Option<&'static MediaRow> {
    MEDIA.iter().find(|m| m.id == id)
}

/// `Media.mentions`, added to the interface by the reviews subgraph (`@interfaceObject`).
pub fn mentions(id: &str) -> i32 {
    match id {
        "m1" => 7,
        "m2" => 12,
        "m3" => 0,
        _ => 1,
    }
}

/// `Query.trending`, served by the `@interfaceObject` subgraph.
pub fn trending() -> Vec<&'static str> {
    vec!["m2", "m3", "m1"]
}
