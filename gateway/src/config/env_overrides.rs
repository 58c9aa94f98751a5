//! The `TESSERA_…` environment overlay, named in this one place.
//!
//! `TESSERA_SECTION__FIELD=value` sets `[section] field = value`; deeper keys nest with more
//! `__` (`TESSERA_SUBGRAPHS__OVERRIDES__USERS__URL`). Names are lower-cased. Values are read
//! as TOML scalars when they parse as one (`true`, `42`), else as strings, so
//! `TESSERA_SERVER__LISTEN=0.0.0.0:4000` needs no quoting. Variables without `__` are not
//! config (the stack may use `TESSERA_*` names of its own) and are ignored.

use toml::{Table, Value};

use super::ConfigError;

/// Prefix of every configuration variable.
pub const PREFIX: &str = "TESSERA_";

/// Separator between key segments.
pub const SEPARATOR: &str = "__";

/// Applies every `TESSERA_…__…` variable in `vars` on top of `table`.
pub fn apply(
    table: &mut Table,
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<(), ConfigError> {
    let mut vars: Vec<(String, String)> = vars
        .into_iter()
        .filter(|(name, _)| name.starts_with(PREFIX) && name[PREFIX.len()..].contains(SEPARATOR))
        .collect();
    // Deterministic order, so a conflict is reported the same way every time.
    vars.sort();
    for (name, raw) in vars {
        let path: Vec<String> = name[PREFIX.len()..]
            .split(SEPARATOR)
            .map(str::to_ascii_lowercase)
            .collect();
        if path.iter().any(String::is_empty) {
            return Err(ConfigError::Env {
                var: name,
                message: "empty key segment".into(),
            });
        }
        set(table, &path, scalar(&raw))
            .map_err(|message| ConfigError::Env { var: name, message })?;
    }
    Ok(())
}

/// Reads `raw` as a TOML scalar if it is one, else as a plain string.
fn scalar(raw: &str) -> Value {
    match toml::from_str::<Table>(&format!("v = {raw}")) {
        Ok(mut table) => match table.remove("v") {
            Some(value @ (Value::Boolean(_) | Value::Integer(_) | Value::Float(_))) => value,
            _ => Value::String(raw.to_owned()),
        },
        Err(_) => Value::String(raw.to_owned()),
    }
}

fn set(table: &mut Table, path: &[String], value: Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Err("empty key".into());
    };
    let mut current = table;
    for segment in parents {
        let entry = current
            .entry(segment.clone())
            .or_insert_with(|| Value::Table(Table::new()));
        current = match entry {
            Value::Table(t) => t,
            _ => {
                return Err(format!(
                    "`{segment}` is a value in the config file, not a section"
                ));
            }
        };
    }
    current.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn nests_and_types_values() {
        let mut table = Table::new();
        apply(
            &mut table,
            vars(&[
                ("TESSERA_SERVER__LISTEN", "0.0.0.0:4000"),
                ("TESSERA_QUERY_PLAN__EXPOSE", "false"),
                ("TESSERA_LIMITS__PLAN_CACHE_SIZE", "7"),
                (
                    "TESSERA_SUBGRAPHS__OVERRIDES__USERS__URL",
                    "http://u:1/graphql",
                ),
                ("TESSERA_NOT_CONFIG", "ignored"),
                ("PATH", "/bin"),
            ]),
        )
        .expect("overlay");
        let expected: Table = toml::from_str(
            r#"
            server = { listen = "0.0.0.0:4000" }
            query_plan = { expose = false }
            limits = { plan_cache_size = 7 }
            subgraphs = { overrides = { users = { url = "http://u:1/graphql" } } }
            "#,
        )
        .expect("toml");
        assert_eq!(table, expected);
    }

    #[test]
    fn refuses_to_descend_into_a_value() {
        let mut table: Table = toml::from_str("server = 1").expect("toml");
        let err = apply(&mut table, vars(&[("TESSERA_SERVER__LISTEN", "x")])).unwrap_err();
        assert!(err.to_string().contains("TESSERA_SERVER__LISTEN"), "{err}");
    }
}
