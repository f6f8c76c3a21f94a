//! Errors as OGC API exceptions: `{"code": …, "description": …}` with the right status.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use urbis_store::StoreError;

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Short code (`NotFound`, `InvalidParameterValue`...).
    pub code: &'static str,
    /// What went wrong, for a person.
    pub description: String,
}

impl ApiError {
    /// 400 InvalidParameterValue.
    pub fn bad(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameterValue",
            description: description.into(),
        }
    }
    /// 404 NotFound.
    pub fn not_found(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "NotFound",
            description: description.into(),
        }
    }
    /// 406 NotAcceptable.
    pub fn not_acceptable(description: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_ACCEPTABLE,
            code: "NotAcceptable",
            description: description.into(),
        }
    }
    /// 500: details go to the log, not to the client.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {e}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "ServerError",
            description: "the server could not answer this request (see its log)".into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NoCollection(c) => ApiError::not_found(format!("no collection \"{c}\"")),
            StoreError::BadQuery(m) => ApiError::bad(m),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"code": self.code, "description": self.description});
        (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response()
    }
}
