//! Demo data for `serve --demo`: deterministic, loaded once (a second run changes nothing).
use domain::area::RegencyCode;
use domain::user::Username;
use domain::{Areas, DistrictCode, Lang, Role};
use store::users::NewUser;
use store::{Actor, Store};

/// The password of every demo account (printed at start; demo only).
pub const PASSWORD: &str = "demo-banjar-2012";

/// Creates the demo accounts that do not exist yet; returns all of them with their roles.
pub async fn load(
    store: &Store,
    areas: &Areas,
    region: &RegencyCode,
) -> Result<Vec<(String, String)>, String> {
    let districts: Vec<DistrictCode> = areas
        .children(region.as_str())
        .iter()
        .filter_map(|d| DistrictCode::parse(&d.code).ok())
        .collect();
    // In Kota Banjar: Langensari (most KUBE) and Pataruman.
    let pick = |name: &str, fallback: usize| {
        districts
            .iter()
            .find(|d| areas.name(d.as_str()).eq_ignore_ascii_case(name))
            .or_else(|| districts.get(fallback))
            .cloned()
    };
    let langensari = pick("Langensari", 0);
    let pataruman = pick("Pataruman", 1);
    let accounts: Vec<(&str, Role, Vec<DistrictCode>)> = vec![
        ("admin", Role::Admin, vec![]),
        ("kabid", Role::KepalaBidang, vec![]),
        ("operator", Role::Operator, vec![]),
        (
            "pendamping.langensari",
            Role::Pendamping,
            langensari.into_iter().collect(),
        ),
        (
            "pendamping.pataruman",
            Role::Pendamping,
            pataruman.into_iter().collect(),
        ),
        ("auditor", Role::Auditor, vec![]),
    ];
    let actor = Actor {
        user_id: None,
        username: "(demo)".into(),
    };
    let mut out = Vec::new();
    let hash = web::auth::hash_password(PASSWORD);
    for (name, role, ds) in accounts {
        if store.user_by_name(name).await.is_err() {
            let username = Username::parse(name).map_err(|m| m.text(Lang::En))?;
            store
                .user_create(
                    &actor,
                    NewUser {
                        username,
                        password_hash: hash.clone(),
                        role,
                        districts: ds.clone(),
                        lang: Lang::Id,
                    },
                )
                .await
                .map_err(|e| format!("demo user {name}: {e}"))?;
        }
        let areas_text: Vec<&str> = ds.iter().map(|d| areas.name(d.as_str())).collect();
        let label = if areas_text.is_empty() {
            role.as_str().to_string()
        } else {
            format!("{} ({})", role.as_str(), areas_text.join(", "))
        };
        out.push((name.to_string(), label));
    }
    Ok(out)
}
