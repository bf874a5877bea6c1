//! Column values read typed: the schema stores them portably (flags as 0/1, dates as ISO
//! text, codes as text) and the Any driver hands back integers and strings; these types
//! turn them into what they mean as the row is decoded, so nothing above re-parses them.

use chrono::NaiveDate;
use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Decode, Encode, Type};

/// A yes/no column, stored as 0 or 1 (the same on both backends), read as a `bool`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Flag(pub bool);

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Flag(<i64 as Decode<Any>>::decode(value)? != 0))
    }
}

impl std::ops::Deref for Flag {
    type Target = bool;
    fn deref(&self) -> &bool {
        &self.0
    }
}

/// A calendar date, stored as ISO text (`2026-12-02`, which sorts as a date on both
/// backends). Shown and serialised in the same ISO form, so pages and the API read as before.
/// It decodes itself (rather than through `try_from`) so that `Option<Date>` reads a NULL.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        domain::dates::iso(s).map(Date)
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Date {
        Date(d)
    }
}

impl std::ops::Deref for Date {
    type Target = NaiveDate;
    fn deref(&self) -> &NaiveDate {
        &self.0
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // NaiveDate's own form is ISO (`%Y-%m-%d`) for the years a date here can have.
        write!(f, "{}", self.0)
    }
}

impl PartialEq<&str> for Date {
    fn eq(&self, other: &&str) -> bool {
        Date::parse(other) == Some(*self)
    }
}

impl Type<Any> for Date {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r> Decode<'r, Any> for Date {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let s = <String as Decode<Any>>::decode(value)?;
        Date::parse(&s).ok_or_else(|| format!("not an ISO date: {s:?}").into())
    }
}

impl<'q> Encode<'q, Any> for Date {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<Any>>::encode(self.to_string(), buf)
    }
}

/// A coded column that may be empty (`Option<Code<Level>>`): sqlx's `try_from` does not
/// reach through `Option`, so the code type is wrapped here and decoded through its
/// `TryFrom<String>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Code<T>(pub T);

impl<T> std::ops::Deref for Code<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Type<Any> for Code<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }
}

impl<'r, T> Decode<'r, Any> for Code<T>
where
    T: TryFrom<String>,
    T::Error: std::fmt::Display,
{
    fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let s = <String as Decode<Any>>::decode(value)?;
        T::try_from(s).map(Code).map_err(|e| e.to_string().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::health::Level;

    #[tokio::test]
    async fn columns_decode_typed_and_refuse_what_they_are_not() {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect("sqlite::memory:").await.unwrap();
        let (d, none, level, flag): (Date, Option<Date>, Option<Code<Level>>, Flag) =
            sqlx::query_as("SELECT '2026-02-28', NULL, 'maju', 1")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        assert!(d == "2026-02-28");
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2026-02-28\"");
        assert_eq!(
            (none, level.map(|l| l.0), *flag),
            (None, Some(Level::Maju), true)
        );
        // A date that is not one, or a code outside the enum, is an error, not a default.
        let bad: Result<(Date,), _> = sqlx::query_as("SELECT '2026-02-30'").fetch_one(&pool).await;
        assert!(bad.is_err());
        let bad: Result<(Code<Level>,), _> =
            sqlx::query_as("SELECT 'besar'").fetch_one(&pool).await;
        assert!(bad.is_err());
        // Written back, a date is its ISO text.
        let (back,): (String,) = sqlx::query_as("SELECT $1")
            .bind(d)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(back, "2026-02-28");
    }
}
