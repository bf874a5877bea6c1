//! The `sikube` command: serve, migrate, user administration, backup.

use app::installation::Installation;
use app::users::{NewUser, UserChange};
use clap::{Args, Parser, Subcommand};
use domain::user::{check_password, Username};
use domain::{Areas, Lang, Role};
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;

mod import_cmd;
use import_cmd::*;
mod files;
use files::*;
mod users;
use users::*;
mod serve;
use serve::*;

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
    /// The instant the clock starts at (RFC 3339, e.g. `2027-01-01T00:30:00+07:00`) and runs
    /// on from: for tests and demonstrations of a given day; default the machine's clock.
    #[arg(long, env = "SIKUBE_CLOCK", global = true, value_parser = app::Clock::parse, default_value = "system")]
    pub clock: app::Clock,
    /// Most connections to the database this process keeps (and as many to the replica).
    /// Default: SQLite 8; PostgreSQL twice this machine's cores, at least 4. Several
    /// instances on one PostgreSQL share its `max_connections` and its cores.
    #[arg(long, env = "SIKUBE_DATABASE_CONNECTIONS", global = true, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub database_connections: Option<u32>,
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
    Serve(Box<ServeArgs>),
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
        /// Also print the model learned from the file: weights per field and level.
        #[arg(long)]
        explain: bool,
    },
    /// Replace the SQLite database with a backup FILE (stop the server first).
    Restore { file: String },
    /// Look for duplicate persons in the database now, as `serve` does every few seconds,
    /// and store the pairs for the review page; with --watch keep looking until stopped
    /// (the worker beside instances started with `--duplicate-scan off`).
    Duplicates {
        /// The office's regency/city code.
        #[arg(long, env = "SIKUBE_REGION", default_value = "32.79")]
        region: String,
        #[arg(long)]
        watch: bool,
    },
    /// Import persons or KUBE (with members) from an XLSX, ODS or CSV file.
    Import {
        /// `persons`, `kube` or `dtsen` (the national extract)
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
    /// The youngest a KUBE member may be (working age).
    #[arg(long, env = "SIKUBE_MEMBER_MIN_AGE", default_value_t = 18)]
    pub member_min_age: i32,
    /// The oldest a KUBE member may be (working age).
    #[arg(long, env = "SIKUBE_MEMBER_MAX_AGE", default_value_t = 59)]
    pub member_max_age: i32,
    /// The highest DTSEN welfare decile a KUBE member may be in (once an extract is imported).
    #[arg(long, env = "SIKUBE_MEMBER_MAX_DECILE", default_value_t = 4)]
    pub member_max_decile: i32,
    /// Allow several members of one family card in a KUBE (the regulation: one).
    #[arg(long, env = "SIKUBE_MEMBERS_SHARE_FAMILY_CARD")]
    pub members_share_family_card: bool,
    /// Days after forming by which a new KUBE's first monitoring visit is due.
    #[arg(long, env = "SIKUBE_FIRST_VISIT_DAYS", default_value_t = 30)]
    pub first_visit_days: i64,
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
    /// Distinct NIKs a pendamping or auditor may learn the registration of per day (single
    /// look-ups, imports, duplicate warnings); past it such answers are refused (429).
    #[arg(long, env = "SIKUBE_NIK_LOOKUPS_PER_DAY", default_value_t = 50)]
    pub nik_lookups_per_day: i64,
    /// Days the access log of personal data (reads, NIK lookups, exports) is kept; older
    /// entries are purged hourly.
    #[arg(long, env = "SIKUBE_ACCESS_LOG_DAYS", default_value_t = 730)]
    pub access_log_days: i64,
    /// `off`: this instance leaves the duplicate scan (seconds of CPU and, on a registry of
    /// a million, about a gigabyte while it scores everyone) to others — another instance
    /// or `sikube duplicates --watch`.
    #[arg(long, env = "SIKUBE_DUPLICATE_SCAN", default_value = "on", value_parser = ["on", "off"])]
    pub duplicate_scan: String,
    /// Hours the office has to act on a data subject's request of a kind, as
    /// `KIND=HOURS` (access, correction, restriction, erasure, objection, withdrawal);
    /// repeat for several. Default 72 for each (UU 27/2022: 3 × 24 hours).
    #[arg(
        long = "request-deadline",
        env = "SIKUBE_REQUEST_DEADLINES",
        value_delimiter = ','
    )]
    pub request_deadlines: Vec<String>,
    /// Years without an active KUBE membership, enrolment, benefit or training after
    /// which a person is due for anonymisation.
    #[arg(long, env = "SIKUBE_RETENTION_PERSON_YEARS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub retention_person_years: u32,
    /// Years after which visit photos are due for deletion.
    #[arg(long, env = "SIKUBE_RETENTION_PHOTO_YEARS", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub retention_photo_years: u32,
    /// Roles that read the records of persons under 18 in full (others do not see them).
    #[arg(
        long,
        env = "SIKUBE_CHILDREN_ROLES",
        value_delimiter = ',',
        default_value = "admin,kepala_bidang,operator"
    )]
    pub children_roles: Vec<String>,
    /// The office's own purposes and legal bases: a text file of lines
    /// `KIND<TAB>purpose<TAB>legal basis` (identity, categories, aid, phone, photos, gps,
    /// children); kinds not named keep the defaults.
    #[arg(long, env = "SIKUBE_DATA_PURPOSES")]
    pub data_purposes: Option<String>,
    /// A PostgreSQL streaming replica (`pg_basebackup -R`) that dashboards, reports,
    /// lists, searches and exports read from while it is within
    /// `--replica-max-lag-seconds` of the primary; writes, and a user's reads soon after
    /// their own write, go to the primary.
    #[arg(long, env = "SIKUBE_READ_DATABASE_URL")]
    pub read_database_url: Option<String>,
    /// How far behind the primary the replica may be and still be read from.
    #[arg(long, env = "SIKUBE_REPLICA_MAX_LAG_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub replica_max_lag_seconds: u64,
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
    /// The head of the office, who signs "Mengetahui" under a BAST: full name with titles.
    #[arg(long, env = "SIKUBE_OFFICE_HEAD_NAME")]
    pub office_head_name: Option<String>,
    /// Their NIP (18 digits).
    #[arg(long, env = "SIKUBE_OFFICE_HEAD_NIP")]
    pub office_head_nip: Option<String>,
    /// Their position (default "Kepala" and the office's name).
    #[arg(long, env = "SIKUBE_OFFICE_HEAD_POSITION")]
    pub office_head_position: Option<String>,
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

async fn open(db: &DbArgs) -> Result<Installation, String> {
    Installation::open_with(&db.url()?, db.clock, db.database_connections).await
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => serve(&cli.db, *args).await,
        Command::Migrate => {
            let n = Installation::connect(&cli.db.url()?)
                .await?
                .migrate()
                .await?;
            println!("{n} migration(s) applied");
            Ok(())
        }
        Command::User { cmd } => user(&cli.db, cmd).await,
        Command::Restore { file } => restore(&cli.db, &file).await,
        Command::Dedup { file, out, explain } => dedup(&file, &out, explain),
        Command::Duplicates { region, watch } => duplicates(&cli.db, &region, watch).await,
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
            Installation::connect(&cli.db.url()?)
                .await?
                .backup(&file)
                .await?;
            println!("backup written to {file}");
            Ok(())
        }
    }
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
