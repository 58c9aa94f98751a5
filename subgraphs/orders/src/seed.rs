//! The orders share of the deterministic demo data: order `i` of
//! [`subgraph_kit::seed::order`], with its items priced at the products service's seeded price,
//! so references resolve across the four databases.

use sea_orm::{DatabaseConnection, DbErr};
use subgraph_kit::ids::{OrderId, ProductId, UserId};
use subgraph_kit::seed::{self as plan, SeedSize};

use crate::entity::order;
use crate::service::{OrderService, SeedItemRow, SeedOrderRow};

/// Fills an empty orders database with orders `1..=size.orders` of the plan (ids equal to the
/// plan's indexes) in one transaction; returns the rows written (orders plus items), or 0 when
/// the database already holds orders.
pub async fn seed(db: &DatabaseConnection, size: &SeedSize) -> Result<u64, DbErr> {
    // The plan draws users and products from non-empty ranges; refuse a size it cannot realise
    // instead of letting it panic.
    size.validate()
        .map_err(|e| DbErr::Custom(format!("invalid seed size: {e}")))?;
    let service = OrderService::new(db.clone());
    if !service.is_empty().await? {
        return Ok(0);
    }
    let rows = (1..=size.orders)
        .map(|i| row(i, size))
        .collect::<Result<Vec<_>, _>>()?;
    let written = service.insert_seed(rows).await?;
    tracing::info!(rows = written, orders = size.orders, "seeded orders");
    Ok(written)
}

/// Order `i` of the plan as a row to write.
fn row(i: u32, size: &SeedSize) -> Result<SeedOrderRow, DbErr> {
    let o = plan::order(i, size);
    let status = order::Status::from_wire(o.status).ok_or_else(|| {
        DbErr::Custom(format!(
            "seed plan has an unknown order status {}",
            o.status
        ))
    })?;
    Ok(SeedOrderRow {
        id: OrderId(i64::from(i)),
        user: UserId(i64::from(o.user)),
        status,
        currency: plan::CURRENCY.to_owned(),
        created_at: o.created_at,
        items: o
            .items
            .iter()
            .map(|item| SeedItemRow {
                product: ProductId(i64::from(item.product)),
                quantity: item.quantity,
                unit_price_cents: item.unit_price_cents,
            })
            .collect(),
    })
}
