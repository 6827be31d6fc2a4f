//! Polling with a deadline, so a test that waits for the cluster fails with a message instead
//! of hanging.

use std::future::Future;
use std::time::Duration;

/// How long a test waits for the cluster to converge before failing. Generous, because CI's
/// two cores are shared by the whole control plane and the operator.
const DEADLINE: Duration = Duration::from_secs(60);

const INTERVAL: Duration = Duration::from_millis(100);

/// Calls `check` until it returns `Some`, and returns that value. Panics naming `what` when
/// the deadline passes first.
pub async fn wait_until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let poll = async {
        loop {
            if let Some(value) = check().await {
                return value;
            }
            tokio::time::sleep(INTERVAL).await;
        }
    };
    match tokio::time::timeout(DEADLINE, poll).await {
        Ok(value) => value,
        Err(_) => panic!("timed out after {DEADLINE:?} waiting until {what}"),
    }
}
