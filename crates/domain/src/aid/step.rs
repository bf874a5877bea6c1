//! One decision per step of a proposal: from the proposal as it stands (read under its
//! lock), the action, who acts, what they sent and the facts around it, either the step
//! to apply or the reason it is refused. The store applies the step; the page offers the
//! actions that [`may`] allows.
use super::{check_budget, check_duties, check_quota, transition, Action, ProposalState};
use crate::money::Rupiah;
use crate::{Invalid, Msg, Role};
use chrono::NaiveDate;

/// A proposal as a step is decided on.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub id: i64,
    pub state: ProposalState,
    pub total: Rupiah,
    pub lines: Vec<Line>,
    /// Who took each step so far, oldest first.
    pub steps: Vec<(Action, Option<i64>)>,
}

/// An item of a proposal.
#[derive(Debug, Clone)]
pub struct Line {
    pub item_id: i64,
    pub name: String,
    pub quantity: i64,
    pub unit_price: i64,
}

/// The programme's money, as an approval finds it (read under the programme's lock).
#[derive(Debug, Clone, Copy)]
pub struct Money {
    pub budget: Option<Rupiah>,
    pub committed: Rupiah,
    pub quota: Option<i64>,
    pub quota_used: i64,
}

/// Who acts.
#[derive(Debug, Clone, Copy)]
pub struct Who {
    pub user_id: Option<i64>,
    pub role: Role,
}

/// What the actor sent with the step.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    /// A rejection's reason, or a note to any other step.
    pub note: Option<String>,
    /// A delivery's details; `items` none: everything approved.
    pub delivered_on: Option<String>,
    pub receiver: Option<String>,
    pub place: Option<String>,
    pub items: Option<Vec<(i64, i64)>>,
}

/// What else the decision depends on.
#[derive(Debug, Clone)]
pub struct Facts {
    pub today: NaiveDate,
    /// One person may take a step and its check (very small offices only).
    pub allow_same_person: bool,
    /// The group's technical guidance: done, or what is missing (goods only after it).
    pub guidance: Result<(), Msg>,
    /// The programme's money: read for an approval only.
    pub money: Option<Money>,
}

/// Why a step is not taken.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The role never takes this step.
    Forbidden,
    Invalid(Invalid),
    /// Not now: the state, the order of persons, the missing guidance.
    Conflict(&'static str, Msg),
    /// The programme's budget or quota does not allow it (kept in the audit log).
    OverBudget(&'static str, Msg),
}

/// A delivery as it is recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub on: NaiveDate,
    pub receiver: String,
    pub place: Option<String>,
    /// (item, quantity delivered, unit price) for every line of the proposal.
    pub lines: Vec<(i64, i64, i64)>,
    /// Rupiah of the goods handed over.
    pub total: i64,
    pub bast_number: String,
}

/// The step to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub action: Action,
    pub from: ProposalState,
    pub to: ProposalState,
    /// Taken by the person who took the step it checks (allowed for small offices).
    pub same_person: bool,
    pub note: Option<String>,
    pub handover: Option<Handover>,
}

/// Whether `who` may take `action` now: the order of states, their role, and not the
/// check of their own step. What the page offers.
pub fn may(
    state: ProposalState,
    steps: &[(Action, Option<i64>)],
    action: Action,
    who: Who,
    allow_same_person: bool,
) -> Result<bool, Refusal> {
    transition(state, action, who.role).map_err(|m| Refusal::Conflict("state", m))?;
    check_duties(action, who.user_id, steps, allow_same_person)
        .map_err(|m| Refusal::Conflict("state", m))
}

/// What the facts around a step refuse, whatever the actor sends: goods are handed over
/// only after the group's technical guidance, and an approval must fit the programme's
/// budget and quota. [`decide`] applies it; the page disables a button it refuses and
/// says why, before anyone clicks.
pub fn refused_by_facts(
    state: ProposalState,
    action: Action,
    total: Rupiah,
    facts: &Facts,
) -> Result<(), Refusal> {
    match action {
        Action::Deliver if state == ProposalState::Approved => facts
            .guidance
            .clone()
            .map_err(|why| Refusal::Conflict("kube_id", why)),
        Action::Approve => {
            let m = facts
                .money
                .ok_or(Refusal::Conflict("budget", Msg::new("error.internal")))?;
            check_budget(m.budget, m.committed, total)
                .map_err(|e| Refusal::OverBudget("budget", e))?;
            check_quota(m.quota, m.quota_used).map_err(|e| Refusal::OverBudget("quota", e))
        }
        _ => Ok(()),
    }
}

