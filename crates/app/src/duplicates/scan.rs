//! The duplicate scan: a background job, run by one instance at a time, that keeps the
//! finder's pairs stored. It scores again only the persons changed since its last run
//! (read from the audit log: every change of a person writes an entry), each against the
//! persons sharing a blocking key with it; the whole registry when there is no scan yet,
//! when the registry has grown or shrunk by a fiftieth since, after a day, or when more
//! persons changed than scoring them one by one is worth. The review page only reads
//! what the scan stored, so no read starts seconds of scoring.
use super::{learn_from, FinderCache};
use crate::store::duplicates::{ScanState, Scored, StoredPair, LATE_WINDOW};
use crate::{Context, Error, Result};
use domain::dedup::{Finder, Record};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The job's name in `job_runs`.
const JOB: &str = "duplicates";
/// A claim not renewed for this long is taken for a dead instance's.
const LEASE_SECONDS: i64 = 60;
/// How often a running scan renews its claim.
const RENEW_SECONDS: u64 = 15;
/// How often each instance looks for work.
pub const TICK_SECONDS: u64 = 5;

/// What a call of [`scan`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Scanned {
    /// Another instance is scanning (or stored its scan first).
    Busy,
    /// Nothing changed since the last scan.
    Unchanged,
    /// Every person scored again: how many, and the pairs stored.
    Whole { persons: usize, pairs: usize },
    /// The changed persons scored again: how many, and the pairs they are in now.
    Persons { persons: usize, pairs: usize },
}

/// Scores again what changed since the last scan, if this instance gets the job.
pub async fn scan(cx: &Context, instance: &str) -> Result<Scanned> {
    let store = &cx.store;
    let state = store.duplicate_scan_state().await?;
    // Before the first scan, the newest entry (of any kind) is where it starts reading:
    // everything before it is in the registry the whole scan reads.
    let upto = match &state {
        Some(s) => s.seen_upto,
        None => store.audit_newest().await?,
    };
    let from = upto - LATE_WINDOW;
    let changes: Vec<(i64, String)> = store
        .duplicate_changes(from)
        .await?
        .into_iter()
        .filter(|(id, _)| match &state {
            Some(s) => *id > s.seen_upto || !s.seen_recent.contains(id),
            None => true,
        })
        .collect();
    let day_old = state.as_ref().is_some_and(|s| {
        s.full_at < crate::store::ts(store.clock().now() - chrono::Duration::days(1))
    });
    if state.is_some() && changes.is_empty() && !day_old {
        return Ok(Scanned::Unchanged);
    }
    let due_before =
        crate::store::ts(store.clock().now() - chrono::Duration::seconds(LEASE_SECONDS));
    if !store.job_claim(JOB, instance, &due_before).await? {
        return Ok(Scanned::Busy);
    }
    // Another instance may have scanned between the read above and the claim: its work is
    // not done twice (the next look starts from where it stopped).
    if store.duplicate_scan_state().await? != state {
        store.job_release(JOB, instance).await?;
        return Ok(Scanned::Busy);
    }
    let renewing = {
        let (store, instance) = (store.clone(), instance.to_string());
        Renewing(tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(RENEW_SECONDS));
            tick.tick().await;
            loop {
                tick.tick().await;
                if let Err(e) = store.job_renew(JOB, &instance).await {
                    tracing::warn!(error = %e, "renewing the duplicate scan's claim failed");
                }
            }
        }))
    };
    let done = run(cx, state, upto, changes).await;
    drop(renewing);
    store.job_release(JOB, instance).await?;
    done
}

/// The task renewing a claim: stopped when the scan ends, however it ends (an error, or
/// its future dropped), so a claim is never held by a scan that is not running.
struct Renewing(tokio::task::JoinHandle<()>);

impl Drop for Renewing {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// [`scan`] until it is not busy (another instance's scan ends), for the command line and
/// tests that need the pairs of the registry as it is now.
pub async fn scan_now(cx: &Context, instance: &str) -> Result<Scanned> {
    loop {
        match scan(cx, instance).await? {
            Scanned::Busy => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
            done => return Ok(done),
        }
    }
}

/// Looks for work every few seconds, for as long as the process runs; `instance` names
/// this process in the job table.
pub fn spawn(cx: &Context, instance: String) {
    let cx = cx.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(TICK_SECONDS));
        loop {
            tick.tick().await;
            match scan(&cx, &instance).await {
                Ok(Scanned::Whole { persons, pairs }) => {
                    tracing::info!(persons, pairs, "duplicate scan: every person scored")
                }
                Ok(Scanned::Persons { persons, pairs }) => {
                    tracing::debug!(persons, pairs, "duplicate scan: changed persons scored")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "duplicate scan failed"),
            }
        }
    });
}

