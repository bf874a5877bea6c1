//! Proposals of KUBE for in-kind aid: draft → submitted → verified → approved/rejected →
//! delivered → closed, with the budget check at approval, the technical-guidance check
//! at delivery, and the handover minutes (BAST) as PDF.
use crate::auth::{Authed, Session};
use crate::error::{AppError, AppResult};
use crate::page::{self, html, Ctx, FormErrors, PageAuth, Pager};
use crate::persons::today;
use crate::AppState;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use domain::aid::{rupiah_in_words, Action, ProposalState};
use domain::money::Rupiah;
use domain::{Invalid, Lang, Msg};
use serde::{Deserialize, Serialize};
use store::aid::{Delivery, ProposalDetail, ProposalFilter};
use store::Paging;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

pub fn routes() -> crate::Routes {
    crate::Routes::new()
        .route("/proposals", get(list_page).post(create_form))
        .route("/proposals/new", get(new_page))
        .route("/proposals/{id}", get(detail_page))
        .route("/proposals/{id}/act/{action}", post(act_form))
        .route("/proposals/{id}/bast.pdf", get(bast))
}

pub(crate) fn api_routes(r: crate::api::ApiRouter) -> crate::api::ApiRouter {
    r.routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
        .routes(routes!(api_act))
        .routes(routes!(api_bast))
        .routes(routes!(api_assets))
}

#[derive(Serialize, ToSchema)]
pub struct AssetOut {
    pub item_id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub value: i64,
    pub acquired_on: String,
    pub proposal_id: Option<i64>,
}

pub(crate) async fn assets(state: &AppState, kube_id: i64) -> AppResult<Vec<AssetOut>> {
    Ok(state
        .store
        .kube_assets(kube_id)
        .await?
        .into_iter()
        .map(AssetOut::from)
        .collect())
}

impl From<store::aid::Asset> for AssetOut {
    fn from(a: store::aid::Asset) -> AssetOut {
        AssetOut {
            value: a.quantity * a.unit_price,
            item_id: a.item_id,
            name: a.name,
            unit: a.unit,
            quantity: a.quantity,
            unit_price: a.unit_price,
            acquired_on: a.acquired_on,
            proposal_id: a.proposal_id,
        }
    }
}

/// The group's asset register: goods received through delivered proposals.
#[utoipa::path(get, path = "/api/v1/kube/{id}/assets", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AssetOut>), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_assets(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<AssetOut>>> {
    crate::kube_in_scope(&state, &s, id).await?;
    Ok(Json(assets(&state, id).await?))
}

