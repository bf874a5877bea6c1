//! What a use case can answer besides its result; the web turns it into HTTP statuses
//! and pages, the command line into a message.
use crate::store::StoreError;
use domain::{Invalid, Lang, Msg};

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid")]
    Invalid(Invalid),
    #[error("conflict on {field}")]
    Conflict { field: String, msg: Msg },
    /// The server is too busy to take this now.
    #[error("busy")]
    Busy(Msg),
    /// A limit of the caller's is reached (e.g. NIK lookups a day): not now, with why.
    #[error("limited")]
    Limited(Msg),
    #[error("internal error")]
    Internal,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: &str, msg: Msg) -> Error {
        Error::Invalid(Invalid::field(field, msg))
    }
    /// For a form that comes back with messages: validation and conflict errors become
    /// field errors; anything else stays an error.
    pub fn into_form_errors(self) -> Result<Invalid, Error> {
        match self {
            Error::Invalid(i) => Ok(i),
            Error::Conflict { field, msg } => Ok(Invalid::field(&field, msg)),
            e => Err(e),
        }
    }
    /// The reason in the user's language, field messages included.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Error::Invalid(inv) => inv
                .fields
                .iter()
                .map(|(f, m)| format!("{f}: {}", m.text(lang)))
                .collect::<Vec<_>>()
                .join("; "),
            Error::Conflict { msg, .. } | Error::Busy(msg) | Error::Limited(msg) => msg.text(lang),
            Error::Forbidden => lang.t("error.forbidden").into(),
            Error::NotFound => lang.t("error.not_found").into(),
            Error::Internal => lang.t("error.internal").into(),
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            StoreError::Conflict { field, msg } => Error::Conflict { field, msg },
            StoreError::Invalid(i) => Error::Invalid(i),
            StoreError::Db(e) => {
                tracing::error!(error = %e, "database error");
                Error::Internal
            }
        }
    }
}

impl From<Invalid> for Error {
    fn from(i: Invalid) -> Self {
        Error::Invalid(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_input_and_conflicts_go_back_to_the_form_and_say_why() {
        let conflict = Error::Conflict {
            field: "nik".into(),
            msg: Msg::new("error.not_found"),
        };
        let inv = conflict.clone().into_form_errors().unwrap();
        assert!(inv.fields.contains_key("nik"));
        assert!(matches!(
            Error::NotFound.into_form_errors(),
            Err(Error::NotFound)
        ));
        assert_eq!(conflict.message(Lang::En), Lang::En.t("error.not_found"));
        let invalid = Error::invalid("name", Msg::new("common.required"));
        assert_eq!(
            invalid.message(Lang::Id),
            format!("name: {}", Lang::Id.t("common.required"))
        );
        // A database failure says nothing of its own to the caller.
        assert!(matches!(Error::from(StoreError::NotFound), Error::NotFound));
    }
}
