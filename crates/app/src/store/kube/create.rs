//! Forming a KUBE with its members in one transaction.
use super::*;

pub(super) async fn create_in(
    tx: &mut AnyConnection,
    actor: &Actor,
    region: &RegencyCode,
    k: &ValidKube,
    members: &[NewMember],
    pendamping_id: Option<i64>,
) -> Result<KubeDetail> {
    let district = k.village_code.district();
    let pairs: Vec<(i64, MemberRole)> = members.iter().map(|m| (m.person_id, m.role)).collect();
    let facts = facts(&mut *tx, &pairs).await?;
    check_members(district.as_str(), &facts)?;
    for f in &facts {
        ensure_free(&mut *tx, f.person_id, &f.name, None).await?;
    }
    check_pendamping(&mut *tx, pendamping_id, district.as_str()).await?;
    let year = chrono::Datelike::year(&k.formed_on);
    let prefix = format!(
        "{}%",
        registration_number(region, year, 0).trim_end_matches("0000")
    );
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM kube WHERE registration_number LIKE $1")
            .bind(&prefix)
            .fetch_one(&mut *tx)
            .await?;
    let reg = registration_number(region, year, n + 1);
    let now = actor.now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO kube (registration_number, name, name_lower, business_type, village_code, district_code,
           address, formed_on, formed_year, funding_source, programme_year, status, stage, pendamping_id,
           member_count, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
         RETURNING id",
    )
    .bind(&reg)
    .bind(&k.name)
    .bind(k.name.to_lowercase())
    .bind(&k.business_type)
    .bind(k.village_code.as_str())
    .bind(district.as_str())
    .bind(&k.address)
    .bind(crate::store::Date(k.formed_on))
    .bind(year as i64)
    .bind(k.funding_source.code())
    .bind(k.programme_year as i64)
    .bind(Status::BelumDinilai.code())
    .bind(Stage::Pembentukan.code())
    .bind(pendamping_id)
    .bind(facts.len() as i64)
    .bind(&k.notes)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            // Two groups formed at the same moment got the same serial: try again.
            StoreError::conflict("registration_number", Msg::new("error.conflict"))
        } else {
            e.into()
        }
    })?;
    for f in &facts {
        insert_member(&mut *tx, id, f, k.formed_on).await?;
    }
    let d = detail_in(&mut *tx, id).await?;
    audit::record::<(), _>(
        &mut *tx,
        actor,
        "create",
        "kube",
        id,
        None,
        Some(&audit_view(&d)),
    )
    .await?;
    Ok(d)
}
