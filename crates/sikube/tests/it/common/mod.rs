//! Test harness: a real server on 127.0.0.1 port 0 with a fresh database — SQLite, or
//! PostgreSQL when `SIKUBE_TEST_DATABASE_URL` is set — stopped when the test ends.
#![allow(dead_code)]

use app::installation::Installation;
use app::users::NewUser;
use app::{Clock, FreshDatabase};
use domain::user::Username;
use domain::{Areas, DistrictCode, Lang, Role};
use reqwest::{Client, Response};
use serde_json::{json, Value};
use std::sync::{Arc, OnceLock};

pub const PASSWORD: &str = "Rahasia-2026";

/// Villages of Kota Banjar the tests register people in: two in kecamatan Langensari
/// (32.79.04), one in Pataruman (32.79.02).
pub const REJASARI: &str = "32.79.04.2002";
pub const WARINGINSARI: &str = "32.79.04.2003";
pub const PATARUMAN: &str = "32.79.02.1002";

fn password_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| web::auth::hash_password(PASSWORD))
}

fn areas() -> Arc<Areas> {
    static A: OnceLock<Arc<Areas>> = OnceLock::new();
    A.get_or_init(|| Arc::new(Areas::embedded())).clone()
}

/// The instant every test server's clock starts at unless a test sets its own: a fixed
/// one, so that no test depends on the day the suite runs. `SIKUBE_TEST_CLOCK` (an RFC 3339
/// instant, or `system` for the machine's clock) runs the whole suite at another.
pub const TEST_CLOCK: &str = "2026-12-06T10:00:00+07:00";

pub fn test_clock() -> Clock {
    Clock::parse(&test_instant()).expect("SIKUBE_TEST_CLOCK")
}

/// The instant of [`test_clock`] as text: what a test gives the binaries it starts
/// (`SIKUBE_CLOCK`).
pub fn test_instant() -> String {
    std::env::var("SIKUBE_TEST_CLOCK").unwrap_or_else(|_| TEST_CLOCK.to_string())
}

pub struct TestApp {
    pub base: String,
    /// The server's database, for what a test checks beside the API (its tables, the demo).
    pub installation: Installation,
    /// The server's own use cases (the same caches), for what a test asks of them directly.
    pub office: app::Context,
    pub db_url: String,
    /// The server's clock (the store's): what "today" is for it.
    pub clock: Clock,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    /// Last, so the database is removed after the server and its pool are gone.
    fresh: Option<FreshDatabase>,
}

