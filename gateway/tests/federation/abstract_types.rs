//! Abstract types: interfaces and unions whose members live in different subgraphs, an entity
//! interface (`@key` on an interface), `@interfaceObject` (one hop and more), type conditions
//! and fragments on abstract types, `__typename` everywhere.
//!
//! - `media`: `interface Media @key(id) { id title }` with `Book`, `Movie` (entities);
//!   `union SearchResult = Book | Movie`; `Query.media`, `Query.search`.
//! - `reviews`: `Media @interfaceObject @key(id) { id reviews }`, `Query.topMedia`.
//! - `extras`: `Movie @key(id) { rating }`, `Book @key(id) { stock }`.

use serde_json::json;

use crate::support::{Gateway, counts};

mod media {
    use async_graphql::{
        EmptyMutation, EmptySubscription, ID, Interface, Object, Schema, SimpleObject, Union,
    };

    #[derive(SimpleObject, Clone)]
    pub struct Book {
        id: ID,
        title: String,
        pages: i32,
    }

    #[derive(SimpleObject, Clone)]
    pub struct Movie {
        id: ID,
        title: String,
        minutes: i32,
    }

    #[derive(Interface, Clone)]
    #[graphql(field(name = "id", ty = "&ID"), field(name = "title", ty = "&String"))]
    pub enum Media {
        Book(Book),
        Movie(Movie),
    }

    #[derive(Union, Clone)]
    pub enum SearchResult {
        Book(Book),
        Movie(Movie),
    }

    fn find(id: &str) -> Option<Media> {
        match id {
            "1" => Some(Media::Book(Book {
                id: ID("1".into()),
                title: "Dune".into(),
                pages: 412,
            })),
            "2" => Some(Media::Movie(Movie {
                id: ID("2".into()),
                title: "Alien".into(),
                minutes: 117,
            })),
            "3" => Some(Media::Book(Book {
                id: ID("3".into()),
                title: "Emma".into(),
                pages: 474,
            })),
            _ => None,
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        async fn media(&self) -> Vec<Media> {
            ["1", "2"].into_iter().filter_map(find).collect()
        }
        async fn search(&self) -> Vec<SearchResult> {
            ["2", "1", "3"]
                .into_iter()
                .filter_map(find)
                .map(|m| match m {
                    Media::Book(b) => SearchResult::Book(b),
                    Media::Movie(m) => SearchResult::Movie(m),
                })
                .collect()
        }
        #[graphql(entity)]
        async fn find_media_by_id(&self, id: ID) -> Option<Media> {
            find(&id.0)
        }
        #[graphql(entity)]
        async fn find_book_by_id(&self, id: ID) -> Option<Book> {
            match find(&id.0) {
                Some(Media::Book(b)) => Some(b),
                _ => None,
            }
        }
        #[graphql(entity)]
        async fn find_movie_by_id(&self, id: ID) -> Option<Movie> {
            match find(&id.0) {
                Some(Media::Movie(m)) => Some(m),
                _ => None,
            }
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod reviews {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject)]
    #[graphql(name = "Media", interface_object)]
    pub struct MediaObject {
        id: ID,
        reviews: Vec<String>,
    }

    fn media(id: ID) -> MediaObject {
        MediaObject {
            reviews: vec![format!("review of {}", id.0)],
            id,
        }
    }

    pub struct Query;

    #[Object]
    impl Query {
        /// Knows ids only; the concrete type is the interface owner's to tell.
        async fn top_media(&self) -> Vec<MediaObject> {
            ["3", "2"]
                .into_iter()
                .map(|id| media(ID(id.into())))
                .collect()
        }
        #[graphql(entity)]
        async fn find_media_by_id(&self, id: ID) -> MediaObject {
            media(id)
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

mod extras {
    use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};

    #[derive(SimpleObject)]
    pub struct Movie {
        id: ID,
        rating: i32,
    }

    #[derive(SimpleObject)]
    pub struct Book {
        id: ID,
        stock: i32,
    }

    pub struct Query;

    #[Object]
    impl Query {
        #[graphql(entity)]
        async fn find_movie_by_id(&self, id: ID) -> Movie {
            Movie { id, rating: 8 }
        }
        #[graphql(entity)]
        async fn find_book_by_id(&self, id: ID) -> Book {
            let stock = if id.0 == "1" { 3 } else { 0 };
            Book { id, stock }
        }
    }

    pub fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription)
            .enable_federation()
            .finish()
    }
}

fn gateway() -> Gateway {
    Gateway::builder()
        .fixture("abstract_types")
        .subgraph("media", media::schema())
        .subgraph("reviews", reviews::schema())
        .subgraph("extras", extras::schema())
        .build()
}

/// A union whose members take fields from another subgraph: only `Movie`s jump to `extras`
/// for `rating`, only `Book`s for `stock`, in one fetch; `__typename` at every level.
#[tokio::test]
async fn union_members_resolved_across_subgraphs() {
    let gateway = gateway();
    let query = "{ __typename search { __typename ... on Book { title stock } ... on Movie { title rating __typename } } }";
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"__typename": "Query", "search": [
            {"__typename": "Movie", "title": "Alien", "rating": 8},
            {"__typename": "Book", "title": "Dune", "stock": 3},
            {"__typename": "Book", "title": "Emma", "stock": 0}
        ]}}),
        "{}",
        gateway.plan(query).await
    );
    assert_eq!(gateway.calls(), counts(&[("extras", 1), ("media", 1)]));
    assert_eq!(
        gateway.log()[1].variables["representations"],
        json!([
            {"__typename": "Movie", "id": "2"},
            {"__typename": "Book", "id": "1"},
            {"__typename": "Book", "id": "3"}
        ])
    );
}

