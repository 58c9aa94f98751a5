//! In-memory versions of Tessera's four subgraphs, matching `fixtures/tessera.graphql`:
//! real async-graphql federation schemas with small fixed data, so gateway results can be
//! checked field by field.

use std::sync::{Arc, Mutex};

use async_graphql::{
    Context, EmptyMutation, EmptySubscription, ErrorExtensions, ID, Object, Schema, SimpleObject,
};

#[derive(Clone, SimpleObject)]
pub struct Money {
    amount: String,
    currency: String,
}

fn money(cents: i64) -> Money {
    Money {
        amount: format!("{}.{:02}", cents / 100, cents % 100),
        currency: "USD".into(),
    }
}

// ---------------------------------------------------------------- users

pub struct UsersQuery;

#[derive(Clone)]
pub struct UserRow {
    id: u32,
    name: &'static str,
    email: &'static str,
}

pub const USERS: [UserRow; 3] = [
    UserRow {
        id: 1,
        name: "Ada",
        email: "ada@tessera.dev",
    },
    UserRow {
        id: 2,
        name: "Grace",
        email: "grace@tessera.dev",
    },
    UserRow {
        id: 3,
        name: "Alan",
        email: "alan@tessera.dev",
    },
];

#[Object(name = "User")]
impl UserRow {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn name(&self) -> &str {
        self.name
    }
    async fn email(&self) -> &str {
        self.email
    }
}

#[Object]
impl UsersQuery {
    async fn users(&self, first: Option<i32>) -> Vec<UserRow> {
        USERS
            .iter()
            .take(first.unwrap_or(20).max(0) as usize)
            .cloned()
            .collect()
    }
    async fn user(&self, id: ID) -> Option<UserRow> {
        USERS.iter().find(|u| u.id.to_string() == id.0).cloned()
    }
    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> Option<UserRow> {
        USERS.iter().find(|u| u.id.to_string() == id.0).cloned()
    }
}

pub fn users() -> Schema<UsersQuery, EmptyMutation, EmptySubscription> {
    Schema::build(UsersQuery, EmptyMutation, EmptySubscription)
        .enable_federation()
        .finish()
}

// ---------------------------------------------------------------- products

#[derive(Clone)]
pub struct ProductRow {
    id: u32,
    sku: &'static str,
    name: &'static str,
    cents: i64,
    stock: i32,
}

pub const PRODUCTS: [ProductRow; 3] = [
    ProductRow {
        id: 1,
        sku: "P-1",
        name: "Widget",
        cents: 1230,
        stock: 5,
    },
    ProductRow {
        id: 2,
        sku: "P-2",
        name: "Gadget",
        cents: 500,
        stock: 0,
    },
    ProductRow {
        id: 3,
        sku: "P-3",
        name: "Gizmo",
        cents: 750,
        stock: 2,
    },
];

#[Object(name = "Product")]
impl ProductRow {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn sku(&self) -> &str {
        self.sku
    }
    async fn name(&self) -> &str {
        self.name
    }
    async fn price(&self) -> Money {
        money(self.cents)
    }
    async fn stock(&self) -> i32 {
        self.stock
    }
    async fn in_stock(&self) -> bool {
        self.stock > 0
    }
}

pub struct ProductsQuery;

#[Object]
impl ProductsQuery {
    async fn product(&self, id: ID) -> Option<ProductRow> {
        PRODUCTS.iter().find(|p| p.id.to_string() == id.0).cloned()
    }
    async fn product_by_sku(&self, sku: String) -> Option<ProductRow> {
        PRODUCTS.iter().find(|p| p.sku == sku).cloned()
    }
    async fn products(&self, first: Option<i32>) -> Vec<ProductRow> {
        PRODUCTS
            .iter()
            .take(first.unwrap_or(20).max(0) as usize)
            .cloned()
            .collect()
    }
    #[graphql(entity)]
    async fn find_product_by_id(&self, id: ID) -> Option<ProductRow> {
        PRODUCTS.iter().find(|p| p.id.to_string() == id.0).cloned()
    }
    #[graphql(entity)]
    async fn find_product_by_sku(&self, sku: String) -> Option<ProductRow> {
        PRODUCTS.iter().find(|p| p.sku == sku).cloned()
    }
}

