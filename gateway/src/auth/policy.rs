//! The policy language: small boolean rules over the caller's verified claims, used by
//! `@policy(policies:)` (through `[authorization.policies]`) and by `[introspection] allow`.
//!
//! ```text
//! rule    = or
//! or      = and { "||" and }
//! and     = unary { "&&" unary }
//! unary   = "!" unary | "(" rule ")" | atom
//! atom    = "true" | "false" | "authenticated"
//!         | "scope:" SCOPE                       -- the caller has this scope
//!         | "claim:" PATH                        -- present, not null, false or ""
//!         | "claim:" PATH ("==" | "!=") VALUE
//!         | "claim:" PATH "contains" VALUE       -- array element, or word of a string
//! PATH    = SEGMENT { "." SEGMENT }              -- SEGMENT: [A-Za-z0-9_-]+ or a "quoted" name
//! VALUE   = "string" | number | true | false | null
//! ```
//!
//! An anonymous caller has no claims and no scopes. A missing claim makes every comparison
//! on it false (`!=` included), so a rule fails closed.

use std::collections::HashSet;

use serde_json::{Map, Value};

/// A rule that does not parse, with the byte offset where parsing stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid rule `{rule}` at offset {offset}: {message}")]
pub struct PolicyParseError {
    pub rule: String,
    pub offset: usize,
    pub message: String,
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Const(bool),
    Authenticated,
    Scope(String),
    Present(Vec<String>),
    Compare {
        path: Vec<String>,
        op: CompareOp,
        value: Value,
    },
    Not(Box<Rule>),
    And(Box<Rule>, Box<Rule>),
    Or(Box<Rule>, Box<Rule>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Contains,
}

/// What rules are evaluated against.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Verified claims; `None` for an anonymous caller.
    pub claims: Option<&'a Map<String, Value>>,
    /// The caller's scopes.
    pub scopes: &'a HashSet<String>,
}

impl Rule {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Rule, PolicyParseError> {
        let mut parser = Parser { text, pos: 0 };
        let rule = parser.or()?;
        parser.skip_ws();
        if parser.pos < text.len() {
            return Err(parser.error("unexpected text after the rule"));
        }
        Ok(rule)
    }

    /// Whether the rule holds for `subject`.
    pub fn eval(&self, subject: Subject<'_>) -> bool {
        match self {
            Rule::Const(b) => *b,
            Rule::Authenticated => subject.claims.is_some(),
            Rule::Scope(s) => subject.scopes.contains(s),
            Rule::Present(path) => lookup(subject, path).is_some_and(|v| {
                !matches!(v, Value::Null | Value::Bool(false)) && v.as_str() != Some("")
            }),
            Rule::Compare { path, op, value } => {
                let Some(claim) = lookup(subject, path) else {
                    return false;
                };
                match op {
                    CompareOp::Eq => json_eq(claim, value),
                    CompareOp::Ne => !json_eq(claim, value),
                    CompareOp::Contains => match claim {
                        Value::Array(items) => items.iter().any(|i| json_eq(i, value)),
                        Value::String(s) => value
                            .as_str()
                            .is_some_and(|needle| s.split_whitespace().any(|w| w == needle)),
                        _ => false,
                    },
                }
            }
            Rule::Not(rule) => !rule.eval(subject),
            Rule::And(a, b) => a.eval(subject) && b.eval(subject),
            Rule::Or(a, b) => a.eval(subject) || b.eval(subject),
        }
    }
}

fn lookup<'a>(subject: Subject<'a>, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut value = subject.claims?.get(first)?;
    for segment in rest {
        value = value.as_object()?.get(segment)?;
    }
    Some(value)
}

