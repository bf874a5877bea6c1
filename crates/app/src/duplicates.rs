//! Deciding about possible duplicate persons: "not the same person" (remembered) or a
//! merge of one record into the other — both persons in the caller's area.
/// What ties a person to the office: their active KUBE and programmes.
pub use crate::store::duplicates::Links;
use crate::store::persons::Person;
use crate::{Caller, Context, Error, Result};
use domain::dedup::Finder;
use domain::{Msg, Role};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The duplicate finder learned from the whole registry, shared by the review page and
/// the warning before a person is saved (and learned by the same code as `sikube dedup`),
/// so all three judge alike. Learned again when the registry has grown or shrunk by a
/// hundredth, or after a day.
#[derive(Default)]
pub struct FinderCache {
    learned: std::sync::Mutex<Option<Learned>>,
    learning: std::sync::atomic::AtomicBool,
}

#[derive(Clone)]
struct Learned {
    finder: Arc<Finder>,
    persons: i64,
    at: Instant,
}

/// A registry this large is learned in the background (seconds of CPU), the previous
/// finder — or the standard one — answering meanwhile; a smaller one at once.
const LEARN_INLINE: i64 = 50_000;

/// The registry's finder, learning it again first when it is stale.
pub async fn finder(cx: &Context) -> Result<Arc<Finder>> {
    let persons = cx.store.person_count().await?;
    let current = cx
        .finder
        .learned
        .lock()
        .map_err(|_| Error::Internal)?
        .clone();
    if let Some(l) = &current {
        let grown = (persons - l.persons).abs() * 100 > l.persons.max(100);
        if !grown && l.at.elapsed() < Duration::from_secs(24 * 3600) {
            return Ok(l.finder.clone());
        }
    }
    if persons > LEARN_INLINE {
        if !cx
            .finder
            .learning
            .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            let cx = cx.clone();
            tokio::spawn(async move {
                if let Err(e) = learn(&cx, persons).await {
                    tracing::warn!("learning the duplicate finder failed: {e:?}");
                }
                cx.finder
                    .learning
                    .store(false, std::sync::atomic::Ordering::Release);
            });
        }
        return Ok(current.map(|l| l.finder).unwrap_or_default());
    }
    learn(cx, persons).await
}

async fn learn(cx: &Context, persons: i64) -> Result<Arc<Finder>> {
    let records = cx.store.duplicate_records(None).await?;
    // Learning is CPU work: off the request threads.
    let finder = Arc::new(
        tokio::task::spawn_blocking(move || Finder::learn(&records, 2))
            .await
            .map_err(|_| Error::Internal)?,
    );
    *cx.finder.learned.lock().map_err(|_| Error::Internal)? = Some(Learned {
        finder: finder.clone(),
        persons,
        at: Instant::now(),
    });
    Ok(finder)
}

/// Deciding who is who means reading the NIK: roles that see it in full.
pub fn may_decide(r: Role) -> bool {
    r.sees_full_identity()
}

/// Both persons must be visible to the caller (404 otherwise) and the caller must be
/// allowed to decide.
pub async fn check_pair(cx: &Context, c: &Caller, a: i64, b: i64) -> Result<(Person, Person)> {
    c.require(may_decide)?;
    let pa = crate::scope::person(cx, c, a).await?;
    let pb = crate::scope::person(cx, c, b).await?;
    Ok((pa, pb))
}

/// Remembers that two records are different persons.
pub async fn distinct(cx: &Context, c: &Caller, a: i64, b: i64) -> Result<()> {
    check_pair(cx, c, a, b).await?;
    Ok(cx.store.duplicate_mark_distinct(&c.actor, a, b).await?)
}

/// Merges `other` into `keep`: memberships, enrolments and history follow.
pub async fn merge(
    cx: &Context,
    c: &Caller,
    keep: i64,
    other: i64,
) -> Result<crate::store::duplicates::Merged> {
    if keep == other {
        return Err(Error::invalid("other_id", Msg::new("merge.same_person")));
    }
    check_pair(cx, c, keep, other).await?;
    Ok(cx.store.person_merge(&c.actor, keep, other).await?)
}

/// A pair the finder proposes: two person ids and how alike they are.
pub struct Found {
    pub a: i64,
    pub b: i64,
    pub score: domain::dedup::PairScore,
}

/// The finder's pairs per area, kept until the registry changes.
pub type ReviewCache = crate::cache::VersionedCache<Vec<Found>>;

/// The registry's version the finder's pairs are kept under: what moves it (a change of a
/// person, a "not the same person") makes the finder score again; audited reads do not.
pub async fn registry_version(cx: &Context) -> Result<crate::dashboard::DataVersion> {
    Ok(cx.store.registry_version().await?)
}

