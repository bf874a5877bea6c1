//! The goods catalogue and packages: API and the items page.
use super::*;
use crate::page::Outcome::{Again, Done};

#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub unit_price: i64,
    pub category: Option<String>,
}

pub(super) fn item_out(i: app::programmes::Item) -> ItemOut {
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
    Authed(s): Authed,
) -> AppResult<Json<Vec<ItemOut>>> {
    Ok(Json(
        app::programmes::items(&state.app(), &s.caller())
            .await?
            .into_iter()
            .map(item_out)
            .collect(),
    ))
}

/// Add an item to the catalogue.
#[utoipa::path(post, path = "/api/v1/items", tag = "aid", request_body = ItemIn,
    responses((status = 201, body = ItemOut), (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_item_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<ItemIn>,
) -> AppResult<Response> {
    let i = app::programmes::item_create(&state.app(), &s.caller(), &b).await?;
    Ok((StatusCode::CREATED, Json(item_out(i))).into_response())
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
    Authed(s): Authed,
) -> AppResult<Json<Vec<PackageOut>>> {
    Ok(Json(
        app::programmes::packages(&state.app(), &s.caller())
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
    responses((status = 201, description = "created"), (status = 409, body = crate::schema::ErrorBody), (status = 422, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_package_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    crate::json::JsonIn(b): crate::json::JsonIn<PackageIn>,
) -> AppResult<Response> {
    let id = app::programmes::package_create(&state.app(), &s.caller(), &b).await?;
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
    let items = app::programmes::items(&state.app(), &s.caller())
        .await?
        .into_iter()
        .map(item_out)
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let page = ItemsPage {
        items,
        can_manage: app::programmes::require_office(&s.caller()).is_ok(),
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

/// The catalogue's form: the price as people write it (`Rp 2.000.000`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ItemForm {
    name: String,
    unit: String,
    unit_price: String,
    category: String,
}

pub(super) async fn item_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    page::Form(f): page::Form<ItemForm>,
) -> AppResult<Response> {
    let mut inv = Invalid::new();
    let price = num(&mut inv, "unit_price", &f.unit_price).unwrap_or(0);
    let b = ItemIn {
        name: f.name,
        unit: f.unit,
        unit_price: price,
        category: Some(f.category),
    };
    let r = if inv.is_empty() {
        app::programmes::item_create(&state.app(), &s.caller(), &b).await
    } else {
        Err(inv.into())
    };
    match page::outcome(r)? {
        Done(i) => {
            page::redirect_with_flash(&state, &s, "/items", ctx.tf("item.created", &[i.name])).await
        }
        Again(inv) => render_items(&state, &s, ctx, Some(&inv)).await,
    }
}
