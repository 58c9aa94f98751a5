//! The planning budget: a bound on work (selection nodes visited and emitted) and on wall time,
//! so a hostile or pathological operation (fragments nested and spread exponentially, a huge
//! interface fan-out) ends in a [`PlanError`] instead of a hang or runaway memory.

use std::time::{Duration, Instant};

use super::error::PlanError;

/// Limits for one planning run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanBudget {
    /// Wall-clock time one plan may take.
    pub max_time: Duration,
    /// Selection nodes the planner may visit or emit, summed over all phases.
    pub max_nodes: usize,
}

impl Default for PlanBudget {
    fn default() -> Self {
        Self {
            max_time: Duration::from_millis(100),
            max_nodes: 200_000,
        }
    }
}

/// Consumes a [`PlanBudget`].
#[derive(Debug)]
pub(crate) struct Budget {
    limits: PlanBudget,
    started: Instant,
    nodes: usize,
}

impl Budget {
    pub fn new(limits: PlanBudget) -> Self {
        Self {
            limits,
            started: Instant::now(),
            nodes: 0,
        }
    }

    /// Counts one unit of work; checks the clock every 256 units.
    pub fn tick(&mut self) -> Result<(), PlanError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(PlanError::BudgetExceeded("size"));
        }
        if self.nodes.is_multiple_of(256) && self.started.elapsed() > self.limits.max_time {
            return Err(PlanError::BudgetExceeded("time"));
        }
        Ok(())
    }
}
