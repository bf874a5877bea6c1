//! The `sikube` command: serve, migrate, user administration, backup.
pub mod demo;

use clap::{Args, Parser, Subcommand};
use domain::user::{check_password, Username};
use domain::{Areas, Lang, Role};
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;
use store::users::{NewUser, UserChange, UserFilter};
use store::{Actor, Backend, Paging, Store};

#[derive(Parser, Debug)]
#[command(
    name = "sikube",
    version,
    about = "Sistem Informasi Kelompok Usaha Bersama"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// `sqlite://FILE` or `postgres://USER:PASSWORD@HOST/DB`; default a SQLite file in --data-dir.
    #[arg(
        long,
        env = "SIKUBE_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Directory of the default SQLite database.
    #[arg(
        long,
        env = "SIKUBE_DATA_DIR",
        default_value = "./sikube-data",
        global = true
    )]
    pub data_dir: String,
}

impl DbArgs {
    pub fn url(&self) -> Result<String, String> {
        match &self.database_url {
            Some(u) if !u.is_empty() => Ok(u.clone()),
            _ => {
                if !std::path::Path::new(&self.data_dir).exists() {
                    std::fs::create_dir_all(&self.data_dir).map_err(|e| {
                        format!("cannot create data directory {}: {e}", self.data_dir)
                    })?;
                    // The database in it holds NIKs: its owner only.
                    #[cfg(unix)]
                    {
                        use std::os::unix::fs::PermissionsExt;
                        let _ = std::fs::set_permissions(
                            &self.data_dir,
                            std::fs::Permissions::from_mode(0o700),
                        );
                    }
                }
                Ok(format!(
                    "sqlite://{}/sikube.db",
                    self.data_dir.trim_end_matches('/')
                ))
            }
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web application (pages and JSON API).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Write a consistent copy of the SQLite database to FILE while the server runs.
    Backup { file: String },
    /// Find duplicate persons in a CSV (`id,nik,name,sex,birth_date,village_code,kk_number`)
    /// and write `id,cluster_id` for every row.
    Dedup {
        file: String,
        #[arg(long)]
        out: String,
    },
    /// Replace the SQLite database with a backup FILE (stop the server first).
    Restore { file: String },
    /// Import persons or KUBE (with members) from an XLSX, ODS or CSV file.
    Import {
        /// `persons` or `kube`
        kind: String,
        file: String,
        /// `all`: write nothing if any row is invalid; `valid`: write the valid rows.
        #[arg(long, default_value = "all")]
        mode: String,
        /// Only check the file.
        #[arg(long)]
        dry_run: bool,
        /// Write the rejected rows (with the reason) to this CSV or XLSX file.
        #[arg(long)]
        rejected: Option<String>,
        /// The sheet to read (default: the first with data).
        #[arg(long)]
        sheet: Option<String>,
        /// Where a field is when the headings are not the template's: `field=column`
        /// (heading, letter or number); repeat for several, e.g. --map nik="NIK KTP".
        #[arg(long = "map")]
        map: Vec<String>,
        #[arg(long, env = "SIKUBE_REGION", default_value = "32.79")]
        region: String,
    },
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SIKUBE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The office's regency/city code (Kemendagri), e.g. 32.79 for Kota Banjar.
    #[arg(long, env = "SIKUBE_REGION", default_value = "32.79")]
    pub region: String,
    /// Load demo data and print the demo accounts.
    #[arg(long, env = "SIKUBE_DEMO")]
    pub demo: bool,
    /// Served over https (behind a proxy): Secure cookies and HSTS.
    #[arg(long, env = "SIKUBE_HTTPS")]
    pub https: bool,
    /// Trust X-Forwarded-For for the client address (only behind your own proxy).
    #[arg(long, env = "SIKUBE_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Days between monitoring visits.
    #[arg(long, env = "SIKUBE_VISIT_INTERVAL_DAYS", default_value_t = 30)]
    pub visit_interval_days: i64,
    /// A KUBE whose last visit is older is "not yet assessed".
    #[arg(long, env = "SIKUBE_STALE_AFTER_DAYS", default_value_t = 120)]
    pub stale_after_days: i64,
    /// Minimum share of members at the last meeting (percent).
    #[arg(long, env = "SIKUBE_MIN_ATTENDANCE_PCT", default_value_t = 50)]
    pub min_attendance_pct: i64,
    /// Visits in a row with falling revenue that call for mentoring.
    #[arg(long, env = "SIKUBE_DECLINING_VISITS", default_value_t = 3)]
    pub declining_visits: usize,
    /// Share of members (percent) who must attend technical guidance.
    #[arg(long, env = "SIKUBE_GUIDANCE_SHARE_PCT", default_value_t = 80)]
    pub guidance_share_pct: i64,
    /// Publish `/publik`: KUBE per village and year without personal data, no login.
    #[arg(long, env = "SIKUBE_PUBLIC_PAGE")]
    pub public_page: bool,
    /// The office's name on documents (BAST letterhead).
    #[arg(
        long,
        env = "SIKUBE_OFFICE_NAME",
        default_value = "Dinas Sosial dan Tenaga Kerja Kota Banjar"
    )]
    pub office_name: String,
    /// Let one person take a step of aid and its check (submit and verify, verify and
    /// approve, record and approve a cash benefit): for very small offices only.
    #[arg(long, env = "SIKUBE_ALLOW_SAME_PERSON_STEPS")]
    pub allow_same_person_steps: bool,
    /// The office's logo (a JPEG file) on the letterhead.
    #[arg(long, env = "SIKUBE_OFFICE_LOGO")]
    pub office_logo: Option<String>,
    /// The office's address on documents.
    #[arg(
        long,
        env = "SIKUBE_OFFICE_ADDRESS",
        default_value = "Jl. Letjen Soewarto, Kota Banjar, Jawa Barat"
    )]
    pub office_address: String,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Create a user; the password is read from standard input (first line).
    Add {
        username: String,
        #[arg(long)]
        role: String,
        /// Kecamatan code for a pendamping; repeat for several.
        #[arg(long = "district")]
        districts: Vec<String>,
        #[arg(long, default_value = "id")]
        lang: String,
    },
    /// Set a new password, read from standard input.
    Passwd { username: String },
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// List accounts.
    List,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Import { .. }) {
        keep_freed_memory();
    }
    init_logging();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// An import of a large file allocates and frees gigabytes. The allocator (mimalloc)
