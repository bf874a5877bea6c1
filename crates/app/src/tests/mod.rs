//! The application layer's use cases, called as the pages, the API and the command line
//! call them — a `Context` and a `Caller` — on a fresh database: SQLite, or PostgreSQL
//! when `SIKUBE_TEST_DATABASE_URL` names a server. No HTTP: a rule is a few lines here.
mod office;

mod access;
mod attachments;
mod audit;
mod dashboard;
mod demo;
mod documents;
mod duplicates;
mod import;
mod installation;
mod kube;
mod lists;
mod persons;
mod programmes;
mod proposals;
mod reports;
mod scope;
mod sessions;
mod store;
mod tasks;
mod trainings;
mod users;
mod visits;
