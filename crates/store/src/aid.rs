//! Programmes with budget and quota, the goods catalogue, proposals of KUBE through
//! their states to delivery (with the group's asset register), and enrolments of
//! persons in individual programmes with the benefits they receive.
//!
//! Money is committed when a proposal is approved. The check and the state change
//! happen in one transaction that holds the programme's row (PostgreSQL `FOR UPDATE`;
//! SQLite's write lock), so two approvals at once cannot overspend.
use crate::db::Backend;
use crate::error::unique_as_conflict;
use crate::persons::{scope_filter, Scope};
use crate::sql::Where;
use crate::{audit, Actor, Page, Paging, Result, Store, StoreError};
use domain::aid::{check_budget, check_duties, check_quota, transition, Action, ProposalState};
use domain::money::Rupiah;
use domain::{Msg, Role};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Programme {
    pub id: i64,
    pub name: String,
    pub year: i64,
    pub funding_source: String,
    pub target: String,
    pub budget: Option<i64>,
    pub quota: Option<i64>,
    pub package_value: Option<i64>,
    pub eligibility_json: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const PCOLS: &str = "id, name, year, funding_source, target, budget, quota, package_value, eligibility_json, created_at, updated_at";

/// A programme's money and quota, live.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figures {
    pub committed: i64,
    pub delivered: i64,
    pub remaining: Option<i64>,
    pub quota_used: i64,
}

#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub name: String,
    pub year: i64,
    pub funding_source: String,
    pub target: String,
    pub budget: Option<i64>,
    pub quota: Option<i64>,
    pub package_value: Option<i64>,
    pub eligibility_json: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromRow, PartialEq)]