#[derive(Deserialize, Serialize, ToSchema, Clone)]
pub struct ItemQty {
    pub item_id: i64,
    pub quantity: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct ProposalCreate {
    pub kube_id: i64,
    pub programme_id: i64,
    pub items: Vec<ItemQty>,
    pub justification: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalItemOut {
    pub item_id: i64,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub subtotal: i64,
    pub delivered_quantity: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub username: String,
    pub note: Option<String>,
    pub at: String,
    /// The same person took this step and the one it checks (the office's option for
    /// very small offices allowed it).
    pub same_person: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalOut {
    pub id: i64,
    pub kube_id: i64,
    pub programme_id: i64,
    /// `draft`, `submitted`, `verified`, `approved`, `rejected`, `delivered`, `closed`
    pub state: String,
    pub total: i64,
    pub delivered_total: i64,
    pub justification: String,
    pub reason: Option<String>,
    pub delivered_on: Option<String>,
    pub receiver: Option<String>,
    pub place: Option<String>,
    pub bast_number: Option<String>,
    pub items: Vec<ProposalItemOut>,
    pub events: Vec<EventOut>,
}

fn out(d: ProposalDetail) -> ProposalOut {
    let p = d.proposal;
    ProposalOut {
        id: p.id,
        kube_id: p.kube_id,
        programme_id: p.programme_id,
        state: p.state,
        total: p.total,
        delivered_total: p.delivered_total,
        justification: p.justification,
        reason: p.reason,
        delivered_on: p.delivered_on,
        receiver: p.receiver,
        place: p.place,
        bast_number: p.bast_number,
        items: d
            .items
            .into_iter()
            .map(|i| ProposalItemOut {
                subtotal: i.quantity * i.unit_price,
                item_id: i.item_id,
                name: i.name,
                unit: i.unit,
                quantity: i.quantity,
                unit_price: i.unit_price,
                delivered_quantity: i.delivered_quantity,
            })
            .collect(),
        events: d
            .events
            .into_iter()
            .map(|e| EventOut {
                action: e.action,
                from_state: e.from_state,
                to_state: e.to_state,
                username: e.username,
                note: e.note,
                at: e.at,
                same_person: e.same_person != 0,
            })
            .collect(),
    }
}

async fn visible(state: &AppState, s: &Session, id: i64) -> AppResult<ProposalDetail> {
    Ok(app::scope::proposal(&state.app(), &s.caller(), id).await?)
}

async fn create(state: &AppState, s: &Session, b: &ProposalCreate) -> AppResult<ProposalDetail> {
    s.require_write()?;
    let mut inv = Invalid::new();
    let k = match crate::kube_in_scope(state, s, b.kube_id).await {
        Ok(k) => Some(k),
        Err(_) => {
            inv.add("kube_id", Msg::new("error.not_found"));
            None
        }
    };
    if k.as_ref().is_some_and(|k| k.stage == "bubar") {
        inv.add("kube_id", Msg::new("kube.dissolved"));
    }
    let items: Vec<&ItemQty> = b.items.iter().filter(|i| i.quantity != 0).collect();
    if items.is_empty() {
        inv.add("items", Msg::new("proposal.no_items"));
    }
    if let Some(m) = items
        .iter()
        .find_map(|i| domain::aid::check_quantity(i.quantity).err())
    {
        inv.add("items", m);
    }
    if b.justification.trim().is_empty() {
        inv.add("justification", Msg::new("common.required"));
    }
    inv.into_result()?;
    let pairs: Vec<(i64, i64)> = items.iter().map(|i| (i.item_id, i.quantity)).collect();
    Ok(state
        .store
        .proposal_create(
            &s.actor(),
            b.kube_id,
            b.programme_id,
            &pairs,
            b.justification.trim(),
        )
        .await?)
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ActBody {
    /// For `reject`: why (required); for others: an optional note.
    pub reason: Option<String>,
    pub note: Option<String>,
    /// For `deliver`.
    pub delivered_on: Option<String>,
    pub receiver: Option<String>,
    pub place: Option<String>,
    /// For `deliver`: the items actually handed over (may be fewer than approved).
    pub items: Option<Vec<ItemQty>>,
}

async fn act(
    state: &AppState,
    s: &Session,
    id: i64,
    action: &str,
    b: &ActBody,
) -> AppResult<ProposalDetail> {
    let action = Action::parse(action).map_err(|m| AppError::invalid("action", m))?;
    let d = visible(state, s, id).await?;
    if !action.allowed(s.role()) {
        return Err(AppError::Forbidden);
    }
    let mut delivery = None;
    if action == Action::Deliver {
        let mut inv = Invalid::new();
        let on = match b.delivered_on.as_deref() {
            Some(d) if !d.trim().is_empty() => {
                inv.check("delivered_on", domain::person::parse_date(d))
            }
            _ => {
                inv.add("delivered_on", Msg::new("common.required"));
                None
            }
        };
        if on.is_some_and(|d| d > today()) {
            inv.add("delivered_on", Msg::new("visit.in_future"));
        }
        let receiver = b.receiver.as_deref().map(str::trim).unwrap_or("");
        if receiver.is_empty() {
            inv.add("receiver", Msg::new("common.required"));
        }
        let items: Vec<(i64, i64)> = match &b.items {
            Some(items) => items.iter().map(|i| (i.item_id, i.quantity)).collect(),
            None => d.items.iter().map(|i| (i.item_id, i.quantity)).collect(),
        };
        inv.into_result()?;
        // Goods only after technical guidance of the group's business.
        if ProposalState::parse(&d.proposal.state).ok() == Some(ProposalState::Approved) {
            let g = crate::visits::guidance(state, d.proposal.kube_id).await?;
            if !g.completed {
                let why = g
                    .reasons
                    .iter()
                    .map(|m| m.text(Lang::Id))
                    .collect::<Vec<_>>()
                    .join("; ");
                return Err(AppError::Conflict {
                    field: "kube_id".into(),
                    msg: Msg::new("proposal.no_guidance").arg(why),
                });
            }
        }
        delivery = Some(Delivery {
            delivered_on: on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            receiver: receiver.to_string(),
            place: b.place.clone().filter(|p| !p.trim().is_empty()),
            items,
        });
    }
    let note = b
        .reason
        .as_deref()
        .or(b.note.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty());
    Ok(state
        .store
        .proposal_act(
            &s.actor(),
            s.role(),
            id,
            action,
            note,
            delivery.as_ref(),
            state.config.allow_same_person,
        )
        .await?)
}

#[derive(Deserialize, IntoParams, Default)]
pub struct ListQuery {
    pub state: Option<String>,
    pub programme_id: Option<i64>,
    pub kube_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Proposals of the KUBE the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "aid", params(ListQuery), responses((status = 200, body = crate::api::ListOf<ProposalOut>)))]
pub(crate) async fn api_list(
    State(state): State<AppState>,
    Authed(s): Authed,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<crate::api::ListOf<ProposalOut>>> {
    let f = ProposalFilter {
        state: q.state.clone(),
        programme_id: q.programme_id,
        kube_id: q.kube_id,
    };
    let page = state
        .store
        .proposals(&f, s.district_scope(), Paging::new(q.limit, q.offset))
        .await?;
    Ok(Json(crate::api::ListOf::from_page(page, |p| {
        out(ProposalDetail {
            proposal: p,
            items: Vec::new(),
            events: Vec::new(),
        })
    })))
}

/// A KUBE proposes goods from the catalogue under a programme: a draft.
#[utoipa::path(post, path = "/api/v1/proposals", tag = "aid", request_body = ProposalCreate,
    responses((status = 201, body = ProposalOut), (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_create(
    State(state): State<AppState>,
    Authed(s): Authed,
    Json(b): Json<ProposalCreate>,
) -> AppResult<Response> {
    let d = create(&state, &s, &b).await?;
    Ok((StatusCode::CREATED, Json(out(d))).into_response())
}

/// A proposal with its items and history.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalOut), (status = 404, body = crate::api::ErrorBody)))]
pub(crate) async fn api_get(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Json<ProposalOut>> {
    Ok(Json(out(visible(&state, &s, id).await?)))
}

/// One step: `submit`, `verify`, `approve`, `reject` (with `reason`), `deliver` (with
/// `delivered_on`, `items`, `receiver`), `close`. A wrong order, an overspend or a
/// delivery before technical guidance is 409.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/{action}", tag = "aid", params(("id" = i64, Path), ("action" = String, Path)),
    request_body(content = Option<ActBody>),
    responses((status = 200, body = ProposalOut), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody),
              (status = 422, body = crate::api::ErrorBody)))]
pub(crate) async fn api_act(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path((id, action)): Path<(i64, String)>,
    body: axum::body::Bytes,
) -> AppResult<Json<ProposalOut>> {
    let b: ActBody = if body.is_empty() {
        ActBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|_| AppError::BadRequest(Msg::new("error.bad_request")))?
    };
    Ok(Json(out(act(&state, &s, id, &action, &b).await?)))
}

/// The handover minutes (BAST) of a delivered proposal.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/bast.pdf", tag = "aid", params(("id" = i64, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf"), (status = 409, body = crate::api::ErrorBody)))]
pub(crate) async fn api_bast(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    bast_response(&state, &s, id).await
}

async fn bast(
    State(state): State<AppState>,
    Authed(s): Authed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    bast_response(&state, &s, id).await
}

async fn bast_response(state: &AppState, s: &Session, id: i64) -> AppResult<Response> {
    let d = visible(state, s, id).await?;
    let st = ProposalState::parse(&d.proposal.state).map_err(|_| AppError::Internal)?;
    if !matches!(st, ProposalState::Delivered | ProposalState::Closed) {
        return Err(AppError::Conflict {
            field: "state".into(),
            msg: Msg::new("proposal.wrong_order").arg("bast").arg(st.code()),
        });
    }
    let k = state.store.kube_detail(d.proposal.kube_id).await?;
    let (prog, _) = state.store.programme(d.proposal.programme_id).await?;
    let bytes = bast_pdf(state, &d, &k, &prog);
    let name = format!("BAST-{}.pdf", d.proposal.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
        bytes,
    )
        .into_response())
}

/// Berita Acara Serah Terima: letterhead, number, date, the parties, the goods with
/// quantities, prices and total, the total in words, and signature blocks.
pub fn bast_pdf(
    state: &AppState,
    d: &ProposalDetail,
    k: &store::kube::KubeDetail,
    prog: &store::aid::Programme,
) -> Vec<u8> {
    use pdf::{Align, Font};
    let cfg = &state.config;
    let p = &d.proposal;
    let mut doc = crate::documents::document(
        state,
        &format!("BAST {}", p.bast_number.as_deref().unwrap_or("")),
    );
    let mut pg = doc.page();
    let (l, r) = (crate::documents::LEFT, crate::documents::RIGHT);
    let mid = pdf::WIDTH / 2.0;
    let mut y = crate::documents::letterhead(&mut pg, state);
    pg.text(
        mid,
        y,
        12.0,
        Font::Bold,
        Align::Center,
        "BERITA ACARA SERAH TERIMA BARANG",
    );
    y -= 14.0;
    pg.text(
        mid,
        y,
        10.0,
        Font::Regular,
        Align::Center,
        &format!("Nomor: {}", p.bast_number.as_deref().unwrap_or("-")),
    );
    y -= 26.0;
    let date = p
        .delivered_on
        .as_deref()
        .and_then(|d| domain::person::parse_date(d).ok())
        .map(domain::aid::tanggal)
        .unwrap_or_default();
    let place = p
        .place
        .clone()
        .unwrap_or_else(|| state.areas.name(&k.kube.village_code).to_string());
    for line in pdf::wrap(
        &format!("Pada hari ini, tanggal {date}, bertempat di {place}, yang bertanda tangan di bawah ini:"),
        r - l,
        10.0,
        Font::Regular,
    ) {
        pg.text(l, y, 10.0, Font::Regular, Align::Left, &line);
        y -= 14.0;
    }
    y -= 4.0;
    pg.text(l, y, 10.0, Font::Bold, Align::Left, "PIHAK PERTAMA");
    pg.text(
        l + 110.0,
        y,
        10.0,
        Font::Regular,
        Align::Left,
        &format!(": {}", cfg.office_name),
    );
    y -= 14.0;
    pg.text(l, y, 10.0, Font::Bold, Align::Left, "PIHAK KEDUA");
    pg.text(
        l + 110.0,
        y,
        10.0,
        Font::Regular,
        Align::Left,
        &format!(
            ": {}, atas nama {}",
            p.receiver.as_deref().unwrap_or("-"),
            k.kube.name
        ),
    );
    y -= 14.0;
    pg.text(
        l + 110.0,
        y,
        10.0,
        Font::Regular,
        Align::Left,
        &format!(
            "  {} · {}, {}",
            k.kube.registration_number,
            state.areas.name(&k.kube.village_code),
            state.areas.name(&k.kube.district_code)
        ),
    );
    y -= 20.0;
    for line in pdf::wrap(
        &format!("PIHAK PERTAMA menyerahkan kepada PIHAK KEDUA bantuan dalam bentuk barang dari program {} tahun {} ({}), dengan rincian:",
            prog.name,
            prog.year,
            domain::kube::FundingSource::parse(&prog.funding_source).map(|f| Lang::Id.t(f.label_key())).unwrap_or("")
        ),
        r - l,
        10.0,
        Font::Regular,
    ) {
        pg.text(l, y, 10.0, Font::Regular, Align::Left, &line);
        y -= 14.0;
    }
    y -= 6.0;
    // The item table: six cells between seven edges; numbers right-aligned.
    let edges = [l, l + 24.0, l + 200.0, l + 250.0, l + 300.0, l + 395.0, r];
    let right = [false, false, true, false, true, true];
    let cell = |pg: &mut pdf::Page, i: usize, y: f64, font: Font, s: &str| {
        if right[i] {
            pg.text(edges[i + 1] - 4.0, y, 9.0, font, Align::Right, s);
        } else {
            pg.text(edges[i] + 3.0, y, 9.0, font, Align::Left, s);
        }
    };
    pg.line(l, y + 12.0, r, y + 12.0, 0.8);
    for (i, h) in [
        "No",
        "Nama barang",
        "Jumlah",
        "Satuan",
        "Harga satuan",
        "Jumlah harga",
    ]
    .iter()
    .enumerate()
    {
        cell(&mut pg, i, y, Font::Bold, h);
    }
    y -= 6.0;
    pg.line(l, y, r, y, 0.8);
    y -= 12.0;
    let mut total = 0;
    for (n, it) in d
        .items
        .iter()
        .filter(|i| i.delivered_quantity.unwrap_or(0) > 0)
        .enumerate()
    {
        let q = it.delivered_quantity.unwrap_or(0);
        let sub = q * it.unit_price;
        total += sub;
        let texts = [
            (n + 1).to_string(),
            it.name.clone(),
            q.to_string(),
            it.unit.clone(),
            Rupiah::new(it.unit_price).to_string(),
            Rupiah::new(sub).to_string(),
        ];
        for (i, t) in texts.iter().enumerate() {
            cell(&mut pg, i, y, Font::Regular, t);
        }
        y -= 14.0;
    }
    pg.line(l, y + 8.0, r, y + 8.0, 0.8);
    y -= 4.0;
    pg.text(edges[5] - 4.0, y, 10.0, Font::Bold, Align::Right, "TOTAL");
    pg.text(
        r - 4.0,
        y,
        10.0,
        Font::Bold,
        Align::Right,
        &Rupiah::new(total).to_string(),
    );
    y -= 18.0;
    for line in pdf::wrap(
        &format!("Terbilang: {}", rupiah_in_words(Rupiah::new(total))),
        r - l,
        10.0,
        Font::Regular,
    ) {
        pg.text(l, y, 10.0, Font::Regular, Align::Left, &line);
        y -= 14.0;
    }
    y -= 6.0;
    for line in pdf::wrap(
        "Barang tersebut menjadi aset kelompok, bukan milik perorangan anggota, dan digunakan untuk usaha bersama. Berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.",
        r - l,
        10.0,
        Font::Regular,
    ) {
        pg.text(l, y, 10.0, Font::Regular, Align::Left, &line);
        y -= 14.0;
    }
    y -= 30.0;
    let left_x = l + 80.0;
    let right_x = r - 80.0;
    pg.text(left_x, y, 10.0, Font::Bold, Align::Center, "PIHAK KEDUA");
    pg.text(right_x, y, 10.0, Font::Bold, Align::Center, "PIHAK PERTAMA");
    y -= 12.0;
    pg.text(
        left_x,
        y,
        9.0,
        Font::Regular,
        Align::Center,
        &format!("Ketua {}", k.kube.name),
    );
    pg.text(
        right_x,
        y,
        9.0,
        Font::Regular,
        Align::Center,
        &cfg.office_name,
    );
    y -= 60.0;
    pg.line(left_x - 70.0, y, left_x + 70.0, y, 0.5);
    pg.line(right_x - 70.0, y, right_x + 70.0, y, 0.5);
    y -= 12.0;
    pg.text(
        left_x,
        y,
        9.0,
        Font::Regular,
        Align::Center,
        p.receiver.as_deref().unwrap_or(""),
    );
    pg.text(
        right_x,
        y,
        9.0,
        Font::Regular,
        Align::Center,
        "Kepala Bidang",
    );
    pg.finish();
    doc.to_bytes()
}

// ---------- pages ----------

fn state_label(lang: Lang, code: &str) -> &'static str {
    ProposalState::parse(code)
        .map(|s| lang.t(s.label_key()))
        .unwrap_or("")
}

pub struct Row {
    pub id: i64,
    pub kube: String,
    pub programme: String,
    pub total: String,
    pub state: String,
    pub state_label: &'static str,
}

#[derive(askama::Template)]
#[template(path = "proposals.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    pager: Pager,
    states: Vec<(&'static str, &'static str)>,
    q_state: String,
}

