//! Guidance and training: kinds of events, and when a KUBE has completed the technical
//! guidance (bimbingan teknis) of its business, which aid delivery depends on.
use crate::kube::MemberRole;
use crate::Msg;

code_enum!(
    TrainingKind, |_| Msg::new("training.kind_invalid"), "training.kind.", {
        BimbinganSosial => "bimbingan_sosial", BimbinganTeknis => "bimbingan_teknis", Pelatihan => "pelatihan",
    }
);

/// A member and whether they attended a technical guidance of the group's business type.
#[derive(Debug, Clone, Copy)]
pub struct MemberGuidance {
    pub role: MemberRole,
    pub attended: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GuidanceStatus {
    pub completed: bool,
    pub attended: usize,
    pub members: usize,
    /// Why it is not complete.
    pub reasons: Vec<Msg>,
}

/// Complete when the three officers and at least `min_share_pct` of the members
/// attended a `bimbingan_teknis` of the KUBE's business type.
pub fn technical_guidance(members: &[MemberGuidance], min_share_pct: i64) -> GuidanceStatus {
    let attended = members.iter().filter(|m| m.attended).count();
    let mut reasons = Vec::new();
    for officer in MemberRole::OFFICERS {
        if !members.iter().any(|m| m.role == officer && m.attended) {
            reasons.push(Msg::new("guidance.officer_missing").arg(officer.code()));
        }
    }
    if members.is_empty() || (attended as i64) * 100 < (members.len() as i64) * min_share_pct {
        reasons.push(
            Msg::new("guidance.share_low")
                .arg(attended)
                .arg(members.len())
                .arg(min_share_pct),
        );
    }
    GuidanceStatus {
        completed: reasons.is_empty(),
        attended,
        members: members.len(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(attended: &[bool]) -> Vec<MemberGuidance> {
        attended
            .iter()
            .enumerate()
            .map(|(i, &a)| MemberGuidance {
                role: MemberRole::OFFICERS
                    .get(i)
                    .copied()
                    .unwrap_or(MemberRole::Anggota),
                attended: a,
            })
            .collect()
    }

    #[test]
    fn officers_and_eighty_percent() {
        let ten_eight = group(&[true, true, true, true, true, true, true, true, false, false]);
        assert!(technical_guidance(&ten_eight, 80).completed);
        let ten_seven = group(&[
            true, true, true, true, true, true, true, false, false, false,
        ]);
        let s = technical_guidance(&ten_seven, 80);
        assert!(!s.completed);
        assert_eq!(s.reasons[0].key, "guidance.share_low");
        // Nine of ten but the bendahara missed it.
        let no_bendahara = group(&[true, true, false, true, true, true, true, true, true, true]);
        let s = technical_guidance(&no_bendahara, 80);
        assert!(!s.completed);
        assert_eq!(s.reasons[0].key, "guidance.officer_missing");
        assert_eq!(s.reasons[0].args, vec!["bendahara"]);
        // The share is a setting.
        assert!(technical_guidance(&ten_seven, 70).completed);
        assert!(!technical_guidance(&[], 80).completed);
    }
}
