//! The integration tests, one binary (one link instead of one per file): each module starts
//! the real server on port 0 with a fresh database (`SIKUBE_TEST_DATABASE_URL` for PostgreSQL).
mod common;

mod access;
mod aid;
mod calendar;
mod checklist;
mod cli;
mod dashboard;
mod duplicates;
mod exchange;
mod forms;
mod foundation;
mod guide;
mod import;
mod instances;
mod kube;
mod layers;
mod lists;
mod matrix;
mod monitoring;
mod monthly;
mod persons;
mod protection;
mod registry;
mod reliability;
mod replica;
mod reports;
mod roundtrips;
mod security;
mod tasks;
