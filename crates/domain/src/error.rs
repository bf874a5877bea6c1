use std::collections::BTreeMap;

/// A translatable message: a catalogue key and positional arguments (`{0}`, `{1}`).
/// Kept (serialised) as its key and arguments, so that it is read in the reader's
/// language; a key the catalogue does not know does not deserialise.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<String>,
}

#[derive(serde::Deserialize)]
struct KeptMsg {
    key: String,
    #[serde(default)]
    args: Vec<String>,
}

impl<'de> serde::Deserialize<'de> for Msg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Msg, D::Error> {
        let m = KeptMsg::deserialize(d)?;
        let key = crate::i18n::key(&m.key)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown message {}", m.key)))?;
        Ok(Msg { key, args: m.args })
    }
}

impl Msg {
    pub fn new(key: &'static str) -> Self {
        Msg {
            key,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, a: impl ToString) -> Self {
        self.args.push(a.to_string());
        self
    }
    pub fn text(&self, lang: crate::Lang) -> String {
        let mut s = lang.t(self.key).to_string();
        for (i, a) in self.args.iter().enumerate() {
            s = s.replace(&format!("{{{i}}}"), a);
        }
        s
    }
}

/// In English, for logs and for errors that leave the program (a database column that
/// does not hold a known code).
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::Lang::En))
    }
}

impl std::error::Error for Msg {}

/// Invalid input: one message per field. Empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invalid {
    pub fields: BTreeMap<String, Msg>,
}

impl Invalid {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn field(field: &str, msg: Msg) -> Self {
        let mut i = Self::new();
        i.add(field, msg);
        i
    }
    /// Keeps the first message of a field: it is usually the most basic problem.
    pub fn add(&mut self, field: &str, msg: Msg) {
        self.fields.entry(field.to_string()).or_insert(msg);
    }
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
    /// Collects the error of a parse into this set, returning the value if it parsed.
    pub fn check<T>(&mut self, field: &str, r: Result<T, Msg>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                self.add(field, m);
                None
            }
        }
    }
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .fields
            .iter()
            .map(|(k, m)| format!("{k}: {}", m.text(crate::Lang::En)))
            .collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for Invalid {}
