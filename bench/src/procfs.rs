//! What the driver reads about the measured process from `/proc`: CPU time and memory.
//! Linux only, like the benchmark.

use std::process::Command;

use crate::error::BenchError;

/// Clock ticks per second of `/proc/*/stat` times (`getconf CLK_TCK`, 100 on every
/// mainstream Linux when `getconf` is missing).
pub fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0)
}

/// User plus system CPU seconds the process (all its threads) has used.
pub fn cpu_seconds(pid: u32, ticks: f64) -> Result<f64, BenchError> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).map_err(|e| BenchError::Proc(path.clone(), e))?;
    // The command name (field 2) is parenthesised and may contain spaces: count from the
    // last `)`. utime and stime are fields 14 and 15, i.e. the 12th and 13th after it.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| BenchError::ProcFormat(path.clone()))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .ok_or_else(|| BenchError::ProcFormat(path.clone()))
    };
    let ticks_used = field(11)? + field(12)?;
    Ok(ticks_used as f64 / ticks)
}

/// Resident memory now and at its peak (`VmRSS`, `VmHWM`), in bytes.
pub fn memory(pid: u32) -> Result<(u64, u64), BenchError> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| BenchError::Proc(path.clone(), e))?;
    let kib = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|k| k * 1024)
            .ok_or_else(|| BenchError::ProcFormat(path.clone()))
    };
    Ok((kib("VmRSS:")?, kib("VmHWM:")?))
}

/// The 1-minute load average, for the record next to every figure.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Pins every thread of `pid` to `cpus` (a `taskset` list such as `1` or `0,2-3`).
pub fn pin(pid: u32, cpus: &str) -> Result<(), BenchError> {
    let status = Command::new("taskset")
        .args(["-a", "-c", "-p", cpus, &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| BenchError::Pin(format!("cannot run taskset: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(BenchError::Pin(format!(
            "taskset -a -c -p {cpus} {pid} failed: {status}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        let ticks = clock_ticks();
        // Burn CPU until the count moves (a tick is 10 ms; a loaded machine may give this
        // thread little of the wall time).
        let before = cpu_seconds(pid, ticks).expect("stat");
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while cpu_seconds(pid, ticks).expect("stat") <= before && start.elapsed().as_secs() < 20 {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        }
        assert!(cpu_seconds(pid, ticks).expect("stat") > before);
        let (rss, peak) = memory(pid).expect("status");
        assert!(rss > 0 && peak >= rss, "rss {rss} peak {peak}");
        assert!(cpu_seconds(u32::MAX, ticks).is_err());
    }
}