/// hands freed memory back to the system after 10 ms and the next allocation faults it
/// in again, zeroed by the kernel: half the CPU time of checking a million rows. A
/// command-line import is short-lived, so it keeps what it frees (1M rows: ~42 s → ~32 s).
/// The option is read when the allocator starts, before `main`: hence running this
/// binary again with it set. The server keeps the default and returns memory.
fn keep_freed_memory() {
    const OPTION: &str = "MIMALLOC_PURGE_DELAY";
    #[cfg(unix)]
    if std::env::var_os(OPTION).is_none() {
        use std::os::unix::process::CommandExt;
        if let Ok(exe) = std::env::current_exe() {
            // `exec` returns only if it failed: then the import runs as it is.
            let _ = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env(OPTION, "-1")
                .exec();
        }
    }
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("SIKUBE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = std::env::var("SIKUBE_LOG_FORMAT").is_ok_and(|v| v == "json");
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        b.json().try_init()
    } else {
        b.try_init()
    };
}

async fn open(db: &DbArgs) -> Result<Store, String> {
    let url = db.url()?;
    let store = Store::connect(&url)
        .await
        .map_err(|e| format!("cannot open database: {e}"))?;
    store
        .migrate()
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    Ok(store)
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => serve(&cli.db, args).await,
        Command::Migrate => {
            let url = cli.db.url()?;
            let store = Store::connect(&url).await.map_err(|e| e.to_string())?;
            let n = store.migrate().await.map_err(|e| e.to_string())?;
            println!("{n} migration(s) applied");
            Ok(())
        }
        Command::User { cmd } => user(&cli.db, cmd).await,
        Command::Restore { file } => restore(&cli.db, &file).await,
        Command::Dedup { file, out } => dedup(&file, &out),
        Command::Import {
            kind,
            file,
            mode,
            dry_run,
            rejected,
            sheet,
            map,
            region,
        } => {
            let opts = app::import::Options {
                sheet,
                mapping: app::import::parse_mapping(&map.join(";")).map_err(msg)?,
                ..app::import::Options::command_line()
            };
            import(
                &cli.db,
                &kind,
                &file,
                &mode,
                dry_run,
                rejected.as_deref(),
                &region,
                &opts,
            )
            .await
        }
        Command::Backup { file } => {
            // A backup only reads: no migrations, so it never competes with the server's writers.
            let store = Store::connect(&cli.db.url()?)
                .await
                .map_err(|e| format!("cannot open database: {e}"))?;
            match store.backend() {
                Backend::Postgres => Err(
                    "this database is PostgreSQL: back it up with pg_dump, e.g. \
                     `pg_dump --format=custom --file=sikube.dump \"$SIKUBE_DATABASE_URL\"`"
                        .into(),
                ),
                Backend::Sqlite => {
                    if std::path::Path::new(&file).exists() {
                        return Err(format!("{file} exists; choose a new file name"));
                    }
                    store
                        .backup_sqlite(&file)
                        .await
                        .map_err(|e| format!("backup failed: {e}"))?;
                    println!("backup written to {file}");
                    Ok(())
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)] // the command's options, one each
async fn import(
    db: &DbArgs,
    kind: &str,
    file: &str,
    mode: &str,
    dry_run: bool,
    rejected: Option<&str>,
    region: &str,
    opts: &app::import::Options,
) -> Result<(), String> {
    use app::import::{Kind, Mode};
    use std::io::Write;
    let kind = Kind::parse(kind).map_err(msg)?;
    let mode = match mode {
        "all" => Mode::All,
        "valid" => Mode::Valid,
        _ => return Err("--mode must be all or valid".into()),
    };
    let areas = Arc::new(Areas::embedded());
    let region = areas.regency(region).map_err(msg)?;
    let store = open(db).await?;
    let cx = app::Context {
        store,
        areas,
        region,
    };
    let started = std::time::Instant::now();
    eprintln!("reading {file} ...");
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let caller = app::Caller::cli();
    let progress: app::import::Progress = Arc::new(|done: usize, total: usize| {
        eprint!("\rchecking rows: {done}/{total}");
        let _ = std::io::stderr().flush();
    });
    let mut plan = app::import::plan(&cx, &caller, kind, &bytes, opts, progress)
        .await
        .map_err(|e| e.message(Lang::En))?;
    eprintln!();
    let created = if dry_run {
        0
    } else {
        app::import::commit(&cx, &caller, &mut plan, mode, file)
            .await
            .map_err(|e| e.message(Lang::En))?
    };
    for e in &plan.errors {
        println!("row {}: {}: {}", e.row, e.column, e.msg.text(Lang::En));
    }
    if let Some(path) = rejected {
        if !plan.errors.is_empty() {
            let bytes = app::import::rejected(&plan, Lang::En, path.ends_with(".xlsx"))
                .map_err(|e| e.message(Lang::En))?;
            std::fs::write(path, bytes).map_err(|e| format!("cannot write {path}: {e}"))?;
            println!("rejected rows written to {path}");
        }
    }
    let bad: std::collections::HashSet<usize> = plan.errors.iter().map(|e| e.row).collect();
    println!(
        "{} rows: {} ready, {} already registered (skipped), {} rejected; {} written{} in {:.1} s",
        plan.total,
        plan.ready_count(),
        plan.skipped.len(),
        bad.len(),
        created,
        if dry_run {
            " (dry run)"
        } else if mode == Mode::All && !plan.errors.is_empty() {
            " (all-or-nothing: nothing written)"
        } else {
            ""
        },
        started.elapsed().as_secs_f64()
    );
    if !plan.errors.is_empty() && mode == Mode::All && !dry_run {
        return Err("the file has invalid rows; nothing was imported".into());
    }
    Ok(())
}

/// Reads persons, clusters the duplicates on all cores, writes `id,cluster_id`
/// (a cluster is named by the id of its first row; singletons are their own cluster).
fn dedup(file: &str, out: &str) -> Result<(), String> {
    use domain::dedup::{cluster_with, Record, MAX_BLOCK};
    use std::io::Write;
    let started = std::time::Instant::now();
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let table = sheets::read(&bytes, &sheets::Limits::COMMAND_LINE).map_err(|e| e.to_string())?;
    let header = table.first().ok_or("the file is empty")?;
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let idx: Vec<Option<usize>> = [
        "id",
        "nik",
        "name",
        "sex",
        "birth_date",
        "village_code",
        "kk_number",
    ]
    .iter()
    .map(|c| col(c))
    .collect();
    if idx[0].is_none() {
        return Err("the file needs an id column".into());
    }
    let get = |row: &Vec<String>, i: usize| {
        idx[i]
            .and_then(|c| row.get(c))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let records: Vec<Record> = table
        .iter()
        .skip(1)
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .map(|r| Record {
            id: get(r, 0),
            nik: get(r, 1),
            name: get(r, 2),
            sex: get(r, 3),
            birth_date: get(r, 4),
            village_code: get(r, 5),
            kk_number: get(r, 6),
        })
        .collect();
    eprintln!(
        "{} persons read in {:.1} s",
        records.len(),
        started.elapsed().as_secs_f64()
    );
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let progress = |done: usize, total: usize| {
        eprint!("\rcomparing: {done}/{total} blocks");
        let _ = std::io::stderr().flush();
    };
    let (clusters, compared) = cluster_with(&records, MAX_BLOCK, threads, &progress);
    eprintln!();
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(out).map_err(|e| format!("cannot write {out}: {e}"))?,
    );
    writeln!(w, "id,cluster_id").map_err(|e| e.to_string())?;
    for (r, c) in records.iter().zip(&clusters) {
        writeln!(w, "{},{}", r.id, records[*c].id).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    let groups = clusters
        .iter()
        .enumerate()
        .filter(|(i, c)| *i != **c)
        .map(|(_, c)| *c)
        .collect::<std::collections::HashSet<_>>()
        .len();
    println!(
        "{} persons, {} pairs compared, {} clusters with duplicates, written to {out} in {:.1} s",
        records.len(),
        compared,
        groups,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Checks the backup (a sikube SQLite database that passes its integrity check), then
/// puts it in place of the database file in one rename.
/// A running server holds an exclusive lock on `<database>.lock` (SQLite): a restore
/// must not replace the file under it. `None` for PostgreSQL.
fn lock_database(url: &str) -> Result<Option<std::fs::File>, String> {
    let Some(db) = store::sqlite_file(url) else {
        return Ok(None);
    };
    let path = format!("{db}.lock");
    store::private_file(&path, true);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {path}: {e}"))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "a sikube server is using {db}; stop it first (nothing was changed)"
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {path}: {e}")),
    }
}

async fn restore(db: &DbArgs, file: &str) -> Result<(), String> {
    let url = db.url()?;
    let _lock = lock_database(&url)?;
    let Some(target) = url
        .strip_prefix("sqlite://")
        .map(|p| p.split('?').next().unwrap_or(p).to_string())
    else {
        return Err(
            "this database is PostgreSQL: restore it with pg_restore, e.g. \
             `pg_restore --clean --dbname \"$SIKUBE_DATABASE_URL\" sikube.dump`"
                .into(),
        );
    };
    if !std::path::Path::new(file).is_file() {
        return Err(format!("{file} does not exist"));
    }
    let mut head = [0u8; 16];
    let is_sqlite = std::fs::File::open(file)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head == b"SQLite format 3\0";
    if !is_sqlite {
        return Err(format!(
            "{file} is not a SQLite database; nothing was changed"
        ));
    }
    let backup = Store::connect(&format!("sqlite://{file}?mode=ro"))
        .await
        .map_err(|e| format!("{file} is not a SQLite database: {e}"))?;
    let ok = backup
        .integrity_ok()
        .await
        .map_err(|e| format!("{file} is not a sikube database: {e}"))?;
    let tables = backup.table_counts().await.map_err(|e| e.to_string())?;
    backup.close().await;
    if !ok || !tables.iter().any(|(t, _)| t == "schema_migrations") {
        return Err(format!(
            "{file} is not a sound sikube database; nothing was changed"
        ));
    }
    let staged = format!("{target}.restoring");
    std::fs::copy(file, &staged).map_err(|e| format!("cannot copy {file}: {e}"))?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{target}{suffix}"));
    }
    std::fs::rename(&staged, &target).map_err(|e| format!("cannot replace {target}: {e}"))?;
    let store = open(db).await?;
    let persons = store
        .table_counts()
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|(t, _)| t == "persons")
        .map(|(_, n)| n)
        .unwrap_or(0);
    println!("restored {file} into {target} ({persons} persons)");
    Ok(())
}

fn read_password() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read password from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn msg(m: domain::Msg) -> String {
    m.text(Lang::En)
}

async fn user(db: &DbArgs, cmd: UserCmd) -> Result<(), String> {
    let store = open(db).await?;
    let areas = Areas::embedded();
    let actor = Actor::cli();
    match cmd {
        UserCmd::Add {
            username,
            role,
            districts,
            lang,
        } => {
            let uname = Username::parse(&username).map_err(msg)?;
            let role = Role::parse(&role).map_err(|m| {
                format!(
                    "{} (admin, kepala_bidang, operator, pendamping, auditor)",
                    msg(m)
                )
            })?;
            let mut ds = Vec::new();
            for d in &districts {
                ds.push(areas.district(d).map_err(|m| format!("{d}: {}", msg(m)))?);
            }
            domain::user::check_districts(role, &ds).map_err(|e| e.to_string())?;
            let password = read_password()?;
            check_password(&password, uname.as_str()).map_err(msg)?;
            let lang = Lang::parse(&lang).unwrap_or_default();
            let u = store
                .user_create(
                    &actor,
                    NewUser {
                        username: uname,
                        password_hash: app::passwords::hash_password(&password),
                        role,
                        districts: ds,
                        lang,
                    },
                )
                .await
                .map_err(|e| match e {
                    store::StoreError::Conflict { msg: m, .. } => msg(m),
                    e => e.to_string(),
                })?;
            println!("user {} created with role {}", u.username, u.role);
            Ok(())
        }
        UserCmd::Passwd { username } => {
            let u = store
                .user_by_name(&username)
                .await
                .map_err(|_| format!("no user {username}"))?;
            let password = read_password()?;
            check_password(&password, &u.username).map_err(msg)?;
            store
                .user_update(
                    &actor,
                    u.id,
                    UserChange {
                        password_hash: Some(app::passwords::hash_password(&password)),
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            println!("password of {} changed", u.username);
            Ok(())
        }
        UserCmd::Disable { username } => set_disabled(&store, &actor, &username, true).await,
        UserCmd::Enable { username } => set_disabled(&store, &actor, &username, false).await,
        UserCmd::List => {
            let page = store
                .user_list(&UserFilter::default(), Paging::new(Some(500), None))
                .await
                .map_err(|e| e.to_string())?;
            for u in page.items {
                println!(
                    "{:<24} {:<14} {:<9} {}",
                    u.username,
                    u.role.as_str(),
                    if u.disabled { "disabled" } else { "active" },
                    u.districts.join(",")
                );
            }
            Ok(())
        }
    }
}

async fn set_disabled(
    store: &Store,
    actor: &Actor,
    username: &str,
    disabled: bool,
) -> Result<(), String> {
    let u = store
        .user_by_name(username)
        .await
        .map_err(|_| format!("no user {username}"))?;
    store
        .user_update(
            actor,
            u.id,
            UserChange {
                disabled: Some(disabled),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{} {}",
        u.username,
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}

async fn serve(db: &DbArgs, args: ServeArgs) -> Result<(), String> {
    // Held while serving: `sikube restore` refuses to replace the file meanwhile.
    let _lock = lock_database(&db.url()?)?;
    let areas = Arc::new(Areas::embedded());
    let region = areas
        .regency(&args.region)
        .map_err(|m| format!("--region {}: {}", args.region, msg(m)))?;
    let store = open(db).await?;
    if args.demo {
        let accounts = demo::load(&store, &areas, &region).await?;
        let started = std::time::Instant::now();
        let made = demo::load_city(&store, &areas, &region).await?;
        if made > 0 {
            println!(
                "Demo city: {made} KUBE with their members ({:.1} s).",
                started.elapsed().as_secs_f64()
            );
        }
        println!(
            "Demo data loaded. Demo accounts (password for all: {}):",
            demo::PASSWORD
        );
        for (u, role) in accounts {
            println!("  {u:<24} {role}");
        }
    } else if store.user_count().await.map_err(|e| e.to_string())? == 0 {
        eprintln!(
            "No users yet. Create the first administrator, then log in:\n  \
             echo 'YourPassword123' | sikube user add admin --role admin\n\
             (use the same --database-url / --data-dir as for serve)"
        );
    }
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("sikube listening on http://{addr}/");
    let office_logo = match &args.office_logo {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("--office-logo {path}: {e}"))?;
            Some(
                pdf::Jpeg::parse(&bytes)
                    .ok_or_else(|| format!("--office-logo {path}: not a baseline JPEG"))?,
            )
        }
        None => None,
    };
    let config = web::Config {
        office_logo,
        https: args.https,
        trust_forwarded_for: args.trust_forwarded_for,
        health: domain::health::Thresholds {
            stale_after_days: args.stale_after_days,
            min_attendance_pct: args.min_attendance_pct,
            declining_visits: args.declining_visits,
        },
        visit_interval_days: args.visit_interval_days,
        guidance_share_pct: args.guidance_share_pct,
        public_page: args.public_page,
        allow_same_person: args.allow_same_person_steps,
        office_name: args.office_name.clone(),
        office_address: args.office_address.clone(),
        ..web::Config::new(region)
    };
    let thresholds = config.health;
    let state = web::AppState::new(store.clone(), areas, config);
    spawn_housekeeping(store.clone(), thresholds);
    web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    Ok(())
}

/// Hourly: expired sessions are removed and KUBE whose last visit grew too old are
/// re-assessed.
fn spawn_housekeeping(store: Store, thresholds: domain::health::Thresholds) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store.session_purge_expired().await {
                tracing::warn!(error = %e, "session purge failed");
            }
            let today = (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive();
            match store.kube_reassess_all(&thresholds, today).await {
                Ok(n) if n > 0 => tracing::info!(changed = n, "KUBE re-assessed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "re-assessment failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
