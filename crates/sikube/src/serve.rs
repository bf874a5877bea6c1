//! `sikube serve`: the server with its housekeeping and a graceful shutdown.
use super::*;

pub(super) async fn serve(db: &DbArgs, args: ServeArgs) -> Result<(), String> {
    // Held while serving: `sikube restore` refuses to replace the file meanwhile.
    let _lock = lock_database(&db.url()?)?;
    let areas = Arc::new(Areas::embedded());
    let region = areas
        .regency(&args.region)
        .map_err(|m| format!("--region {}: {}", args.region, msg(m)))?;
    let mut db = open(db).await?;
    if let Some(url) = &args.read_database_url {
        if !url.starts_with("postgres") {
            return Err("--read-database-url: a postgres:// URL (a streaming replica)".into());
        }
        let lag = std::time::Duration::from_secs(args.replica_max_lag_seconds);
        db = db.with_replica(url, lag).await?;
    }
    if args.demo {
        let accounts = db.demo_accounts(&areas, &region).await?;
        let started = std::time::Instant::now();
        let made = db.demo_city(&areas, &region).await?;
        if made > 0 {
            println!(
                "Demo city: {made} KUBE with their members ({:.1} s).",
                started.elapsed().as_secs_f64()
            );
        }
        println!(
            "Demo data loaded. Demo accounts (password for all: {}):",
            app::demo::PASSWORD
        );
        for (u, role) in accounts {
            println!("  {u:<24} {role}");
        }
    } else if db.accounts().await? == 0 {
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
    let mut office_head = domain::user::Identity::parse(
        args.office_head_name.as_deref(),
        args.office_head_nip.as_deref(),
        args.office_head_position.as_deref(),
    )
    .map_err(|e| format!("--office-head-*: {e}"))?;
    if args.demo && office_head.full_name.is_none() {
        office_head = app::demo::office_head();
    }
    let mut protection = domain::protection::Policy {
        inactive_person_years: args.retention_person_years,
        visit_photo_years: args.retention_photo_years,
        children_roles: args
            .children_roles
            .iter()
            .filter(|r| !r.trim().is_empty())
            .map(|r| domain::Role::parse(r).map_err(|_| format!("--children-roles: {r}?")))
            .collect::<Result<_, _>>()?,
        ..Default::default()
    };
    for d in &args.request_deadlines {
        protection
            .set_deadline(d)
            .map_err(|e| format!("--request-deadline {e}"))?;
    }
    if let Some(path) = &args.data_purposes {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("--data-purposes {path}: {e}"))?;
        protection
            .read_purposes(&text)
            .map_err(|e| format!("--data-purposes {path}: {e}"))?;
    }
    let settings = app::Settings {
        protection,
        office_logo,
        office_head,
        https: args.https,
        trust_forwarded_for: args.trust_forwarded_for,
        health: domain::health::Thresholds {
            stale_after_days: args.stale_after_days,
            min_attendance_pct: args.min_attendance_pct,
            declining_visits: args.declining_visits,
        },
        visits: domain::health::VisitSchedule {
            interval_days: args.visit_interval_days,
            first_days: args.first_visit_days,
        },
        guidance_share_pct: args.guidance_share_pct,
        membership: domain::membership::Rules {
            min_age: args.member_min_age,
            max_age: args.member_max_age,
            max_decile: args.member_max_decile,
            one_per_family_card: !args.members_share_family_card,
        },
        public_page: args.public_page,
        allow_same_person: args.allow_same_person_steps,
        nik_lookups_per_day: args.nik_lookups_per_day,
        access_log_days: args.access_log_days,
        office_name: args.office_name.clone(),
        office_address: args.office_address.clone(),
        ..app::Settings::new(region)
    };
    let thresholds = settings.health;
    let office = db.office(areas, settings);
    if args.duplicate_scan == "on" {
        app::duplicates::scan::spawn(&office, app::installation::instance_name());
    }
    let state = web::AppState::new(office);
    db.spawn_housekeeping(thresholds, args.access_log_days);
    web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    db.close().await;
    Ok(())
}

/// `sikube duplicates`: the duplicate scan once, or (`--watch`) until stopped.
pub(super) async fn duplicates(db: &DbArgs, region: &str, watch: bool) -> Result<(), String> {
    let areas = Arc::new(Areas::embedded());
    let region = areas
        .regency(region)
        .map_err(|m| format!("--region {region}: {}", msg(m)))?;
    let db = open(db).await?;
    let office = db.office(areas, app::Settings::new(region));
    let instance = app::installation::instance_name();
    if watch {
        app::duplicates::scan::spawn(&office, instance);
        shutdown_signal().await;
    } else {
        use app::duplicates::scan::Scanned;
        let started = std::time::Instant::now();
        let done = app::duplicates::scan::scan_now(&office, &instance)
            .await
            .map_err(|e| format!("duplicate scan: {e:?}"))?;
        let secs = started.elapsed().as_secs_f64();
        match done {
            Scanned::Whole { persons, pairs } => {
                println!("{persons} persons scored, {pairs} pairs stored ({secs:.1} s)")
            }
            Scanned::Persons { persons, pairs } => {
                println!("{persons} changed persons scored, in {pairs} pairs ({secs:.1} s)")
            }
            _ => println!("nothing changed since the last scan"),
        }
    }
    db.close().await;
    Ok(())
}

pub(super) async fn shutdown_signal() {
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
