//! A KUBE's members: who may join (free, in the area, a pendamping of the kecamatan),
//! adding, removing and changing roles, with the member count kept.
use super::*;

/// Everyone who was ever a member of a group, newest membership first.
pub(super) fn member_history(kube_id: i64) -> Read<Member> {
    Read::new(
        format!(
            "SELECT m.person_id, p.name, p.nik, p.sex, p.village_code, m.role, m.joined_on, m.left_on, m.left_reason,
                    {} AS attended_guidance
             FROM kube_members m JOIN persons p ON p.id = m.person_id JOIN kube k ON k.id = m.kube_id
             WHERE m.kube_id = $1 ORDER BY m.id DESC",
            crate::store::trainings::attended_guidance()
        ),
        vec![kube_id.into()],
    )
    // PostgreSQL would plan it anew at every view (`batch::GENERIC_PLANS`).
    .generic()
}

/// The active members of a history, officers first (ketua, sekretaris, bendahara: the
/// order of `MemberRole`), then by name.
pub(super) fn active_members(history: &[Member]) -> Vec<Member> {
    let mut active: Vec<(MemberRole, String, Member)> = history
        .iter()
        .filter(|m| m.left_on.is_none())
        .map(|m| (m.role, m.name.to_lowercase(), m.clone()))
        .collect();
    active.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    active.into_iter().map(|a| a.2).collect()
}

/// Facts of persons for the membership rules; an unknown id is a field error.
pub(super) async fn facts(
    conn: &mut AnyConnection,
    members: &[(i64, MemberRole)],
) -> Result<Vec<MemberFacts>> {
    let mut out = Vec::with_capacity(members.len());
    let mut inv = Invalid::new();
    for &(person_id, role) in members {
        let row: Option<(String, String, Option<i64>)> =
            sqlx::query_as("SELECT name, district_code, merged_into FROM persons WHERE id = $1")
                .bind(person_id)
                .fetch_optional(&mut *conn)
                .await?;
        match row {
            Some((name, _, Some(kept))) => inv.add(
                "members",
                Msg::new("person.merged_named").arg(name).arg(kept),
            ),
            Some((name, district_code, None)) => out.push(MemberFacts {
                person_id,
                name,
                role,
                district_code,
            }),
            None => inv.add("members", Msg::new("kube.person_unknown").arg(person_id)),
        }
    }
    inv.into_result()?;
    Ok(out)
}

/// 409 when a person is already an active member of another KUBE, naming it.
pub(super) async fn ensure_free(
    conn: &mut AnyConnection,
    person_id: i64,
    name: &str,
    except_kube: Option<i64>,
) -> Result<()> {
    let other: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT k.id, k.name, k.registration_number FROM kube_members m JOIN kube k ON k.id = m.kube_id
         WHERE m.person_id = $1 AND m.left_on IS NULL",
    )
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?;
    match other {
        Some((kid, kname, reg)) if Some(kid) != except_kube => Err(StoreError::conflict(
            "members",
            Msg::new("kube.member_in_other_kube")
                .arg(name)
                .arg(format!("{kname} ({reg})")),
        )),
        _ => Ok(()),
    }
}

pub(super) async fn check_pendamping(
    conn: &mut AnyConnection,
    user_id: Option<i64>,
    district: &str,
) -> Result<()> {
    let Some(uid) = user_id else { return Ok(()) };
    let ok: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT u.id FROM users u JOIN user_districts d ON d.user_id = u.id
         WHERE u.id = $1 AND u.role = '{}' AND u.disabled = 0 AND d.district_code = $2",
        domain::Role::Pendamping.code()
    ))
    .bind(uid)
    .bind(district)
    .fetch_optional(conn)
    .await?;
    match ok {
        Some(_) => Ok(()),
        None => Err(Invalid::field("pendamping_id", Msg::new("kube.pendamping_invalid")).into()),
    }
}

pub(super) async fn insert_member(
    conn: &mut AnyConnection,
    kube_id: i64,
    m: &MemberFacts,
    joined_on: NaiveDate,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO kube_members (kube_id, person_id, role, joined_on) VALUES ($1, $2, $3, $4)",
    )
    .bind(kube_id)
    .bind(m.person_id)
    .bind(m.role.code())
    .bind(crate::store::Date(joined_on))
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::conflict(
                "members",
                Msg::new("kube.member_in_other_kube").arg(&m.name).arg("?"),
            )
        } else {
            e.into()
        }
    })?;
    Ok(())
}

