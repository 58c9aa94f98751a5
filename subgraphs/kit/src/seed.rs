//! The deterministic demo data plan, shared by the four services.
//!
//! Each service owns its database and seeds only its own rows, but the rows must agree across
//! databases: an order's `userId` must be a real user, its `unitPrice` the product's price, a
//! review's `(author, product)` pair unique. So every row is a pure function of its 1-based
//! index and the [`SeedSize`]; the services insert rows in index order into empty tables, which
//! gives row `i` the id `i` on both SQLite and PostgreSQL.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Email of the seeded administrator (scope `admin`).
pub const ADMIN_EMAIL: &str = "admin@tessera.dev";
/// Password of the seeded administrator. Demo data only.
pub const ADMIN_PASSWORD: &str = "tessera-admin";
/// Password of every other seeded user. Demo data only.
pub const DEMO_PASSWORD: &str = "tessera-demo";
/// Currency of every seeded price.
pub const CURRENCY: &str = "USD";

/// How many rows of each kind the seed writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSize {
    pub users: u32,
    pub categories: u32,
    pub products: u32,
    pub orders: u32,
    pub reviews: u32,
}

impl Default for SeedSize {
    fn default() -> Self {
        Self {
            users: 1000,
            categories: 20,
            products: 200,
            orders: 10_000,
            reviews: 5_000,
        }
    }
}

impl SeedSize {
    /// A small consistent data set for tests.
    pub fn small() -> Self {
        Self {
            users: 12,
            categories: 6,
            products: 15,
            orders: 40,
            reviews: 30,
        }
    }

    /// Checks that the plan is realisable (e.g. reviews fit into unique author/product pairs).
    pub fn validate(&self) -> Result<(), String> {
        if self.users < 2 || self.categories < 1 || self.products < 1 {
            return Err("seed needs at least 2 users, 1 category and 1 product".into());
        }
        let per_user = self.reviews.div_ceil(self.users);
        if per_user > self.products {
            return Err(format!(
                "{} reviews cannot be spread over {} users x {} products without duplicates",
                self.reviews, self.users, self.products
            ));
        }
        Ok(())
    }
}

fn rng(kind: u64, index: u32) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(kind.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(index))
}

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A user row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedUser {
    pub email: String,
    pub name: String,
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
}

const FIRST: [&str; 16] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Tim",
    "Frances", "John", "Leslie", "Niklaus", "Sophie", "Linus",
];
const LAST: [&str; 12] = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Perlman",
    "Berners-Lee",
    "Allen",
    "McCarthy",
];

/// User `i` (1-based). User 1 is the administrator.
pub fn user(i: u32) -> SeedUser {
    let mut r = rng(1, i);
    let created_at = base_time() + Duration::minutes(i64::from(i) * 7);
    if i == 1 {
        return SeedUser {
            email: ADMIN_EMAIL.into(),
            name: "Admin".into(),
            is_admin: true,
            created_at,
        };
    }
    let first = FIRST[r.gen_range(0..FIRST.len())];
    let last = LAST[r.gen_range(0..LAST.len())];
    SeedUser {
        email: format!(
            "{}.{}{}@example.com",
            first.to_lowercase(),
            last.to_lowercase(),
            i
        ),
        name: format!("{first} {last}"),
        is_admin: false,
        created_at,
    }
}

/// A category row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCategory {
    pub name: String,
    /// 1-based index of the parent, if any. Parents always come before children.
    pub parent: Option<u32>,
}

const CATEGORY_NAMES: [&str; 10] = [
    "Books", "Audio", "Games", "Kitchen", "Garden", "Tools", "Office", "Sports", "Toys", "Outdoor",
];

/// Category `i` (1-based). A quarter of them (at least one) are roots; the rest hang below them.
pub fn category(i: u32, size: &SeedSize) -> SeedCategory {
    let roots = size.categories.div_ceil(4).max(1);
    let base = CATEGORY_NAMES[((i - 1) as usize) % CATEGORY_NAMES.len()];
    if i <= roots {
        SeedCategory {
            name: base.into(),
            parent: None,
        }
    } else {
        SeedCategory {
            name: format!("{base} {i}"),
            parent: Some((i - 1) % roots + 1),
        }
    }
}

/// A product row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedProduct {
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub currency: &'static str,
    pub category: u32,
    pub stock: i32,
}

const ADJECTIVES: [&str; 8] = [
    "Compact", "Deluxe", "Classic", "Rugged", "Smart", "Quiet", "Bright", "Modular",
];
const NOUNS: [&str; 8] = [
    "Lamp", "Kettle", "Backpack", "Keyboard", "Speaker", "Chair", "Notebook", "Drone",
];

