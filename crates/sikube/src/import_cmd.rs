//! `sikube import`: a file checked row by row, then written, with progress and the
//! rejected rows.
use super::*;

#[allow(clippy::too_many_arguments)] // the command's options, one each
pub(super) async fn import(
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
    let settings = app::Settings::new(areas.regency(region).map_err(msg)?);
    let cx = open(db).await?.office(areas, settings);
    let started = std::time::Instant::now();
    eprintln!("reading {file} ...");
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let caller = app::Caller::cli(&cx.clock());
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
