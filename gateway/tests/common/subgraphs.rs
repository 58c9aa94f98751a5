//! Two small async-graphql Federation v2 subgraphs run in process, and a [`SubgraphClient`]
//! that executes requests against them directly and counts them per subgraph.
//!
//! `accounts` owns `User`; `shop` owns `Product` and adds `User.orders` through the `User`
//! key, so `{ users { name orders { total product { name } } } }` needs one root fetch and one
//! entity fetch. The supergraph is composed from their real SDLs with the gateway's composer.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{
    EmptySubscription, Enum, ID, Object, SDLExportOptions, Schema, SimpleObject, Variables,
};
use async_trait::async_trait;
use gateway::supergraph::Supergraph;
use gateway::supergraph::compose::{SubgraphSdl, compose};
use gateway::transport::{SubgraphClient, SubgraphRequest, SubgraphResponse, TransportError};
use serde_json::Value;

// ----- accounts -------------------------------------------------------------------------------

#[derive(SimpleObject, Clone)]
struct User {
    id: ID,
    name: String,
    email: Option<String>,
}

fn users() -> Vec<User> {
    ["Ada", "Grace", "Edsger"]
        .iter()
        .enumerate()
        .map(|(i, name)| User {
            id: ID(format!("u{}", i + 1)),
            name: (*name).to_owned(),
            email: Some(format!("{}@example.com", name.to_lowercase())),
        })
        .collect()
}

struct AccountsQuery;

#[Object(name = "Query")]
impl AccountsQuery {
    async fn users(&self, #[graphql(default = 10)] first: i32) -> Vec<User> {
        users()
            .into_iter()
            .take(usize::try_from(first).unwrap_or(0))
            .collect()
    }

    async fn user(&self, id: ID) -> Option<User> {
        users().into_iter().find(|u| u.id == id)
    }

    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> Option<User> {
        users().into_iter().find(|u| u.id == id)
    }
}

struct AccountsMutation;

#[Object(name = "Mutation")]
impl AccountsMutation {
    async fn rename(&self, id: ID, name: String) -> Option<User> {
        users()
            .into_iter()
            .find(|u| u.id == id)
            .map(|u| User { name, ..u })
    }
}

type AccountsSchema = Schema<AccountsQuery, AccountsMutation, EmptySubscription>;

fn accounts() -> AccountsSchema {
    Schema::build(AccountsQuery, AccountsMutation, EmptySubscription)
        .enable_federation()
        .finish()
}

// ----- shop -----------------------------------------------------------------------------------

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Book,
    Game,
}

#[derive(SimpleObject, Clone)]
struct Product {
    upc: String,
    name: String,
    price: i32,
    kind: Kind,
}

fn products() -> Vec<Product> {
    vec![
        Product {
            upc: "p1".into(),
            name: "Dune".into(),
            price: 1200,
            kind: Kind::Book,
        },
        Product {
            upc: "p2".into(),
            name: "Go".into(),
            price: 3000,
            kind: Kind::Game,
        },
    ]
}

#[derive(SimpleObject, Clone)]
struct Order {
    id: ID,
    total: i32,
    product: Option<Product>,
}

/// `User` as the shop sees it: the key, plus its orders.
struct ShopUser {
    id: ID,
}

#[Object(name = "User")]
impl ShopUser {
    async fn id(&self) -> &ID {
        &self.id
    }

    /// Two orders per user, derived from the id so results are checkable.
    async fn orders(&self) -> Vec<Order> {
        let products = products();
        (0..2)
            .map(|i| Order {
                id: ID(format!("{}-o{i}", self.id.0)),
                total: 100 * (i + 1),
                product: products.get(usize::try_from(i).unwrap_or(0)).cloned(),
            })
            .collect()
    }
}

struct ShopQuery;

#[Object(name = "Query")]
impl ShopQuery {
    async fn products(&self, #[graphql(default = 5)] first: i32) -> Vec<Product> {
        products()
            .into_iter()
            .take(usize::try_from(first).unwrap_or(0))
            .collect()
    }