async fn list_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let f = ProposalFilter {
        state: q.state.clone(),
        programme_id: q.programme_id,
        kube_id: q.kube_id,
    };
    let page = state
        .store
        .proposals(&f, s.district_scope(), Paging::new(Some(50), q.offset))
        .await?;
    let pager = Pager::new(&page, "/proposals", &page::query_pairs(&uri));
    let programmes: std::collections::HashMap<i64, String> = state
        .store
        .programmes(None)
        .await?
        .into_iter()
        .map(|(p, _)| (p.id, p.name))
        .collect();
    let mut rows = Vec::new();
    for p in page.items {
        let kube = state
            .store
            .kube_get(p.kube_id)
            .await
            .map(|k| k.name)
            .unwrap_or_default();
        rows.push(Row {
            id: p.id,
            kube,
            programme: programmes.get(&p.programme_id).cloned().unwrap_or_default(),
            total: Rupiah::new(p.total).to_string(),
            state_label: state_label(ctx.lang, &p.state),
            state: p.state,
        });
    }
    let lang = ctx.lang;
    let states = ProposalState::ALL
        .iter()
        .map(|s| (s.code(), lang.t(s.label_key())))
        .collect();
    Ok(html(&ListPage {
        rows,
        pager,
        states,
        q_state: q.state.unwrap_or_default(),
        ctx,
    })?
    .into_response())
}

