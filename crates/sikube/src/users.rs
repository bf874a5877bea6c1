//! `sikube user`: add, change the password of, disable and enable accounts.
use super::*;

pub(super) async fn user(db: &DbArgs, cmd: UserCmd) -> Result<(), String> {
    let db = open(db).await?;
    let areas = Areas::embedded();
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
            let u = db
                .user_add(NewUser {
                    username: uname,
                    password_hash: app::passwords::hash_password(&password),
                    role,
                    districts: ds,
                    lang,
                    identity: Default::default(),
                })
                .await?;
            println!("user {} created with role {}", u.username, u.role);
            Ok(())
        }
        UserCmd::Passwd { username } => {
            let u = db.user_by_name(&username).await?;
            let password = read_password()?;
            check_password(&password, &u.username).map_err(msg)?;
            db.user_change(
                u.id,
                UserChange {
                    password_hash: Some(app::passwords::hash_password(&password)),
                    ..Default::default()
                },
            )
            .await?;
            println!("password of {} changed", u.username);
            Ok(())
        }
        UserCmd::Disable { username } => set_disabled(&db, &username, true).await,
        UserCmd::Enable { username } => set_disabled(&db, &username, false).await,
        UserCmd::List => {
            for u in db.users().await? {
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
    db: &Installation,
    username: &str,
    disabled: bool,
) -> Result<(), String> {
    let u = db.user_by_name(username).await?;
    db.user_change(
        u.id,
        UserChange {
            disabled: Some(disabled),
            ..Default::default()
        },
    )
    .await?;
    println!(
        "{} {}",
        u.username,
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}
