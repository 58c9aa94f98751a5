//! The comparison table: runs recorded as JSON lines (one [`Record`] per run), summarised per
//! mode as medians over rounds with the ratio Tessera / Hive Router for every figure.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::driver::Report;
use crate::error::BenchError;

/// One measured run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// What was measured: `tessera`, `hive-router`, `monolith`, ...
    pub gateway: String,
    /// The comparison mode, e.g. `dedup` or `no-dedup`.
    pub mode: String,
    pub round: u32,
    #[serde(flatten)]
    pub report: Report,
}

/// Reads the records of a results file (JSON lines).
pub fn read(path: &str) -> Result<Vec<Record>, BenchError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| BenchError::Results(path.to_owned(), e.to_string()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).map_err(|e| BenchError::Results(path.to_owned(), e.to_string()))
        })
        .collect()
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Median figures of one gateway in one mode.
#[derive(Debug, Default, Clone, Copy)]
struct Summary {
    rounds: usize,
    rps: Option<f64>,
    p50: Option<f64>,
    p90: Option<f64>,
    p99: Option<f64>,
    cpu: Option<f64>,
    /// The largest peak over the rounds.
    rss: Option<f64>,
    errors: u64,
    load_min: Option<f64>,
    load_max: Option<f64>,
}

fn summarise(records: &[&Record]) -> Summary {
    let pick = |f: fn(&Report) -> Option<f64>| {
        median(records.iter().filter_map(|r| f(&r.report)).collect())
    };
    let loads: Vec<f64> = records
        .iter()
        .filter_map(|r| r.report.load_average)
        .collect();
    Summary {
        rounds: records.len(),
        rps: pick(|r| Some(r.requests_per_second)),
        p50: pick(|r| Some(r.p50_ms)),
        p90: pick(|r| Some(r.p90_ms)),
        p99: pick(|r| Some(r.p99_ms)),
        cpu: pick(|r| r.cpu_seconds_per_1000),
        rss: records
            .iter()
            .filter_map(|r| r.report.peak_rss_mib)
            .reduce(f64::max),
        errors: records.iter().map(|r| r.report.errors).sum(),
        load_min: loads.iter().copied().reduce(f64::min),
        load_max: loads.iter().copied().reduce(f64::max),
    }
}

/// A table row: name, our figure, theirs, decimals shown, the target.
type Row<'a> = (&'a str, Option<f64>, Option<f64>, usize, &'a str);

fn cell(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.decimals$}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// The text table: per mode, Tessera against Hive Router (medians over rounds) with ratios
/// and the targets; then Tessera against the monolith.
pub fn render(records: &[Record], ours: &str, theirs: &str) -> String {
    let mut modes: BTreeMap<&str, BTreeMap<&str, Vec<&Record>>> = BTreeMap::new();
    for r in records {
        modes
            .entry(r.mode.as_str())
            .or_default()
            .entry(r.gateway.as_str())
            .or_default()
            .push(r);
    }
    let mut out = String::new();
    for (mode, gateways) in &modes {
        let a = gateways.get(ours).map(|r| summarise(r));
        let b = gateways.get(theirs).map(|r| summarise(r));
        let _ = writeln!(out, "\n== mode: {mode} ==");
        let _ = writeln!(
            out,
            "{:<24} {:>14} {:>14} {:>10}  target",
            "figure (median)", ours, theirs, "ratio"
        );
        let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
        let rows: [Row; 7] = [
            ("requests/s", a.rps, b.rps, 0, ">= 1.30"),
            ("p50 latency ms", a.p50, b.p50, 2, ""),
            ("p90 latency ms", a.p90, b.p90, 2, ""),
            ("p99 latency ms", a.p99, b.p99, 2, "<= 1.00"),
            ("CPU ms/request", a.cpu, b.cpu, 3, "<= 0.70"),
            ("peak RSS MiB (max)", a.rss, b.rss, 1, "ours < 64 MiB"),
            (
                "errors (sum)",
                Some(a.errors as f64),
                Some(b.errors as f64),
                0,
                "0",
            ),
        ];
        for (name, x, y, decimals, target) in rows {
            let r = ratio(x, y).map_or_else(|| "-".into(), |r| format!("{r:.2}x"));
            let _ = writeln!(
                out,
                "{name:<24} {:>14} {:>14} {r:>10}  {target}",
                cell(x, decimals),
                cell(y, decimals)
            );
        }
        let _ = writeln!(
            out,
            "rounds: {} {ours}, {} {theirs}; load average (1 min) at start of runs: {}..{}",
            a.rounds,
            b.rounds,
            cell(
                a.load_min
                    .zip(b.load_min)
                    .map(|(x, y)| x.min(y))
                    .or(a.load_min)
                    .or(b.load_min),
                2
            ),
            cell(
                a.load_max
                    .zip(b.load_max)
                    .map(|(x, y)| x.max(y))
                    .or(a.load_max)
                    .or(b.load_max),
                2
            ),
        );
        for (name, runs) in gateways {
            if *name == ours || *name == theirs {
                continue;
            }
            let s = summarise(runs);
            let _ = writeln!(
                out,
                "{name}: {} requests/s, p99 {} ms, CPU {} ms/request ({} rounds); {ours}/{name} throughput {}",
                cell(s.rps, 0),
                cell(s.p99, 2),
                cell(s.cpu, 3),
                s.rounds,
                ratio(a.rps, s.rps).map_or_else(|| "-".into(), |r| format!("{r:.2}x")),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(gateway: &str, mode: &str, rps: f64, cpu: f64) -> Record {
        Record {
            gateway: gateway.into(),
            mode: mode.into(),
            round: 1,
            report: Report {
                requests_per_second: rps,
                cpu_seconds_per_1000: Some(cpu),
                p99_ms: 10.0,
                ..Report::default()
            },
        }
    }

    #[test]
    fn medians_and_ratios() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
        let records = vec![
            record("tessera", "dedup", 3000.0, 0.2),
            record("tessera", "dedup", 2000.0, 0.3),
            record("tessera", "dedup", 4000.0, 0.1),
            record("hive-router", "dedup", 2000.0, 0.4),
        ];
        let table = render(&records, "tessera", "hive-router");
        let line = table
            .lines()
            .find(|l| l.starts_with("requests/s"))
            .expect("a throughput row");
        assert!(line.contains("3000") && line.contains("1.50x"), "{line}");
        let cpu = table
            .lines()
            .find(|l| l.starts_with("CPU"))
            .expect("a cpu row");
        assert!(cpu.contains("0.50x"), "{cpu}");
    }
}
