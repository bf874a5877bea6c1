//! Reads from a read replica (#33, `--read-database-url`): lists and figures come from the
//! replica, a session's reads within the replica's allowed lag after its own write come
//! from the primary, and a replica that is down leaves every read to the primary with
//! `/readyz` saying so. PostgreSQL only (a streaming replica is PostgreSQL's); the
//! "replica" here is a database of its own, made different on purpose, so that each
//! answer shows which database it was read from. Replication itself is tested by the
//! cluster test (`tests/cluster.sh`).
use crate::common::{persons_in, TestApp, REJASARI};
use std::time::Duration;

fn postgres() -> Option<String> {
    std::env::var("SIKUBE_TEST_DATABASE_URL").ok()
}

async fn names(app: &TestApp, token: &str) -> Vec<String> {
    let v = app.get_json(token, "/api/v1/persons?limit=50").await;
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

async fn readyz(app: &TestApp) -> String {
    reqwest::get(app.url("/readyz"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn reads_go_to_the_replica_except_a_sessions_own_recent_writes() {
    let Some(pg) = postgres() else { return };
    let replica = app::FreshDatabase::create(Some(&pg)).await.unwrap();
    let r = TestApp::spawn_on(replica.url().to_string(), |_| {}).await;
    let op = r.token("operator").await;
    persons_in(&r, &op, REJASARI, 1, 91).await;
    let on_replica = names(&r, &op).await;
    r.stop().await;

    let app = TestApp::spawn_with_replica(replica.url(), Duration::from_secs(1)).await;
    assert!(
        readyz(&app).await.starts_with("ready; replica ok"),
        "{}",
        readyz(&app).await
    );
    let op = app.token("operator").await;
    assert_eq!(
        names(&app, &op).await,
        on_replica,
        "the list is read from the replica"
    );
    // The operator registers someone: their next reads are their own writes, from the
    // primary; another account still reads the replica.
    persons_in(&app, &op, REJASARI, 1, 92).await;
    let primary = names(&app, &op).await;
    assert_eq!(primary.len(), 1);
    assert_ne!(primary, on_replica, "read back from the primary");
    let kabid = app.token("kabid").await;
    assert_eq!(names(&app, &kabid).await, on_replica);
    // Once the replica may have caught up, the operator reads it again.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(names(&app, &op).await, on_replica);
    // A record read by id is not a list: always from the primary.
    app.stop().await;
}

#[tokio::test]
async fn a_replica_that_is_down_leaves_reads_to_the_primary() {
    let Some(pg) = postgres() else { return };
    let base = pg
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&pg)
        .to_string();
    let app = TestApp::spawn_with_replica(
        &format!("{base}/sikube_no_such_replica"),
        Duration::from_secs(1),
    )
    .await;
    assert_eq!(
        readyz(&app).await,
        "ready; replica down: reads from the primary"
    );
    let op = app.token("operator").await;
    persons_in(&app, &op, REJASARI, 2, 93).await;
    let kabid = app.token("kabid").await;
    assert_eq!(names(&app, &kabid).await.len(), 2, "read from the primary");
    app.stop().await;
}