pub fn products() -> Schema<ProductsQuery, EmptyMutation, EmptySubscription> {
    Schema::build(ProductsQuery, EmptyMutation, EmptySubscription)
        .enable_federation()
        .finish()
}

// ---------------------------------------------------------------- orders

#[derive(Clone, SimpleObject)]
#[graphql(name = "Product")]
pub struct ProductRef {
    id: ID,
}

#[derive(Clone, SimpleObject)]
pub struct OrderItem {
    product: ProductRef,
    quantity: i32,
    unit_price: Money,
}

#[derive(Clone)]
pub struct OrderRow {
    id: u32,
    user: u32,
    items: &'static [(u32, i32, i64)],
    status: &'static str,
}

pub const ORDERS: [OrderRow; 3] = [
    OrderRow {
        id: 1,
        user: 1,
        items: &[(1, 2, 1230), (2, 1, 500)],
        status: "PAID",
    },
    OrderRow {
        id: 2,
        user: 1,
        items: &[(1, 1, 1230)],
        status: "PENDING",
    },
    OrderRow {
        id: 3,
        user: 2,
        items: &[(3, 1, 750)],
        status: "SHIPPED",
    },
];

#[derive(Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

#[Object(name = "Order")]
impl OrderRow {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn user(&self) -> OrdersUser {
        OrdersUser { id: self.user }
    }
    async fn items(&self) -> Vec<OrderItem> {
        self.items
            .iter()
            .map(|&(product, quantity, cents)| OrderItem {
                product: ProductRef {
                    id: ID(product.to_string()),
                },
                quantity,
                unit_price: money(cents),
            })
            .collect()
    }
    async fn total(&self) -> Money {
        money(self.items.iter().map(|&(_, q, c)| i64::from(q) * c).sum())
    }
    async fn status(&self) -> OrderStatus {
        match self.status {
            "PAID" => OrderStatus::Paid,
            "SHIPPED" => OrderStatus::Shipped,
            _ => OrderStatus::Pending,
        }
    }
}

pub struct OrdersUser {
    id: u32,
}

#[Object(name = "User")]
impl OrdersUser {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn orders(&self, first: Option<i32>) -> Vec<OrderRow> {
        ORDERS
            .iter()
            .filter(|o| o.user == self.id)
            .take(first.unwrap_or(20).max(0) as usize)
            .cloned()
            .collect()
    }
}

pub struct OrdersQuery;

#[Object]
impl OrdersQuery {
    async fn order(&self, id: ID) -> Option<OrderRow> {
        ORDERS.iter().find(|o| o.id.to_string() == id.0).cloned()
    }
    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> async_graphql::Result<OrdersUser> {
        Ok(OrdersUser { id: id.0.parse()? })
    }
}

pub fn orders() -> Schema<OrdersQuery, EmptyMutation, EmptySubscription> {
    Schema::build(OrdersQuery, EmptyMutation, EmptySubscription)
        .enable_federation()
        .finish()
}

// ---------------------------------------------------------------- reviews

#[derive(Clone)]
pub struct ReviewRow {
    id: u32,
    product: u32,
    author: u32,
    rating: i32,
    body: String,
}

#[Object(name = "Review")]
impl ReviewRow {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn rating(&self) -> i32 {
        self.rating
    }
    /// Review 3's body is "unavailable": a field error for null-propagation tests.
    async fn body(&self) -> async_graphql::Result<&str> {
        if self.id == 3 {
            return Err("body unavailable".into());
        }
        Ok(&self.body)
    }
    async fn author(&self) -> ReviewsUser {
        ReviewsUser { id: self.author }
    }
    async fn product(&self) -> ReviewsProduct {
        ReviewsProduct { id: self.product }
    }
}

