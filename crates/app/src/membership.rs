//! The regulation's membership rules applied to persons joining a KUBE: a refusal names
//! the rule (422), unless an officer records a justified exception; unknown facts only
//! warn. The rules themselves are `domain::membership`'s, their bounds the office's.
use crate::store::kube::Excepted;
use crate::{Caller, Context, Error, Result};
use domain::membership::{Facts, Finding, HouseholdRole, Occupation, Rule};
use domain::{Invalid, Msg, Role};
use serde::Deserialize;

/// An officer's override of a rule a joining member breaks.
#[derive(Deserialize, utoipa::ToSchema, Clone, Debug)]
pub struct ExceptionIn {
    pub person_id: i64,
    /// The rule overridden (`working_age`, `head_of_household`, `occupation`,
    /// `dtsen_listed`, `dtsen_decile`, `one_per_family_card`); none: every rule the person
    /// breaks.
    pub rule: Option<String>,
    /// Why (required): kept with the membership, shown on the KUBE's page and audited.
    pub reason: String,
}

/// What the rules said of persons who may join: what only warns, and the refusals
/// overridden (to be recorded with the membership).
#[derive(Debug, Default)]
pub struct Judged {
    pub warnings: Vec<Finding>,
    pub excepted: Vec<Excepted>,
}

/// The rules' facts of a person as stored (codes as text; an unreadable code is unknown).
fn facts_of(
    c: &Caller,
    (person_id, birth, role, occupation, kk, decile): crate::store::kube::RuleFacts,
) -> Facts {
    Facts {
        person_id,
        age: crate::persons::age_of(&birth, c.today()),
        household_role: role.and_then(|r| HouseholdRole::parse(&r).ok()),
        occupation: occupation.and_then(|o| Occupation::parse(&o).ok()),
        kk_number: kk,
        decile: decile.map(|d| d as i32),
    }
}

/// The rules' facts of these persons, in order.
async fn facts(cx: &Context, c: &Caller, ids: &[i64]) -> Result<Vec<Facts>> {
    Ok(cx
        .store
        .membership_facts(ids)
        .await?
        .into_iter()
        .map(|f| facts_of(c, f))
        .collect())
}

/// Judges `joining` beside a group's current members (`members`: they count for the
/// family-card rule, but are not judged again). Every refusal not overridden is a field
/// error `member.<person id>` naming the rules; overrides are for officers only.
pub async fn judge(
    cx: &Context,
    c: &Caller,
    members: &[i64],
    joining: &[i64],
    exceptions: &[ExceptionIn],
) -> Result<Judged> {
    let ids: Vec<i64> = members.iter().chain(joining).copied().collect();
    let facts = facts(cx, c, &ids).await?;
    let dtsen_known = cx.store.dtsen_known().await?;
    let findings = domain::membership::check(&cx.settings.membership, &facts, dtsen_known);
    let mut inv = Invalid::new();
    let mut judged = Judged::default();
    let mut refusals: Vec<(i64, Vec<String>)> = Vec::new();
    for f in findings
        .into_iter()
        .filter(|f| joining.contains(&f.person_id))
    {
        if !f.refuses {
            judged.warnings.push(f);
            continue;
        }
        let excepted = exceptions.iter().find(|e| {
            e.person_id == f.person_id
                && e.rule.as_deref().is_none_or(|r| r.trim() == f.rule.code())
                && !e.reason.trim().is_empty()
        });
        match excepted {
            Some(e) if c.role != Role::Pendamping => judged.excepted.push(Excepted {
                person_id: f.person_id,
                rule: f.rule,
                reason: e.reason.trim().chars().take(500).collect(),
            }),
            Some(_) => {
                inv.add(
                    &format!("member.{}", f.person_id),
                    Msg::new("membership.exception_officers"),
                );
            }
            None => {
                let said = format!("{}: {}", c.lang.t(f.rule.label_key()), f.msg.text(c.lang));
                match refusals.iter_mut().find(|(p, _)| *p == f.person_id) {
                    Some((_, r)) => r.push(said),
                    None => refusals.push((f.person_id, vec![said])),
                }
            }
        }
    }
    for e in exceptions {
        if let Some(r) = e.rule.as_deref().filter(|r| !r.trim().is_empty()) {
            if Rule::parse(r).is_err() {
                inv.add("exceptions", Msg::new("membership.rule_invalid"));
            }
        }
    }
    for (person, said) in refusals {
        inv.add(
            &format!("member.{person}"),
            Msg::new("membership.refused").arg(said.join("; ")),
        );
    }
    inv.into_result().map_err(Error::from)?;
    Ok(judged)
}

pub use crate::store::kube::MemberException;

/// A member and what a rule says of them now.
#[derive(Debug, Clone)]
pub struct Noted {
    pub person_id: i64,
    pub name: String,
    pub finding: Finding,
}

