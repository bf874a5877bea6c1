//! Passwords: Argon2 hashes, and the bound on how many are computed at once.
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// Password checks at once: argon2 takes ~19 MB and tens of ms of CPU each; a flood of
/// logins waits for these instead of exhausting memory and starving other requests.
const CONCURRENT_HASHES: usize = 2;

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing with default parameters and a fresh salt does not fail.
        .unwrap_or_default()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Runs a password hash or check on a blocking thread, at most [`CONCURRENT_HASHES`] at
/// once; `None` when the server is too busy to take it within a few seconds.
pub async fn bounded_hashing<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    static PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);
    let _permit = tokio::time::timeout(std::time::Duration::from_secs(5), PERMITS.acquire())
        .await
        .ok()?
        .ok()?;
    tokio::task::spawn_blocking(f).await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// However many checks are asked for at once, at most two run; each still runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn at_most_two_password_checks_run_at_once() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(bounded_hashing(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    // Long enough for the others to be waiting meanwhile.
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                    true
                }))
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), Some(true), "each check ran");
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=CONCURRENT_HASHES).contains(&most), "{most} at once");
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash_password("Rahasia-2026");
        assert!(verify_password("Rahasia-2026", &h));
        assert!(!verify_password("rahasia-2026", &h));
        assert!(!verify_password("Rahasia-2026", "not a hash"));
    }
}