/// JSON equality, with numbers compared by value (`1` equals `1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> PolicyParseError {
        PolicyParseError {
            rule: self.text.to_owned(),
            offset: self.pos,
            message: message.to_owned(),
        }
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    /// A keyword: `token` not followed by a name character.
    fn eat_word(&mut self, word: &str) -> bool {
        self.skip_ws();
        let rest = self.rest();
        if rest.starts_with(word)
            && !rest[word.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
        {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Rule, PolicyParseError> {
        let mut rule = self.and()?;
        while self.eat("||") {
            rule = Rule::Or(Box::new(rule), Box::new(self.and()?));
        }
        Ok(rule)
    }

    fn and(&mut self) -> Result<Rule, PolicyParseError> {
        let mut rule = self.unary()?;
        while self.eat("&&") {
            rule = Rule::And(Box::new(rule), Box::new(self.unary()?));
        }
        Ok(rule)
    }

    fn unary(&mut self) -> Result<Rule, PolicyParseError> {
        if self.eat("!") {
            if self.rest().starts_with('=') {
                return Err(self.error("`!=` needs a claim on its left"));
            }
            return Ok(Rule::Not(Box::new(self.unary()?)));
        }
        if self.eat("(") {
            let rule = self.or()?;
            if !self.eat(")") {
                return Err(self.error("expected `)`"));
            }
            return Ok(rule);
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Rule, PolicyParseError> {
        if self.eat_word("true") {
            return Ok(Rule::Const(true));
        }
        if self.eat_word("false") {
            return Ok(Rule::Const(false));
        }
        if self.eat_word("authenticated") {
            return Ok(Rule::Authenticated);
        }
        if self.eat("scope:") {
            let scope = self.take_while(|c| !c.is_whitespace() && !"()!&|".contains(c));
            if scope.is_empty() {
                return Err(self.error("expected a scope name after `scope:`"));
            }
            return Ok(Rule::Scope(scope.to_owned()));
        }
        if self.eat("claim:") {
            let path = self.path()?;
            let op = if self.eat("==") {
                CompareOp::Eq
            } else if self.eat("!=") {
                CompareOp::Ne
            } else if self.eat_word("contains") {
                CompareOp::Contains
            } else {
                return Ok(Rule::Present(path));
            };
            let value = self.value()?;
            return Ok(Rule::Compare { path, op, value });
        }
        Err(self.error("expected `scope:`, `claim:`, `authenticated`, `true`, `false`, `!` or `(`"))
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &str {
        let start = self.pos;
        let len = self
            .rest()
            .char_indices()
            .find(|(_, c)| !keep(*c))
            .map(|(i, _)| i)
            .unwrap_or(self.rest().len());
        self.pos += len;
        &self.text[start..start + len]
    }

    fn path(&mut self) -> Result<Vec<String>, PolicyParseError> {
        let mut path = Vec::new();
        loop {
            let segment = if self.rest().starts_with('"') {
                self.string()?
            } else {
                let s = self.take_while(|c| c.is_alphanumeric() || c == '_' || c == '-');
                if s.is_empty() {
                    return Err(self.error("expected a claim name"));
                }
                s.to_owned()
            };
            path.push(segment);
            if self.rest().starts_with('.') {
                self.pos += 1;
            } else {
                return Ok(path);
            }
        }
    }

    fn string(&mut self) -> Result<String, PolicyParseError> {
        // JSON string syntax, escapes included.
        let rest = self.rest();
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(Value::String(s))) => {
                self.pos += stream.byte_offset();
                Ok(s)
            }
            _ => Err(self.error("expected a double-quoted string")),
        }
    }

    fn value(&mut self) -> Result<Value, PolicyParseError> {
        self.skip_ws();
        if self.rest().starts_with('"') {
            return self.string().map(Value::String);
        }
        for (word, value) in [
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("null", Value::Null),
        ] {
            if self.eat_word(word) {
                return Ok(value);
            }
        }
        let number = self.take_while(|c| c.is_ascii_digit() || "+-.eE".contains(c));
        serde_json::from_str::<serde_json::Number>(number)
            .map(Value::Number)
            .map_err(|_| self.error("expected a string, number, true, false or null"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn holds(rule: &str, claims: Option<Value>, scopes: &[&str]) -> bool {
        let rule = Rule::parse(rule).unwrap_or_else(|e| panic!("{e}"));
        let claims = claims.map(|c| c.as_object().cloned().expect("object"));
        let scopes: HashSet<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        rule.eval(Subject {
            claims: claims.as_ref(),
            scopes: &scopes,
        })
    }

    #[test]
    fn atoms_and_operators() {
        let c = json!({"role": "admin", "groups": ["a", "b"], "org": {"tier": 3},
                       "https://ex.com/roles": "x y", "off": false});
        assert!(holds(r#"claim:role == "admin""#, Some(c.clone()), &[]));
        assert!(!holds(r#"claim:role == "user""#, Some(c.clone()), &[]));
        assert!(holds(r#"claim:role != "user""#, Some(c.clone()), &[]));
        assert!(!holds(r#"claim:missing != "user""#, Some(c.clone()), &[]));
        assert!(holds(r#"claim:groups contains "b""#, Some(c.clone()), &[]));
        assert!(holds(
            r#"claim:"https://ex.com/roles" contains "y""#,
            Some(c.clone()),
            &[]
        ));
        assert!(holds("claim:org.tier == 3.0", Some(c.clone()), &[]));
        assert!(holds("claim:org", Some(c.clone()), &[]));
        assert!(!holds("claim:off", Some(c.clone()), &[]));
        assert!(holds(
            "scope:orders:read",
            Some(c.clone()),
            &["orders:read"]
        ));
        assert!(holds(
            r#"scope:x || claim:role == "admin" && !claim:off"#,
            Some(c.clone()),
            &[]
        ));
        assert!(!holds(
            r#"(scope:x || claim:role == "admin") && claim:off"#,
            Some(c.clone()),
            &[]
        ));
        assert!(holds("authenticated", Some(json!({})), &[]));
        assert!(!holds("authenticated", None, &[]));
        assert!(holds("!authenticated", None, &[]));
        assert!(!holds(r#"claim:role != "x""#, None, &[]));
    }

    #[test]
    fn errors_name_the_offset() {
        for (rule, offset) in [
            ("claim:role ==", 13),
            ("scope:", 6),
            ("(scope:a", 8),
            ("scope:a &&", 10),
            ("role == 1", 0),
            ("scope:a scope:b", 8),
        ] {
            let err = Rule::parse(rule).expect_err(rule);
            assert_eq!(err.offset, offset, "{rule}: {err}");
        }
    }
}
