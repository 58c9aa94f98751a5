//! The load driver: a fixed number of keep-alive HTTP/1.1 connections, each sending the query
//! as soon as its previous answer arrived, for a fixed time after a warm-up. Every answer is
//! checked against the expected response; the measured process's CPU time and memory are
//! read from `/proc` around the measured window.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::header::{ACCEPT, CONTENT_TYPE, HOST};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::error::BenchError;
use crate::procfs;

/// Where to send the load: parsed from `http://host:port/path`.
#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port`, for connecting and the `Host` header.
    pub authority: String,
    /// Request path.
    pub path: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Self, BenchError> {
        let invalid = || BenchError::Url(url.to_owned());
        let rest = url.strip_prefix("http://").ok_or_else(invalid)?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.is_empty() || !authority.contains(':') {
            return Err(invalid());
        }
        Ok(Self {
            authority: authority.to_owned(),
            path: path.to_owned(),
        })
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub target: Target,
    /// Concurrent connections, each with one request in flight.
    pub connections: usize,
    /// Untimed run before measuring: connections, caches and pools warm up.
    pub warmup: Duration,
    /// The measured window.
    pub duration: Duration,
    /// The JSON request body.
    pub body: Bytes,
    /// The expected response body.
    pub expected: Bytes,
    /// The process whose CPU and memory are measured (the gateway).
    pub pid: Option<u32>,
}

/// The figures of one run.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Report {
    /// Correct answers completed in the measured window.
    pub requests: u64,
    /// Failed requests: connection errors, non-200 statuses, wrong answers.
    pub errors: u64,
    /// Of the errors, answers that differ from the expected one.
    pub mismatches: u64,
    pub seconds: f64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    /// Measured process: CPU seconds per 1,000 requests (= ms of CPU per request).
    pub cpu_seconds_per_1000: Option<f64>,
    /// Measured process: largest resident set seen during the window, in MiB.
    pub peak_rss_mib: Option<f64>,
    /// Measured process: its lifetime peak (`VmHWM`) at the end, in MiB.
    pub hwm_rss_mib: Option<f64>,
    /// 1-minute load average of the machine when the window started.
    pub load_average: Option<f64>,
    pub connections: usize,
}

#[derive(Default)]
struct WorkerStats {
    latencies_us: Vec<u32>,
    errors: u64,
    mismatches: u64,
}

/// Runs the load and measures it.
pub async fn run(config: LoadConfig) -> Result<Report, BenchError> {
    let config = Arc::new(config);
    // Fail early and clearly if nothing listens there.
    TcpStream::connect(&config.target.authority)
        .await
        .map_err(|e| BenchError::Connect(config.target.authority.clone(), e))?;
    let expected_value: Arc<Value> = Arc::new(
        serde_json::from_slice(&config.expected)
            .map_err(|e| BenchError::Expected(e.to_string()))?,
    );
    let start = Instant::now();
    let measure_start = start + config.warmup;
    let measure_end = measure_start + config.duration;

    let workers: Vec<_> = (0..config.connections)
        .map(|_| {
            let config = config.clone();
            let expected_value = expected_value.clone();
            tokio::spawn(worker(config, expected_value, measure_start, measure_end))
        })
        .collect();

    let ticks = procfs::clock_ticks();
    tokio::time::sleep_until(measure_start).await;
    let load_average = procfs::load_average();
    let cpu_start = config
        .pid
        .map(|pid| procfs::cpu_seconds(pid, ticks))
        .transpose()?;
    let mut peak_rss = 0u64;
    let mut interval = tokio::time::interval(Duration::from_millis(100));
    while Instant::now() < measure_end {
        interval.tick().await;
        if let Some(pid) = config.pid
            && let Ok((rss, _)) = procfs::memory(pid)
        {
            peak_rss = peak_rss.max(rss);
        }
    }
    let cpu_end = config
        .pid
        .map(|pid| procfs::cpu_seconds(pid, ticks))
        .transpose()?;
    let hwm = config
        .pid
        .map(|pid| procfs::memory(pid).map(|(_, hwm)| hwm))
        .transpose()?;

    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut mismatches = 0;
    for worker in workers {
        if let Ok(stats) = worker.await {
            latencies.extend(stats.latencies_us);
            errors += stats.errors;
            mismatches += stats.mismatches;
        }
    }
    latencies.sort_unstable();
    let seconds = config.duration.as_secs_f64();
    let requests = latencies.len() as u64;
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let rank = ((p * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len());
        f64::from(latencies[rank - 1]) / 1000.0
    };
    const MIB: f64 = 1024.0 * 1024.0;
    Ok(Report {
        requests,
        errors,
        mismatches,
        seconds,
        requests_per_second: requests as f64 / seconds,
        p50_ms: percentile(0.50),
        p90_ms: percentile(0.90),
        p99_ms: percentile(0.99),
        cpu_seconds_per_1000: match (cpu_start, cpu_end) {
            (Some(a), Some(b)) if requests > 0 => Some((b - a) / requests as f64 * 1000.0),
            _ => None,
        },
        peak_rss_mib: config.pid.map(|_| peak_rss as f64 / MIB),
        hwm_rss_mib: hwm.map(|h| h as f64 / MIB),
        load_average,
        connections: config.connections,
    })
}

