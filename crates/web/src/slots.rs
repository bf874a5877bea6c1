//! Heavy work running at once — exports, file checks and imports — in all and per account:
//! no account, a read-only one included, can make the server read or write files without
//! end. One more is refused (429 with the reason), not queued.
use crate::error::{AppError, AppResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub(crate) struct Slots {
    total: Arc<Semaphore>,
    per_account: Mutex<HashMap<i64, usize>>,
    each: usize,
    /// The reason given when full (a message key).
    busy: &'static str,
}

impl Slots {
    pub(crate) fn new(total: usize, each: usize, busy: &'static str) -> Slots {
        Slots {
            total: Arc::new(Semaphore::new(total)),
            per_account: Mutex::default(),
            each,
            busy,
        }
    }

    /// A place for `user`'s work, or 429 when they (or everyone) already have enough.
    pub(crate) fn take(self: &Arc<Self>, user: i64) -> AppResult<Slot> {
        let busy = || AppError::App(app::Error::Busy(domain::Msg::new(self.busy)));
        let permit = self.total.clone().try_acquire_owned().map_err(|_| busy())?;
        let mut running = self.per_account.lock().unwrap_or_else(|e| e.into_inner());
        let mine = running.entry(user).or_default();
        if *mine >= self.each {
            return Err(busy());
        }
        *mine += 1;
        Ok(Slot {
            slots: self.clone(),
            user,
            _permit: permit,
        })
    }
}

/// A running piece of work's place, given back when it ends (done, failed or abandoned).
pub(crate) struct Slot {
    slots: Arc<Slots>,
    user: i64,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut running = self
            .slots
            .per_account
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = running.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                running.remove(&self.user);
            }
        }
    }
}
