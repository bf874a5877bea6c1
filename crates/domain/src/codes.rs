//! Enums stored and sent as codes (`"kepala_bidang"`, `"approved"`): one macro gives each
//! its code, its parsing with the message for a wrong one, its catalogue label, the list
//! of all values, serde by code, `TryFrom<String>` (for reading a database column) and
//! comparison with a code. `read = …` lets parsing accept how people also write a value.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident, $invalid:expr, $prefix:literal, { $($v:ident => $code:literal),* $(,)? }
     $(, read = $read:expr)?) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $(#[serde(rename = $code)] $v),* }

        impl $name {
            pub const ALL: [$name; [$($code),*].len()] = [$($name::$v),*];
            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code),* }
            }
            pub fn parse(s: &str) -> Result<$name, $crate::Msg> {
                let s = s.trim();
                // `read`: how people also write a value (`m` for `L`), made into its code.
                $(let read: String = ($read)(s); let s = read.as_str();)?
                Self::ALL.into_iter().find(|x| x.code() == s).ok_or_else(|| ($invalid)(s))
            }
            /// Catalogue key of the display name.
            pub fn label_key(self) -> &'static str {
                match self { $($name::$v => concat!($prefix, $code)),* }
            }
            /// (code, display name) of every value, for a select box.
            pub fn options(lang: $crate::Lang) -> Vec<(&'static str, &'static str)> {
                Self::ALL.iter().map(|x| (x.code(), lang.t(x.label_key()))).collect()
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::Msg;
            fn try_from(s: String) -> Result<$name, $crate::Msg> {
                $name::parse(&s)
            }
        }

        /// A value equals its code (`state == "approved"`).
        impl PartialEq<&str> for $name {
            fn eq(&self, code: &&str) -> bool {
                self.code() == *code
            }
        }
    };
}

/// A yes/no field as JSON sends it (`true`) or as a form does: a ticked checkbox sends
/// `on` (or its value), a yes/no select `1`/`0`; an unticked one sends nothing.
pub fn yes_no<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("true/false, or a checkbox's on")
        }
        fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
            match v.trim() {
                "on" | "1" | "true" | "ya" | "yes" => Ok(true),
                "" | "0" | "false" | "tidak" | "no" | "off" => Ok(false),
                _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
            }
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct F {
        #[serde(default, deserialize_with = "super::yes_no")]
        x: bool,
    }

    #[test]
    fn yes_no_reads_json_and_forms() {
        let j = |s: &str| serde_json::from_str::<F>(s).map(|f| f.x).ok();
        assert_eq!(
            [j(r#"{"x": true}"#), j(r#"{"x": false}"#), j("{}")],
            [Some(true), Some(false), Some(false)]
        );
        assert_eq!(j(r#"{"x": "maybe"}"#), None);
        assert_eq!(j(r#"{"x": "on"}"#), Some(true));
    }

    #[test]
    fn read_accepts_how_people_also_write_a_code() {
        use crate::nik::Sex;
        let sexes: Vec<_> = ["L", "m", " p ", "F"].map(|s| Sex::parse(s).ok()).into();
        assert_eq!(
            sexes,
            [
                Some(Sex::Male),
                Some(Sex::Male),
                Some(Sex::Female),
                Some(Sex::Female)
            ]
        );
        assert!(Sex::parse("x").is_err());
        assert_eq!(crate::Lang::parse("EN").ok(), Some(crate::Lang::En));
        // Without `read`, a code is exact.
        assert!(crate::Role::parse("ADMIN").is_err());
    }
}
