//! Proposals through their states: creating, acting (submit … close) with the budget
//! and quota checks and the BAST number, and the assets a delivery leaves.
use super::*;

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
        let p = programme_in(&mut tx, programme_id, None).await?;
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
        Ok(w.page(&self.pool, &cols.join(", "), from, &order, paging)
            .await?)
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
        let from = before.proposal.state;
        let to = transition(from, action, role).map_err(|m| StoreError::conflict("state", m))?;
        let earlier: Vec<(Action, Option<i64>)> = before
            .events
            .iter()
            .map(|e| (e.action, e.user_id))
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
                        .bind(d.delivered_on)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                let year = d.delivered_on.format("%Y");
                let bast = format!("BAST/{id:05}/DINSOS/{year}");
                sqlx::query(
                    "UPDATE proposals SET delivered_total = $1, delivered_on = $2, receiver = $3, place = $4, bast_number = $5 WHERE id = $6",
                )
                .bind(delivered_total)
                .bind(d.delivered_on)
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
}
