//! The store's behaviour, run on SQLite always and on PostgreSQL when
//! `SIKUBE_TEST_DATABASE_URL` is set (CI always sets it).
use crate::store::sessions::{NewSession, SessionKind};
use crate::store::users::{NewUser, UserChange, UserFilter};
use crate::store::{Actor, FreshDatabase, Paging, Store, StoreError};
use domain::user::Username;
use domain::{DistrictCode, Lang, Role};

/// A migrated store on each backend under test; its database is removed when it is dropped.
struct Fresh {
    store: Store,
    _db: FreshDatabase,
}

impl std::ops::Deref for Fresh {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

async fn backends() -> Vec<Fresh> {
    let mut dbs = vec![FreshDatabase::create(None).await.unwrap()];
    if let Ok(pg) = std::env::var("SIKUBE_TEST_DATABASE_URL") {
        dbs.push(FreshDatabase::create(Some(&pg)).await.unwrap());
    }
    let mut stores = Vec::new();
    for db in dbs {
        let store = Store::connect(db.url()).await.unwrap();
        store.migrate().await.unwrap();
        stores.push(Fresh { store, _db: db });
    }
    stores
}

fn new_user(name: &str, role: Role, districts: &[&str]) -> NewUser {
    NewUser {
        username: Username::parse(name).unwrap(),
        password_hash: "hash".into(),
        role,
        districts: districts
            .iter()
            .map(|d| DistrictCode::parse(d).unwrap())
            .collect(),
        lang: Lang::Id,
        identity: Default::default(),
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_schemas_agree() {
    let stores = backends().await;
    let mut schemas = Vec::new();
    for s in &stores {
        assert_eq!(s.migrate().await.unwrap(), 0, "second run applies nothing");
        let before = s.schema().await.unwrap();
        assert_eq!(s.migrate().await.unwrap(), 0);
        assert_eq!(s.schema().await.unwrap(), before);
        schemas.push(before);
    }
    if schemas.len() == 2 {
        assert_eq!(
            schemas[0], schemas[1],
            "SQLite and PostgreSQL schemas differ"
        );
    }
}

#[tokio::test]
async fn users_create_update_and_audit() {
    for s in backends().await {
        let actor = Actor::cli(&s.clock());
        let u = s
            .user_create(
                &actor,
                new_user("pendamping1", Role::Pendamping, &["32.79.04"]),
            )
            .await
            .unwrap();
        assert_eq!(u.districts, vec!["32.79.04".to_string()]);
        let dup = s
            .user_create(&actor, new_user("pendamping1", Role::Operator, &[]))
            .await;
        assert!(
            matches!(dup, Err(StoreError::Conflict { .. })),
            "{:?}",
            s.backend()
        );

        let changed = s
            .user_update(
                &actor,
                u.id,
                UserChange {
                    districts: Some(vec![
                        DistrictCode::parse("32.79.02").unwrap(),
                        DistrictCode::parse("32.79.04").unwrap(),
                    ]),
                    password_hash: Some("new".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(changed.districts.len(), 2);
        let (_, hash) = s.user_credentials("PENDAMPING1").await.unwrap().unwrap();
        assert_eq!(hash, "new");

        let page = s
            .user_list(
                &UserFilter {
                    q: Some("pend".into()),
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert_eq!(page.total, 1);

        let audit = s
            .audit_list(
                &crate::store::audit::AuditFilter {
                    entity: Some("user".into()),
                    ..Default::default()
                },
                Paging::default(),
            )
            .await
            .unwrap();
        assert_eq!(audit.total, 2);
        let update = &audit.items[0];
        assert_eq!(update.action, "update");
        let before: serde_json::Value =
            serde_json::from_str(update.before_json.as_deref().unwrap()).unwrap();
        let after: serde_json::Value =
            serde_json::from_str(update.after_json.as_deref().unwrap()).unwrap();
        assert_eq!(before["districts"].as_array().unwrap().len(), 1);
        assert_eq!(after["districts"].as_array().unwrap().len(), 2);
        assert_eq!(after["password_changed"], true);
        assert!(!update.after_json.as_deref().unwrap().contains("\"new\""));
        assert_eq!(s.user_count().await.unwrap(), 1);
    }
}

#[tokio::test]
async fn sessions_expire_and_end_when_account_disabled() {
    for s in backends().await {
        let actor = Actor::cli(&s.clock());
        let u = s
            .user_create(&actor, new_user("operator1", Role::Operator, &[]))
            .await
            .unwrap();
        let far = "2999-01-01T00:00:00Z".to_string();
        s.session_create(NewSession {
            token_hash: "h1",
            user_id: u.id,
            kind: SessionKind::Web,
            label: "",
            csrf: "c1",
            expires_at: far.clone(),
        })
        .await
        .unwrap();
        s.session_create(NewSession {
            token_hash: "h2",
            user_id: u.id,
            kind: SessionKind::Web,
            label: "",
            csrf: "c2",
            expires_at: "2000-01-01T00:00:00Z".into(),
        })
        .await
        .unwrap();
        let idle = "2000-01-01T00:00:00Z";
        let found = s.session_lookup("h1", idle).await.unwrap().unwrap();
        assert_eq!(found.user.username, "operator1");
        assert_eq!(found.csrf, "c1");
        assert!(
            s.session_lookup("h2", idle).await.unwrap().is_none(),
            "expired"
        );
        assert!(
            s.session_lookup("h1", "2999-01-01T00:00:00Z")
                .await
                .unwrap()
                .is_none(),
            "idle"
        );
        s.session_set_flash(found.session_id, Some("hello"))
            .await
            .unwrap();
        let again = s.session_lookup("h1", idle).await.unwrap().unwrap();
        assert_eq!(again.flash.as_deref(), Some("hello"));

        s.user_update(
            &actor,
            u.id,
            UserChange {
                disabled: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            s.session_lookup("h1", idle).await.unwrap().is_none(),
            "disabled"
        );
    }
}

#[tokio::test]
async fn login_attempts_are_counted_per_key_before_checking() {
    for s in backends().await {
        let since = "2000-01-01T00:00:00Z";
        let mut last = Vec::new();
        for i in 1..=3 {
            let (ids, counts) = s.login_attempt(&["user:a", "ip:1"], since).await.unwrap();
            assert_eq!(counts, vec![i, i], "this attempt is counted");
            last = ids;
        }
        assert_eq!(s.login_failures("user:a", since).await.unwrap(), 3);
        assert_eq!(s.login_failures("ip:1", since).await.unwrap(), 3);
        assert_eq!(
            s.login_failures("user:a", "2999-01-01T00:00:00Z")
                .await
                .unwrap(),
            0
        );
        // A success removes its own attempt and clears the account's failures.
        s.login_attempt_succeeded(&last, "user:a", since)
            .await
            .unwrap();
        assert_eq!(s.login_failures("user:a", since).await.unwrap(), 0);
        assert_eq!(s.login_failures("ip:1", since).await.unwrap(), 2);
    }
}

/// A batch sends its reads as one text with the values written in: each read must
/// answer in the batch exactly what it answers alone with its values bound — text with
/// quotes, backslashes and a `$1` of its own, the extreme integers, no rows, several.
#[tokio::test]
async fn a_batch_answers_what_each_read_answers_alone() {
    use crate::store::batch::{Batch, Read};
    let nasty = "O'Brien \\' \\\\ ''; -- $1 \"é\" 😀\n";
    for s in backends().await {
        let text =
            || Read::<(String, i64)>::new("SELECT $1, $2", vec![nasty.into(), i64::MIN.into()]);
        let none = || {
            Read::<(i64,)>::new(
                "SELECT id FROM users WHERE username = $1",
                vec!["nobody'; DROP TABLE users; --".into()],
            )
        };
        let quoted = || {
            Read::<(String, i64, Option<String>)>::new(
                "SELECT '$1 ''stays''', $1, CAST(NULL AS TEXT) UNION ALL SELECT 'b', $1 - 1, $2 ORDER BY 2",
                vec![i64::MAX.into(), "x".into()],
            )
        };
        let mut conn = s.pool.acquire().await.unwrap();
        let alone = (
            text().all(&mut *conn).await.unwrap(),
            none().all(&mut *conn).await.unwrap(),
            quoted().all(&mut *conn).await.unwrap(),
        );
        assert_eq!(alone.0, vec![(nasty.to_string(), i64::MIN)]);
        assert!(alone.1.is_empty());
        assert_eq!(
            alone.2,
            vec![
                ("b".to_string(), i64::MAX - 1, Some("x".to_string())),
                ("$1 'stays'".to_string(), i64::MAX, None)
            ]
        );
        let mut b = Batch::new(s.backend());
        let (t, n, q) = (
            b.add(text()).unwrap(),
            b.add(none()).unwrap(),
            b.add(quoted()).unwrap(),
        );
        let mut rows = b.run(&mut conn).await.unwrap();
        assert_eq!(rows.all(t).unwrap(), alone.0);
        assert_eq!(rows.all(n).unwrap(), alone.1);
        assert_eq!(rows.all(q).unwrap(), alone.2);
        // The users table is still there.
        assert_eq!(s.user_count().await.unwrap(), 0);
        // Again on the same connection, which (PostgreSQL) has two of these reads
        // prepared and not the others, some planned for any value: the same answers.
        let other = || Read::<(i64,)>::new("SELECT $1 + 1", vec![41.into()]).generic();
        for _ in 0..2 {
            let mut b = Batch::new(s.backend());
            let (o, q, t) = (
                b.add(other()).unwrap(),
                b.add(quoted()).unwrap(),
                b.add(text()).unwrap(),
            );
            let mut rows = b.run(&mut conn).await.unwrap();
            assert_eq!(rows.all(o).unwrap(), vec![(42,)]);
            assert_eq!(rows.all(q).unwrap(), alone.2);
            assert_eq!(rows.all(t).unwrap(), alone.0);
        }
        // Reads of ever new text do not pile up on a connection (PostgreSQL).
        for i in 0..260 {
            let mut b = Batch::new(s.backend());
            let r = b
                .add(Read::<(i64,)>::new(
                    format!("SELECT $1 + {i}"),
                    vec![1.into()],
                ))
                .unwrap();
            assert_eq!(
                b.run(&mut conn).await.unwrap().all(r).unwrap(),
                vec![(1 + i,)]
            );
        }
        if s.backend() == crate::store::Backend::Postgres {
            let (kept,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM pg_prepared_statements WHERE left(name, 7) = 'sikube_'",
            )
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            assert!((1..=201).contains(&kept), "{kept} statements kept");
        }
        // Text SQL cannot hold, and a `$N` without its value, are refused before sending.
        let mut b = Batch::new(s.backend());
        assert!(b
            .add(Read::<(String,)>::new("SELECT $1", vec!["a\0b".into()]))
            .is_err());
        assert!(b
            .add(Read::<(String,)>::new("SELECT $2", vec!["a".into()]))
            .is_err());
    }
}

/// A request whose client goes away while its transaction is beginning must not leave
/// a pooled connection inside that transaction (holding SQLite's write lock): every
/// connection of the pool is abandoned that way, then a write still goes through.
#[tokio::test]
async fn a_transaction_abandoned_while_it_begins_leaves_no_connection_inside_it() {
    for s in backends().await {
        // Every connection opened and idle first, so that taking one does not wait.
        let warm: Vec<_> = futures_util::future::join_all((0..8).map(|_| s.pool.acquire())).await;
        drop(warm);
        for _ in 0..24 {
            let _ = tokio::time::timeout(std::time::Duration::from_nanos(1), s.tx()).await;
            tokio::task::yield_now().await;
        }
        let actor = Actor::cli(&s.clock());
        let u = s
            .user_create(&actor, new_user("after_cancel", Role::Operator, &[]))
            .await
            .expect("a write after abandoned transactions");
        // Visible from any other connection: it was committed, not left in a stale transaction.
        let seen = futures_util::future::join_all((0..8).map(|_| s.user_count())).await;
        assert!(
            seen.iter().all(|n| *n.as_ref().unwrap() == 1),
            "{seen:?} for {}",
            u.id
        );
    }
}
