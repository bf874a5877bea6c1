//! Deciding about possible duplicate persons: "not the same person" (remembered) or a
//! merge of one record into the other — both persons in the caller's area.
use crate::{Caller, Context, Error, Result};
use domain::dedup::Finder;
use domain::{Msg, Role};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::persons::Person;

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
) -> Result<store::duplicates::Merged> {
    if keep == other {
        return Err(Error::invalid("other_id", Msg::new("merge.same_person")));
    }
    check_pair(cx, c, keep, other).await?;
    Ok(cx.store.person_merge(&c.actor, keep, other).await?)
}
