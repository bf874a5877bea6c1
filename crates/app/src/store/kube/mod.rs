//! KUBE and their members. Every membership rule is checked inside the transaction
//! that writes, so concurrent changes cannot break it; the partial unique index
//! `kube_members_active` is the last guard for "one active KUBE per person".
use crate::store::aid::Asset;
use crate::store::attachments::AttachmentInfo;
use crate::store::audit::AuditEntry;
use crate::store::batch::{Batch, Read};
pub use crate::store::business_types::BusinessType;
use crate::store::checklist::Checklist;
use crate::store::error::is_unique_violation;
use crate::store::persons::{scope_filter, Scope};
use crate::store::sql::{Sorts, Where};
use crate::store::visits::{HealthRecord, Visit};
use crate::store::{audit, Actor, Page, Paging, Result, Store, StoreError};
use chrono::NaiveDate;
use domain::area::RegencyCode;
use domain::health::{Health, Thresholds};
use domain::kube::{
    check_members, registration_number, FundingSource, MemberFacts, MemberRole, Stage, Status,
    ValidKube, MIN_MEMBERS,
};
use domain::nik::Sex;
use domain::trainings::MemberGuidance;
use domain::{Invalid, Msg};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, FromRow};
use std::sync::Arc;

mod members;
use members::*;
mod create;
use create::*;
mod exceptions;
use exceptions::{active_member_facts, exceptions_of};
pub use exceptions::{Excepted, MemberException, RuleFacts};

/// How long the business types are kept in memory.
pub const BUSINESS_TYPES_TTL: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Debug, Clone, Serialize, PartialEq, FromRow)]
pub struct Kube {
    pub id: i64,
    pub registration_number: String,
    pub name: String,
    pub business_type: String,
    pub village_code: String,
    pub district_code: String,
    pub address: Option<String>,
    pub formed_on: crate::store::Date,
    pub formed_year: i64,
    #[sqlx(try_from = "String")]
    pub funding_source: FundingSource,
    pub programme_year: i64,
    #[sqlx(try_from = "String")]
    pub status: Status,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub pendamping_id: Option<i64>,
    pub member_count: i64,
    pub notes: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const COLS: &str = "id, registration_number, name, business_type, village_code, district_code, address, \
    formed_on, formed_year, funding_source, programme_year, status, stage, pendamping_id, member_count, \
    notes, created_at, updated_at";

#[derive(Debug, Clone, Serialize, PartialEq, FromRow)]
pub struct Member {
    pub person_id: i64,
    pub name: String,
    pub nik: String,
    #[sqlx(try_from = "String")]
    pub sex: Sex,
    pub village_code: String,
    #[sqlx(try_from = "String")]
    pub role: MemberRole,
    pub joined_on: crate::store::Date,
    pub left_on: Option<crate::store::Date>,
    pub left_reason: Option<String>,
    /// 1 if they attended a technical guidance of the group's business type.
    #[serde(skip)]
    pub attended_guidance: crate::store::Flag,
}

/// A row of the KUBE list page: only the columns it shows (each column of each row is
/// a conversion through sqlx's Any driver, most of a list page's time).
#[derive(Debug, Clone, FromRow)]
pub struct KubeRow {
    pub id: i64,
    pub registration_number: String,
    pub name: String,
    pub business_type: String,
    pub village_code: String,
    pub formed_year: i64,
    pub member_count: i64,
    #[sqlx(try_from = "String")]
    pub status: Status,
}

const ROW_COLS: &str =
    "id, registration_number, name, business_type, village_code, formed_year, member_count, status";

#[derive(Debug, Clone, Serialize)]
pub struct KubeDetail {
    #[serde(flatten)]
    pub kube: Kube,
    pub pendamping: Option<String>,
    /// Active members, officers first.
    pub members: Vec<Member>,
    /// Everyone who ever was a member, newest first.
    pub history: Vec<Member>,
}

#[derive(Debug, Clone, Copy)]
pub struct NewMember {
    pub person_id: i64,
    pub role: MemberRole,
}

/// The KUBE list's filters, read straight from its query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KubeFilter {
    /// Name, registration number, or an active member's name or NIK.
    pub q: Option<String>,
    pub district_code: Option<String>,
    pub village_code: Option<String>,
    pub status: Option<String>,
    pub stage: Option<String>,
    pub business_type: Option<String>,
    pub funding_source: Option<String>,
    /// The pendamping's account id; `0`: groups with none.
    pub pendamping_id: Option<String>,
    /// Development level from the latest stage checklist: `tumbuh`, `berkembang`, `maju`,
    /// `below` (assessed, not even Tumbuh) or `never` (never assessed).
    pub level: Option<String>,
    /// Year of formation (read as typed: on the list page a malformed year is a field error
    /// of the list; see [`KubeFilter::year`]).
    #[param(value_type = Option<i64>)]
    pub year: Option<String>,
    /// `registration_number` (default), `name`, `formed_on`, `members`; `-` before: descending.
    pub sort: Option<String>,
}