/// One connection: requests back to back until the window closes, reconnecting after a
/// connection error.
async fn worker(
    config: Arc<LoadConfig>,
    expected: Arc<Value>,
    measure_start: Instant,
    measure_end: Instant,
) -> WorkerStats {
    let mut stats = WorkerStats::default();
    'connect: while Instant::now() < measure_end {
        let Ok(stream) = TcpStream::connect(&config.target.authority).await else {
            record_error(&mut stats, measure_start, measure_end);
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, connection)) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
        else {
            record_error(&mut stats, measure_start, measure_end);
            continue;
        };
        tokio::spawn(connection);
        while Instant::now() < measure_end {
            let request = Request::post(config.target.path.as_str())
                .header(HOST, config.target.authority.as_str())
                .header(CONTENT_TYPE, "application/json")
                .header(ACCEPT, "application/json")
                .body(Full::new(config.body.clone()));
            let Ok(request) = request else {
                record_error(&mut stats, measure_start, measure_end);
                continue 'connect;
            };
            let sent = Instant::now();
            let outcome = match sender.send_request(request).await {
                Ok(response) => {
                    let ok_status = response.status().is_success();
                    match response.into_body().collect().await {
                        Ok(body) => Some((ok_status, body.to_bytes())),
                        Err(_) => None,
                    }
                }
                Err(_) => None,
            };
            let done = Instant::now();
            let in_window = sent >= measure_start && done <= measure_end;
            match outcome {
                None => {
                    record_error(&mut stats, measure_start, measure_end);
                    continue 'connect;
                }
                Some((false, _)) => {
                    if in_window {
                        stats.errors += 1;
                    }
                }
                Some((true, body)) => {
                    if !matches_expected(&body, &config.expected, &expected) {
                        if in_window {
                            stats.errors += 1;
                            stats.mismatches += 1;
                        }
                        if stats.mismatches == 1 {
                            let text = String::from_utf8_lossy(&body);
                            eprintln!(
                                "bench: unexpected response: {}",
                                text.chars().take(400).collect::<String>()
                            );
                        }
                    } else if in_window {
                        let micros = (done - sent).as_micros();
                        stats
                            .latencies_us
                            .push(u32::try_from(micros).unwrap_or(u32::MAX));
                    }
                }
            }
        }
    }
    stats
}

fn record_error(stats: &mut WorkerStats, start: Instant, end: Instant) {
    let now = Instant::now();
    if now >= start && now <= end {
        stats.errors += 1;
    }
}

/// Byte equality first (the common case); otherwise equal as JSON (key order of objects
/// aside, which GraphQL fixes but serializers may not).
fn matches_expected(body: &[u8], expected_bytes: &[u8], expected: &Value) -> bool {
    body == expected_bytes
        || serde_json::from_slice::<Value>(body).is_ok_and(|value| value == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        let t = Target::parse("http://127.0.0.1:4000/graphql").expect("valid");
        assert_eq!(
            (t.authority.as_str(), t.path.as_str()),
            ("127.0.0.1:4000", "/graphql")
        );
        assert!(Target::parse("https://x:1/").is_err());
        assert!(Target::parse("http://nohost/").is_err());
    }

    #[test]
    fn answers_are_compared_as_json() {
        let expected = br#"{"data":{"a":1,"b":[true]}}"#;
        let value: Value = serde_json::from_slice(expected).expect("json");
        assert!(matches_expected(expected, expected, &value));
        assert!(matches_expected(
            br#"{"data": {"b": [true], "a": 1}}"#,
            expected,
            &value
        ));
        assert!(!matches_expected(
            br#"{"data":{"a":2,"b":[true]}}"#,
            expected,
            &value
        ));
        assert!(!matches_expected(b"not json", expected, &value));
    }
}
