//! DataLoaders: every entity lookup and every per-parent list goes through one, so N parents
//! in one request cost one statement, not N.
//!
//! One [`ReviewsLoader`] serves every key type; the DataLoader queues each key type
//! separately, so `_entities` for 100 products asking for `reviews` and `averageRating` runs
//! exactly two statements.
//!
//! # When a batch starts
//! A plain DataLoader starts a batch a fixed delay after its first key. That splits batches:
//! async-graphql resolves `_entities` with `try_join_all`, whose `FuturesOrdered` yields to
//! the scheduler after every 32 representations, so a large `_entities` call queues its keys
//! over several polls of the request task, and on a busy machine those polls can be further
//! apart than any fixed delay.
//!
//! So a batch here starts when the request that opened it goes idle. [`IdleBatching`] wraps
//! the executor (not a schema extension, which would take every field off async-graphql's
//! fast path) and watches each operation's future: when a poll returns `Pending` without the
//! future having woken itself (a yield), every resolver that could queue a key has queued it
//! and waits on a batch, so it moves the request's [`IdleSignal`] on. The spawner, called
//! inside that request's poll when a batch's first key is queued, holds the batch until the
//! signal moves; then the DataLoader (delay zero) takes every queued key at once.
//!
//! On the multi-thread runtime another worker may be handing a finished batch's results to
//! the request while the request is being polled; a poll that ends in that window is not
//! idle (results are still coming), so the request polls again instead of signalling. Each
//! hand-over is one synchronous stretch of a batch task (the DataLoader sends every result
//! right after [`Loader::load`] returns), counted in `DELIVERING`.
//!
//! What remains best effort: batches are shared by concurrent requests, so another request's
//! keys can land in a batch that the opening request's idleness starts; a request waiting on
//! two batches whose results both queue keys of the next level may start that level early.
//! A schema executed without [`IdleBatching`] (directly through `Schema::execute`) batches
//! like a plain DataLoader, [`UNSCOPED_DELAY`] after the first key.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Poll, Wake, Waker};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::{Data, Executor, Request, Response};
use sea_orm::DatabaseConnection;
use subgraph_kit::ApiError;
use subgraph_kit::ids::{ProductId, ReviewId, UserId};
use subgraph_kit::pagination::Page;
use tokio::sync::Notify;
use tracing::Instrument as _;

use crate::schema::types::Review;
use crate::service;

/// The longest a batch waits for its request's idle signal. A request always signals when it
/// waits on a batch, so this is a safety net only; it is long because a request still
/// queueing keys (a large `_entities` call on a loaded machine can take tens of
/// milliseconds) must never be cut short by it.
pub const IDLE_FALLBACK: Duration = Duration::from_millis(500);

/// The batch window of keys queued outside [`IdleBatching`], as async-graphql's default.
pub const UNSCOPED_DELAY: Duration = Duration::from_millis(1);

/// Batches between the end of their [`Loader::load`] and their last result sent.
static DELIVERING: AtomicU64 = AtomicU64::new(0);
/// Batches that started on [`IDLE_FALLBACK`] rather than on their request's signal.
static FALLBACKS: AtomicU64 = AtomicU64::new(0);

/// How many batches in this process started on [`IDLE_FALLBACK`]; 0 unless a request failed
/// to signal, which tests check.
pub fn idle_fallbacks() -> u64 {
    FALLBACKS.load(Ordering::Relaxed)
}

tokio::task_local! {
    /// The idle signal of the request being polled.
    static REQUEST_IDLE: Arc<IdleSignal>;
    /// Set in a batch task once its [`Loader::load`] returned, i.e. once it is handing
    /// results over.
    static HANDING_OVER: Arc<AtomicBool>;
}

/// Moves on each time a request stops making progress by itself.
#[derive(Debug, Default)]
pub struct IdleSignal {
    epoch: AtomicU64,
    notify: Notify,
}

impl IdleSignal {
    fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    fn signal(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Resolves once the signal has moved past `epoch`.
    async fn passed(&self, epoch: u64) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so a signal between the check and the await
            // still wakes us.
            notified.as_mut().enable();
            if self.epoch() > epoch {
                return;
            }
            notified.await;
        }
    }
}