impl KubeFilter {
    /// The year asked for: `Err` when one was typed that is not a year.
    pub fn year(&self) -> std::result::Result<Option<i64>, std::num::ParseIntError> {
        crate::store::sql::nonempty(&self.year)
            .map(|y| y.parse())
            .transpose()
    }
}

/// A change to a group's own fields (members change through their own calls).
#[derive(Debug, Clone)]
pub struct KubeChange {
    pub kube: ValidKube,
    pub stage: Stage,
    pub pendamping_id: Option<i64>,
}

/// How the KUBE list sorts.
pub const SORTS: Sorts = Sorts {
    columns: &[
        ("name", "name_lower"),
        ("formed_on", "formed_on"),
        ("members", "member_count"),
        ("registration_number", "registration_number"),
    ],
    tie: "id",
    default: "registration_number",
};

async fn get_in(conn: &mut AnyConnection, id: i64) -> Result<Kube> {
    sqlx::query_as(&format!("SELECT {COLS} FROM kube WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The condition of a filtered KUBE list.
/// A filter added here must be one [`tally_where`] declines or sums.
fn list_where(f: &KubeFilter, scope: Scope<'_>) -> Where {
    let mut w = Where::new();
    if let Some(q) = crate::store::sql::nonempty(&f.q) {
        let lower = q.to_lowercase().replace(['%', '_', '\\'], "");
        let like = format!("%{lower}%");
        let digits = q.chars().all(|c| c.is_ascii_digit()) && q.len() >= 4;
        // A member by name, or by NIK prefix when the search is digits.
        let (member, third) = if digits {
            ("p.nik LIKE ?", format!("{q}%"))
        } else {
            ("p.name_lower LIKE ?", like.clone())
        };
        let sql = format!(
            "(name_lower LIKE ? OR LOWER(registration_number) LIKE ? OR id IN (
                SELECT m.kube_id FROM kube_members m JOIN persons p ON p.id = m.person_id
                WHERE m.left_on IS NULL AND {member}))"
        );
        w.cond_seq(&sql, vec![like.clone(), like, third]);
    }
    w.eq("district_code", &f.district_code);
    w.eq("village_code", &f.village_code);
    w.eq("status", &f.status);
    w.eq("stage", &f.stage);
    w.eq("business_type", &f.business_type);
    w.eq("funding_source", &f.funding_source);
    match crate::store::sql::nonempty(&f.level).as_deref() {
        Some("never") => w.raw("checklist_on IS NULL"),
        Some("below") => w.raw("checklist_on IS NOT NULL AND level IS NULL"),
        Some(l) => {
            w.raw("checklist_on IS NOT NULL");
            w.cond("level = ?", l);
        }
        None => {}
    }
    match crate::store::sql::nonempty(&f.pendamping_id).map(|p| p.parse::<i64>()) {
        Some(Ok(0)) => w.raw("pendamping_id IS NULL"),
        Some(Ok(id)) => w.cond_int("pendamping_id = ?", id),
        // Not an account: no group has it.
        Some(Err(_)) => w.raw("1 = 0"),
        None => {}
    }
    if let Ok(Some(y)) = f.year() {
        w.cond_int("formed_year = ?", y);
    }
    scope_filter(&mut w, "district_code", scope);
    w
}

async fn business_types_in(conn: &mut AnyConnection) -> Result<Vec<BusinessType>> {
    Ok(
        sqlx::query_as(
            "SELECT code, name, name_en, active FROM business_types ORDER BY sort, code",
        )
        .fetch_all(conn)
        .await?,
    )
}

/// The KUBE page's reads ([`Store::kube_overview`]).
pub struct KubeOverview {
    pub detail: KubeDetail,
    /// Judged from the visits as of the day asked for; when it differs from the stored
    /// health, `health_moved` is set and [`Store::kube_health_settle`] stores it.
    pub health: Health,
    pub health_moved: bool,
    /// Newest first; the health was judged from them.
    pub visits: Vec<Visit>,
    pub health_history: Vec<HealthRecord>,
    pub guidance: Vec<MemberGuidance>,
    pub assets: Vec<Asset>,
    /// Of the newest visit.
    pub photos: Vec<AttachmentInfo>,
    /// The newest twenty changes of the group.
    pub audit: Vec<AuditEntry>,
    pub business_types: Vec<BusinessType>,
    /// What the membership rules ask of the active members, in no order.
    pub member_facts: Vec<RuleFacts>,
    pub dtsen_known: bool,
    pub exceptions: Vec<MemberException>,
    /// Newest first.
    pub checklists: Vec<Checklist>,
}

/// A group and its pendamping as the office names them (the full name when the account
/// has one).
#[derive(FromRow)]
struct Named {
    #[sqlx(flatten)]
    kube: Kube,
    pendamping_name: Option<String>,
}

/// The group's row as [`Named`] reads it, with `more` columns after.
fn named_with<T>(id: i64, more: &str) -> Read<T>
where
    T: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    Read::new(
        format!(
            "SELECT {COLS}, (SELECT COALESCE(u.full_name, u.username) FROM users u
                             WHERE u.id = kube.pendamping_id) AS pendamping_name{more}
             FROM kube WHERE id = $1"
        ),
        vec![id.into()],
    )
}