/// A delivery as sent: the day, the receiver, the (item, quantity) handed over.
type Sent = (NaiveDate, String, Vec<(i64, i64)>);

/// The delivery's details from what was sent, checked.
fn handover_input(p: &Snapshot, input: &StepInput, today: NaiveDate) -> Result<Sent, Refusal> {
    let mut inv = Invalid::new();
    let on = match input.delivered_on.as_deref() {
        Some(d) if !d.trim().is_empty() => inv.check("delivered_on", crate::person::parse_date(d)),
        _ => {
            inv.add("delivered_on", Msg::new("common.required"));
            None
        }
    };
    if on.is_some_and(|d| d > today) {
        inv.add("delivered_on", Msg::new("visit.in_future"));
    }
    let receiver = input.receiver.as_deref().map(str::trim).unwrap_or("");
    if receiver.is_empty() {
        inv.add("receiver", Msg::new("common.required"));
    }
    inv.into_result().map_err(Refusal::Invalid)?;
    let items = match &input.items {
        Some(items) => items.clone(),
        None => p.lines.iter().map(|l| (l.item_id, l.quantity)).collect(),
    };
    let on = on.ok_or_else(|| {
        Refusal::Invalid(Invalid::field("delivered_on", Msg::new("common.required")))
    })?;
    Ok((on, receiver.to_string(), items))
}

