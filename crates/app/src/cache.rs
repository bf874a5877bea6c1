//! Figures computed from the whole registry (the dashboard) kept until the data changes:
//! each lookup compares the store's data version, so a change shows on the next request,
//! on every instance, and a busy office does not recount 100,000 KUBE per page view.
use crate::store::dashboard::DataVersion;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

pub struct VersionedCache<T> {
    inner: Mutex<(DataVersion, HashMap<String, Arc<T>>)>,
    computing: tokio::sync::Mutex<()>,
}

impl<T> Default for VersionedCache<T> {
    fn default() -> Self {
        VersionedCache {
            inner: Mutex::new(([-1; 4], HashMap::new())),
            computing: tokio::sync::Mutex::new(()),
        }
    }
}

impl<T> VersionedCache<T> {
    /// The value for `key` at `version`, computed by `compute` when missing. One
    /// computation at a time: a burst of requests after a change waits for the first
    /// instead of each recounting (and holding in memory) the whole registry.
    pub async fn get_or_compute<E, Fut>(
        &self,
        key: String,
        version: DataVersion,
        compute: impl FnOnce() -> Fut,
    ) -> Result<Arc<T>, E>
    where
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.get(&key, version) {
            return Ok(v);
        }
        let _one = self.computing.lock().await;
        if let Some(v) = self.get(&key, version) {
            return Ok(v);
        }
        let v = Arc::new(compute().await?);
        self.put(key, version, v.clone());
        Ok(v)
    }

    /// The value for `key` computed at `version`, if any. A newer version empties the cache.
    pub fn get(&self, key: &str, version: DataVersion) -> Option<Arc<T>> {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if g.0 != version {
            g.0 = version;
            g.1.clear();
            return None;
        }
        g.1.get(key).cloned()
    }

    /// Keeps a value computed from data read after `version` was.
    pub fn put(&self, key: String, version: DataVersion, v: Arc<T>) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if g.0 == version {
            g.1.insert(key, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_version_forgets_everything() {
        let c = VersionedCache::<i32>::default();
        let v1 = [1, 1, 0, 0];
        assert!(c.get("a", v1).is_none());
        c.put("a".into(), v1, Arc::new(7));
        assert_eq!(c.get("a", v1).as_deref(), Some(&7));
        let v2 = [2, 2, 0, 0];
        assert!(c.get("a", v2).is_none());
        // A value computed under the old version is not kept under the new one.
        c.put("a".into(), v1, Arc::new(8));
        assert!(c.get("a", v2).is_none());
    }

    #[tokio::test]
    async fn a_burst_of_misses_computes_once() {
        let c = Arc::new(VersionedCache::<usize>::default());
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let v = [1, 1, 0, 0];
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (c, runs) = (c.clone(), runs.clone());
                tokio::spawn(async move {
                    c.get_or_compute("k".into(), v, || async {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok::<_, ()>(runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1)
                    })
                    .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(*t.await.unwrap().unwrap(), 1);
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