/// How many pairs wait in the caller's area for a decision, if the finder has looked since
/// the registry last changed (`None`: it has not; looking is the review's work).
pub async fn waiting(cx: &Context, c: &Caller) -> Result<Option<usize>> {
    let version = registry_version(cx).await?;
    Ok(cx.review.get(&review_key(c), version).map(|f| f.len()))
}

fn review_key(c: &Caller) -> String {
    format!("{:?}", c.district_scope())
}

/// The finder's pairs for the caller's area, computed once per version of the registry
/// (every change of a person, and every "not the same person", moves it; audited reads
/// such as exports do not).
async fn found(cx: &Context, c: &Caller) -> Result<Arc<Vec<Found>>> {
    let version = registry_version(cx).await?;
    let key = review_key(c);
    cx.review
        .get_or_compute(key, version, || async {
            let finder = finder(cx).await?;
            let records = cx.store.duplicate_records(c.district_scope()).await?;
            let distinct = cx.store.duplicate_distinct_pairs().await?;
            // Scoring is CPU work: keep it off the request threads.
            tokio::task::spawn_blocking(move || {
                finder
                    .review_pairs(&records, 2)
                    .into_iter()
                    .filter_map(|(i, j, score)| {
                        let a: i64 = records[i].id.parse().ok()?;
                        let b: i64 = records[j].id.parse().ok()?;
                        (!distinct.contains(&(a.min(b), a.max(b)))).then_some(Found { a, b, score })
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|_| Error::Internal)
        })
        .await
}

/// A proposed pair on a page of the review, with what makes it urgent (both in an active
/// KUBE, both in one programme).
pub struct Pair {
    pub a: Person,
    pub b: Person,
    pub score: domain::dedup::PairScore,
    pub flags: Vec<Msg>,
}

/// One page of the pairs in the caller's area that nobody has dismissed, flagged first,
/// then by score, and the pairs' memberships and enrolments. Memberships and enrolments
/// are read for every pair (they decide the order), the persons only for the page.
pub async fn review(
    cx: &Context,
    c: &Caller,
    paging: crate::Paging,
) -> Result<(crate::Page<Pair>, Links)> {
    let found = found(cx, c).await?;
    let mut ids: Vec<i64> = found.iter().flat_map(|f| [f.a, f.b]).collect();
    ids.sort_unstable();
    ids.dedup();
    let links = cx.store.person_links(&ids).await?;
    let mut flagged: Vec<(&Found, Vec<Msg>)> = found
        .iter()
        .map(|f| {
            let mut flags = Vec::new();
            if let (Some(ka), Some(kb)) = (links.active_kube_of(f.a), links.active_kube_of(f.b)) {
                flags.push(Msg::new("dup.flag_two_kube").arg(format!("{ka}; {kb}")));
            }
            let theirs = links.programmes_of(f.b);
            let both: Vec<&str> = links
                .programmes_of(f.a)
                .into_iter()
                .filter(|g| theirs.contains(g))
                .collect();
            if !both.is_empty() {
                flags.push(Msg::new("dup.flag_same_programme").arg(both.join(", ")));
            }
            (f, flags)
        })
        .collect();
    // Stable: within each group the finder's order (best score first) stays.
    flagged.sort_by_key(|(_, flags)| flags.is_empty());
    let total = flagged.len() as i64;
    let page: Vec<(&Found, Vec<Msg>)> = flagged
        .into_iter()
        .skip(paging.offset as usize)
        .take(paging.limit as usize)
        .collect();
    let mut page_ids: Vec<i64> = page.iter().flat_map(|(f, _)| [f.a, f.b]).collect();
    page_ids.sort_unstable();
    page_ids.dedup();
    let persons: std::collections::HashMap<i64, Person> = cx
        .store
        .person_list_by_ids(&page_ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let items = page
        .into_iter()
        .filter_map(|(f, flags)| {
            Some(Pair {
                a: persons.get(&f.a)?.clone(),
                b: persons.get(&f.b)?.clone(),
                score: f.score.clone(),
                flags,
            })
        })
        .collect();
    Ok((
        crate::Page {
            items,
            total,
            limit: paging.limit,
            offset: paging.offset,
        },
        links,
    ))
}

/// The memberships and enrolments of persons of the caller's area (those of others are
/// not read).
pub async fn links(cx: &Context, c: &Caller, ids: &[i64]) -> Result<Links> {
    let mut seen = Vec::new();
    for id in ids {
        crate::scope::person(cx, c, *id).await?;
        seen.push(*id);
    }
    Ok(cx.store.person_links(&seen).await?)
}
