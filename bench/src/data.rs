//! The benchmark's data: deterministic, in memory, shared by the four subgraphs and the
//! monolith, so both answer the query with exactly the same response.

/// A user of the accounts subgraph.
#[derive(Debug)]
pub struct UserData {
    pub id: &'static str,
    pub name: &'static str,
    pub username: &'static str,
}

/// A product of the products and inventory subgraphs.
#[derive(Debug)]
pub struct ProductData {
    pub upc: &'static str,
    pub name: &'static str,
    pub price: i32,
    pub weight: i32,
    pub in_stock: bool,
}

/// A review of the reviews subgraph.
#[derive(Debug)]
pub struct ReviewData {
    pub id: &'static str,
    pub body: &'static str,
    pub author: &'static str,
    pub product: &'static str,
}

pub const USERS: [UserData; 6] = [
    UserData {
        id: "1",
        name: "Ada Lovelace",
        username: "ada",
    },
    UserData {
        id: "2",
        name: "Alan Turing",
        username: "turing",
    },
    UserData {
        id: "3",
        name: "Grace Hopper",
        username: "grace",
    },
    UserData {
        id: "4",
        name: "Edsger Dijkstra",
        username: "ewd",
    },
    UserData {
        id: "5",
        name: "Barbara Liskov",
        username: "liskov",
    },
    UserData {
        id: "6",
        name: "Donald Knuth",
        username: "knuth",
    },
];

pub const PRODUCTS: [ProductData; 9] = [
    ProductData {
        upc: "1",
        name: "Table",
        price: 899,
        weight: 100,
        in_stock: true,
    },
    ProductData {
        upc: "2",
        name: "Couch",
        price: 1299,
        weight: 1000,
        in_stock: false,
    },
    ProductData {
        upc: "3",
        name: "Glass",
        price: 15,
        weight: 20,
        in_stock: true,
    },
    ProductData {
        upc: "4",
        name: "Chair",
        price: 499,
        weight: 100,
        in_stock: true,
    },
    ProductData {
        upc: "5",
        name: "TV",
        price: 1299,
        weight: 1000,
        in_stock: false,
    },
    ProductData {
        upc: "6",
        name: "Lamp",
        price: 6999,
        weight: 300,
        in_stock: true,
    },
    ProductData {
        upc: "7",
        name: "Grill",
        price: 3999,
        weight: 2000,
        in_stock: false,
    },
    ProductData {
        upc: "8",
        name: "Fridge",
        price: 100000,
        weight: 6000,
        in_stock: true,
    },
    ProductData {
        upc: "9",
        name: "Sofa",
        price: 50000,
        weight: 2500,
        in_stock: false,
    },
];

/// Every user wrote two reviews; products 1, 2 and 6 have two, the others one.
pub const REVIEWS: [ReviewData; 12] = [
    ReviewData {
        id: "1",
        body: "Love it!",
        author: "1",
        product: "1",
    },
    ReviewData {
        id: "2",
        body: "Too expensive.",
        author: "2",
        product: "6",
    },
    ReviewData {
        id: "3",
        body: "Could be better.",
        author: "3",
        product: "2",
    },
    ReviewData {
        id: "4",
        body: "Prefer something else.",
        author: "4",
        product: "7",
    },
    ReviewData {
        id: "5",
        body: "Arrived broken.",
        author: "5",
        product: "3",
    },
    ReviewData {
        id: "6",
        body: "Exactly as described.",
        author: "6",
        product: "8",
    },
    ReviewData {
        id: "7",
        body: "Would buy again.",
        author: "1",
        product: "4",
    },
    ReviewData {
        id: "8",
        body: "Too heavy to move.",
        author: "2",
        product: "9",
    },
    ReviewData {
        id: "9",
        body: "Does the job.",
        author: "3",
        product: "5",
    },
    ReviewData {
        id: "10",
        body: "My cat likes it.",
        author: "4",
        product: "1",
    },
    ReviewData {
        id: "11",
        body: "Not worth the price.",
        author: "5",
        product: "6",
    },
    ReviewData {
        id: "12",
        body: "Five stars.",
        author: "6",
        product: "2",
    },
];

pub fn user(id: &str) -> Option<&'static UserData> {
    USERS.iter().find(|u| u.id == id)
}

pub fn product(upc: &str) -> Option<&'static ProductData> {
    PRODUCTS.iter().find(|p| p.upc == upc)
}

pub fn review(id: &str) -> Option<&'static ReviewData> {
    REVIEWS.iter().find(|r| r.id == id)
}

pub fn reviews_by_author(id: &str) -> impl Iterator<Item = &'static ReviewData> + '_ {
    REVIEWS.iter().filter(move |r| r.author == id)
}

pub fn reviews_of_product(upc: &str) -> impl Iterator<Item = &'static ReviewData> + '_ {
    REVIEWS.iter().filter(move |r| r.product == upc)
}

/// The first `first` products (none for a negative count).
pub fn top_products(first: i32) -> impl Iterator<Item = &'static ProductData> {
    PRODUCTS.iter().take(usize::try_from(first).unwrap_or(0))
}

/// The inventory rule: free shipping above 1000, otherwise half the weight.
pub fn shipping_estimate(price: i32, weight: i32) -> i32 {
    if price > 1000 { 0 } else { weight / 2 }
}