/// Ends a batch's hand-over in [`DELIVERING`] when the batch task finishes, however it
/// finishes (a panic or a runtime shutdown included), so requests never wait on a hand-over
/// that is not happening.
struct HandOverGuard(Arc<AtomicBool>);

impl Drop for HandOverGuard {
    fn drop(&mut self) {
        if self.0.load(Ordering::SeqCst) {
            DELIVERING.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The reviews DataLoader, whose batches start when the request that opened them idles.
pub fn data_loader(db: DatabaseConnection) -> DataLoader<ReviewsLoader> {
    let spawner = |batch: Pin<Box<dyn Future<Output = ()> + Send + 'static>>| {
        // Called synchronously when the batch's first key is queued, inside the request's
        // poll: the signal that follows that poll releases the batch.
        let opened_by = REQUEST_IDLE
            .try_with(|idle| (idle.clone(), idle.epoch()))
            .ok();
        tokio::spawn(
            async move {
                match opened_by {
                    Some((idle, epoch)) => {
                        if tokio::time::timeout(IDLE_FALLBACK, idle.passed(epoch))
                            .await
                            .is_err()
                        {
                            FALLBACKS.fetch_add(1, Ordering::Relaxed);
                            tracing::warn!(
                                "reviews batch started without its request's idle signal"
                            );
                        }
                    }
                    None => tokio::time::sleep(UNSCOPED_DELAY).await,
                }
                let handing_over = Arc::new(AtomicBool::new(false));
                let _guard = HandOverGuard(handing_over.clone());
                // `load` returning, the DataLoader sending every result and the guard's drop run
                // in one poll of this task: the hand-over is one synchronous stretch.
                HANDING_OVER.scope(handing_over, batch).await;
            }
            // In the span of the request that opened the batch: its SQL stays in that trace.
            .in_current_span(),
        );
    };
    DataLoader::new(ReviewsLoader { db }, spawner)
        .delay(Duration::ZERO)
        .max_batch_size(subgraph_kit::LOADER_MAX_BATCH)
}

/// An executor whose requests start their DataLoader batches when they go idle.
#[derive(Clone)]
pub struct IdleBatching<E>(pub E);

impl<E: Executor> Executor for IdleBatching<E> {
    fn execute(&self, request: Request) -> impl Future<Output = Response> + Send {
        let idle = Arc::new(IdleSignal::default());
        let operation = SignalWhenIdle {
            operation: Box::pin(self.0.execute(request)),
            idle: idle.clone(),
        };
        REQUEST_IDLE.scope(idle, operation)
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        // No subscriptions here; streams batch like a plain DataLoader.
        self.0.execute_stream(request, session_data)
    }
}

/// Polls an operation and moves its idle signal on after every poll that leaves it waiting
/// on something other than itself.
struct SignalWhenIdle<'a> {
    operation: Pin<Box<dyn Future<Output = Response> + Send + 'a>>,
    idle: Arc<IdleSignal>,
}

impl Future for SignalWhenIdle<'_> {
    type Output = Response;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Response> {
        let probe = Arc::new(WakeProbe {
            woken: AtomicBool::new(false),
            outer: cx.waker().clone(),
        });
        let waker = Waker::from(probe.clone());
        let poll = self
            .operation
            .as_mut()
            .poll(&mut std::task::Context::from_waker(&waker));
        if poll.is_pending() && !probe.woken.load(Ordering::SeqCst) {
            if DELIVERING.load(Ordering::SeqCst) > 0 {
                // Results are being handed over right now (on another worker): look again
                // once they are in rather than start the next batch without them.
                cx.waker().wake_by_ref();
            } else {
                self.idle.signal();
            }
        }
        poll
    }
}

/// Passes wakes on, remembering that one happened: a wake during the poll means the
/// operation yielded, or results arrived, and it will go on by itself.
struct WakeProbe {
    woken: AtomicBool,
    outer: Waker,
}

impl Wake for WakeProbe {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.outer.wake_by_ref();
    }
}

/// A failed batch, shared by every key that waited on it (DataLoader errors must be `Clone`;
/// [`ApiError`] is not).
///
/// Deliberately not `Display`, like [`ApiError`]: the only conversion into a GraphQL error is
/// ours, which keeps `extensions.code`.
#[derive(Debug, Clone)]
pub struct BatchError(Arc<ApiError>);

