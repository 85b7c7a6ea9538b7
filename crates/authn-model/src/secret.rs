//! A string that must never be shown: tokens of every kind.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A token value. `Debug`, `Display` and `Serialize` all redact it; the only ways to the
/// value are [`Secret::expose`] and the [`expose`] serde helper used by wire request types.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a token value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str())
    }

    /// The token value itself; call only where the value must go on the wire or to a file.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The Pangea prefix (`ptu_`, `ptr_`, `pts_` …) or `jwt` for a JWT, for display.
    pub fn kind(&self) -> &'static str {
        let v = self.expose();
        for p in ["ptu_", "ptr_", "pts_", "pcl_", "pti_"] {
            if v.starts_with(p) {
                return p;
            }
        }
        if v.split('.').count() == 3 { "jwt" } else { "" }
    }

    /// A masked form safe to show anywhere: the prefix only.
    pub fn masked(&self) -> String {
        format!("{}••••••••", self.kind())
    }

    /// True if the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({}[REDACTED])", self.kind())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[REDACTED]", self.kind())
    }
}

/// Serialising a secret by default writes the redacted form, so a model printed as JSON
/// (the detail view, `-o json`, the audit log) can never carry a token value.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// serde `serialize_with` helper for wire request fields, where the value must be sent.
pub fn expose<S: Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose())
}

/// serde `serialize_with` helper for optional secret wire fields.
pub fn expose_opt<S: Serializer>(secret: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(v) => s.serialize_str(v.expose()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str = "ptu_ayw3wncl4z4nf5pmsb7xzwbw6zc5fqv5";

    #[test]
    fn debug_display_and_serialize_redact() {
        let s = Secret::new(V);
        assert!(!format!("{s:?}").contains(V));
        assert!(!format!("{s}").contains(V));
        assert!(!serde_json::to_string(&s).unwrap().contains(V));
        assert_eq!(s.masked(), "ptu_••••••••");
        assert_eq!(s.expose(), V);
    }

    #[test]
    fn expose_helper_writes_the_value() {
        #[derive(Serialize)]
        struct W {
            #[serde(serialize_with = "expose")]
            token: Secret,
        }
        let json = serde_json::to_string(&W {
            token: Secret::new(V),
        })
        .unwrap();
        assert_eq!(json, format!("{{\"token\":\"{V}\"}}"));
    }
}
