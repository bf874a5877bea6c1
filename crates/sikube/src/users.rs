//! `sikube user`: add, change the password of, disable and enable accounts.
use super::*;

pub(super) async fn user(db: &DbArgs, cmd: UserCmd) -> Result<(), String> {
    let store = open(db).await?;
    let areas = Areas::embedded();
    let actor = Actor::cli(&store.clock());
    match cmd {
        UserCmd::Add {
            username,
            role,
            districts,
            lang,
        } => {
            let uname = Username::parse(&username).map_err(msg)?;
            let role = Role::parse(&role).map_err(|m| {
                format!(
                    "{} (admin, kepala_bidang, operator, pendamping, auditor)",
                    msg(m)
                )
            })?;
            let mut ds = Vec::new();
            for d in &districts {
                ds.push(areas.district(d).map_err(|m| format!("{d}: {}", msg(m)))?);
            }
            domain::user::check_districts(role, &ds).map_err(|e| e.to_string())?;
            let password = read_password()?;
            check_password(&password, uname.as_str()).map_err(msg)?;
            let lang = Lang::parse(&lang).unwrap_or_default();
            let u = store
                .user_create(
                    &actor,
                    NewUser {
                        username: uname,
                        password_hash: app::passwords::hash_password(&password),
                        role,
                        districts: ds,
                        lang,
                    },
                )
                .await
                .map_err(|e| match e {
                    store::StoreError::Conflict { msg: m, .. } => msg(m),
                    e => e.to_string(),
                })?;
            println!("user {} created with role {}", u.username, u.role);
            Ok(())
        }
        UserCmd::Passwd { username } => {
            let u = store
                .user_get_by_name(&username)
                .await
                .map_err(|_| format!("no user {username}"))?;
            let password = read_password()?;
            check_password(&password, &u.username).map_err(msg)?;
            store
                .user_update(
                    &actor,
                    u.id,
                    UserChange {
                        password_hash: Some(app::passwords::hash_password(&password)),
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| e.to_string())?;
            println!("password of {} changed", u.username);
            Ok(())
        }
        UserCmd::Disable { username } => set_disabled(&store, &actor, &username, true).await,
        UserCmd::Enable { username } => set_disabled(&store, &actor, &username, false).await,
        UserCmd::List => {
            let page = store
                .user_list(&UserFilter::default(), Paging::new(Some(500), None))
                .await
                .map_err(|e| e.to_string())?;
            for u in page.items {
                println!(
                    "{:<24} {:<14} {:<9} {}",
                    u.username,
                    u.role.code(),
                    if u.disabled { "disabled" } else { "active" },
                    u.districts.join(",")
                );
            }
            Ok(())
        }
    }
}

pub(super) async fn set_disabled(
    store: &Store,
    actor: &Actor,
    username: &str,
    disabled: bool,
) -> Result<(), String> {
    let u = store
        .user_get_by_name(username)
        .await
        .map_err(|_| format!("no user {username}"))?;
    store
        .user_update(
            actor,
            u.id,
            UserChange {
                disabled: Some(disabled),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{} {}",
        u.username,
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}