/// The one decision about a step of a proposal.
pub fn decide(
    p: &Snapshot,
    action: Action,
    who: Who,
    input: &StepInput,
    facts: &Facts,
) -> Result<Step, Refusal> {
    if !action.allowed(who.role) {
        return Err(Refusal::Forbidden);
    }
    let delivery = if action == Action::Deliver {
        let d = handover_input(p, input, facts.today)?;
        refused_by_facts(p.state, action, p.total, facts)?;
        Some(d)
    } else {
        None
    };
    let same_person = may(p.state, &p.steps, action, who, facts.allow_same_person)?;
    let to = transition(p.state, action, who.role).map_err(|m| Refusal::Conflict("state", m))?;
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from);
    match action {
        Action::Approve => refused_by_facts(p.state, action, p.total, facts)?,
        Action::Reject if note.is_none() => {
            return Err(Refusal::Invalid(Invalid::field(
                "reason",
                Msg::new("proposal.reason_required"),
            )));
        }
        _ => {}
    }
    let handover = match delivery {
        None => None,
        Some((on, receiver, sent)) => {
            let mut lines = Vec::new();
            let mut total = 0;
            for l in &p.lines {
                let qty = sent
                    .iter()
                    .find(|(i, _)| *i == l.item_id)
                    .map(|(_, q)| *q)
                    .unwrap_or(0);
                if qty < 0 || qty > l.quantity {
                    return Err(Refusal::Invalid(Invalid::field(
                        "items",
                        Msg::new("proposal.deliver_more").arg(&l.name),
                    )));
                }
                total += qty * l.unit_price;
                lines.push((l.item_id, qty, l.unit_price));
            }
            Some(Handover {
                bast_number: format!("BAST/{:05}/DINSOS/{}", p.id, on.format("%Y")),
                on,
                receiver,
                place: input.place.clone().filter(|x| !x.trim().is_empty()),
                lines,
                total,
            })
        }
    };
    Ok(Step {
        action,
        from: p.state,
        to,
        same_person,
        note,
        handover,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(state: ProposalState, steps: Vec<(Action, Option<i64>)>) -> Snapshot {
        Snapshot {
            id: 7,
            state,
            total: Rupiah::new(10_000_000),
            lines: vec![Line {
                item_id: 1,
                name: "Kambing".into(),
                quantity: 5,
                unit_price: 2_000_000,
            }],
            steps,
        }
    }

    fn facts() -> Facts {
        Facts {
            today: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            allow_same_person: false,
            guidance: Ok(()),
            money: Some(Money {
                budget: Some(Rupiah::new(15_000_000)),
                committed: Rupiah::new(0),
                quota: None,
                quota_used: 0,
            }),
        }
    }

    const FIELD: Who = Who {
        user_id: Some(5),
        role: Role::Pendamping,
    };
    const HEAD: Who = Who {
        user_id: Some(2),
        role: Role::KepalaBidang,
    };
    const OFFICE: Who = Who {
        user_id: Some(3),
        role: Role::Operator,
    };

    #[test]
    fn the_checker_is_never_the_maker() {
        let p = proposal(ProposalState::Submitted, vec![(Action::Submit, Some(5))]);
        let own = decide(&p, Action::Verify, FIELD, &StepInput::default(), &facts());
        assert!(matches!(own, Err(Refusal::Conflict("state", _))));
        let small = Facts {
            allow_same_person: true,
            ..facts()
        };
        let step = decide(&p, Action::Verify, FIELD, &StepInput::default(), &small).unwrap();
        assert!(step.same_person);
        assert_eq!(step.to, ProposalState::Verified);
        assert_eq!(
            decide(&p, Action::Approve, FIELD, &StepInput::default(), &facts()),
            Err(Refusal::Forbidden)
        );
    }

    #[test]
    fn an_approval_fits_the_budget_and_a_rejection_says_why() {
        let p = proposal(
            ProposalState::Verified,
            vec![(Action::Submit, Some(5)), (Action::Verify, Some(3))],
        );
        let poor = Facts {
            money: Some(Money {
                budget: Some(Rupiah::new(12_000_000)),
                committed: Rupiah::new(4_000_000),
                quota: None,
                quota_used: 0,
            }),
            ..facts()
        };
        assert!(matches!(
            decide(&p, Action::Approve, HEAD, &StepInput::default(), &poor),
            Err(Refusal::OverBudget("budget", _))
        ));
        assert_eq!(
            decide(&p, Action::Approve, HEAD, &StepInput::default(), &facts())
                .unwrap()
                .to,
            ProposalState::Approved
        );
        let silent = decide(&p, Action::Reject, HEAD, &StepInput::default(), &facts());
        assert!(matches!(silent, Err(Refusal::Invalid(i)) if i.fields.contains_key("reason")));
        let why = StepInput {
            note: Some("  Usaha berhenti ".into()),
            ..Default::default()
        };
        assert_eq!(
            decide(&p, Action::Reject, HEAD, &why, &facts())
                .unwrap()
                .note
                .as_deref(),
            Some("Usaha berhenti")
        );
    }

    #[test]
    fn a_delivery_follows_guidance_and_hands_over_at_most_what_was_approved() {
        let p = proposal(ProposalState::Approved, vec![]);
        let missing = decide(&p, Action::Deliver, OFFICE, &StepInput::default(), &facts());
        assert!(
            matches!(missing, Err(Refusal::Invalid(i)) if i.fields.contains_key("delivered_on") && i.fields.contains_key("receiver"))
        );
        let sent = |q| StepInput {
            delivered_on: Some("2026-12-05".into()),
            receiver: Some("Ketua".into()),
            items: Some(vec![(1, q)]),
            ..Default::default()
        };
        let unguided = Facts {
            guidance: Err(Msg::new("guidance.not_completed")),
            ..facts()
        };
        assert!(matches!(
            decide(&p, Action::Deliver, OFFICE, &sent(5), &unguided),
            Err(Refusal::Conflict("kube_id", _))
        ));
        assert!(matches!(
            decide(&p, Action::Deliver, OFFICE, &sent(6), &facts()),
            Err(Refusal::Invalid(_))
        ));
        let h = decide(&p, Action::Deliver, OFFICE, &sent(4), &facts())
            .unwrap()
            .handover
            .unwrap();
        assert_eq!(
            (h.total, h.bast_number.as_str()),
            (8_000_000, "BAST/00007/DINSOS/2026")
        );
        let tomorrow = StepInput {
            delivered_on: Some("2026-12-07".into()),
            ..sent(4)
        };
        assert!(matches!(
            decide(&p, Action::Deliver, OFFICE, &tomorrow, &facts()),
            Err(Refusal::Invalid(_))
        ));
    }
}