/// A group's members under the rules: the exceptions recorded, the members who break a
/// rule without one (data from before the rule or the bound: listed, never changed), and
/// what is unknown.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    pub exceptions: Vec<MemberException>,
    pub breaking: Vec<Noted>,
    pub warnings: Vec<Noted>,
}

/// The standing of a group of the caller's area.
pub async fn standing(cx: &Context, c: &Caller, kube_id: i64) -> Result<Standing> {
    let d = crate::scope::kube_detail(cx, c, kube_id).await?;
    standing_of(cx, c, &d).await
}

/// [`standing`] of a group the caller was already allowed to read (its page read it).
pub(crate) async fn standing_of(
    cx: &Context,
    c: &Caller,
    d: &crate::store::kube::KubeDetail,
) -> Result<Standing> {
    let ids: Vec<i64> = d
        .members
        .iter()
        .filter(|m| m.left_on.is_none())
        .map(|m| m.person_id)
        .collect();
    let facts = cx.store.membership_facts(&ids).await?;
    let dtsen_known = cx.store.dtsen_known().await?;
    let exceptions = cx.store.kube_exceptions(d.kube.id).await?;
    Ok(standing_from(cx, c, d, facts, dtsen_known, exceptions))
}

/// [`standing_of`] from the facts of the group's active members (in any order), whether
/// a DTSEN extract was imported, and the exceptions recorded.
pub(crate) fn standing_from(
    cx: &Context,
    c: &Caller,
    d: &crate::store::kube::KubeDetail,
    facts: Vec<crate::store::kube::RuleFacts>,
    dtsen_known: bool,
    exceptions: Vec<MemberException>,
) -> Standing {
    // In the members' order, as the page lists them.
    let facts: Vec<Facts> = d
        .members
        .iter()
        .filter(|m| m.left_on.is_none())
        .filter_map(|m| facts.iter().find(|f| f.0 == m.person_id))
        .map(|f| facts_of(c, f.clone()))
        .collect();
    let name_of = |id: i64| {
        d.members
            .iter()
            .find(|m| m.person_id == id)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    let mut s = Standing::default();
    for f in domain::membership::check(&cx.settings.membership, &facts, dtsen_known) {
        let excepted = exceptions
            .iter()
            .any(|e| e.person_id == f.person_id && e.rule == f.rule);
        let noted = Noted {
            person_id: f.person_id,
            name: name_of(f.person_id),
            finding: f,
        };
        match (noted.finding.refuses, excepted) {
            (true, false) => s.breaking.push(noted),
            (false, _) => s.warnings.push(noted),
            (true, true) => {}
        }
    }
    s.exceptions = exceptions;
    s
}

/// A member of an active group who breaks a rule without an exception.
#[derive(Debug, Clone)]
pub struct Breach {
    pub kube_id: i64,
    pub kube_name: String,
    pub district_code: String,
    pub noted: Noted,
}

/// Every member of the active groups of the caller's area (or of one of its kecamatan)
/// who breaks a rule with no exception recorded: data from before a rule or a bound,
/// listed for the office to act on — never changed by the system.
pub async fn breaches(cx: &Context, c: &Caller, district: Option<&str>) -> Result<Vec<Breach>> {
    if district.is_some_and(|d| !c.sees_district(d)) {
        return Ok(Vec::new());
    }
    let roster = cx
        .store
        .membership_roster(district, c.district_scope())
        .await?;
    let excepted = cx.store.membership_exceptions_all().await?;
    let dtsen_known = cx.store.dtsen_known().await?;
    let mut out = Vec::new();
    for group in roster.chunk_by(|a, b| a.kube_id == b.kube_id) {
        let facts: Vec<Facts> = group
            .iter()
            .map(|r| Facts {
                person_id: r.person_id,
                age: crate::persons::age_of(&r.birth_date, c.today()),
                household_role: r
                    .household_role
                    .as_deref()
                    .and_then(|v| HouseholdRole::parse(v).ok()),
                occupation: r
                    .occupation
                    .as_deref()
                    .and_then(|v| Occupation::parse(v).ok()),
                kk_number: r.kk_number.clone(),
                decile: r.dtsen_decile.map(|d| d as i32),
            })
            .collect();
        for f in domain::membership::check(&cx.settings.membership, &facts, dtsen_known) {
            let first = &group[0];
            let waived = excepted
                .iter()
                .any(|(k, p, r)| *k == first.kube_id && *p == f.person_id && r == f.rule.code());
            if !f.refuses || waived {
                continue;
            }
            let name = group
                .iter()
                .find(|r| r.person_id == f.person_id)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            out.push(Breach {
                kube_id: first.kube_id,
                kube_name: first.kube_name.clone(),
                district_code: first.district_code.clone(),
                noted: Noted {
                    person_id: f.person_id,
                    name,
                    finding: f,
                },
            });
        }
    }
    Ok(out)
}
