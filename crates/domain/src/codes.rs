//! Enums stored and sent as codes (`"kepala_bidang"`, `"approved"`): one macro gives each
//! its code, its parsing with the message for a wrong one, its catalogue label, the list
//! of all values, serde by code, `TryFrom<String>` (for reading a database column) and
//! comparison with a code.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident, $invalid:expr, $prefix:literal, { $($v:ident => $code:literal),* $(,)? }) => {
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
