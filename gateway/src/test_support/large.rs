//! A large response: `listing` lists products by key only, `details` resolves their fields
//! through `_entities`, and every [`BROKEN_EVERY`]th product is broken, in one of two ways
//! ([`Breakage`]).
//!
//! [`LARGE_QUERY`] for 10,000 products makes one root fetch and one entity fetch of 10,000
//! representations; the gateway merges 10,000 entities, and for each broken one the non-null
//! `name` is null, so the item becomes null (the list items are nullable) with an error at the
//! item's `name`.

use async_graphql::{
    Context, EmptyMutation, EmptySubscription, ID, Object, SDLExportOptions, Schema, SimpleObject,
};

use super::{InProcess, TestSupportError};
use crate::supergraph::Supergraph;
use crate::supergraph::compose::{SubgraphSdl, compose};

/// Every product whose id is a multiple of this is broken.
pub const BROKEN_EVERY: u32 = 100;

/// Products listed, `__typename id` from `listing` and `name price` from `details`.
pub const LARGE_QUERY: &str =
    "query($first: Int!) { products(first: $first) { __typename id name price } }";

/// How `details` breaks every [`BROKEN_EVERY`]th product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakage {
    /// Its non-null `name` fails: a subgraph field error. async-graphql reports it at
    /// `["_entities", "name"]`, without the entity's index.
    FailingField,
    /// `details` has no such entity: `null` in `_entities`, no error; the gateway finds the
    /// non-null `name` missing.
    MissingEntity,
}

/// Whether product `id` is broken.
pub fn is_broken(id: u32) -> bool {
    id.is_multiple_of(BROKEN_EVERY)
}

/// The name `details` gives product `id`.
pub fn product_name(id: u32) -> String {
    format!("Product {id}")
}

/// The price `details` gives product `id`.
pub fn product_price(id: u32) -> i32 {
    i32::try_from(id % 1000).unwrap_or(0) * 10 + 99
}

// listing

#[derive(SimpleObject)]
#[graphql(name = "Product", unresolvable = "id")]
pub struct ListedProduct {
    id: ID,
}

pub struct ListingQuery;

#[Object(name = "Query")]
impl ListingQuery {
    // Products `1..=first`; items are nullable so one broken product nulls only itself.
    async fn products(&self, first: i32) -> Vec<Option<ListedProduct>> {
        (1..=u32::try_from(first).unwrap_or(0))
            .map(|id| {
                Some(ListedProduct {
                    id: ID(id.to_string()),
                })
            })
            .collect()
    }
}

// details

pub struct DetailedProduct {
    id: u32,
    failing_name: bool,
}

#[Object(name = "Product")]
impl DetailedProduct {
    async fn id(&self) -> ID {
        ID(self.id.to_string())
    }
    async fn name(&self) -> async_graphql::Result<String> {
        if self.failing_name {
            return Err("name unavailable".into());
        }
        Ok(product_name(self.id))
    }
    async fn price(&self) -> i32 {
        product_price(self.id)
    }
}

pub struct DetailsQuery;

#[Object]
impl DetailsQuery {
    #[graphql(entity)]
    async fn find_product_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<DetailedProduct>> {
        let id: u32 = id.0.parse()?;
        let breakage = *ctx.data::<Breakage>()?;
        Ok(match (is_broken(id), breakage) {
            (true, Breakage::MissingEntity) => None,
            (broken, _) => Some(DetailedProduct {
                id,
                failing_name: broken,
            }),
        })
    }
}

fn listing() -> Schema<ListingQuery, EmptyMutation, EmptySubscription> {
    Schema::build(ListingQuery, EmptyMutation, EmptySubscription)
        .enable_federation()
        .finish()
}

fn details(breakage: Breakage) -> Schema<DetailsQuery, EmptyMutation, EmptySubscription> {
    Schema::build(DetailsQuery, EmptyMutation, EmptySubscription)
        .enable_federation()
        .data(breakage)
        .finish()
}

/// The supergraph composed from both subgraphs' SDLs with the gateway's own composer.
pub fn supergraph() -> Result<Supergraph, TestSupportError> {
    let options = || SDLExportOptions::new().federation().compose_directive();
    let sdl = compose(&[
        SubgraphSdl {
            name: "listing".into(),
            url: "http://listing.invalid/graphql".into(),
            sdl: listing().sdl_with_options(options()),
        },
        SubgraphSdl {
            name: "details".into(),
            url: "http://details.invalid/graphql".into(),
            sdl: details(Breakage::FailingField).sdl_with_options(options()),
        },
    ])?;
    Ok(Supergraph::parse(&sdl)?)
}

/// Both subgraphs, in process, `details` breaking products as `breakage` says.
pub fn client(breakage: Breakage) -> InProcess {
    InProcess::default()
        .with("listing", listing())
        .with("details", details(breakage))
}
