//! The queue of assets to reconcile. A key waits at most once, however many events name it,
//! and is never handed to two workers at the same time: a key pushed while a worker holds it
//! is handed out again when that worker is done.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;

use crate::engine::snapshot::WorkloadKey;

/// Longest wait before retrying an asset whose reconcile keeps failing.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Assets waiting to be reconciled.
#[derive(Default)]
pub struct Queue {
    state: Mutex<State>,
    wake: Notify,
}

#[derive(Default)]
struct State {
    waiting: VecDeque<WorkloadKey>,
    queued: HashSet<WorkloadKey>,
    held: HashSet<WorkloadKey>,
    pushed_while_held: HashSet<WorkloadKey>,
    failures: HashMap<WorkloadKey, u32>,
}

impl Queue {
    /// Queues `key` unless it already waits.
    pub fn push(&self, key: WorkloadKey) {
        let mut state = self.lock();
        if state.held.contains(&key) {
            state.pushed_while_held.insert(key);
            return;
        }
        if state.queued.insert(key.clone()) {
            state.waiting.push_back(key);
            self.wake.notify_one();
        }
    }

    /// Queues every key.
    pub fn push_all(&self, keys: impl IntoIterator<Item = WorkloadKey>) {
        for key in keys {
            self.push(key);
        }
    }

    /// Waits for a key and holds it until [`Queue::done`] or [`Queue::failed`].
    pub async fn pop(&self) -> WorkloadKey {
        loop {
            let notified = self.wake.notified();
            if let Some(key) = self.take() {
                return key;
            }
            notified.await;
        }
    }

    fn take(&self) -> Option<WorkloadKey> {
        let mut state = self.lock();
        let key = state.waiting.pop_front()?;
        state.queued.remove(&key);
        state.held.insert(key.clone());
        if !state.waiting.is_empty() {
            self.wake.notify_one();
        }
        Some(key)
    }

    /// Releases a key reconciled successfully.
    pub fn done(&self, key: &WorkloadKey) {
        let again = {
            let mut state = self.lock();
            state.failures.remove(key);
            self.release(&mut state, key)
        };
        if again {
            self.push(key.clone());
        }
    }

    /// Releases a key whose reconcile failed and returns how long to wait before retrying it:
    /// doubling from one second up to a minute.
    pub fn failed(&self, key: &WorkloadKey) -> Duration {
        let mut state = self.lock();
        let failures = state.failures.entry(key.clone()).or_insert(0);
        *failures += 1;
        let backoff = Duration::from_secs(1 << (*failures - 1).min(6)).min(MAX_BACKOFF);
        state.pushed_while_held.remove(key);
        state.held.remove(key);
        backoff
    }

    fn release(&self, state: &mut State, key: &WorkloadKey) -> bool {
        state.held.remove(key);
        state.pushed_while_held.remove(key)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::workload::WorkloadKind;

    impl Queue {
        fn len(&self) -> usize {
            self.lock().waiting.len()
        }

        fn is_empty(&self) -> bool {
            self.len() == 0
        }
    }

    fn key(name: &str) -> WorkloadKey {
        WorkloadKey {
            namespace: "shop".to_string(),
            kind: WorkloadKind::Deployment,
            name: name.to_string(),
        }
    }

    #[tokio::test]
    async fn a_key_pushed_twice_waits_once() {
        let queue = Queue::default();
        queue.push(key("web"));
        queue.push(key("web"));
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.pop().await, key("web"));
        assert!(queue.is_empty());
    }

    #[tokio::test]
    async fn a_held_key_is_not_handed_out_again_until_done() {
        let queue = Queue::default();
        queue.push(key("web"));
        let held = queue.pop().await;

        queue.push(key("web"));
        assert!(
            queue.is_empty(),
            "a held key must not wait beside its holder"
        );

        queue.done(&held);
        assert_eq!(
            queue.len(),
            1,
            "a key pushed while held waits again after done"
        );
    }

    #[tokio::test]
    async fn failures_back_off_exponentially_up_to_a_minute() {
        let queue = Queue::default();
        let mut waits = Vec::new();
        for _ in 0..8 {
            queue.push(key("web"));
            let held = queue.pop().await;
            waits.push(queue.failed(&held).as_secs());
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
    }
}
