//! Why a benchmark command failed.

/// A failed benchmark step.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("cannot read {0}: {1}")]
    Proc(String, #[source] std::io::Error),
    #[error("unexpected format of {0}")]
    ProcFormat(String),
    #[error("cannot pin: {0}")]
    Pin(String),
    #[error("invalid target url `{0}`: expected http://host:port/path")]
    Url(String),
    #[error("cannot connect to {0}: {1}")]
    Connect(String, #[source] std::io::Error),
    #[error("the expected response cannot be computed: {0}")]
    Expected(String),
    #[error("cannot read the results in {0}: {1}")]
    Results(String, String),
}
