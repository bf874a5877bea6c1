//! The dashboard counts what the caller may see, and its version moves with the data.
use crate::tests::office::{Office, BINANGUN, REJASARI};
use domain::Lang;

#[tokio::test]
async fn the_figures_follow_the_area_and_the_data() {
    let o = Office::new().await;
    let cx = &o.cx;
    let before = crate::dashboard::version(cx).await.unwrap();
    o.kube("KUBE Satu", REJASARI, &o.residents(REJASARI, 5, 1).await)
        .await;
    o.kube("KUBE Dua", BINANGUN, &o.residents(BINANGUN, 6, 2).await)
        .await;
    assert_ne!(crate::dashboard::version(cx).await.unwrap(), before);
    let all = crate::dashboard::compute(cx, &o.kabid, Lang::Id)
        .await
        .unwrap();
    assert_eq!((all.kube_total, all.members_total), (2, 11));
    assert_eq!(all.by_district.iter().filter(|g| g.total > 0).count(), 2);
    let field = crate::dashboard::compute(cx, &o.field, Lang::Id)
        .await
        .unwrap();
    assert_eq!((field.kube_total, field.members_total), (1, 5));
    assert_eq!(field.by_district.len(), 1);
    assert_eq!(field.by_district[0].code, "32.79.04");
    assert_eq!(all.this_year.year, 2026);
}

/// The KUBE as they are, counted the way the dashboard did before it kept tallies.
async fn counted(store: &crate::store::Store) -> Vec<(String, String, String, i64, i64)> {
    let level = crate::store::dashboard::LEVEL_CODE;
    let part = |dim: &str, col: &str| {
        format!(
            "SELECT '{dim}', {col}, status, CAST(COUNT(*) AS BIGINT), CAST(SUM(member_count) AS BIGINT)
             FROM kube GROUP BY {col}, status"
        )
    };
    let sql = [
        part("district", "district_code"),
        part("village", "village_code"),
        part("business_type", "business_type"),
        part("year", "CAST(formed_year AS TEXT)"),
        part("funding_source", "funding_source"),
        part("level", level),
    ]
    .join(" UNION ALL ");
    let mut rows: Vec<(String, String, String, i64, i64)> =
        sqlx::query_as(&sql).fetch_all(&store.pool).await.unwrap();
    rows.sort();
    rows
}

async fn tallied(store: &crate::store::Store) -> Vec<(String, String, String, i64, i64)> {
    let mut rows: Vec<_> = store
        .dashboard_dims(None)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.dim, d.code, d.status.code().to_string(), d.n, d.members))
        .collect();
    rows.sort();
    rows
}

/// Every KUBE list whose count the tallies keep (one dimension, a status, a kecamatan,
/// an area) counts what it lists: the count is the rows the list gives when all fit on
/// one page. Lists the tallies do not keep (two dimensions, a stage) are asked too.
async fn list_totals_match(store: &crate::store::Store, when: &str) {
    use crate::store::kube::KubeFilter;
    use crate::store::Paging;
    let codes = |sql: &'static str| async move {
        let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&store.pool).await.unwrap();
        rows.into_iter()
            .map(|r| Some(r.0))
            .chain([None, Some("tidak-ada".to_string())])
    };
    let mut filters = Vec::new();
    let statuses: Vec<_> = codes("SELECT DISTINCT status FROM kube").await.collect();
    for district in codes("SELECT DISTINCT district_code FROM kube").await {
        for status in &statuses {
            let f = KubeFilter {
                district_code: district.clone(),
                status: status.clone(),
                ..KubeFilter::default()
            };
            filters.push(f.clone());
            for v in codes("SELECT DISTINCT village_code FROM kube").await {
                filters.push(KubeFilter {
                    village_code: v,
                    ..f.clone()
                });
            }
            for v in codes("SELECT DISTINCT business_type FROM kube").await {
                filters.push(KubeFilter {
                    business_type: v,
                    ..f.clone()
                });
            }
            for v in codes("SELECT DISTINCT CAST(formed_year AS TEXT) FROM kube").await {
                filters.push(KubeFilter {
                    year: v,
                    ..f.clone()
                });
            }
            for v in codes("SELECT DISTINCT funding_source FROM kube").await {
                filters.push(KubeFilter {
                    funding_source: v,
                    ..f.clone()
                });
            }
            for v in ["never", "below", "tumbuh", "berkembang", "maju"] {
                filters.push(KubeFilter {
                    level: Some(v.into()),
                    ..f.clone()
                });
            }
            filters.push(KubeFilter {
                stage: Some("pembentukan".into()),
                ..f.clone()
            });
            filters.push(KubeFilter {
                level: Some("never".into()),
                funding_source: Some("apbd".into()),
                ..f.clone()
            });
        }
    }
    let area = vec!["32.79.04".to_string()];
    for f in &filters {
        for scope in [None, Some(area.as_slice())] {
            let page = store
                .kube_list_rows(f, scope, Paging::new(Some(500), None))
                .await
                .unwrap();
            assert_eq!(
                page.total,
                page.items.len() as i64,
                "{when}: {f:?} in {scope:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_kube_tallies_follow_every_change_and_fold_to_the_same_counts() {
    let o = Office::new().await;
    let store = &o.cx.store;
    let a = o
        .kube("KUBE Satu", REJASARI, &o.residents(REJASARI, 5, 1).await)
        .await;
    let b = o
        .kube("KUBE Dua", BINANGUN, &o.residents(BINANGUN, 6, 2).await)
        .await;
    o.kube("KUBE Tiga", BINANGUN, &o.residents(BINANGUN, 7, 3).await)
        .await;
    assert_eq!(tallied(store).await, counted(store).await);
    // Every counted column changed, one at a time and together, then a KUBE removed.
    for sql in [
        format!("UPDATE kube SET status = 'berjalan' WHERE id = {a}"),
        format!("UPDATE kube SET level = 'tumbuh', checklist_on = '2026-11-01' WHERE id = {a}"),
        format!("UPDATE kube SET member_count = member_count + 2, business_type = 'warungan' WHERE id = {b}"),
        format!("UPDATE kube SET village_code = (SELECT village_code FROM kube WHERE id = {a}), district_code = (SELECT district_code FROM kube WHERE id = {a}) WHERE id = {b}"),
        format!("UPDATE kube SET formed_year = 2019, funding_source = 'apbn', status = 'bubar' WHERE id = {b}"),
        format!("UPDATE kube SET notes = 'tidak dihitung' WHERE id = {b}"),
        "UPDATE kube SET status = 'perlu_pendampingan'".to_string(),
        format!("DELETE FROM kube_members WHERE kube_id = {a}"),
        format!("DELETE FROM kube WHERE id = {a}"),
    ] {
        sqlx::query(&sql).execute(&store.pool).await.unwrap();
        assert_eq!(tallied(store).await, counted(store).await, "after {sql}");
        list_totals_match(store, &sql).await;
    }
    let before: (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM kube_tallies")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    let persons: (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM person_tallies")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    let folded = store.tallies_fold().await.unwrap();
    assert_eq!(folded as i64, before.0 + persons.0);
    let after: (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM kube_tallies")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert!(
        after.0 < before.0 / 3,
        "{} rows folded into {}",
        before.0,
        after.0
    );
    assert_eq!(tallied(store).await, counted(store).await, "after the fold");
    list_totals_match(store, "after the fold").await;
    // Folding again changes nothing; the dashboard reads the same.
    store.tallies_fold().await.unwrap();
    assert_eq!(tallied(store).await, counted(store).await);
    let all = crate::dashboard::compute(&o.cx, &o.kabid, Lang::Id)
        .await
        .unwrap();
    assert_eq!(all.kube_total, 2);
}

/// Persons by category as the dashboard counted them before it kept tallies.
pub(crate) async fn categories_counted(store: &crate::store::Store) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT c.category, CAST(COUNT(*) AS BIGINT) FROM person_categories c JOIN persons p ON p.id = c.person_id
         WHERE p.restricted_at IS NULL GROUP BY c.category ORDER BY c.category",
    )
    .fetch_all(&store.pool)
    .await
    .unwrap()
}