/// Accounts every test app has: (username, role, kecamatan).
pub const USERS: &[(&str, Role, &[&str])] = &[
    ("admin", Role::Admin, &[]),
    ("kabid", Role::KepalaBidang, &[]),
    ("operator", Role::Operator, &[]),
    ("auditor", Role::Auditor, &[]),
    ("p.langensari", Role::Pendamping, &["32.79.04"]),
    ("p.pataruman", Role::Pendamping, &["32.79.02"]),
];

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// A server whose configuration `f` adjusts.
    pub async fn spawn_with(f: impl FnOnce(&mut web::Settings)) -> TestApp {
        Self::spawn_fresh(test_clock(), f).await
    }

    /// A server whose clock starts at `instant` (RFC 3339): for the cases that depend on
    /// the date on purpose (the year's last hour in Jakarta, 1 January, …).
    pub async fn spawn_at(instant: &str) -> TestApp {
        Self::spawn_fresh(Clock::parse(instant).expect("instant"), |_| {}).await
    }

    /// A server at `instant` with the demo city and its accounts, as `sikube serve
    /// --demo` starts; returns the number of KUBE the demo formed.
    pub async fn spawn_demo(instant: &str) -> (TestApp, usize) {
        let app = Self::spawn_at(instant).await;
        let areas = domain::Areas::embedded();
        let region = areas.regency("32.79").unwrap();
        app.installation
            .demo_accounts(&areas, &region)
            .await
            .unwrap();
        let made = app.installation.demo_city(&areas, &region).await.unwrap();
        // As `serve` does within seconds of starting.
        app.scan_duplicates().await;
        (app, made)
    }

    /// An account's id, looked up by an admin.
    pub async fn user_id(&self, username: &str) -> i64 {
        let admin = self.token("admin").await;
        let users = self.get_json(&admin, "/api/v1/users?limit=100").await;
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == username)
            .unwrap_or_else(|| panic!("no account {username}"))["id"]
            .as_i64()
            .unwrap()
    }

    async fn spawn_fresh(clock: Clock, f: impl FnOnce(&mut web::Settings)) -> TestApp {
        let pg = std::env::var("SIKUBE_TEST_DATABASE_URL").ok();
        let fresh = FreshDatabase::create(pg.as_deref())
            .await
            .expect("fresh database");
        let mut app = Self::spawn_on_clock(fresh.url().to_string(), clock, f).await;
        app.fresh = Some(fresh);
        app
    }

    /// A server on a given (fresh) database.
    pub async fn spawn_on(db_url: String, f: impl FnOnce(&mut web::Settings)) -> TestApp {
        Self::spawn_on_clock(db_url, test_clock(), f).await
    }

    /// A server on a given database whose clock starts at `clock`.
    pub async fn spawn_on_clock(
        db_url: String,
        clock: Clock,
        f: impl FnOnce(&mut web::Settings),
    ) -> TestApp {
        let installation = Installation::open(&db_url, clock)
            .await
            .expect("open and migrate");
        Self::spawn_installation(installation, db_url, clock, f).await
    }

    /// A server on a fresh database whose lists and figures may be read from `read_url`
    /// (a replica) while it is within `max_lag`.
    pub async fn spawn_with_replica(read_url: &str, max_lag: std::time::Duration) -> TestApp {
        let pg = std::env::var("SIKUBE_TEST_DATABASE_URL").ok();
        let fresh = FreshDatabase::create(pg.as_deref())
            .await
            .expect("fresh database");
        let clock = test_clock();
        let installation = Installation::open(fresh.url(), clock)
            .await
            .expect("open and migrate")
            .with_replica(read_url, max_lag)
            .await
            .expect("replica");
        let mut app =
            Self::spawn_installation(installation, fresh.url().to_string(), clock, |_| {}).await;
        app.fresh = Some(fresh);
        app
    }

    async fn spawn_installation(
        installation: Installation,
        db_url: String,
        clock: Clock,
        f: impl FnOnce(&mut web::Settings),
    ) -> TestApp {
        for (name, role, ds) in USERS {
            // A second server on the same database finds them there.
            if installation.user_by_name(name).await.is_ok() {
                continue;
            }
            installation
                .user_add(NewUser {
                    username: Username::parse(name).unwrap(),
                    password_hash: password_hash().to_string(),
                    role: *role,
                    districts: ds.iter().map(|d| DistrictCode::parse(d).unwrap()).collect(),
                    lang: Lang::Id,
                    identity: Default::default(),
                })
                .await
                .expect("user");
        }
        let areas = areas();
        let region = areas.regency("32.79").unwrap();
        let mut settings = web::Settings::new(region);
        f(&mut settings);
        let office = installation.office(areas, settings);
        let state = web::AppState::new(office.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            web::serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            base,
            installation,
            office,
            db_url,
            clock,
            stop: Some(tx),
            task: Some(task),
            fresh: None,
        }
    }

    /// Runs the duplicate scan as the background job does, so the review lists the
    /// registry as it is now.
    pub async fn scan_duplicates(&self) -> app::duplicates::scan::Scanned {
        app::duplicates::scan::scan_now(&self.office, "test")
            .await
            .expect("the duplicate scan runs")
    }

    /// Today where the office is, by the server's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// The ISO date `days_ago` days before the server's today.
    pub fn days_ago(&self, days_ago: i64) -> String {
        (self.today() - chrono::Duration::days(days_ago))
            .format("%Y-%m-%d")
            .to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn browser(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Logs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        self.token_with(username, PASSWORD).await
    }

    pub async fn token_with(&self, username: &str, password: &str) -> String {
        let r = Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login of {username}");
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
    /// The JSON body of a GET with a bearer token.
    pub async fn get_json(&self, token: &str, path: &str) -> Value {
        self.get(token, path).await.json().await.unwrap()
    }

    /// The answer of a GET read as the API's own type (`web::api::types`).
    pub async fn get_as<T: serde::de::DeserializeOwned>(&self, token: &str, path: &str) -> T {
        let r = self.get(token, path).await;
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.unwrap()
    }

    /// The HTML of a page fetched by a browser-like client.
    pub async fn page(&self, b: &Client, path: &str) -> String {
        b.get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Response {
        Client::new()
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
    pub async fn put(&self, token: &str, path: &str, body: Value) -> Response {
        Client::new()
            .put(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Response {
        Client::new()
            .patch(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Logs a browser in through the login form (fetching its CSRF token first).
    pub async fn browser_login(&self, username: &str) -> Client {
        let b = self.browser();
        let page = self.page(&b, "/login").await;
        let csrf = hidden(&page, "_csrf");
        let r = b
            .post(self.url("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", username),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "browser login of {username}");
        b
    }

    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    async fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// What a page shows: its text without tags and their attributes (where a random
/// CSRF token lives).
pub fn page_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out
}

/// The value of a hidden input in an HTML page.
pub fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no hidden {name} in page"))
        + needle.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Registers `n` persons in a village through the API (distinct birth dates, so no
/// duplicate warning) and returns their ids. `seed` keeps NIKs apart between calls.
pub async fn persons_in(
    app: &TestApp,
    token: &str,
    village: &str,
    n: usize,
    seed: usize,
) -> Vec<i64> {
    let district: String = village[..8].replace('.', "");
    let mut ids = Vec::new();
    for i in 0..n {
        let day = (i % 28) + 1;
        let year = 70 + (seed % 30);
        // Seeds past 99 are born in later months (a serial holds four digits).
        let month = 1 + (seed / 100) % 12;
        let nik = format!(
            "{district}{day:02}{month:02}{year:02}{:04}",
            (seed % 100) * 100 + i + 1
        );
        let body = json!({
            "nik": nik, "name": format!("Warga {} {}", NAMES[seed % NAMES.len()], NAMES[i % NAMES.len()]),
            "sex": "L", "birth_date": format!("19{year:02}-{month:02}-{day:02}"), "village_code": village,
            "categories": ["fakir_miskin"], "confirm_duplicate": true
        });
        let r = Client::new()
            .post(app.url("/api/v1/persons"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "person {nik}: {}", r.text().await.unwrap());
        ids.push(r.json::<web::api::types::PersonOut>().await.unwrap().id);
    }
    ids
}

const NAMES: &[&str] = &[
    "Asep", "Budi", "Cecep", "Dedi", "Euis", "Fitri", "Gugun", "Hendra", "Iis", "Jajang", "Kokom",
    "Lilis", "Maman", "Nining", "Oman", "Popon", "Rahmat", "Sri", "Tati", "Ujang", "Wawan",
    "Yayat",
];

/// A KUBE body: the first three persons are ketua, sekretaris, bendahara.
pub fn kube_body(name: &str, village: &str, members: &[i64]) -> Value {
    let members: Vec<Value> = members
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let role = ["ketua", "sekretaris", "bendahara"]
                .get(i)
                .copied()
                .unwrap_or("anggota");
            json!({"person_id": id, "role": role})
        })
        .collect();
    json!({"name": name, "business_type": "ternak_kambing", "village_code": village,
           "formed_on": "2012-05-14", "funding_source": "apbd_kota", "members": members})
}