pub(super) async fn refresh_count(conn: &mut AnyConnection, kube_id: i64, at: &str) -> Result<()> {
    sqlx::query(
        "UPDATE kube SET member_count = (SELECT COUNT(*) FROM kube_members WHERE kube_id = $1 AND left_on IS NULL),
           updated_at = $2 WHERE id = $1",
    )
    .bind(kube_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    pub async fn kube_add_member(
        &self,
        actor: &Actor,
        id: i64,
        m: NewMember,
        joined_on: NaiveDate,
        excepted: &[super::Excepted],
    ) -> Result<KubeDetail> {
        let mut tx = self.tx().await?;
        let before = detail_in(&mut tx, id).await?;
        if before.kube.stage == Stage::Bubar {
            return Err(StoreError::conflict("members", Msg::new("kube.dissolved")));
        }
        let mut pairs: Vec<(i64, MemberRole)> = before
            .members
            .iter()
            .map(|x| (x.person_id, x.role))
            .collect();
        pairs.push((m.person_id, m.role));
        let facts = facts(&mut tx, &pairs).await?;
        check_members(&before.kube.district_code, &facts)?;
        let new = facts.last().cloned().ok_or(StoreError::NotFound)?;
        ensure_free(&mut tx, new.person_id, &new.name, None).await?;
        insert_member(&mut tx, id, &new, joined_on).await?;
        super::exceptions::record_in(&mut tx, actor, id, excepted).await?;
        refresh_count(&mut tx, id, &actor.now()).await?;
        audited_commit(tx, actor, "add_member", id, &before).await
    }

    /// A member leaves; refused when the group would fall below the minimum or when an
    /// officer has no replacement yet.
    pub async fn kube_remove_member(
        &self,
        actor: &Actor,
        id: i64,
        person_id: i64,
        reason: &str,
        left_on: NaiveDate,
    ) -> Result<KubeDetail> {
        let mut tx = self.tx().await?;
        let before = detail_in(&mut tx, id).await?;
        let m = before
            .members
            .iter()
            .find(|m| m.person_id == person_id)
            .ok_or_else(|| StoreError::conflict("person_id", Msg::new("kube.not_a_member")))?;
        if before.members.len() <= MIN_MEMBERS {
            return Err(StoreError::conflict(
                "members",
                Msg::new("kube.below_minimum").arg(MIN_MEMBERS),
            ));
        }
        if m.role != MemberRole::Anggota {
            return Err(StoreError::conflict(
                "members",
                Msg::new("kube.officer_cannot_leave")
                    .arg(&m.name)
                    .arg(m.role.code()),
            ));
        }
        sqlx::query("UPDATE kube_members SET left_on = $1, left_reason = $2 WHERE kube_id = $3 AND person_id = $4 AND left_on IS NULL")
            .bind(crate::store::Date(left_on))
            .bind(reason)
            .bind(id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        refresh_count(&mut tx, id, &actor.now()).await?;
        audited_commit(tx, actor, "remove_member", id, &before).await
    }

    /// Gives a member a role; an officer's previous holder becomes an ordinary member.
    pub async fn kube_set_role(
        &self,
        actor: &Actor,
        id: i64,
        person_id: i64,
        role: MemberRole,
    ) -> Result<KubeDetail> {
        let mut tx = self.tx().await?;
        let before = detail_in(&mut tx, id).await?;
        let current = before
            .members
            .iter()
            .find(|m| m.person_id == person_id)
            .ok_or_else(|| StoreError::conflict("person_id", Msg::new("kube.not_a_member")))?;
        if current.role != MemberRole::Anggota && role == MemberRole::Anggota {
            return Err(StoreError::conflict(
                "role",
                Msg::new("kube.officer_cannot_leave")
                    .arg(&current.name)
                    .arg(current.role.code()),
            ));
        }
        if role.is_officer() {
            sqlx::query("UPDATE kube_members SET role = $1 WHERE kube_id = $2 AND role = $3 AND left_on IS NULL")
                .bind(current.role.code())
                .bind(id)
                .bind(role.code())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE kube_members SET role = $1 WHERE kube_id = $2 AND person_id = $3 AND left_on IS NULL")
            .bind(role.code())
            .bind(id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        let after = detail_in(&mut tx, id).await?;
        let pairs: Vec<(i64, MemberRole)> = after
            .members
            .iter()
            .map(|x| (x.person_id, x.role))
            .collect();
        check_members(&after.kube.district_code, &facts(&mut tx, &pairs).await?)?;
        audit::record(
            &mut tx,
            actor,
            "set_role",
            "kube",
            id,
            Some(&audit_view(&before)),
            Some(&audit_view(&after)),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}