fn named(id: i64) -> Read<Named> {
    named_with(id, "")
}

/// What a KUBE's page reads of the group's own row: [`Named`], what is stored of its
/// health, and whether any DTSEN extract was imported — one statement instead of three
/// (each statement of a batch costs PostgreSQL about as much as a small read).
#[derive(FromRow)]
struct Head {
    #[sqlx(flatten)]
    named: Named,
    level: Option<String>,
    last_visit_on: Option<String>,
    health_reasons: i64,
    dtsen_known: i64,
}

fn head(id: i64) -> Read<Head> {
    named_with(
        id,
        ", level, last_visit_on, health_reasons,
         CAST(CASE WHEN EXISTS (SELECT 1 FROM dtsen_imports) THEN 1 ELSE 0 END AS BIGINT) AS dtsen_known",
    )
}

impl Head {
    /// The stored health as [`crate::store::visits::stored_health_of`] reads it.
    fn health(&self) -> crate::store::visits::HealthRow {
        let k = &self.named.kube;
        (
            k.stage.code().to_string(),
            k.member_count,
            k.status.code().to_string(),
            self.level.clone(),
            self.last_visit_on.clone(),
            self.health_reasons,
        )
    }
}

async fn detail_in(conn: &mut AnyConnection, id: i64) -> Result<KubeDetail> {
    let named = named(id)
        .all(&mut *conn)
        .await?
        .pop()
        .ok_or(StoreError::NotFound)?;
    let history = member_history(id).all(conn).await?;
    Ok(detail_of(named, history))
}

/// The group with its active members (officers first, then by name) and its whole
/// membership history (newest first), from one read.
fn detail_of(named: Named, history: Vec<Member>) -> KubeDetail {
    KubeDetail {
        kube: named.kube,
        pendamping: named.pendamping_name,
        members: active_members(&history),
        history,
    }
}

/// What the audit log keeps of a group: its fields and its active members.
fn audit_view(d: &KubeDetail) -> serde_json::Value {
    let mut v = serde_json::to_value(&d.kube).unwrap_or_default();
    v["members"] = d
        .members
        .iter()
        .map(|m| serde_json::json!({"person_id": m.person_id, "name": m.name, "role": m.role}))
        .collect();
    v
}