#[derive(askama::Template)]
#[template(path = "proposal_form.html")]
struct FormPage {
    ctx: Ctx,
    kube: store::kube::Kube,
    programmes: Vec<(i64, String)>,
    programme_id: i64,
    items: Vec<(i64, String, String, String, i64)>,
    packages: Vec<(i64, String)>,
    justification: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
struct NewQuery {
    kube_id: i64,
    package_id: Option<i64>,
    programme_id: Option<i64>,
}

#[allow(clippy::too_many_arguments)] // the form page's parts, each from its own source
async fn form(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    kube_id: i64,
    programme_id: i64,
    quantities: &[(i64, i64)],
    justification: String,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let kube = crate::kube_in_scope(state, s, kube_id).await?;
    let year = chrono::Datelike::year(&today()) as i64;
    let programmes = state
        .store
        .programmes(None)
        .await?
        .into_iter()
        .filter(|(p, _)| p.target == "kube" && p.year >= year - 1)
        .map(|(p, _)| (p.id, format!("{} ({})", p.name, p.year)))
        .collect();
    let items = state
        .store
        .items()
        .await?
        .into_iter()
        .map(|i| {
            let q = quantities
                .iter()
                .find(|(id, _)| *id == i.id)
                .map(|(_, q)| *q)
                .unwrap_or(0);
            (
                i.id,
                i.name,
                i.unit,
                Rupiah::new(i.unit_price).to_string(),
                q,
            )
        })
        .collect();
    let packages = state
        .store
        .packages()
        .await?
        .into_iter()
        .map(|(id, name, _, _)| (id, name))
        .collect();
    let errors = FormErrors::new(errors, ctx.lang);
    let page = FormPage {
        kube,
        programmes,
        programme_id,
        items,
        packages,
        justification,
        errors,
        ctx,
    };
    Ok((page.errors.status(), html(&page)?).into_response())
}

async fn new_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    s.require_write()?;
    let quantities = match q.package_id {
        Some(pid) => state
            .store
            .packages()
            .await?
            .into_iter()
            .find(|p| p.0 == pid)
            .map(|p| p.3)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    form(
        &state,
        &s,
        ctx,
        q.kube_id,
        q.programme_id.unwrap_or(0),
        &quantities,
        String::new(),
        None,
    )
    .await
}

async fn create_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = page::FormData::parse(&body);
    let get = |k: &str| f.get(k);
    let kube_id: i64 = get("kube_id").parse().unwrap_or(0);
    let programme_id: i64 = get("programme_id").parse().unwrap_or(0);
    let items: Vec<ItemQty> = f
        .pairs()
        .iter()
        .filter_map(|(k, v)| {
            Some(ItemQty {
                item_id: k.strip_prefix("qty_")?.parse().ok()?,
                quantity: v.trim().parse().unwrap_or(0),
            })
        })
        .collect();
    let b = ProposalCreate {
        kube_id,
        programme_id,
        items: items.clone(),
        justification: get("justification"),
    };
    match create(&state, &s, &b).await {
        Ok(d) => {
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/proposals/{}", d.proposal.id),
                ctx.t("proposal.created").into(),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            let q: Vec<(i64, i64)> = items.iter().map(|i| (i.item_id, i.quantity)).collect();
            form(
                &state,
                &s,
                ctx,
                kube_id,
                programme_id,
                &q,
                b.justification,
                Some(&inv),
            )
            .await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "proposal_detail.html")]
struct DetailPage {
    ctx: Ctx,
    p: ProposalOut,
    kube: store::kube::Kube,
    programme: String,
    state_label: &'static str,
    actions: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
    today: String,
    attachments: Vec<crate::attachments::AttachmentOut>,
    can_write: bool,
}

impl DetailPage {
    fn rp(&self, v: &i64) -> String {
        Rupiah::new(*v).to_string()
    }
    fn label(&self, code: &str) -> &'static str {
        state_label(self.ctx.lang, code)
    }
}