pub(crate) async fn categories_tallied(
    store: &crate::store::Store,
    scope: Option<&[String]>,
) -> Vec<(String, i64)> {
    store
        .dashboard_activity(scope, "2026-01-01")
        .await
        .unwrap()
        .persons_by_category
}

#[tokio::test]
async fn the_person_tallies_follow_categories_moves_restrictions_and_merges() {
    let o = Office::new().await;
    let store = &o.cx.store;
    let here = o.residents(REJASARI, 4, 1).await;
    let there = o.residents(BINANGUN, 3, 2).await;
    assert_eq!(
        categories_tallied(store, None).await,
        categories_counted(store).await
    );
    assert_eq!(
        categories_tallied(store, None).await,
        vec![("fakir_miskin".to_string(), 7)]
    );
    let (p, q, r) = (here[0], here[1], there[0]);
    for sql in [
        format!("INSERT INTO person_categories (person_id, category) VALUES ({p}, 'lansia'), ({q}, 'lansia'), ({r}, 'disabilitas')"),
        format!("DELETE FROM person_categories WHERE person_id = {q} AND category = 'fakir_miskin'"),
        format!("UPDATE person_categories SET category = 'wrse' WHERE person_id = {r} AND category = 'disabilitas'"),
        // Moved to the other kecamatan, restricted, restricted again, lifted.
        format!("UPDATE persons SET village_code = (SELECT village_code FROM persons WHERE id = {r}), district_code = (SELECT district_code FROM persons WHERE id = {r}) WHERE id = {p}"),
        format!("UPDATE persons SET restricted_at = '2026-11-02T00:00:00Z' WHERE id = {q}"),
        format!("UPDATE persons SET restricted_at = '2026-11-03T00:00:00Z' WHERE id = {q}"),
        format!("INSERT INTO person_categories (person_id, category) VALUES ({q}, 'wrse')"),
        format!("UPDATE persons SET restricted_at = NULL WHERE id = {q}"),
        format!("UPDATE persons SET name = 'Tidak dihitung' WHERE id = {r}"),
    ] {
        sqlx::query(&sql).execute(&store.pool).await.unwrap();
        assert_eq!(categories_tallied(store, None).await, categories_counted(store).await, "after {sql}");
    }
    // A merge moves the retired record's categories to the kept one.
    crate::duplicates::merge(&o.cx, &o.kabid, here[2], here[3])
        .await
        .unwrap();
    assert_eq!(
        categories_tallied(store, None).await,
        categories_counted(store).await,
        "after a merge"
    );
    // An area reads its own kecamatan's tallies.
    let rejasari = vec![REJASARI[..8].to_string()];
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM person_categories c JOIN persons p ON p.id = c.person_id
         WHERE p.restricted_at IS NULL AND p.district_code = '{}'",
        &rejasari[0]
    ))
    .fetch_one(&store.pool)
    .await
    .unwrap();
    let area: i64 = categories_tallied(store, Some(&rejasari))
        .await
        .iter()
        .map(|c| c.1)
        .sum();
    assert_eq!(area, n);
    store.tallies_fold().await.unwrap();
    assert_eq!(
        categories_tallied(store, None).await,
        categories_counted(store).await,
        "after the fold"
    );
}