pub struct Item {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub unit_price: i64,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Proposal {
    pub id: i64,
    pub kube_id: i64,
    pub programme_id: i64,
    pub state: String,
    pub total: i64,
    pub delivered_total: i64,
    pub justification: String,
    pub reason: Option<String>,
    pub delivered_on: Option<String>,
    pub receiver: Option<String>,
    pub place: Option<String>,
    pub bast_number: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

const RCOLS: &str = "id, kube_id, programme_id, state, total, delivered_total, justification, reason, delivered_on, \
    receiver, place, bast_number, created_at, updated_at";

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ProposalItem {
    pub item_id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub delivered_quantity: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct ProposalEvent {
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub note: Option<String>,
    pub at: String,
    /// 1 when the same person took the step it checks (allowed by the office's option).
    pub same_person: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProposalDetail {
    #[serde(flatten)]
    pub proposal: Proposal,
    pub items: Vec<ProposalItem>,
    pub events: Vec<ProposalEvent>,
}

/// The same item listed twice counts once, with the quantities added.
fn merge_items(items: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &(item, qty) in items {
        match out.iter_mut().find(|(i, _)| *i == item) {
            Some(e) => e.1 = e.1.saturating_add(qty),
            None => out.push((item, qty)),
        }
    }
    out
}

/// What a delivery records: the items actually handed over (maybe fewer).
#[derive(Debug, Clone)]
pub struct Delivery {
    pub delivered_on: String,
    pub receiver: String,
    pub place: Option<String>,
    pub items: Vec<(i64, i64)>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Asset {
    pub item_id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub acquired_on: String,
    pub proposal_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Enrolment {
    pub id: i64,
    pub programme_id: i64,
    pub person_id: i64,
    pub name: String,
    pub enrolled_on: String,
}

#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    pub state: Option<String>,
    pub programme_id: Option<i64>,
    pub kube_id: Option<i64>,
}

async fn programme_in(
    conn: &mut AnyConnection,
    id: i64,
    lock: Option<Backend>,
) -> Result<Programme> {
    let suffix = if lock == Some(Backend::Postgres) {
        " FOR UPDATE"
    } else {
        ""
    };
    sqlx::query_as(&format!(
        "SELECT {PCOLS} FROM programmes WHERE id = $1{suffix}"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// `('approved', 'delivered', 'closed')`: the proposal states whose money is committed,
/// as the domain decides them.
pub(crate) fn committing_states() -> String {
    let codes: Vec<String> = ProposalState::ALL
        .into_iter()
        .filter(|s| s.commits_budget())
        .map(|s| format!("'{}'", s.code()))
        .collect();
    format!("({})", codes.join(", "))
}

async fn figures_in(conn: &mut AnyConnection, p: &Programme) -> Result<Figures> {
    let (committed, delivered, proposals): (i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT), CAST(COALESCE(SUM(delivered_total), 0) AS BIGINT),
                CAST(COUNT(*) AS BIGINT)
         FROM proposals WHERE programme_id = $1 AND state IN {}",
        committing_states()
    ))
    .bind(p.id)
    .fetch_one(&mut *conn)
    .await?;
    // A benefit holds budget from when it is recorded; it is paid once approved.
    let (benefits, paid, enrolled): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE((SELECT SUM(b.amount) FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id
                                WHERE e.programme_id = $1), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(b.amount) FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id
                                WHERE e.programme_id = $1 AND b.approved_at IS NOT NULL), 0) AS BIGINT),
                CAST((SELECT COUNT(*) FROM enrolments WHERE programme_id = $1) AS BIGINT)",
    )
    .bind(p.id)
    .fetch_one(&mut *conn)
    .await?;
    let individual = p.target == "individual";
    let committed = committed + benefits;
    Ok(Figures {
        committed,
        delivered: delivered + paid,
        remaining: p.budget.map(|b| b - committed),
        quota_used: if individual { enrolled } else { proposals },
    })
}

async fn proposal_in(
    conn: &mut AnyConnection,
    id: i64,
    lock: Option<Backend>,
) -> Result<ProposalDetail> {
    let suffix = if lock == Some(Backend::Postgres) {
        " FOR UPDATE"
    } else {
        ""
    };
    let proposal: Proposal = sqlx::query_as(&format!(
        "SELECT {RCOLS} FROM proposals WHERE id = $1{suffix}"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let items = sqlx::query_as(
        "SELECT pi.item_id, i.name, i.unit, pi.quantity, pi.unit_price, pi.delivered_quantity
         FROM proposal_items pi JOIN items i ON i.id = pi.item_id WHERE pi.proposal_id = $1 ORDER BY i.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let events = sqlx::query_as(
        "SELECT action, from_state, to_state, user_id, username, note, at, same_person FROM proposal_events WHERE proposal_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ProposalDetail {
        proposal,
        items,
        events,
    })
}

impl Store {
    pub async fn programme_create(&self, actor: &Actor, p: &NewProgramme) -> Result<Programme> {
        let mut tx = self.tx().await?;
        let now = actor.now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO programmes (name, year, funding_source, target, budget, quota, package_value, eligibility_json, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(&p.name)
        .bind(p.year)
        .bind(&p.funding_source)
        .bind(&p.target)
        .bind(p.budget)
        .bind(p.quota)
        .bind(p.package_value)
        .bind(&p.eligibility_json)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        let created = programme_in(&mut tx, id, None).await?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "create",
            "programme",
            id,
            None,
            Some(&created),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn programme(&self, id: i64) -> Result<(Programme, Figures)> {
        let mut conn = self.pool.acquire().await?;
        let p = programme_in(&mut conn, id, None).await?;
        let f = figures_in(&mut conn, &p).await?;
        Ok((p, f))
    }

    pub async fn programmes(&self, year: Option<i64>) -> Result<Vec<(Programme, Figures)>> {
        let mut w = Where::new();
        if let Some(y) = year {
            w.cond_int("year = ?", y);
        }
        let sql = format!(
            "SELECT {PCOLS} FROM programmes {} ORDER BY year DESC, name",
            w.sql()
        );
        let ps: Vec<Programme> = sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?;
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::new();
        for p in ps {
            let f = figures_in(&mut conn, &p).await?;
            out.push((p, f));
        }
        Ok(out)
    }

    /// How a programme's money moved: `(when, committed, delivered)` — a proposal's amount
    /// at the time it was approved and its delivered value on the day of delivery; an
    /// individual benefit is both on the day it was given. `when` is an RFC 3339 time or a
    /// date.
    pub async fn programme_flows(&self, p: &Programme) -> Result<Vec<(String, i64, i64)>> {
        let mut conn = self.pool.acquire().await?;
        if p.target == "individual" {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT b.given_on, b.amount FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id
                 WHERE e.programme_id = $1",
            )
            .bind(p.id)
            .fetch_all(&mut *conn)
            .await?;
            return Ok(rows.into_iter().map(|(d, a)| (d, a, a)).collect());
        }
        let states = committing_states();
        let approved: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT e.at, p.total FROM proposals p JOIN proposal_events e ON e.proposal_id = p.id
             WHERE p.programme_id = $1 AND e.action = 'approve' AND p.state IN {states}"
        ))
        .bind(p.id)
        .fetch_all(&mut *conn)
        .await?;
        let delivered: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT delivered_on, delivered_total FROM proposals
             WHERE programme_id = $1 AND delivered_on IS NOT NULL AND state IN {states}"
        ))
        .bind(p.id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(approved
            .into_iter()
            .map(|(t, v)| (t, v, 0))
            .chain(delivered.into_iter().map(|(d, v)| (d, 0, v)))
            .collect())
    }

    pub async fn item_create(
        &self,
        actor: &Actor,
        name: &str,
        unit: &str,
        price: Rupiah,
        category: Option<&str>,
    ) -> Result<Item> {
        let mut tx = self.tx().await?;
        let r: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO items (name, unit, unit_price, category, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(unit)
        .bind(price.value())
        .bind(category)
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await;
        let (id,) = r.map_err(unique_as_conflict("name", Msg::new("error.conflict")))?;
        let item: Item =
            sqlx::query_as("SELECT id, name, unit, unit_price, category FROM items WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        audit::record::<(), _>(&mut tx, actor, "create", "item", id, None, Some(&item)).await?;
        tx.commit().await?;
        Ok(item)
    }

    pub async fn items(&self) -> Result<Vec<Item>> {
        Ok(
            sqlx::query_as("SELECT id, name, unit, unit_price, category FROM items ORDER BY name")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// A package template: (package id, name, business type, [(item id, quantity)]).
    pub async fn package_create(
        &self,
        actor: &Actor,
        name: &str,
        business_type: Option<&str>,
        items: &[(i64, i64)],
    ) -> Result<i64> {
        let mut tx = self.tx().await?;
        let r: std::result::Result<(i64,), sqlx::Error> =
            sqlx::query_as("INSERT INTO packages (name, business_type, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(name)
                .bind(business_type)
                .bind(actor.now())
                .fetch_one(&mut *tx)
                .await;
        let (id,) = r.map_err(unique_as_conflict("name", Msg::new("error.conflict")))?;
        for (item, qty) in merge_items(items) {
            sqlx::query(
                "INSERT INTO package_items (package_id, item_id, quantity) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(item)
            .bind(qty)
            .execute(&mut *tx)
            .await?;
        }
        audit::record::<(), _>(
            &mut tx,
            actor,
            "create",
            "package",
            id,
            None,
            Some(&serde_json::json!({"name": name, "items": items})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn packages(&self) -> Result<Vec<(i64, String, Option<String>, Vec<(i64, i64)>)>> {
        let ps: Vec<(i64, String, Option<String>)> =
            sqlx::query_as("SELECT id, name, business_type FROM packages ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        let rows: Vec<(i64, i64, i64)> =
            sqlx::query_as("SELECT package_id, item_id, quantity FROM package_items")
                .fetch_all(&self.pool)
                .await?;
        Ok(ps
            .into_iter()
            .map(|(id, name, bt)| {
                let items = rows
                    .iter()
                    .filter(|r| r.0 == id)
                    .map(|r| (r.1, r.2))
                    .collect();
                (id, name, bt, items)
            })
            .collect())
    }

    /// A draft proposal; prices are taken from the catalogue now.
    pub async fn proposal_create(
        &self,
        actor: &Actor,
        kube_id: i64,
        programme_id: i64,
        items: &[(i64, i64)],
        justification: &str,
    ) -> Result<ProposalDetail> {
        let mut tx = self.tx().await?;
        let p = programme_in(&mut tx, programme_id, None).await?;
        if p.target != "kube" {
            return Err(
                domain::Invalid::field("programme_id", Msg::new("programme.wrong_target")).into(),
            );
        }
        let mut total = 0i64;
        let mut priced = Vec::new();
        for (item, qty) in merge_items(items) {
            let row: Option<(i64,)> = sqlx::query_as("SELECT unit_price FROM items WHERE id = $1")
                .bind(item)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((price,)) = row else {
                return Err(
                    domain::Invalid::field("items", Msg::new("item.unknown").arg(item)).into(),
                );
            };
            total = total.saturating_add(price.saturating_mul(qty));
            priced.push((item, qty, price));
        }
        let now = actor.now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO proposals (kube_id, programme_id, state, total, justification, created_at, updated_at)
             VALUES ($1, $2, 'draft', $3, $4, $5, $5) RETURNING id",
        )
        .bind(kube_id)
        .bind(programme_id)
        .bind(total)
        .bind(justification)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        for (item, qty, price) in priced {
            sqlx::query("INSERT INTO proposal_items (proposal_id, item_id, quantity, unit_price) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(item)
                .bind(qty)
                .bind(price)
                .execute(&mut *tx)
                .await?;
        }
        let d = proposal_in(&mut tx, id, None).await?;
        audit::record::<(), _>(&mut tx, actor, "create", "proposal", id, None, Some(&d)).await?;
        tx.commit().await?;
        Ok(d)
    }

    pub async fn proposal(&self, id: i64) -> Result<ProposalDetail> {
        let mut conn = self.pool.acquire().await?;
        proposal_in(&mut conn, id, None).await
    }

    pub async fn proposals(
        &self,
        f: &ProposalFilter,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<Proposal>> {
        let mut w = Where::new();
        w.eq("p.state", &f.state);
        if let Some(id) = f.programme_id {
            w.cond_int("p.programme_id = ?", id);
        }
        if let Some(id) = f.kube_id {
            w.cond_int("p.kube_id = ?", id);
        }
        scope_filter(&mut w, "k.district_code", scope);
        let from = "proposals p JOIN kube k ON k.id = p.kube_id";
        let cols: Vec<String> = RCOLS.split(", ").map(|c| format!("p.{c}")).collect();
        Ok(
            w.page(&self.pool, &cols.join(", "), from, "p.id DESC", paging)
                .await?,
        )
    }

    /// Takes one step of the state machine, with its checks, in one transaction.
    /// `allow_same_person`: the office lets one person take a step and the check of it.
    #[allow(clippy::too_many_arguments)] // the step, and what it carries
    pub async fn proposal_act(
        &self,
        actor: &Actor,
        role: Role,
        id: i64,
        action: Action,
        note: Option<&str>,
        delivery: Option<&Delivery>,
        allow_same_person: bool,
    ) -> Result<ProposalDetail> {
        let mut tx = self.tx().await?;
        let lock = Some(self.backend());
        let before = proposal_in(&mut tx, id, lock).await?;
        let from = ProposalState::parse(&before.proposal.state)?;
        let to = transition(from, action, role).map_err(|m| StoreError::conflict("state", m))?;
        let earlier: Vec<(Action, Option<i64>)> = before
            .events
            .iter()
            .filter_map(|e| Some((Action::parse(&e.action).ok()?, e.user_id)))
            .collect();
        let same_person = check_duties(action, actor.user_id, &earlier, allow_same_person)
            .map_err(|m| StoreError::conflict("state", m))?;
        let now = actor.now();
        match action {
            Action::Approve => {
                // Hold the programme while checking and committing its money.
                let p = programme_in(&mut tx, before.proposal.programme_id, lock).await?;
                let f = figures_in(&mut tx, &p).await?;
                let refused = check_budget(
                    p.budget.map(Rupiah::new),
                    Rupiah::new(f.committed),
                    Rupiah::new(before.proposal.total),
                )
                .map_err(|m| ("budget", m))
                .and_then(|()| check_quota(p.quota, f.quota_used).map_err(|m| ("quota", m)));
                if let Err((field, msg)) = refused {
                    // Nothing changes, but the head of division's attempt and the figures
                    // that stopped it stay in the audit log.
                    tx.rollback().await?;
                    let mut conn = self.pool.acquire().await?;
                    let why =
                        serde_json::json!({"field": field, "reason": msg.key, "args": msg.args});
                    audit::record::<(), _>(
                        &mut conn,
                        actor,
                        "approve_refused",
                        "proposal",
                        id,
                        None,
                        Some(&why),
                    )
                    .await?;
                    return Err(StoreError::conflict(field, msg));
                }
            }
            Action::Reject => {
                if note.map(str::trim).unwrap_or("").is_empty() {
                    return Err(domain::Invalid::field(
                        "reason",
                        Msg::new("proposal.reason_required"),
                    )
                    .into());
                }
                sqlx::query("UPDATE proposals SET reason = $1 WHERE id = $2")
                    .bind(note)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            Action::Deliver => {
                let d = delivery.ok_or_else(|| {
                    domain::Invalid::field("items", Msg::new("proposal.no_items"))
                })?;
                let mut delivered_total = 0;
                for it in &before.items {
                    let qty = d
                        .items
                        .iter()
                        .find(|(i, _)| *i == it.item_id)
                        .map(|(_, q)| *q)
                        .unwrap_or(0);
                    if qty < 0 || qty > it.quantity {
                        return Err(domain::Invalid::field(
                            "items",
                            Msg::new("proposal.deliver_more").arg(&it.name),
                        )
                        .into());
                    }
                    delivered_total += qty * it.unit_price;
                    sqlx::query("UPDATE proposal_items SET delivered_quantity = $1 WHERE proposal_id = $2 AND item_id = $3")
                        .bind(qty)
                        .bind(id)
                        .bind(it.item_id)
                        .execute(&mut *tx)
                        .await?;
                    if qty > 0 {
                        // The goods belong to the group, not to a member.
                        sqlx::query(
                            "INSERT INTO kube_assets (kube_id, proposal_id, item_id, quantity, unit_price, acquired_on) VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(before.proposal.kube_id)
                        .bind(id)
                        .bind(it.item_id)
                        .bind(qty)
                        .bind(it.unit_price)
                        .bind(&d.delivered_on)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                let year = d.delivered_on.get(..4).unwrap_or("0000");
                let bast = format!("BAST/{id:05}/DINSOS/{year}");
                sqlx::query(
                    "UPDATE proposals SET delivered_total = $1, delivered_on = $2, receiver = $3, place = $4, bast_number = $5 WHERE id = $6",
                )
                .bind(delivered_total)
                .bind(&d.delivered_on)
                .bind(&d.receiver)
                .bind(&d.place)
                .bind(&bast)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            _ => {}
        }
        sqlx::query("UPDATE proposals SET state = $1, updated_at = $2 WHERE id = $3")
            .bind(to.code())
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO proposal_events (proposal_id, action, from_state, to_state, user_id, username, note, at, same_person) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(action.code())
        .bind(from.code())
        .bind(to.code())
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(note)
        .bind(&now)
        .bind(same_person as i64)
        .execute(&mut *tx)
        .await?;
        let after = proposal_in(&mut tx, id, None).await?;
        audit::record(
            &mut tx,
            actor,
            action.code(),
            "proposal",
            id,
            Some(&before.proposal),
            Some(&after.proposal),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn kube_assets(&self, kube_id: i64) -> Result<Vec<Asset>> {
        assets_in(&mut *self.pool.acquire().await?, kube_id).await
    }

    /// Enrols a person, within the programme's quota (eligibility is checked before).
    pub async fn enrol(
        &self,
        actor: &Actor,
        programme_id: i64,
        person_id: i64,
        on: &str,
    ) -> Result<i64> {
        let mut tx = self.tx().await?;
        let p = programme_in(&mut tx, programme_id, Some(self.backend())).await?;
        let f = figures_in(&mut tx, &p).await?;
        check_quota(p.quota, f.quota_used).map_err(|m| StoreError::conflict("quota", m))?;
        crate::persons::ensure_current(&mut tx, person_id, "person_id").await?;
        let r: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO enrolments (programme_id, person_id, enrolled_on, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(programme_id)
        .bind(person_id)
        .bind(on)
        .bind(actor.now())
        .fetch_one(&mut *tx)
        .await;
        let (id,) = r.map_err(unique_as_conflict(
            "person_id",
            Msg::new("enrolment.exists"),
        ))?;
        audit::record::<(), _>(
            &mut tx,
            actor,
            "enrol",
            "programme",
            programme_id,
            None,
            Some(&serde_json::json!({"person_id": person_id})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn enrolments(&self, programme_id: i64, scope: Scope<'_>) -> Result<Vec<Enrolment>> {
        let mut w = Where::new();
        w.cond_int("e.programme_id = ?", programme_id);
        scope_filter(&mut w, "p.district_code", scope);
        let sql = format!(
            "SELECT e.id, e.programme_id, e.person_id, p.name, e.enrolled_on FROM enrolments e JOIN persons p ON p.id = e.person_id {} ORDER BY p.name_lower",
            w.sql()
        );
        Ok(sqlx::query_as_with(&sql, w.args())
            .fetch_all(&self.pool)
            .await?)
    }

    /// Records a benefit for an enrolled person within the programme's budget.
    #[allow(clippy::too_many_arguments)] // one per field of the benefit, as the API sends them
    pub async fn benefit_add(
        &self,
        actor: &Actor,
        programme_id: i64,
        person_id: i64,
        kind: &str,
        period: &str,
        amount: Rupiah,
        description: Option<&str>,
        on: &str,
    ) -> Result<i64> {
        let mut tx = self.tx().await?;
        let p = programme_in(&mut tx, programme_id, Some(self.backend())).await?;
        let enrolment: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM enrolments WHERE programme_id = $1 AND person_id = $2")
                .bind(programme_id)
                .bind(person_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((eid,)) = enrolment else {
            return Err(StoreError::conflict(
                "person_id",
                Msg::new("benefit.not_enrolled"),
            ));
        };
        let f = figures_in(&mut tx, &p).await?;
        check_budget(p.budget.map(Rupiah::new), Rupiah::new(f.committed), amount)
            .map_err(|m| StoreError::conflict("budget", m))?;
        // Cash (monthly assistance) waits for the head of division, as goods do.
        let approved = (kind != CASH).then(|| actor.now());
        let r: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO benefits (enrolment_id, kind, period, description, amount, given_on, created_at, recorded_by, approved_by, approved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(eid)
        .bind(kind)
        .bind(period)
        .bind(description)
        .bind(amount.value())
        .bind(on)
        .bind(actor.now())
        .bind(actor.user_id)
        .bind(approved.as_ref().map(|_| actor.username.clone()))
        .bind(&approved)
        .fetch_one(&mut *tx)
        .await;
        let (id,) = r.map_err(unique_as_conflict("period", Msg::new("benefit.twice")))?;
        let after = serde_json::json!({"person_id": person_id, "kind": kind, "period": period, "amount": amount.value()});
        audit::record::<(), _>(
            &mut tx,
            actor,
            "benefit",
            "programme",
            programme_id,
            None,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The kind of benefit paid in cash: recorded, then approved by the head of division.
pub const CASH: &str = "bantuan_bulanan";

/// A benefit given to an enrolled person.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct Benefit {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub kind: String,
    pub period: String,
    pub amount: i64,
    pub given_on: String,
    pub recorded_by: Option<i64>,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

impl Store {
    /// The benefits of a programme to persons the caller may see: awaiting approval first,
    /// then the newest.
    pub async fn benefits(
        &self,
        programme_id: i64,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<Benefit>> {
        let mut w = Where::new();
        w.cond_int("e.programme_id = ?", programme_id);
        scope_filter(&mut w, "p.district_code", scope);
        Ok(w
            .page(
                &self.pool,
                "b.id, e.person_id, p.name, b.kind, b.period, b.amount, b.given_on, b.recorded_by, b.approved_by, b.approved_at",
                "benefits b JOIN enrolments e ON e.id = b.enrolment_id JOIN persons p ON p.id = e.person_id",
                "CASE WHEN b.approved_at IS NULL THEN 0 ELSE 1 END, b.given_on DESC, b.id DESC",
                paging,
            )
            .await?)
    }

    /// The head of division approves a recorded cash benefit; not its recorder (unless
    /// the office allows one person both steps).
    pub async fn benefit_approve(
        &self,
        actor: &Actor,
        programme_id: i64,
        benefit_id: i64,
        allow_same_person: bool,
    ) -> Result<Benefit> {
        let mut tx = self.tx().await?;
        let row: Option<Benefit> = sqlx::query_as(
            "SELECT b.id, e.person_id, p.name, b.kind, b.period, b.amount, b.given_on, b.recorded_by, b.approved_by, b.approved_at
             FROM benefits b JOIN enrolments e ON e.id = b.enrolment_id JOIN persons p ON p.id = e.person_id
             WHERE b.id = $1 AND e.programme_id = $2",
        )
        .bind(benefit_id)
        .bind(programme_id)
        .fetch_optional(&mut *tx)
        .await?;
        let before = row.ok_or(StoreError::NotFound)?;
        if before.approved_at.is_some() {
            return Err(StoreError::conflict(
                "benefit",
                Msg::new("benefit.already_approved"),
            ));
        }
        if !allow_same_person && actor.user_id.is_some() && before.recorded_by == actor.user_id {
            return Err(StoreError::conflict(
                "benefit",
                Msg::new("benefit.same_person_approve"),
            ));
        }
        let now = actor.now();
        sqlx::query("UPDATE benefits SET approved_by = $1, approved_at = $2 WHERE id = $3")
            .bind(&actor.username)
            .bind(&now)
            .bind(benefit_id)
            .execute(&mut *tx)
            .await?;
        let after = Benefit {
            approved_by: Some(actor.username.clone()),
            approved_at: Some(now),
            ..before.clone()
        };
        audit::record(
            &mut tx,
            actor,
            "approve_benefit",
            "programme",
            programme_id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

impl From<Msg> for StoreError {
    fn from(m: Msg) -> Self {
        StoreError::conflict("state", m)
    }
}

pub(crate) async fn assets_in(conn: &mut AnyConnection, kube_id: i64) -> Result<Vec<Asset>> {
    Ok(sqlx::query_as(
        "SELECT a.item_id, i.name, i.unit, a.quantity, a.unit_price, a.acquired_on, a.proposal_id
         FROM kube_assets a JOIN items i ON i.id = a.item_id WHERE a.kube_id = $1 ORDER BY a.id",
    )
    .bind(kube_id)
    .fetch_all(conn)
    .await?)
}
