//! Deciding about possible duplicate persons: "not the same person" (remembered) or a
//! merge of one record into the other — both persons in the caller's area.
/// What ties a person to the office: their active KUBE and programmes.
pub use crate::store::duplicates::Links;
use crate::store::persons::Person;
use crate::{Caller, Context, Error, Result};
use domain::dedup::{Finder, Record};
use domain::{Msg, Role};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub mod scan;

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
                if let Err(e) = learn(&cx).await {
                    tracing::warn!("learning the duplicate finder failed: {e:?}");
                }
                cx.finder
                    .learning
                    .store(false, std::sync::atomic::Ordering::Release);
            });
        }
        return Ok(current.map(|l| l.finder).unwrap_or_default());
    }
    learn(cx).await
}

async fn learn(cx: &Context) -> Result<Arc<Finder>> {
    let records = cx.store.duplicate_records(None).await?;
    Ok(learn_from(cx, records).await?.0)
}

/// Learns the finder from these records (the registry) and keeps it; gives the records
/// back.
async fn learn_from(cx: &Context, records: Vec<Record>) -> Result<(Arc<Finder>, Vec<Record>)> {
    let persons = records.len() as i64;
    // Learning is CPU work: off the request threads.
    let (finder, records) = tokio::task::spawn_blocking(move || {
        let f = Finder::learn(&records, 2);
        (Arc::new(f), records)
    })
    .await
    .map_err(|_| Error::Internal)?;
    *cx.finder.learned.lock().map_err(|_| Error::Internal)? = Some(Learned {
        finder: finder.clone(),
        persons,
        at: Instant::now(),
    });
    Ok((finder, records))
}

impl FinderCache {
    /// The finder learned last, if any.
    fn current(&self) -> Result<Option<Arc<Finder>>> {
        Ok(self
            .learned
            .lock()
            .map_err(|_| Error::Internal)?
            .as_ref()
            .map(|l| l.finder.clone()))
    }
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

/// A proposed pair on a page of the review, with what makes it urgent (both in an active
/// KUBE, both in one programme).
pub struct Pair {
    pub a: Person,
    pub b: Person,
    pub score: domain::dedup::PairScore,
    pub flags: Vec<Msg>,
}

/// A page of the review: its pairs, what their persons take part in, and when the
/// duplicate scan last looked (None: never).
pub struct Review {
    pub page: crate::Page<Pair>,
    pub links: Links,
    pub scanned_at: Option<String>,
}

/// One page of the pairs the duplicate scan stored in the caller's area that nobody has
/// dismissed — urgent ones first (both in an active KUBE, both in one programme), then by
/// score — with the page's persons' memberships and enrolments.
pub async fn review(cx: &Context, c: &Caller, paging: crate::Paging) -> Result<Review> {
    let found = cx
        .store
        .duplicate_pairs_page(c.district_scope(), paging)
        .await?;
    let mut ids: Vec<i64> = found.items.iter().flat_map(|f| [f.a, f.b]).collect();
    ids.sort_unstable();
    ids.dedup();
    let (persons, links, scanned_at) = cx.store.duplicate_review_reads(&ids).await?;
    let persons: std::collections::HashMap<i64, Person> =
        persons.into_iter().map(|p| (p.id, p)).collect();
    let mut page = crate::Page {
        items: Vec::with_capacity(found.items.len()),
        total: found.total,
        limit: found.limit,
        offset: found.offset,
    };
    // The stored kecamatan chose the page; the persons as they are now decide what is
    // shown (one moved since the scan, a child to a role that does not read children).
    let shown = |p: &Person| {
        c.sees_district(&p.district_code) && !crate::scope::child_hidden(cx, c, *p.birth_date)
    };
    for f in found.items {
        let (Some(a), Some(b)) = (persons.get(&f.a), persons.get(&f.b)) else {
            continue;
        };
        if !shown(a) || !shown(b) {
            continue;
        }
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
        page.items.push(Pair {
            a: a.clone(),
            b: b.clone(),
            score: f.score,
            flags,
        });
    }
    Ok(Review {
        page,
        links,
        scanned_at,
    })
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
