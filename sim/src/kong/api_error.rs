//! Admin API errors with Kong's status codes and bodies
//! (`kong/api/endpoints.lua` `handle_error`, `kong/db/errors.lua`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::reply::json_reply;

/// Kong's DAO error codes that reach the admin API here.
const INVALID_OFFSET: u8 = 7;
const INVALID_SIZE: u8 = 9;
const OPERATION_UNSUPPORTED: u8 = 12;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AdminError {
    #[error("Not found")]
    NotFound,
    #[error("Method not allowed")]
    MethodNotAllowed,
    #[error("Invalid credentials. Token or User credentials required")]
    Unauthorized,
    /// The database is down: reads and writes fail with a 500.
    #[error("An unexpected error occurred")]
    Database,
    #[error("{0}")]
    InvalidSize(String),
    #[error("'{0}' is not a valid offset: bad base64 encoding")]
    InvalidOffset(String),
    /// A write in DB-less mode; `by` names the lookup field (`name`) when
    /// the entity was addressed by it rather than by id.
    #[error("{}", dbless_message(verb, entity, by.as_deref()))]
    DbLessWrite {
        verb: &'static str,
        entity: &'static str,
        by: Option<&'static str>,
    },
    /// A 400 with a bare `message`.
    #[error("{0}")]
    BadRequest(String),
    /// A 400 `schema violation` on one field.
    #[error("schema violation ({field}: {reason})")]
    SchemaViolation { field: String, reason: String },
}

fn dbless_message(verb: &str, entity: &str, by: Option<&str>) -> String {
    match by {
        Some(field) => {
            format!("cannot {verb} '{entity}' entities by '{field}' when not using a database")
        }
        None => format!("cannot {verb} '{entity}' entities when not using a database"),
    }
}

impl AdminError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed | Self::DbLessWrite { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Database => StatusCode::INTERNAL_SERVER_ERROR,
            Self::InvalidSize(_)
            | Self::InvalidOffset(_)
            | Self::BadRequest(_)
            | Self::SchemaViolation { .. } => StatusCode::BAD_REQUEST,
        }
    }

    /// The JSON body: DAO errors carry `code`/`name`/`message`, the rest a
    /// bare `message`.
    pub fn body(&self) -> Value {
        let message = self.to_string();
        match self {
            Self::InvalidSize(_) => dao(INVALID_SIZE, "invalid size", &message),
            Self::InvalidOffset(_) => dao(INVALID_OFFSET, "invalid offset", &message),
            Self::DbLessWrite { .. } => {
                dao(OPERATION_UNSUPPORTED, "operation unsupported", &message)
            }
            Self::SchemaViolation { field, reason } => json!({
                "code": 2, "name": "schema violation", "message": message,
                "fields": { field: reason },
            }),
            _ => json!({ "message": message }),
        }
    }
}

fn dao(code: u8, name: &str, message: &str) -> Value {
    json!({ "code": code, "name": name, "message": message })
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        json_reply(self.status(), &self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbless_write_messages_match_kong() {
        let e = AdminError::DbLessWrite {
            verb: "create",
            entity: "services",
            by: None,
        };
        assert_eq!(e.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            e.body(),
            json!({"code": 12, "name": "operation unsupported",
                   "message": "cannot create 'services' entities when not using a database"})
        );
        let by = AdminError::DbLessWrite {
            verb: "remove",
            entity: "upstreams",
            by: Some("name"),
        };
        assert_eq!(
            by.to_string(),
            "cannot remove 'upstreams' entities by 'name' when not using a database"
        );
    }

    #[test]
    fn plain_errors_have_a_message() {
        assert_eq!(AdminError::NotFound.body(), json!({"message": "Not found"}));
        assert_eq!(AdminError::Unauthorized.status(), StatusCode::UNAUTHORIZED);
    }
}
