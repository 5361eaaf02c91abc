//! A string that never shows itself: access keys, secret keys, client secrets, tokens.
//!
//! `Debug` and `Display` print `Secret(***)`; `Serialize` is not implemented, so a secret cannot end up in JSON,
//! a log line or an IPC payload by accident. The value is read only through [`Secret::expose`].

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A hint safe to show: the first 3 characters and the length, e.g. `shm…(47)`.
    pub fn hint(&self) -> String {
        let head: String = self.0.chars().take(3).collect();
        format!("{head}…({})", self.0.chars().count())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Receiving a secret is fine (a form or a config file); sending one is always explicit through `expose`.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_itself() {
        let s = Secret::new("shmjYL6uQ1Tpk8Q0I1zdMudng3kuFOiugV8a7PWIgLszLwS");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.hint(), "shm…(47)");
        assert!(!format!("{:?}", Some(&s)).contains("shmjYL"));
    }
}
