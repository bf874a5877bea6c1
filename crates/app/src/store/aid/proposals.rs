//! Proposals through their states: creating, and applying the steps the domain decides
//! (submit … close) with what a delivery leaves: the BAST, the group's assets.
use super::*;
use domain::aid::{Line, Money, Refusal, Snapshot, Step};

impl Store {
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
        let (total, priced) = priced_for(&mut tx, programme_id, items).await?;
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
        insert_items(&mut tx, id, &priced).await?;
        let d = proposal_in(&mut tx, id, None).await?;
        audit::record::<(), _>(&mut tx, actor, "create", "proposal", id, None, Some(&d)).await?;
        tx.commit().await?;
        Ok(d)
    }

    /// A draft changed: its programme, items (priced anew) and reason. Only a draft.
    pub async fn proposal_update_draft(
        &self,
        actor: &Actor,
        id: i64,
        programme_id: i64,
        items: &[(i64, i64)],
        justification: &str,
    ) -> Result<ProposalDetail> {
        let mut tx = self.tx().await?;
        let before = draft_in(&mut tx, id, self.backend()).await?;
        let (total, priced) = priced_for(&mut tx, programme_id, items).await?;
        sqlx::query("DELETE FROM proposal_items WHERE proposal_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_items(&mut tx, id, &priced).await?;
        sqlx::query(
            "UPDATE proposals SET programme_id = $1, total = $2, justification = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(programme_id)
        .bind(total)
        .bind(justification)
        .bind(actor.now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let d = proposal_in(&mut tx, id, None).await?;
        audit::record(
            &mut tx,
            actor,
            "update",
            "proposal",
            id,
            Some(&before),
            Some(&d),
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// A draft withdrawn: it and its items and files are gone; the audit trail keeps
    /// what it was. Only a draft (nothing was committed on it).
    pub async fn proposal_withdraw(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.tx().await?;
        let before = draft_in(&mut tx, id, self.backend()).await?;
        for sql in [
            "DELETE FROM attachments WHERE entity = 'proposal' AND entity_id = $1",
            "DELETE FROM proposal_items WHERE proposal_id = $1",
            "DELETE FROM proposal_events WHERE proposal_id = $1",
            "DELETE FROM proposals WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        audit::record::<_, ()>(
            &mut tx,
            actor,
            "withdraw",
            "proposal",
            id,
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn proposal_get(&self, id: i64) -> Result<ProposalDetail> {
        let mut conn = self.pool.acquire().await?;
        proposal_in(&mut conn, id, None).await
    }

    pub async fn proposal_list(
        &self,
        f: &ProposalFilter,
        scope: Scope<'_>,
        paging: Paging,
    ) -> Result<Page<ProposalListed>> {
        let mut w = Where::new();
        w.eq("p.state", &f.state);
        if let Some(id) = f.programme_id {
            w.cond_int("p.programme_id = ?", id);
        }
        if let Some(id) = f.kube_id {
            w.cond_int("p.kube_id = ?", id);
        }
        scope_filter(&mut w, "k.district_code", scope);
        let from = "proposals p JOIN kube k ON k.id = p.kube_id \
            JOIN programmes g ON g.id = p.programme_id";
        let mut cols: Vec<String> = RCOLS.split(", ").map(|c| format!("p.{c}")).collect();
        cols.push(
            "k.name AS kube_name, k.registration_number, k.district_code, g.name AS programme_name"
                .into(),
        );
        let order = PROPOSAL_SORTS.order(&f.sort);
        w.page(&self.pool, &cols.join(", "), from, &order, paging)
            .await
    }

    /// Takes a step of a proposal: locks it (and, for an approval, its programme), reads
    /// it as it stands, lets `decide` (the domain's one decision) say what to do, and
    /// applies that; an approval refused for money leaves its attempt in the audit log.
    pub async fn proposal_step(
        &self,
        actor: &Actor,
        id: i64,
        with_money: bool,
        decide: impl FnOnce(&Snapshot, Option<Money>) -> std::result::Result<Step, Refusal>,
    ) -> Result<std::result::Result<ProposalDetail, Refusal>> {
        let mut tx = self.tx().await?;
        let lock = Some(self.backend());
        let before = proposal_in(&mut tx, id, lock).await?;
        let money = if with_money {
            // Hold the programme while checking and committing its money.
            let p = programme_in(&mut tx, before.proposal.programme_id, lock).await?;
            let f = figures_in(&mut tx, &p).await?;
            Some(Money {
                budget: p.budget.map(Rupiah::new),
                committed: Rupiah::new(f.committed),
                quota: p.quota,
                quota_used: f.quota_used,
            })
        } else {
            None
        };
        let snapshot = Snapshot {
            id,
            state: before.proposal.state,
            total: Rupiah::new(before.proposal.total),
            lines: before
                .items
                .iter()
                .map(|i| Line {
                    item_id: i.item_id,
                    name: i.name.clone(),
                    quantity: i.quantity,
                    unit_price: i.unit_price,
                })
                .collect(),
            steps: before
                .events
                .iter()
                .map(|e| (e.action, e.user_id))
                .collect(),
        };
        let step = match decide(&snapshot, money) {
            Ok(step) => step,
            Err(Refusal::OverBudget(field, msg)) => {
                // Nothing changes, but the head of division's attempt and the figures
                // that stopped it stay in the audit log.
                tx.rollback().await?;
                let mut conn = self.pool.acquire().await?;
                let why = serde_json::json!({"field": field, "reason": msg.key, "args": msg.args});
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
                return Ok(Err(Refusal::OverBudget(field, msg)));
            }
            Err(r) => return Ok(Err(r)),
        };
        let now = actor.now();
        if step.action == Action::Reject {
            sqlx::query("UPDATE proposals SET reason = $1 WHERE id = $2")
                .bind(&step.note)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(h) = &step.handover {
            let on = crate::store::Date(h.on);
            for (item_id, qty, unit_price) in &h.lines {
                sqlx::query("UPDATE proposal_items SET delivered_quantity = $1 WHERE proposal_id = $2 AND item_id = $3")
                    .bind(qty)
                    .bind(id)
                    .bind(item_id)
                    .execute(&mut *tx)
                    .await?;
                if *qty > 0 {
                    // The goods belong to the group, not to a member.
                    sqlx::query(
                        "INSERT INTO kube_assets (kube_id, proposal_id, item_id, quantity, unit_price, acquired_on) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(before.proposal.kube_id)
                    .bind(id)
                    .bind(item_id)
                    .bind(qty)
                    .bind(unit_price)
                    .bind(on)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            sqlx::query(
                "UPDATE proposals SET delivered_total = $1, delivered_on = $2, receiver = $3, place = $4, bast_number = $5 WHERE id = $6",
            )
            .bind(h.total)
            .bind(on)
            .bind(&h.receiver)
            .bind(&h.place)
            .bind(&h.bast_number)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE proposals SET state = $1, updated_at = $2 WHERE id = $3")
            .bind(step.to.code())
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO proposal_events (proposal_id, action, from_state, to_state, user_id, username, note, at, same_person) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(step.action.code())
        .bind(step.from.code())
        .bind(step.to.code())
        .bind(actor.user_id)
        .bind(&actor.username)
        .bind(&step.note)
        .bind(&now)
        .bind(step.same_person as i64)
        .execute(&mut *tx)
        .await?;
        let after = proposal_in(&mut tx, id, None).await?;
        audit::record(
            &mut tx,
            actor,
            step.action.code(),
            "proposal",
            id,
            Some(&before.proposal),
            Some(&after.proposal),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(after))
    }

    pub async fn kube_assets(&self, kube_id: i64) -> Result<Vec<Asset>> {
        assets_in(&mut *self.pool.acquire().await?, kube_id).await
    }
}

/// A proposal under lock that must still be a draft.
async fn draft_in(conn: &mut AnyConnection, id: i64, backend: Backend) -> Result<ProposalDetail> {
    let d = proposal_in(conn, id, Some(backend)).await?;
    if d.proposal.state != domain::aid::ProposalState::Draft {
        return Err(StoreError::Conflict {
            field: "state".into(),
            msg: Msg::new("proposal.not_draft"),
        });
    }
    Ok(d)
}

/// The items priced from the catalogue now, for a programme that funds KUBE:
/// (total, (item, quantity, unit price)).
async fn priced_for(
    conn: &mut AnyConnection,
    programme_id: i64,
    items: &[(i64, i64)],
) -> Result<(i64, Vec<(i64, i64, i64)>)> {
    let p = programme_in(conn, programme_id, None).await?;
    if p.target != domain::aid::Target::Kube {
        return Err(
            domain::Invalid::field("programme_id", Msg::new("programme.wrong_target")).into(),
        );
    }
    let mut total = 0i64;
    let mut priced = Vec::new();
    for (item, qty) in merge_items(items) {
        let row: Option<(i64,)> = sqlx::query_as("SELECT unit_price FROM items WHERE id = $1")
            .bind(item)
            .fetch_optional(&mut *conn)
            .await?;
        let Some((price,)) = row else {
            return Err(domain::Invalid::field("items", Msg::new("item.unknown").arg(item)).into());
        };
        total = total.saturating_add(price.saturating_mul(qty));
        priced.push((item, qty, price));
    }
    Ok((total, priced))
}

async fn insert_items(conn: &mut AnyConnection, id: i64, priced: &[(i64, i64, i64)]) -> Result<()> {
    for (item, qty, price) in priced {
        sqlx::query("INSERT INTO proposal_items (proposal_id, item_id, quantity, unit_price) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(item)
            .bind(qty)
            .bind(price)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
