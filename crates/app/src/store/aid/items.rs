//! The goods catalogue and packages of goods.
use super::*;

impl Store {
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

    pub async fn item_list(&self) -> Result<Vec<Item>> {
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

    pub async fn package_list(
        &self,
    ) -> Result<Vec<(i64, String, Option<String>, Vec<(i64, i64)>)>> {
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
}