    async fn product(&self, upc: String) -> Option<Product> {
        products().into_iter().find(|p| p.upc == upc)
    }

    #[graphql(entity)]
    async fn find_user_by_id(&self, id: ID) -> ShopUser {
        ShopUser { id }
    }

    #[graphql(entity)]
    async fn find_product_by_upc(&self, upc: String) -> Option<Product> {
        products().into_iter().find(|p| p.upc == upc)
    }
}

type ShopSchema = Schema<ShopQuery, async_graphql::EmptyMutation, EmptySubscription>;

fn shop() -> ShopSchema {
    Schema::build(ShopQuery, async_graphql::EmptyMutation, EmptySubscription)
        .enable_federation()
        .finish()
}

// ----- the gateway's view ---------------------------------------------------------------------

fn sdl_options() -> SDLExportOptions {
    SDLExportOptions::new().federation().compose_directive()
}

/// The supergraph composed from both subgraphs' SDLs.
pub fn supergraph() -> Arc<Supergraph> {
    let sdl = compose(&[
        SubgraphSdl {
            name: "accounts".into(),
            url: "http://accounts.invalid/graphql".into(),
            sdl: accounts().sdl_with_options(sdl_options()),
        },
        SubgraphSdl {
            name: "shop".into(),
            url: "http://shop.invalid/graphql".into(),
            sdl: shop().sdl_with_options(sdl_options()),
        },
    ])
    .expect("the test subgraphs compose");
    Arc::new(Supergraph::parse(&sdl).expect("the composed supergraph loads"))
}

/// Runs subgraph requests in process and counts them. Requests to any other subgraph are
/// counted too, then fail as unknown: tests over other supergraphs use it to prove that no
/// subgraph was called.
#[derive(Default)]
pub struct InProcessSubgraphs {
    calls: std::sync::Mutex<HashMap<String, usize>>,
    total: AtomicUsize,
    last_headers: std::sync::Mutex<Option<axum::http::HeaderMap>>,
}

impl InProcessSubgraphs {
    /// Requests received by `subgraph`.
    pub fn calls(&self, subgraph: &str) -> usize {
        self.calls
            .lock()
            .expect("lock")
            .get(subgraph)
            .copied()
            .unwrap_or(0)
    }

    /// Requests received by all subgraphs.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }

    /// Headers of the last request.
    pub fn last_headers(&self) -> Option<axum::http::HeaderMap> {
        self.last_headers.lock().expect("lock").clone()
    }
}

#[async_trait]
impl SubgraphClient for InProcessSubgraphs {
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
        self.total.fetch_add(1, Ordering::SeqCst);
        *self.last_headers.lock().expect("lock") = Some(request.headers.clone());
        let mut graphql = async_graphql::Request::new(request.query.to_string())
            .variables(Variables::from_json(Value::Object(request.variables)));
        if let Some(name) = request.operation_name {
            graphql = graphql.operation_name(name);
        }
        let response = match subgraph {
            "accounts" => accounts().execute(graphql).await,
            "shop" => shop().execute(graphql).await,
            other => return Err(TransportError::UnknownSubgraph(other.to_owned())),
        };
        let json = serde_json::to_value(&response).expect("response serializes");
        Ok(serde_json::from_value(json).expect("a graphql response"))
    }
}

/// Serves subgraph `name` over real HTTP on `127.0.0.1:0`, answering each request after
/// `delay`. Returns the `/graphql` URL.
pub async fn serve_http(name: &'static str, delay: std::time::Duration) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handler = move |axum::Json(body): axum::Json<Value>| async move {
        tokio::time::sleep(delay).await;
        let request: async_graphql::Request =
            serde_json::from_value(body).expect("a graphql request");
        let response = match name {
            "accounts" => accounts().execute(request).await,
            _ => shop().execute(request).await,
        };
        axum::Json(serde_json::to_value(&response).expect("response serializes"))
    };
    let app = axum::Router::new().route("/graphql", axum::routing::post(handler));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/graphql")
}
