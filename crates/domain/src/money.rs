//! Money: integer rupiah, never floating point.
use crate::Msg;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, Hash,
)]
#[serde(transparent)]
pub struct Rupiah(i64);

impl Rupiah {
    pub const ZERO: Rupiah = Rupiah(0);
    pub fn new(v: i64) -> Rupiah {
        Rupiah(v)
    }
    pub fn value(self) -> i64 {
        self.0
    }
    /// Reads what people type: `1500000`, `1.500.000`, `Rp 1.500.000`, `1,500,000`.
    /// Negative amounts and fractions of a rupiah are refused.
    pub fn parse(s: &str) -> Result<Rupiah, Msg> {
        let t = s
            .trim()
            .trim_start_matches("Rp")
            .trim_start_matches("rp")
            .trim();
        if t.is_empty() {
            return Ok(Rupiah(0));
        }
        if t.starts_with('-') {
            return Err(Msg::new("money.negative"));
        }
        let digits: String = t
            .chars()
            .filter(|c| !matches!(c, '.' | ',' | ' '))
            .collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 15 {
            return Err(Msg::new("money.invalid"));
        }
        digits
            .parse()
            .map(Rupiah)
            .map_err(|_| Msg::new("money.invalid"))
    }
    pub fn checked_add(self, o: Rupiah) -> Option<Rupiah> {
        self.0.checked_add(o.0).map(Rupiah)
    }
}

impl std::fmt::Display for Rupiah {
    /// `Rp 1.500.000` (Indonesian thousands separator).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        write!(f, "{}Rp {out}", if self.0 < 0 { "-" } else { "" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn parse_and_show() {
        assert_eq!(Rupiah::parse("Rp 1.500.000").unwrap(), Rupiah(1_500_000));
        assert_eq!(Rupiah::parse("1,500,000").unwrap(), Rupiah(1_500_000));
        assert_eq!(Rupiah::parse("").unwrap(), Rupiah(0));
        assert!(Rupiah::parse("-5").is_err());
        assert!(Rupiah::parse("12a").is_err());
        assert_eq!(Rupiah(150_000_000).to_string(), "Rp 150.000.000");
        assert_eq!(Rupiah(-2_500).to_string(), "-Rp 2.500");
        assert_eq!(Rupiah(0).to_string(), "Rp 0");
    }
}