/// The persons an audit entry names: one id, or a range (an import's `first..last`).
fn named(entity_id: &str, into: &mut BTreeSet<i64>, limit: usize) {
    if let Ok(id) = entity_id.parse::<i64>() {
        into.insert(id);
    } else if let Some((a, b)) = entity_id.split_once("..") {
        if let (Ok(a), Ok(b)) = (a.parse::<i64>(), b.parse::<i64>()) {
            // Beyond the limit the whole registry is scored anyway.
            into.extend((a..=b).take(limit + 1));
        }
    }
}

/// The scan itself, from `state` (none: the first), the audit entry it has read up to,
/// and the changes since.
async fn run(
    cx: &Context,
    state: Option<ScanState>,
    upto: i64,
    changes: Vec<(i64, String)>,
) -> Result<Scanned> {
    let store = &cx.store;
    let started = state.as_ref().map(|s| s.seen_upto);
    let newest = changes.iter().map(|(id, _)| *id).max().unwrap_or(0);
    let seen_upto = upto.max(newest);
    let mut seen_recent: Vec<i64> = state
        .as_ref()
        .map(|s| s.seen_recent.clone())
        .unwrap_or_default();
    seen_recent.extend(changes.iter().map(|(id, _)| *id));
    seen_recent.retain(|id| *id > seen_upto - LATE_WINDOW);
    seen_recent.sort_unstable();
    seen_recent.dedup();
    let now = store.now();
    let persons = store.person_count().await?;
    let limit = (persons / 50).max(2_000) as usize;
    let mut touched = BTreeSet::new();
    for (_, entity) in &changes {
        named(entity, &mut touched, limit);
    }
    let whole = match &state {
        None => true,
        Some(s) => {
            (persons - s.persons).abs() * 50 > s.persons.max(100)
                || touched.len() > limit
                || s.full_at < crate::store::ts(store.clock().now() - chrono::Duration::days(1))
        }
    };
    if whole {
        let records = store.duplicate_records(None).await?;
        let count = records.len();
        let (finder, records) = learn_from(cx, records).await?;
        let pairs = tokio::task::spawn_blocking(move || {
            finder
                .review_pairs(&records, 2)
                .into_iter()
                .filter_map(|(i, j, score)| stored(&records[i], &records[j], score))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|_| Error::Internal)?;
        let state = ScanState {
            seen_upto,
            seen_recent,
            persons: count as i64,
            full_at: now.clone(),
            scanned_at: now,
        };
        return Ok(
            match store
                .duplicate_pairs_save(started, Scored::All, &pairs, &state)
                .await?
            {
                true => Scanned::Whole {
                    persons: count,
                    pairs: pairs.len(),
                },
                false => Scanned::Busy,
            },
        );
    }
    let finder = finder_for_scan(cx).await?;
    let touched: Vec<i64> = touched.into_iter().collect();
    let mut pairs: HashMap<(i64, i64), StoredPair> = HashMap::new();
    for chunk in touched.chunks(200) {
        let mut batch = Vec::new();
        for r in store.duplicate_records_by_ids(chunk).await? {
            let candidates = store.duplicate_candidates(&r).await?;
            batch.push((r, candidates));
        }
        let finder = finder.clone();
        let found = tokio::task::spawn_blocking(move || {
            batch
                .iter()
                .flat_map(|(r, candidates)| {
                    finder
                        .review_pairs_of(r, candidates)
                        .into_iter()
                        .filter_map(|(i, score)| stored(r, &candidates[i], score))
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|_| Error::Internal)?;
        for p in found {
            pairs.insert((p.a, p.b), p);
        }
    }
    let pairs: Vec<StoredPair> = pairs.into_values().collect();
    // Without a state the scan was whole.
    let Some(prev) = state else {
        return Err(Error::Internal);
    };
    let state = ScanState {
        seen_upto,
        seen_recent,
        persons: prev.persons,
        full_at: prev.full_at,
        scanned_at: now,
    };
    Ok(
        match store
            .duplicate_pairs_save(started, Scored::Persons(&touched), &pairs, &state)
            .await?
        {
            true => Scanned::Persons {
                persons: touched.len(),
                pairs: pairs.len(),
            },
            false => Scanned::Busy,
        },
    )
}

/// A pair of persons, smaller id first, with their kecamatan.
fn stored(x: &Record, y: &Record, score: domain::dedup::PairScore) -> Option<StoredPair> {
    let (a, b): (i64, i64) = (x.id.parse().ok()?, y.id.parse().ok()?);
    let district = |r: &Record| r.village_code.get(..8).unwrap_or("").to_string();
    let (first, second) = if a < b { (x, y) } else { (y, x) };
    Some(StoredPair {
        a: a.min(b),
        b: a.max(b),
        score,
        districts: [district(first), district(second)],
    })
}

/// The finder this instance learned, however old (the stored pairs were scored with one
/// learned when the whole registry was last scored); learned now if it has none.
pub(crate) async fn finder_for_scan(cx: &Context) -> Result<Arc<Finder>> {
    if let Some(f) = FinderCache::current(&cx.finder)? {
        return Ok(f);
    }
    let records = cx.store.duplicate_records(None).await?;
    Ok(learn_from(cx, records).await?.0)
}
