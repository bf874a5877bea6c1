use domain::{Invalid, Msg};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A rule about existing data was broken (duplicate, wrong state): field and reason.
    #[error("conflict on {field}: {}", .msg.key)]
    Conflict { field: String, msg: Msg },
    #[error("invalid: {0}")]
    Invalid(Invalid),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    pub fn conflict(field: &str, msg: Msg) -> StoreError {
        StoreError::Conflict {
            field: field.to_string(),
            msg,
        }
    }
}

impl From<Invalid> for StoreError {
    fn from(i: Invalid) -> Self {
        StoreError::Invalid(i)
    }
}

/// Whether a database error is a unique-constraint violation (on either backend).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => matches!(d.kind(), sqlx::error::ErrorKind::UniqueViolation),
        _ => false,
    }
}

/// Maps a unique-constraint violation to a conflict on `field` (409 with the reason);
/// any other database error passes through.
pub(crate) fn unique_as_conflict(
    field: impl Into<String>,
    msg: Msg,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| {
        if is_unique_violation(&e) {
            StoreError::Conflict {
                field: field.into(),
                msg,
            }
        } else {
            e.into()
        }
    }
}