pub type ReviewStore = Arc<Mutex<Vec<ReviewRow>>>;

fn initial_reviews() -> Vec<ReviewRow> {
    vec![
        ReviewRow {
            id: 1,
            product: 1,
            author: 2,
            rating: 5,
            body: "great".into(),
        },
        ReviewRow {
            id: 2,
            product: 1,
            author: 3,
            rating: 4,
            body: "good".into(),
        },
        ReviewRow {
            id: 3,
            product: 2,
            author: 1,
            rating: 3,
            body: "ok".into(),
        },
    ]
}

fn store<'c>(ctx: &Context<'c>) -> async_graphql::Result<&'c ReviewStore> {
    ctx.data::<ReviewStore>()
}

fn rows(ctx: &Context<'_>) -> async_graphql::Result<Vec<ReviewRow>> {
    Ok(store(ctx)?.lock().map_err(|_| "poisoned")?.clone())
}

pub struct ReviewsProduct {
    id: u32,
}

#[Object(name = "Product")]
impl ReviewsProduct {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn reviews(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReviewRow>> {
        Ok(rows(ctx)?
            .into_iter()
            .filter(|r| r.product == self.id)
            .collect())
    }
    async fn average_rating(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<f64>> {
        let ratings: Vec<i32> = rows(ctx)?
            .iter()
            .filter(|r| r.product == self.id)
            .map(|r| r.rating)
            .collect();
        Ok((!ratings.is_empty())
            .then(|| f64::from(ratings.iter().sum::<i32>()) / ratings.len() as f64))
    }
}

pub struct ReviewsUser {
    id: u32,
}

#[Object(name = "User")]
impl ReviewsUser {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn reviews(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ReviewRow>> {
        Ok(rows(ctx)?
            .into_iter()
            .filter(|r| r.author == self.id)
            .collect())
    }
}

pub struct ReviewsQuery;

#[Object]
impl ReviewsQuery {
    async fn review(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ReviewRow> {
        rows(ctx)?
            .into_iter()
            .find(|r| r.id.to_string() == id.0)
            .ok_or_else(|| {
                async_graphql::Error::new("review not found")
                    .extend_with(|_, e| e.set("code", "NOT_FOUND"))
            })
    }
    #[graphql(entity)]
    async fn find_product_by_id(&self, id: ID) -> async_graphql::Result<ReviewsProduct> {
        Ok(ReviewsProduct { id: id.0.parse()? })
    }
    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> async_graphql::Result<ReviewsUser> {
        Ok(ReviewsUser { id: id.0.parse()? })
    }
}

pub struct ReviewsMutation;

#[Object]
impl ReviewsMutation {
    async fn add_review(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        rating: i32,
        body: String,
    ) -> async_graphql::Result<ReviewRow> {
        let mut rows = store(ctx)?.lock().map_err(|_| "poisoned")?;
        let id = rows.iter().map(|r| r.id).max().unwrap_or(0) + 1;
        let row = ReviewRow {
            id,
            product: product_id.0.parse()?,
            author: 1,
            rating,
            body,
        };
        rows.push(row.clone());
        Ok(row)
    }
    async fn delete_review(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let mut rows = store(ctx)?.lock().map_err(|_| "poisoned")?;
        let before = rows.len();
        rows.retain(|r| r.id.to_string() != id.0);
        Ok(rows.len() != before)
    }
}

pub fn reviews() -> (
    Schema<ReviewsQuery, ReviewsMutation, EmptySubscription>,
    ReviewStore,
) {
    let store: ReviewStore = Arc::new(Mutex::new(initial_reviews()));
    let schema = Schema::build(ReviewsQuery, ReviewsMutation, EmptySubscription)
        .data(store.clone())
        .enable_federation()
        .finish();
    (schema, store)
}

/// All four, in process.
pub fn client() -> super::harness::InProcess {
    super::harness::InProcess::default()
        .with("users", users())
        .with("products", products())
        .with("orders", orders())
        .with("reviews", reviews().0)
}