impl From<ApiError> for BatchError {
    fn from(err: ApiError) -> Self {
        Self(Arc::new(err))
    }
}

impl From<BatchError> for async_graphql::Error {
    fn from(err: BatchError) -> Self {
        // Rebuilt variant by variant: `ApiError::internal` would log the detail a second time.
        let copy = match err.0.as_ref() {
            ApiError::BadUserInput(m) => ApiError::BadUserInput(m.clone()),
            ApiError::NotFound(m) => ApiError::NotFound(m.clone()),
            ApiError::Unauthenticated(m) => ApiError::Unauthenticated(m.clone()),
            ApiError::Forbidden(m) => ApiError::Forbidden(m.clone()),
            ApiError::Conflict(m) => ApiError::Conflict(m.clone()),
            ApiError::Internal(m) => ApiError::Internal(m.clone()),
        };
        copy.into()
    }
}

/// A page of one product's reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProductReviewsKey {
    pub product: ProductId,
    pub page: Page<ReviewId>,
}

/// A page of one user's reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserReviewsKey {
    pub author: UserId,
    pub page: Page<ReviewId>,
}

/// The average rating of one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AverageRatingKey(pub ProductId);

/// Batch loader over the reviews database.
pub struct ReviewsLoader {
    db: DatabaseConnection,
}

impl ReviewsLoader {
    /// Runs one batch query, then marks the batch as handing over its results: the
    /// DataLoader sends them right after `load` returns, without yielding.
    async fn batch<T>(&self, query: impl Future<Output = T>) -> T {
        let result = query.await;
        // Outside a batch task (never, with this crate's spawner) there is no hand-over to
        // mark; counted before the flag is set, so the guard never undercounts.
        let _ = HANDING_OVER.try_with(|handing_over| {
            DELIVERING.fetch_add(1, Ordering::SeqCst);
            handing_over.store(true, Ordering::SeqCst);
        });
        result
    }

    async fn reviews(&self, keys: &[ReviewId]) -> Result<HashMap<ReviewId, Review>, BatchError> {
        let rows = service::reviews_by_ids(&self.db, keys).await?;
        Ok(rows
            .into_iter()
            .map(Review::from)
            .map(|r| (r.id, r))
            .collect())
    }

    async fn product_reviews(
        &self,
        keys: &[ProductReviewsKey],
    ) -> Result<HashMap<ProductReviewsKey, Vec<Review>>, BatchError> {
        let mut out = HashMap::with_capacity(keys.len());
        for (page, products) in group_by_page(keys.iter().map(|k| (k.page, k.product))) {
            let rows = service::reviews_by_products(&self.db, &products, page).await?;
            let mut lists = split_by(rows, |r| r.product);
            for product in products {
                let list = lists.remove(&product).unwrap_or_default();
                out.insert(ProductReviewsKey { product, page }, list);
            }
        }
        Ok(out)
    }

    async fn user_reviews(
        &self,
        keys: &[UserReviewsKey],
    ) -> Result<HashMap<UserReviewsKey, Vec<Review>>, BatchError> {
        let mut out = HashMap::with_capacity(keys.len());
        for (page, authors) in group_by_page(keys.iter().map(|k| (k.page, k.author))) {
            let rows = service::reviews_by_authors(&self.db, &authors, page).await?;
            let mut lists = split_by(rows, |r| r.author);
            for author in authors {
                let list = lists.remove(&author).unwrap_or_default();
                out.insert(UserReviewsKey { author, page }, list);
            }
        }
        Ok(out)
    }

    async fn average_ratings(
        &self,
        keys: &[AverageRatingKey],
    ) -> Result<HashMap<AverageRatingKey, f64>, BatchError> {
        let products: Vec<ProductId> = keys.iter().map(|k| k.0).collect();
        let totals = service::rating_totals(&self.db, &products).await?;
        // Products without reviews stay absent: their average is `null`.
        Ok(totals
            .into_iter()
            .filter_map(|t| t.average().map(|avg| (AverageRatingKey(t.product), avg)))
            .collect())
    }
}

impl Loader<ReviewId> for ReviewsLoader {
    type Value = Review;
    type Error = BatchError;

    async fn load(&self, keys: &[ReviewId]) -> Result<HashMap<ReviewId, Review>, BatchError> {
        self.batch(self.reviews(keys)).await
    }
}