async fn render_detail(
    state: &AppState,
    s: &Session,
    ctx: Ctx,
    id: i64,
    errors: Option<&Invalid>,
) -> AppResult<Response> {
    let d = visible(state, s, id).await?;
    let kube = state.store.kube_get(d.proposal.kube_id).await?;
    let (prog, _) = state.store.programme(d.proposal.programme_id).await?;
    let st = ProposalState::parse(&d.proposal.state).map_err(|_| AppError::Internal)?;
    let lang = ctx.lang;
    // Only the steps this caller may take now (not the check of their own step).
    let earlier: Vec<(Action, Option<i64>)> = d
        .events
        .iter()
        .filter_map(|e| Some((Action::parse(&e.action).ok()?, e.user_id)))
        .collect();
    let me = s.actor().user_id;
    let actions = Action::ALL
        .iter()
        .filter(|a| domain::aid::transition(st, **a, s.role()).is_ok())
        .filter(|a| {
            domain::aid::check_duties(**a, me, &earlier, state.config.allow_same_person).is_ok()
        })
        .map(|a| (a.code(), lang.t(a.label_key())))
        .collect();
    let errors = FormErrors::new(errors, lang);
    let page = DetailPage {
        state_label: state_label(lang, st.code()),
        p: out(d),
        kube,
        programme: format!("{} ({})", prog.name, prog.year),
        actions,
        errors,
        today: today().format("%Y-%m-%d").to_string(),
        attachments: crate::attachments::list(state, "proposal", id).await?,
        can_write: s.role().can_write(),
        ctx,
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, html(&page)?).into_response())
}

