//! Round trips to the database per page (#33): every `sqlx::query` event inside a
//! request's span is one exchange with PostgreSQL (a batch of reads logs once). Counted
//! on PostgreSQL, where a round trip crosses the network; on SQLite the statements run
//! in the process and this test has nothing to count.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{filter::Targets, Layer};

use crate::common::{self, TestApp};

/// Counts the statements sent while serving a request, and among them the batches sent
/// again behind the block that prepares their reads on a connection new to them.
struct Exchanges {
    all: Arc<AtomicUsize>,
    preparing: Arc<AtomicUsize>,
}

/// Whether an event's statement is a batch behind its preparing block.
struct Preparing(bool);

impl tracing::field::Visit for Preparing {
    fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
        if f.name() == "db.statement" || f.name() == "summary" {
            self.0 |= format!("{v:?}").contains("DO $sikube$");
        }
    }
    fn record_str(&mut self, f: &tracing::field::Field, v: &str) {
        if f.name() == "db.statement" || f.name() == "summary" {
            self.0 |= v.contains("DO $sikube$");
        }
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Exchanges {
    fn on_event(&self, e: &tracing::Event<'_>, cx: Context<'_, S>) {
        if e.metadata().target() != "sqlx::query" {
            return;
        }
        let in_request = cx
            .event_scope(e)
            .is_some_and(|mut spans| spans.any(|s| s.name() == "request"));
        if in_request {
            self.all.fetch_add(1, Ordering::SeqCst);
            let mut p = Preparing(false);
            e.record(&mut p);
            if p.0 {
                self.preparing.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

#[tokio::test]
async fn pages_take_at_most_three_round_trips_to_postgresql() {
    if std::env::var("SIKUBE_TEST_DATABASE_URL").is_err() {
        eprintln!("round trips are counted on PostgreSQL: SIKUBE_TEST_DATABASE_URL is not set");
        return;
    }
    let (app, _) = TestApp::spawn_demo(common::TEST_CLOCK).await;
    let kabid = app.token("kabid").await;
    let kube = app.get_json(&kabid, "/api/v1/kube?limit=1").await["items"][0]["id"]
        .as_i64()
        .unwrap();
    let persons = app.get_json(&kabid, "/api/v1/persons?limit=1").await;
    let person = persons["items"][0]["id"].as_i64().unwrap();
    let name = persons["items"][0]["name"]
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let nik = persons["items"][0]["nik"].as_str().unwrap()[..8].to_string();
    // (who, page, most round trips).
    let pages = [
        ("kabid", format!("/kube/{kube}"), 3),
        ("kabid", "/kube".to_string(), 3),
        ("kabid", format!("/persons?q={name}"), 3),
        ("kabid", format!("/persons?q={nik}"), 3),
        ("kabid", format!("/persons/{person}"), 3),
        ("p.langensari", "/mentoring".to_string(), 3),
        ("kabid", "/".to_string(), 3),
        ("operator", "/".to_string(), 3),
        ("p.langensari", "/".to_string(), 3),
        ("admin", "/".to_string(), 3),
        ("auditor", "/".to_string(), 3),
        ("kabid", "/persons/duplicates".to_string(), 3),
    ];
    let counted = Arc::new(AtomicUsize::new(0));
    let preparing = Arc::new(AtomicUsize::new(0));
    // The request spans (made in `web`) and the statements.
    let subscriber = tracing_subscriber::registry().with(
        Exchanges {
            all: counted.clone(),
            preparing: preparing.clone(),
        }
        .with_filter(
            Targets::new()
                .with_target("sqlx::query", tracing::Level::TRACE)
                .with_target("web", tracing::Level::INFO),
        ),
    );
    // The test's runtime runs the server's tasks on this thread.
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut over = Vec::new();
    let mut prepared = 0;
    for (who, path, most) in &pages {
        let b = app.browser_login(who).await;
        // Once to fill what a page keeps in memory for a while (business types, the
        // dashboard's figures), then counted.
        app.page(&b, path).await;
        counted.store(0, Ordering::SeqCst);
        preparing.store(0, Ordering::SeqCst);
        app.page(&b, path).await;
        // A connection new to a page's reads prepares them first: its batch is refused
        // once ("not prepared") and sent again behind the preparing block — one more
        // round trip, once per connection and page, not counted against the page.
        let again = preparing.load(Ordering::SeqCst);
        let n = counted.load(Ordering::SeqCst) - again;
        prepared += again;
        eprintln!("{who} {path}: {n} round trips (+{again} preparing)");
        if n > *most {
            over.push(format!("{who} {path}: {n} (at most {most})"));
        }
    }
    eprintln!("{prepared} batches were sent again to prepare their reads");
    assert!(over.is_empty(), "pages over their round trips: {over:?}");
    app.stop().await;
}
