//! Account credentials: validated email and display name, and passwords that cannot leak.
//!
//! Validation lives here, not in the resolvers, so every path that creates an account (the
//! `register` mutation, the seed) applies the same rules. Passwords are argon2id hashes in PHC
//! form; hashing and verifying are deliberately slow, so they run on tokio's blocking pool and
//! never stall the async workers.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use subgraph_kit::{ApiError, ApiResult};

/// Longest email accepted, in characters (the RFC 5321 path limit).
pub const EMAIL_MAX_CHARS: usize = 254;
/// Longest local part (before `@`) accepted, in characters (RFC 5321).
const EMAIL_LOCAL_MAX_CHARS: usize = 64;
/// Longest display name accepted, in characters, after trimming.
pub const NAME_MAX_CHARS: usize = 100;
/// Shortest password accepted at registration, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest password accepted, in characters: bounds the hashing work one request can ask for.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Why hashing or verifying failed. Internal only: clients see `INTERNAL_SERVER_ERROR`.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl From<CredentialError> for ApiError {
    fn from(err: CredentialError) -> Self {
        ApiError::internal(err)
    }
}

/// A normalised email address: trimmed, lowercased, shaped like `local@domain.tld`.
///
/// Lowercasing the whole address is stricter than RFC 5321 (local parts may be case-sensitive)
/// but it is what users expect: `Ada@Example.com` and `ada@example.com` are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Validates and normalises a registration email; `BAD_USER_INPUT` when it does not look
    /// like an address.
    pub fn parse(raw: &str) -> ApiResult<Self> {
        let email = Self::normalise(raw);
        if email.chars().count() > EMAIL_MAX_CHARS {
            return Err(ApiError::bad_input(format!(
                "email must be at most {EMAIL_MAX_CHARS} characters"
            )));
        }
        if !looks_like_address(&email) {
            return Err(ApiError::bad_input(
                "email must be an address like name@example.com",
            ));
        }
        Ok(Self(email))
    }

    /// The lookup form of a login email: normalised the same way, but not validated, since a
    /// malformed address must fail exactly like an unknown one.
    pub fn for_lookup(raw: &str) -> Self {
        Self(Self::normalise(raw))
    }

    fn normalise(raw: &str) -> String {
        raw.trim().to_lowercase()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A deliberately simple shape check: exactly one `@`, a non-empty local part of at most 64
/// characters, a dotted domain of non-empty labels, and no whitespace or control characters.
/// Whether the mailbox exists is not ours to know.
fn looks_like_address(email: &str) -> bool {
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.chars().count() > EMAIL_LOCAL_MAX_CHARS || domain.contains('@') {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
        && labels
            .iter()
            .all(|l| l.chars().all(|c| c.is_alphanumeric() || c == '-'))
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> ApiResult<Self> {
        let name = raw.trim();
        let len = name.chars().count();
        if len == 0 || len > NAME_MAX_CHARS {
            return Err(ApiError::bad_input(format!(
                "name must be 1 to {NAME_MAX_CHARS} characters"
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(ApiError::bad_input(
                "name must not contain control characters",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A plain-text password on its way to argon2.
///
/// Neither `Display` nor a revealing `Debug`: a stray `{:?}` in a log line or a `tracing`
/// field prints `Password(<redacted>)`, never the secret.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    pub fn new(raw: String) -> Self {
        Self(raw)
    }

    /// The registration policy: 8 to 128 characters. The message never repeats the password.
    pub fn check_policy(&self) -> ApiResult<()> {
        let len = self.0.chars().count();
        if !(PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&len) {
            return Err(ApiError::bad_input(format!(
                "password must be {PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters"
            )));
        }
        Ok(())
    }

    /// Longer than any password registration accepts, so it cannot match an account.
    pub fn exceeds_max(&self) -> bool {
        self.0.chars().count() > PASSWORD_MAX_CHARS
    }
}

/// Hashes `password` with argon2id (default parameters, random salt) into a PHC string.
pub async fn hash(password: Password) -> Result<String, CredentialError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

fn hash_blocking(password: &Password) -> Result<String, CredentialError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.0.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CredentialError::Hash(e.to_string()))
}

/// A hash of a password nobody knows, verified against when the email is unknown so that a
/// login for a missing account costs the same time as one with a wrong password.
static DECOY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| hash_blocking(&Password::new("tessera-decoy-password".into())).ok());

/// Checks `password` against a stored PHC string; with `None` (no such account) it burns the
/// same work on a decoy and answers `false`. A malformed stored hash also answers `false`.
pub async fn verify(password: Password, stored: Option<String>) -> Result<bool, CredentialError> {
    tokio::task::spawn_blocking(move || {
        let (phc, known) = match stored {
            Some(phc) => (phc, true),
            None => (DECOY_HASH.clone().unwrap_or_default(), false),
        };
        let Ok(parsed) = PasswordHash::new(&phc) else {
            if known {
                tracing::error!("stored password hash is not a valid PHC string");
            }
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.0.as_bytes(), &parsed)
            .is_ok();
        matches && known
    })
    .await
    .map_err(CredentialError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ")
                .map(Email::into_inner)
                .ok(),
            Some("ada@example.com".into())
        );
        assert!(Email::parse("first.last+tag@sub.example.co.uk").is_ok());
        let long_local = format!("{}@example.com", "a".repeat(65));
        let too_long = format!("{}@{}.com", "a".repeat(60), "b".repeat(200));
        for bad in [
            "",
            "   ",
            "plain",
            "a@",
            "@b.co",
            "a@b",
            "a@@b.co",
            "a@b@c.co",
            "a b@c.co",
            "a@b..co",
            "a@.b.co",
            "a@b.co.",
            "a@-b.co",
            "a@b_c.co",
            "a\u{7}@b.co",
            &long_local,
            &too_long,
        ] {
            let err = Email::parse(bad).expect_err(bad);
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{bad}");
        }
        assert_eq!(Email::for_lookup(" X@Y.Z ").as_str(), "x@y.z");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ada Lovelace ")
                .map(DisplayName::into_inner)
                .ok(),
            Some("Ada Lovelace".into())
        );
        assert!(
            DisplayName::parse(&"é".repeat(100)).is_ok(),
            "characters, not bytes"
        );
        for bad in ["", "   ", &"x".repeat(101), "a\u{0}b"] {
            assert!(DisplayName::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn password_policy_and_redaction() {
        assert!(Password::new("12345678".into()).check_policy().is_ok());
        assert!(Password::new("x".repeat(128)).check_policy().is_ok());
        assert!(
            Password::new("ü".repeat(8)).check_policy().is_ok(),
            "characters, not bytes"
        );
        for bad in [String::new(), "1234567".into(), "x".repeat(129)] {
            let err = Password::new(bad.clone())
                .check_policy()
                .expect_err("policy");
            assert!(!err.message().contains(&bad) || bad.is_empty());
        }
        let debug = format!("{:?}", Password::new("hunter2-secret".into()));
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash(Password::new("correct horse".into()))
            .await
            .expect("hash");
        let b = hash(Password::new("correct horse".into()))
            .await
            .expect("hash");
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "random salt");
        assert!(!a.contains("correct horse"));
        assert!(
            verify(Password::new("correct horse".into()), Some(a.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify(Password::new("wrong horse".into()), Some(a))
                .await
                .expect("verify")
        );
        assert!(
            !verify(Password::new("tessera-decoy-password".into()), None)
                .await
                .expect("verify"),
            "decoy never matches"
        );
        assert!(
            !verify(Password::new("x".into()), Some("not a phc".into()))
                .await
                .expect("verify")
        );
    }
}
