//! Which database a store runs on: where the two differ in SQL or in locking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}