/// Named fragments and inline fragments on an interface, with fields of the interface and of
/// its implementations, from three subgraphs.
#[tokio::test]
async fn fragments_on_an_entity_interface() {
    let gateway = gateway();
    let query = r#"{ media { ...M ... on Movie { minutes rating } } }
        fragment M on Media { __typename id title reviews ... on Book { pages } }"#;
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"media": [
            {"__typename": "Book", "id": "1", "title": "Dune", "reviews": ["review of 1"], "pages": 412},
            {"__typename": "Movie", "id": "2", "title": "Alien", "reviews": ["review of 2"], "minutes": 117, "rating": 8}
        ]}}),
        "{}",
        gateway.plan(query).await
    );
    assert_eq!(
        gateway.calls(),
        counts(&[("extras", 1), ("media", 1), ("reviews", 1)])
    );
    // The interface-object subgraph is sent the interface's name.
    let sent = gateway
        .log()
        .into_iter()
        .find(|c| c.subgraph == "reviews")
        .expect("reviews called");
    assert_eq!(
        sent.variables["representations"],
        json!([{"__typename": "Media", "id": "1"}, {"__typename": "Media", "id": "2"}])
    );
}

/// Starting in the `@interfaceObject` subgraph: the concrete `__typename` and the interface's
/// other fields come from the interface's owner (an entity fetch with `__typename: "Media"`).
#[tokio::test]
async fn interface_object_gets_the_concrete_type_from_the_owner() {
    let gateway = gateway();
    let query = "{ topMedia { __typename id title reviews } }";
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"topMedia": [
            {"__typename": "Book", "id": "3", "title": "Emma", "reviews": ["review of 3"]},
            {"__typename": "Movie", "id": "2", "title": "Alien", "reviews": ["review of 2"]}
        ]}}),
        "{}",
        gateway.plan(query).await
    );
    assert_eq!(gateway.calls(), counts(&[("media", 1), ("reviews", 1)]));
}

/// Two hops from the `@interfaceObject` subgraph: the owner tells the concrete type, then a
/// third subgraph answers type-conditioned fields of the implementations.
#[tokio::test]
async fn interface_object_across_two_hops() {
    let gateway = gateway();
    let query = "{ topMedia { reviews ... on Book { pages stock } ... on Movie { rating } } }";
    let response = gateway.query(query, json!({})).await;
    assert_eq!(
        response,
        json!({"data": {"topMedia": [
            {"reviews": ["review of 3"], "pages": 474, "stock": 0},
            {"reviews": ["review of 2"], "rating": 8}
        ]}}),
        "{}",
        gateway.plan(query).await
    );
    assert_eq!(
        gateway.calls(),
        counts(&[("extras", 1), ("media", 1), ("reviews", 1)])
    );
}
