//! Reading a live subgraph's SDL through `{ _service { sdl } }`; the only I/O of composition.

use serde::Deserialize;

use super::error::ComposeError;

#[derive(Deserialize)]
struct Response {
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<ResponseError>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "_service")]
    service: Option<Service>,
}

#[derive(Deserialize)]
struct Service {
    sdl: Option<String>,
}

#[derive(Deserialize)]
struct ResponseError {
    message: String,
}

/// POSTs `{ _service { sdl } }` to `url` and returns the SDL.
pub async fn fetch_sdl(client: &reqwest::Client, url: &str) -> Result<String, ComposeError> {
    let fail = |reason: String| ComposeError::Fetch {
        url: url.to_owned(),
        reason,
    };
    let response = client
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(&serde_json::json!({ "query": "{ _service { sdl } }" }))
        .send()
        .await
        .map_err(|e| fail(format!("request failed: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!("http status {status}")));
    }
    let body: Response = response
        .json()
        .await
        .map_err(|e| fail(format!("invalid graphql response: {e}")))?;
    if let Some(error) = body.errors.first() {
        return Err(fail(format!(
            "the subgraph answered with an error: {}",
            error.message
        )));
    }
    body.data
        .and_then(|d| d.service)
        .and_then(|s| s.sdl)
        .ok_or_else(|| fail("the response has no _service.sdl".to_owned()))
}