/// Ends a change to a group: records it in the audit log (before and after) and commits.
async fn audited_commit(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    action: &str,
    id: i64,
    before: &KubeDetail,
) -> Result<KubeDetail> {
    let after = detail_in(&mut tx, id).await?;
    audit::record(
        &mut tx,
        actor,
        action,
        "kube",
        id,
        Some(&audit_view(before)),
        Some(&audit_view(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

impl Store {
    /// Adds a business type to the configurable list (or renames / re-activates one).
    pub async fn business_type_upsert(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        name_en: &str,
        active: bool,
    ) -> Result<()> {
        let mut tx = self.tx().await?;
        sqlx::query(
            "INSERT INTO business_types (code, name, name_en, active, sort) VALUES ($1, $2, $3, $4, 100)
             ON CONFLICT (code) DO UPDATE SET name = $2, name_en = $3, active = $4",
        )
        .bind(code)
        .bind(name)
        .bind(name_en)
        .bind(active as i64)
        .execute(&mut *tx)
        .await?;
        let after =
            serde_json::json!({"code": code, "name": name, "name_en": name_en, "active": active});
        audit::record::<(), _>(
            &mut tx,
            actor,
            "upsert",
            "business_type",
            code,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        let mut cached = self
            .business_types
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *cached = (cached.0 + 1, None);
        Ok(())
    }

    /// The business types, kept in memory for [`BUSINESS_TYPES_TTL`]: every list and
    /// form names them, and they change a few times a year. A change made here shows at
    /// once; one made through another instance of a multi-instance deployment within
    /// the TTL.
    pub async fn business_type_list(&self) -> Result<Vec<BusinessType>> {
        let generation = {
            let cached = self
                .business_types
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if let Some((at, v)) = &cached.1 {
                if at.elapsed() < BUSINESS_TYPES_TTL {
                    return Ok(v.to_vec());
                }
            }
            cached.0
        };
        let v = business_types_in(&mut *self.pool.acquire().await?).await?;
        let mut cached = self
            .business_types
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // Not if a change was made here meanwhile: this read may predate it.
        if cached.0 == generation {
            cached.1 = Some((std::time::Instant::now(), Arc::new(v.clone())));
        }
        Ok(v)
    }

    /// Forms a group with its members in one transaction; returns it with its new
    /// registration number.
    pub async fn kube_create(
        &self,
        actor: &Actor,
        region: &RegencyCode,
        k: &ValidKube,
        members: &[NewMember],
        pendamping_id: Option<i64>,
        excepted: &[Excepted],
    ) -> Result<KubeDetail> {
        let mut tx = self.tx().await?;
        let d = create_in(&mut tx, actor, region, k, members, pendamping_id).await?;
        exceptions::record_in(&mut tx, actor, d.kube.id, excepted).await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Forms several groups in one transaction: all of them, or none (the error names
    /// the index of the group that failed).
    pub async fn kube_create_many(
        &self,
        actor: &Actor,
        region: &RegencyCode,
        groups: &[(ValidKube, Vec<NewMember>)],
    ) -> std::result::Result<Vec<i64>, (usize, StoreError)> {
        let mut tx = self.tx().await.map_err(|e| (0, e))?;
        let mut ids = Vec::new();
        for (i, (k, m)) in groups.iter().enumerate() {
            let d = create_in(&mut tx, actor, region, k, m, None)
                .await
                .map_err(|e| (i, e))?;
            ids.push(d.kube.id);
        }
        tx.commit().await.map_err(|e| (0, e.into()))?;
        if groups.len() >= 100 {
            self.tallies_fold_after_bulk().await;
        }
        Ok(ids)
    }

    /// An existing group of that name in that village that has not been dissolved.
    pub async fn kube_find(&self, name: &str, village_code: &str) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(&format!(
            "SELECT id FROM kube WHERE name_lower = $1 AND village_code = $2 AND stage <> '{}' ORDER BY id LIMIT 1",
            Stage::Bubar.code()
        ))
        .bind(name.to_lowercase())
        .bind(village_code)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.0))
    }

    pub async fn kube_count(&self) -> Result<i64> {
        Ok(Where::new().count(&self.pool, "kube").await?)
    }

    pub async fn kube_get(&self, id: i64) -> Result<Kube> {
        let mut conn = self.pool.acquire().await?;
        get_in(&mut conn, id).await
    }

    pub async fn kube_detail(&self, id: i64) -> Result<KubeDetail> {
        let mut conn = self.pool.acquire().await?;
        detail_in(&mut conn, id).await
    }

    /// Everything the KUBE page shows, in one round trip (a [`Batch`]): the group, its
    /// members, visits, health history, assets, the newest visit's photos, audit entries,
    /// the membership rules' facts and exceptions, and the checklists. Nothing is
    /// written: the caller decides first whether the group is theirs to see, then
    /// settles a moved health ([`Store::kube_health_settle`]).
    pub async fn kube_overview(
        &self,
        id: i64,
        t: &Thresholds,
        today: NaiveDate,
    ) -> Result<KubeOverview> {
        // Business types are kept in memory; read (rarely) before taking a connection,
        // so that a request never holds one connection while it waits for another.
        let business_types = self.business_type_list().await?;
        let mut b = Batch::new(self.backend());
        let head = b.add(head(id))?;
        let history = b.add(member_history(id))?;
        let visits = b.add(crate::store::visits::visits_of(id))?;
        let photos = b.add(crate::store::attachments::newest_visit_photos(id))?;
        let health_history = b.add(crate::store::visits::health_history_of(id))?;
        let assets = b.add(crate::store::aid::assets_of(id))?;
        let audit = b.add(audit::recent("kube", id, 20))?;
        let facts = b.add(active_member_facts(id))?;
        let exceptions = b.add(exceptions_of(id))?;
        let checklists = b.add(crate::store::checklist::checklists_of(id))?;
        let mut rows = b.run(&mut *self.pool.acquire().await?).await?;
        let head = rows.one(head)?;
        let (stored, dtsen_known) = (head.health(), head.dtsen_known != 0);
        let detail = detail_of(head.named, rows.all(history)?);
        let visits = rows.all(visits)?;
        let (health, stored, now) = crate::store::visits::assess_stored(stored, &visits, t, today)?;
        Ok(KubeOverview {
            health,
            health_moved: stored != now,
            visits,
            health_history: rows.all(health_history)?,
            guidance: detail
                .members
                .iter()
                .map(|m| MemberGuidance {
                    role: m.role,
                    attended: *m.attended_guidance,
                })
                .collect(),
            assets: rows.all(assets)?,
            photos: rows.all(photos)?,
            audit: rows.all(audit)?,
            business_types,
            member_facts: rows.all(facts)?,
            dtsen_known,
            exceptions: rows.all(exceptions)?,
            checklists: rows.all(checklists)?,
            detail,
        })
    }

    pub async fn kube_update(&self, actor: &Actor, id: i64, c: &KubeChange) -> Result<KubeDetail> {
        let mut tx = self.tx().await?;
        let before = detail_in(&mut tx, id).await?;
        let district = c.kube.village_code.district();
        // Members live in the group's kecamatan: the village may move only within it.
        if district.as_str() != before.kube.district_code && before.kube.member_count > 0 {
            return Err(
                Invalid::field("village_code", Msg::new("kube.village_change_district")).into(),
            );
        }
        check_pendamping(&mut tx, c.pendamping_id, district.as_str()).await?;
        let k = &c.kube;
        let status = if c.stage == Stage::Bubar {
            Status::Bubar
        } else if before.kube.status == Status::Bubar {
            Status::BelumDinilai
        } else {
            before.kube.status
        };
        sqlx::query(
            "UPDATE kube SET name = $1, name_lower = $2, business_type = $3, village_code = $4, district_code = $5,
               address = $6, formed_on = $7, funding_source = $8, programme_year = $9, stage = $10,
               pendamping_id = $11, notes = $12, status = $13, updated_at = $14
             WHERE id = $15",
        )
        .bind(&k.name)
        .bind(k.name.to_lowercase())
        .bind(&k.business_type)
        .bind(k.village_code.as_str())
        .bind(district.as_str())
        .bind(&k.address)
        .bind(crate::store::Date(k.formed_on))
        .bind(k.funding_source.code())
        .bind(k.programme_year as i64)
        .bind(c.stage.code())
        .bind(c.pendamping_id)
        .bind(&k.notes)
        .bind(status.code())
        .bind(actor.now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // A dissolved group frees its members to join another one.
        if c.stage == Stage::Bubar && before.kube.stage != Stage::Bubar {
            sqlx::query("UPDATE kube_members SET left_on = $1, left_reason = $2 WHERE kube_id = $3 AND left_on IS NULL")
                .bind(crate::store::Date(actor.today()))
                .bind("KUBE bubar")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            refresh_count(&mut tx, id, &actor.now()).await?;
        }
        audited_commit(tx, actor, "update", id, &before).await
    }

    /// Gives several groups one pendamping (`None`: none) at once, all or none: each
    /// group's kecamatan must be one of the pendamping's. Each change is audited.
    pub async fn kube_assign_pendamping(
        &self,
        actor: &Actor,
        ids: &[i64],
        pendamping_id: Option<i64>,
    ) -> Result<usize> {
        let mut tx = self.tx().await?;
        let mut changed = 0;
        for &id in ids {
            let before = detail_in(&mut tx, id).await?;
            if before.kube.pendamping_id == pendamping_id {
                continue;
            }
            check_pendamping(&mut tx, pendamping_id, &before.kube.district_code).await?;
            sqlx::query("UPDATE kube SET pendamping_id = $1, updated_at = $2 WHERE id = $3")
                .bind(pendamping_id)
                .bind(actor.now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut tx,
                actor,
                "assign",
                "kube",
                id,
                Some(&serde_json::json!({"pendamping_id": before.kube.pendamping_id})),
                Some(&serde_json::json!({"pendamping_id": pendamping_id})),
            )
            .await?;
            changed += 1;
        }
        tx.commit().await?;
        Ok(changed)
    }

    pub async fn kube_list(
        &self,
        f: &KubeFilter,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<Kube>> {
        list_where(f, scope)
            .page(self.reading(), COLS, "kube", &SORTS.order(&f.sort), paging)
            .await
    }

    /// [`Store::kube_list`] with only what the list page shows.
    pub async fn kube_list_rows(
        &self,
        f: &KubeFilter,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<KubeRow>> {
        let (w, total) = list_and_total(f, scope);
        w.page_totalled(
            self.reading(),
            ROW_COLS,
            "kube",
            &SORTS.order(&f.sort),
            paging,
            total,
        )
        .await
    }
}

/// [`Store::kube_list_rows`] as a read of a batch.
pub(crate) fn kube_rows_page(
    f: &KubeFilter,
    scope: Scope<'_>,
    paging: Paging,
) -> Read<crate::store::batch::Counted<KubeRow>> {
    let (w, total) = list_and_total(f, scope);
    w.page_read_totalled(ROW_COLS, "kube", &SORTS.order(&f.sort), paging, total)
}

/// The list's conditions, and its count from the tallies where they keep it.
fn list_and_total(f: &KubeFilter, scope: Scope<'_>) -> (Where, Option<(&'static str, Where)>) {
    let w = list_where(f, scope);
    let total = tally_where(f, scope, &w).map(|t| (TALLY_SUM, t));
    (w, total)
}

/// The count of a KUBE list from the tallies the KUBE's own writes keep (migration 27).
const TALLY_SUM: &str = "CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM kube_tallies";

/// Where a list's count can be summed from the tallies instead of counting every group
/// that matches (a kecamatan's thousands, or all 100,000 of a regency, at each view):
/// when it filters by kecamatan and status and at most one of the tallies' other
/// dimensions — none of the search, the stage or the pendamping, which no tally keeps.
fn tally_where(f: &KubeFilter, scope: Scope<'_>, list: &Where) -> Option<Where> {
    use crate::store::sql::nonempty;
    if nonempty(&f.q).is_some()
        || nonempty(&f.stage).is_some()
        || nonempty(&f.pendamping_id).is_some()
    {
        return None;
    }
    let year = f.year().ok()?.map(|y| y.to_string());
    let dims: Vec<(&str, String)> = [
        ("village", nonempty(&f.village_code)),
        ("business_type", nonempty(&f.business_type)),
        ("year", year),
        ("funding_source", nonempty(&f.funding_source)),
        ("level", nonempty(&f.level)),
    ]
    .into_iter()
    .filter_map(|(dim, v)| v.map(|v| (dim, v)))
    .collect();
    let mut t = list.continued();
    match dims.as_slice() {
        [] => t.raw("dim = 'district'"),
        [(dim, code)] => {
            t.raw(&format!("dim = '{dim}'"));
            t.cond("code = ?", code);
        }
        _ => return None,
    }
    t.eq("district_code", &f.district_code);
    t.eq("status", &f.status);
    scope_filter(&mut t, "district_code", scope);
    Some(t)
}
