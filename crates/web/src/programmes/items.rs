//! The goods catalogue and packages: API and the items page.
use super::*;

#[derive(Deserialize, ToSchema)]
pub struct ItemIn {
    pub name: String,
    pub unit: String,
    /// Integer rupiah.
    pub unit_price: i64,
    pub category: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub unit_price: i64,
    pub category: Option<String>,
}

pub(super) async fn item_create(
    state: &AppState,
    s: &Session,
    b: &ItemIn,
) -> AppResult<store::aid::Item> {
    require_office(s)?;
    let mut inv = Invalid::new();
    if b.name.trim().is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    if b.unit.trim().is_empty() {
        inv.add("unit", Msg::new("common.required"));
    }
    if b.unit_price <= 0 {
        inv.add("unit_price", Msg::new("item.price_positive"));
    }
    inv.into_result()?;
    let cat = b
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    Ok(state
        .store
        .item_create(
            &s.actor(),
            b.name.trim(),
            b.unit.trim(),
            Rupiah::new(b.unit_price),
            cat,
        )
        .await?)
}

pub(super) fn item_out(i: store::aid::Item) -> ItemOut {
    ItemOut {
        id: i.id,
        name: i.name,
        unit: i.unit,
        unit_price: i.unit_price,
        category: i.category,
    }
}

/// The goods catalogue.
#[utoipa::path(get, path = "/api/v1/items", tag = "aid", responses((status = 200, body = Vec<ItemOut>)))]
pub(crate) async fn api_items(
    State(state): State<AppState>,
    Authed(_caller): Authed,
) -> AppResult<Json<Vec<ItemOut>>> {
    Ok(Json(
        state
            .store
            .items()
            .await?
            .into_iter()
            .map(item_out)
            .collect(),
    ))
}

/// Add an item to the catalogue.
#[utoipa::path(post, path = "/api/v1/items", tag = "aid", request_body = ItemIn,
    responses((status = 201, body = ItemOut), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_item_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<ItemIn>,
) -> AppResult<Response> {
    let i = item_create(&state, &s, &b).await?;
    Ok((StatusCode::CREATED, Json(item_out(i))).into_response())
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct PackageItem {
    pub item_id: i64,
    pub quantity: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct PackageIn {
    pub name: String,
    pub business_type: Option<String>,
    pub items: Vec<PackageItem>,
}

#[derive(Serialize, ToSchema)]
pub struct PackageOut {
    pub id: i64,
    pub name: String,
    pub business_type: Option<String>,
    pub items: Vec<PackageItem>,
}

/// Package templates (e.g. a goat package) that fill a proposal in one click.
#[utoipa::path(get, path = "/api/v1/packages", tag = "aid", responses((status = 200, body = Vec<PackageOut>)))]
pub(crate) async fn api_packages(
    State(state): State<AppState>,
    Authed(_caller): Authed,
) -> AppResult<Json<Vec<PackageOut>>> {
    Ok(Json(
        state
            .store
            .packages()
            .await?
            .into_iter()
            .map(|(id, name, business_type, items)| PackageOut {
                id,
                name,
                business_type,
                items: items
                    .into_iter()
                    .map(|(item_id, quantity)| PackageItem { item_id, quantity })
                    .collect(),
            })
            .collect(),
    ))
}

/// Create a package template.
#[utoipa::path(post, path = "/api/v1/packages", tag = "aid", request_body = PackageIn,
    responses((status = 201, description = "created"), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_package_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<PackageIn>,
) -> AppResult<Response> {
    require_office(&s)?;
    let known: Vec<i64> = state
        .store
        .items()
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let mut inv = Invalid::new();
    if b.name.trim().is_empty() {
        inv.add("name", Msg::new("common.required"));
    }
    if b.items.is_empty() {
        inv.add("items", Msg::new("proposal.no_items"));
    }
    for i in &b.items {
        if !known.contains(&i.item_id) {
            inv.add("items", Msg::new("item.unknown").arg(i.item_id));
        } else if let Err(m) = domain::aid::check_quantity(i.quantity) {
            inv.add("items", m);
        }
    }
    inv.into_result()?;
    let items: Vec<(i64, i64)> = b.items.iter().map(|i| (i.item_id, i.quantity)).collect();
    let id = state
        .store
        .package_create(
            &s.actor(),
            b.name.trim(),
            b.business_type.as_deref(),
            &items,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": id}))).into_response())
}

#[derive(askama::Template)]
#[template(path = "items.html")]
pub(super) struct ItemsPage {
    ctx: Ctx,
    items: Vec<ItemOut>,
    can_manage: bool,
    errors: FormErrors,
}

impl ItemsPage {
    pub(super) fn rp0(&self, v: &i64) -> String {
        Rupiah::new(*v).to_string()
    }
}

pub(super) async fn render_items(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let items = state
        .store
        .items()
        .await?
        .into_iter()
        .map(item_out)
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let page = ItemsPage {
        items,
        can_manage: require_office(s).is_ok(),
        errors,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

pub(super) async fn items_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
) -> AppResult<Response> {
    render_items(&state, &s, ctx, None).await
}

pub(super) async fn item_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = page::FormData::parse(&body);
    let get = |k: &str| f.get(k);
    let mut inv = Invalid::new();
    let price = num(&mut inv, "unit_price", &get("unit_price")).unwrap_or(0);
    let b = ItemIn {
        name: get("name"),
        unit: get("unit"),
        unit_price: price,
        category: Some(get("category")),
    };
    let r = if inv.is_empty() {
        item_create(&state, &s, &b).await
    } else {
        Err(inv.into())
    };
    match r {
        Ok(i) => {
            page::redirect_with_flash(&state, &s, "/items", ctx.tf("item.created", &[i.name])).await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            render_items(&state, &s, ctx, Some(&inv)).await
        }
    }
}
