//! A string that never shows itself: access keys, secret keys, client secrets, tokens.
//!
//! `Debug` and `Display` print `Secret(***)`; `Serialize` is not implemented, so a secret cannot end up in JSON,
//! a log line or an IPC payload by accident. The value is read only through [`Secret::expose`].
//!
//! Two secrets compare (`==`, [`Secret::ct_eq`]) and a presented string is checked ([`Secret::matches`]) in time
//! that does not depend on where they first differ. The value lives in one
//! exact-size heap buffer that is overwritten with zeros when the secret is dropped ([`Zeroize`]).

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroize;

#[derive(Clone)]
pub struct Secret(Box<str>);

impl Secret {
    /// Takes the value; the `String` it came in is wiped once copied into the secret's own buffer.
    pub fn new(value: impl Into<String>) -> Secret {
        let mut value: String = value.into();
        // Copied rather than `into_boxed_str`, which may reallocate and free the old buffer unwiped.
        let secret = Secret(Box::from(value.as_str()));
        value.zeroize();
        secret
    }

    /// The value itself, for the one call that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether two secrets are the same, in constant time for a given length (the length is not secret).
    pub fn ct_eq(&self, other: &Secret) -> bool {
        self.matches(other.expose())
    }

    /// Whether a presented value (a bearer token, a pasted key) is this secret, in constant time for a given
    /// length.
    pub fn matches(&self, presented: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), presented.as_bytes());
        a.len() == b.len() && bool::from(a.ct_eq(b))
    }

    /// A hint safe to show: the first 3 characters and the length, e.g. `shm…(47)`.
    pub fn hint(&self) -> String {
        let head: String = self.0.chars().take(3).collect();
        format!("{head}…({})", self.0.chars().count())
    }
}

/// Overwrites the value with zeros in place (same length; it reads as NUL characters afterwards).
impl Zeroize for Secret {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// Dropping a secret is this same `zeroize`, so the test of `zeroize` is the test of the drop.
impl Drop for Secret {
    fn drop(&mut self) {
        self.zeroize();
    }
}

/// `==` is [`Secret::ct_eq`]: constant time, so a derived `PartialEq` on a type holding a secret (a config, a
/// request) compares it safely too. Written out, never derived: a derived `==` on the string would stop at the
/// first differing byte and so tell a caller timing it how much of a guess was right.
impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.ct_eq(other)
    }
}

impl Eq for Secret {}

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
        String::deserialize(d).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "shmjYL6uQ1Tpk8Q0I1zdMudng3kuFOiugV8a7PWIgLszLwS";

    #[test]
    fn never_prints_itself() {
        let s = Secret::new(VALUE);
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{s:#?}"), "Secret(***)");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(s.hint(), "shm…(47)");
        assert!(!format!("{:?}", Some(&s)).contains("shmjYL"));
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Settings {
            token: Secret,
        }
        let debug = format!("{:?}", Settings { token: s.clone() });
        assert!(!debug.contains(&VALUE[..6]), "{debug}");
        let parsed: Secret = serde_json::from_str(&format!("\"{VALUE}\"")).expect("a JSON string");
        assert_eq!(format!("{parsed:?}"), "Secret(***)");
    }

    #[test]
    fn compares_in_constant_time_only() {
        let s = Secret::new(VALUE);
        assert!(s.ct_eq(&Secret::new(VALUE)));
        assert!(s.matches(VALUE));
        let mut last_differs = VALUE.to_string();
        last_differs.pop();
        last_differs.push('T');
        assert!(!s.matches(&last_differs), "a difference in the last byte counts");
        let mut first_differs = VALUE.to_string();
        first_differs.replace_range(0..1, "t");
        assert!(!s.ct_eq(&Secret::new(first_differs)), "a difference in the first byte counts");
        assert!(!s.matches(&VALUE[..46]), "a prefix is not the secret");
        assert!(!s.matches(&format!("{VALUE}x")), "nor is a longer value");
        assert!(Secret::new("").matches(""));
        // `==` is the same constant-time comparison (no derived, early-exit one).
        assert!(s == Secret::new(VALUE));
        assert!(s != Secret::new(last_differs));
        assert!(s != Secret::new(&VALUE[..46]));
    }

    #[test]
    fn zeroize_overwrites_the_buffer_in_place() {
        let mut s = Secret::new(VALUE);
        let before = s.expose().as_ptr();
        s.zeroize();
        // The same buffer, the same length, every byte zero: the value is gone, not just forgotten.
        assert_eq!(s.expose().as_ptr(), before);
        assert_eq!(s.expose().len(), VALUE.len());
        assert!(s.expose().bytes().all(|b| b == 0), "{:?}", s.expose().as_bytes());
        assert!(!s.matches(VALUE));
        // A clone is its own buffer, wiped on its own.
        let a = Secret::new(VALUE);
        let mut b = a.clone();
        assert_ne!(a.expose().as_ptr(), b.expose().as_ptr());
        b.zeroize();
        assert!(a.matches(VALUE));
    }
}