impl Loader<ProductReviewsKey> for ReviewsLoader {
    type Value = Vec<Review>;
    type Error = BatchError;

    async fn load(
        &self,
        keys: &[ProductReviewsKey],
    ) -> Result<HashMap<ProductReviewsKey, Vec<Review>>, BatchError> {
        self.batch(self.product_reviews(keys)).await
    }
}

impl Loader<UserReviewsKey> for ReviewsLoader {
    type Value = Vec<Review>;
    type Error = BatchError;

    async fn load(
        &self,
        keys: &[UserReviewsKey],
    ) -> Result<HashMap<UserReviewsKey, Vec<Review>>, BatchError> {
        self.batch(self.user_reviews(keys)).await
    }
}

impl Loader<AverageRatingKey> for ReviewsLoader {
    type Value = f64;
    type Error = BatchError;

    async fn load(
        &self,
        keys: &[AverageRatingKey],
    ) -> Result<HashMap<AverageRatingKey, f64>, BatchError> {
        self.batch(self.average_ratings(keys)).await
    }
}

/// Groups parents by their page arguments: one statement per distinct `(first, after)`, which
/// in practice (a gateway batch asks every parent for the same page) is one statement.
fn group_by_page<P: Copy + Eq + Hash>(
    keys: impl Iterator<Item = (Page<ReviewId>, P)>,
) -> HashMap<Page<ReviewId>, Vec<P>> {
    let mut groups: HashMap<Page<ReviewId>, Vec<P>> = HashMap::new();
    for (page, parent) in keys {
        groups.entry(page).or_default().push(parent);
    }
    groups
}

/// Splits rows (already ordered by id) into per-parent lists, keeping the order.
fn split_by<P: Eq + Hash>(
    rows: Vec<crate::entity::review::Model>,
    parent: impl Fn(&Review) -> P,
) -> HashMap<P, Vec<Review>> {
    let mut lists: HashMap<P, Vec<Review>> = HashMap::new();
    for row in rows {
        let review = Review::from(row);
        lists.entry(parent(&review)).or_default().push(review);
    }
    lists
}

#[cfg(test)]
mod tests {
    use async_graphql::{Executor, Request, Variables};
    use serde_json::json;
    use subgraph_kit::seed::SeedSize;
    use subgraph_kit::testing::databases;

    use super::{IdleBatching, idle_fallbacks};

    /// On the multi-thread runtime the service runs on, the batch task can run on another
    /// worker while the request is still queueing keys: batches must still wait for the
    /// request to idle, and start on its signal, not on the fallback timer.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batches_start_when_the_request_idles_on_a_multi_thread_runtime() {
        for t in databases().await {
            let backend = t.backend;
            crate::migrate(&t.db).await.expect("migrate");
            crate::seed(&t.db, &SeedSize::small()).await.expect("seed");
            let schema = crate::schema(t.db.clone());
            let executor = IdleBatching(schema.clone());
            let reps: Vec<_> = (1..=500)
                .map(|i| json!({"__typename": "Product", "id": i.to_string()}))
                .collect();
            let query = "query($r: [_Any!]!) { _entities(representations: $r) {
                ... on Product { reviews(first: 3) { id author { reviews(first: 1) { id } } } averageRating }
            } }";
            let request =
                || Request::new(query).variables(Variables::from_json(json!({"r": reps})));
            let mut first = None;
            for round in 0..20 {
                t.statements.take();
                let response = executor.execute(request()).await;
                assert!(
                    response.errors.is_empty(),
                    "{backend:?} round {round}: {:?}",
                    response.errors
                );
                // Level 1: reviews and averageRating of 500 products; level 2: the authors'
                // reviews.
                assert_eq!(
                    t.statements.take(),
                    3,
                    "{backend:?} round {round}: one statement per field and level"
                );
                first.get_or_insert(response.data);
            }
            // Executed without the wrapper, the schema still answers the same (batched like
            // a plain DataLoader).
            let direct = schema.execute(request()).await;
            assert!(direct.errors.is_empty(), "{backend:?}: {:?}", direct.errors);
            assert_eq!(
                Some(direct.data),
                first,
                "{backend:?}: same answer without the wrapper"
            );
        }
        assert_eq!(
            idle_fallbacks(),
            0,
            "every batch started on its request's idle signal"
        );
    }
}