async fn detail_page(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_detail(&state, &s, ctx, id, None).await
}

async fn act_form(
    State(state): State<AppState>,
    PageAuth { s, ctx }: PageAuth,
    Path((id, action)): Path<(i64, String)>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = page::FormData::parse(&body);
    let get = |k: &str| f.opt(k);
    let items: Vec<ItemQty> = f
        .pairs()
        .iter()
        .filter_map(|(k, v)| {
            Some(ItemQty {
                item_id: k.strip_prefix("qty_")?.parse().ok()?,
                quantity: v.trim().parse().unwrap_or(-1),
            })
        })
        .collect();
    let b = ActBody {
        reason: get("reason"),
        note: get("note"),
        delivered_on: get("delivered_on"),
        receiver: get("receiver"),
        place: get("place"),
        items: if items.is_empty() { None } else { Some(items) },
    };
    match act(&state, &s, id, &action, &b).await {
        Ok(d) => {
            let label = state_label(ctx.lang, &d.proposal.state);
            page::redirect_with_flash(
                &state,
                &s,
                &format!("/proposals/{id}"),
                ctx.tf("proposal.done", &[label.to_string()]),
            )
            .await
        }
        Err(e) => {
            let inv = e.into_form_errors()?;
            render_detail(&state, &s, ctx, id, Some(&inv)).await
        }
    }
}
