//! The national area tables: `GET /api/v1/areas?parent=CODE`, and the region's
//! villages for form selects.
use crate::error::{AppError, AppResult};
use crate::session::Authed;
use crate::AppState;
use axum::extract::{Query, State};
use utoipa_axum::routes;

use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub fn routes() -> crate::Routes {
    crate::Routes::new()
}

pub(crate) fn api_routes(r: crate::schema::ApiRouter) -> crate::schema::ApiRouter {
    r.routes(routes!(api_areas))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreasQuery {
    /// Parent code (`32`, `32.79`, `32.79.04`); empty or absent lists the provinces.
    parent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AreaOut {
    pub code: String,
    pub name: String,
    /// `province`, `regency`, `district` or `village`
    pub level: String,
}

/// Child areas of a parent code.
#[utoipa::path(get, path = "/api/v1/areas", tag = "areas", params(AreasQuery),
    responses((status = 200, body = Vec<AreaOut>), (status = 404, body = crate::schema::ErrorBody),
              (status = 401, body = crate::schema::ErrorBody)))]
pub(crate) async fn api_areas(
    State(state): State<AppState>,
    Authed(_caller): Authed,
    Query(q): Query<AreasQuery>,
) -> AppResult<Json<Vec<AreaOut>>> {
    let parent = q.parent.unwrap_or_default();
    let parent = parent.trim();
    if !parent.is_empty() && state.areas.get(parent).is_none() {
        return Err(AppError::App(app::Error::NotFound));
    }
    let out = state
        .areas
        .children(parent)
        .into_iter()
        .map(|a| AreaOut {
            code: a.code.clone(),
            name: a.name.clone(),
            level: serde_json::to_value(a.level)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
        })
        .collect();
    Ok(Json(out))
}