/// The price of product `i`, in cents. Orders use it for `unitPrice`.
pub fn product_price_cents(i: u32) -> i64 {
    let mut r = rng(3, i);
    r.gen_range(199..=49_999)
}

/// Product `i` (1-based).
pub fn product(i: u32, size: &SeedSize) -> SeedProduct {
    let mut r = rng(4, i);
    let adjective = ADJECTIVES[r.gen_range(0..ADJECTIVES.len())];
    let noun = NOUNS[r.gen_range(0..NOUNS.len())];
    SeedProduct {
        sku: format!("SKU-{i:05}"),
        name: format!("{adjective} {noun} {i}"),
        description: format!(
            "A {} {} for everyday use.",
            adjective.to_lowercase(),
            noun.to_lowercase()
        ),
        price_cents: product_price_cents(i),
        currency: CURRENCY,
        category: (i - 1) % size.categories + 1,
        // Every tenth product is out of stock.
        stock: if i.is_multiple_of(10) {
            0
        } else {
            r.gen_range(1..500)
        },
    }
}

/// The status of a seeded order, as its wire name.
pub const ORDER_STATUSES: [&str; 4] = ["PENDING", "PAID", "SHIPPED", "CANCELLED"];

/// An order row with its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOrder {
    pub user: u32,
    pub status: &'static str,
    pub created_at: DateTime<Utc>,
    pub items: Vec<SeedOrderItem>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOrderItem {
    pub product: u32,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

/// Order `i` (1-based): 1–5 distinct products.
pub fn order(i: u32, size: &SeedSize) -> SeedOrder {
    let mut r = rng(5, i);
    let user = r.gen_range(1..=size.users);
    let n = r.gen_range(1..=5u32).min(size.products);
    let start = r.gen_range(1..=size.products);
    let items = (0..n)
        .map(|k| {
            let product = (start - 1 + k * 7) % size.products + 1;
            SeedOrderItem {
                product,
                quantity: r.gen_range(1..=4),
                unit_price_cents: product_price_cents(product),
            }
        })
        .collect::<Vec<_>>();
    // Distinct products: step 7 can wrap onto an earlier one when there are few products.
    let mut seen = std::collections::HashSet::new();
    let items = items
        .into_iter()
        .filter(|it| seen.insert(it.product))
        .collect();
    SeedOrder {
        user,
        status: ORDER_STATUSES[r.gen_range(0..ORDER_STATUSES.len())],
        created_at: base_time() + Duration::minutes(i64::from(i) * 3),
        items,
    }
}

/// A review row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReview {
    pub author: u32,
    pub product: u32,
    pub rating: i32,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

const OPINIONS: [&str; 5] = [
    "Broke after a week.",
    "Not what I expected.",
    "Does the job.",
    "Very good value.",
    "Excellent, would buy again.",
];

/// Review `i` (1-based). Review `i` of author `u` is the `k`-th of that author; products are
/// spread so that no author reviews a product twice.
pub fn review(i: u32, size: &SeedSize) -> SeedReview {
    let mut r = rng(6, i);
    let idx = i - 1;
    let author = idx % size.users + 1;
    let k = idx / size.users;
    let product = (k + author * 7) % size.products + 1;
    let rating = r.gen_range(1..=5);
    SeedReview {
        author,
        product,
        rating,
        body: OPINIONS[(rating - 1) as usize].into(),
        created_at: base_time() + Duration::minutes(i64::from(i) * 11),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn default_plan_is_consistent() {
        for size in [SeedSize::default(), SeedSize::small()] {
            size.validate().expect("valid");
            let pairs: HashSet<_> = (1..=size.reviews)
                .map(|i| review(i, &size))
                .map(|r| (r.author, r.product))
                .collect();
            assert_eq!(pairs.len(), size.reviews as usize, "review pairs unique");
            for i in 1..=size.orders {
                let o = order(i, &size);
                assert!((1..=size.users).contains(&o.user));
                assert!((1..=5).contains(&o.items.len()));
                for it in &o.items {
                    assert!((1..=size.products).contains(&it.product));
                    assert_eq!(it.unit_price_cents, product(it.product, &size).price_cents);
                }
            }
            for i in 1..=size.categories {
                if let Some(p) = category(i, &size).parent {
                    assert!(p < i);
                }
            }
            let emails: HashSet<_> = (1..=size.users).map(|i| user(i).email).collect();
            assert_eq!(emails.len(), size.users as usize);
        }
    }

    #[test]
    fn deterministic() {
        let s = SeedSize::default();
        assert_eq!(order(77, &s), order(77, &s));
        assert_eq!(user(5), user(5));
    }
}
