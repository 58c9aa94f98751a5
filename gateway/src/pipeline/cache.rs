//! A bounded, thread-safe LRU map for the stages that cache their work (validated documents,
//! query plans).
//!
//! The lock is held only to look up or insert an `Arc`, never while the value is computed, so a
//! slow plan does not block other requests; two requests that miss at once may both compute
//! the value, and the second insert simply wins.

use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use lru::LruCache;

/// Hit and miss counts of a cache. Shared between the caches of successive engines (one per
/// loaded supergraph), so the `/metrics` counters keep counting across schema reloads.
#[derive(Debug, Default)]
pub struct CacheStats {
    hits: AtomicU64,
    misses: AtomicU64,
}

impl CacheStats {
    /// Lookups answered from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Lookups that had to compute the value.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }
}

/// A bounded LRU cache. Capacity 0 disables caching.
pub struct BoundedCache<K: Hash + Eq, V: Clone> {
    entries: Option<Mutex<LruCache<K, V>>>,
    stats: Arc<CacheStats>,
}

impl<K: Hash + Eq, V: Clone> BoundedCache<K, V> {
    /// A cache keeping at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self::with_stats(capacity, Arc::default())
    }

    /// A cache keeping at most `capacity` entries, counting into `stats`.
    pub fn with_stats(capacity: usize, stats: Arc<CacheStats>) -> Self {
        Self {
            entries: NonZeroUsize::new(capacity).map(|c| Mutex::new(LruCache::new(c))),
            stats,
        }
    }

    /// The cached value for `key`, or the one `compute` makes (cached only if it is `Ok`).
    pub fn get_or_try_insert<E>(
        &self,
        key: K,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if let Some(value) = self.get(&key) {
            self.stats.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(value);
        }
        self.stats.misses.fetch_add(1, Ordering::Relaxed);
        let value = compute()?;
        if let Some(entries) = &self.entries {
            // A poisoned lock only means another thread panicked mid-insert; the map itself
            // is still consistent, so keep using it.
            let mut entries = entries.lock().unwrap_or_else(|p| p.into_inner());
            entries.put(key, value.clone());
        }
        Ok(value)
    }

    fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.as_ref()?;
        let mut entries = entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).cloned()
    }

    /// Lookups answered from the cache.
    pub fn hits(&self) -> u64 {
        self.stats.hits()
    }

    /// Lookups that had to compute the value.
    pub fn misses(&self) -> u64 {
        self.stats.misses()
    }

    /// Entries currently held.
    pub fn len(&self) -> usize {
        self.entries
            .as_ref()
            .map_or(0, |e| e.lock().unwrap_or_else(|p| p.into_inner()).len())
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_capacity_and_evicts_least_recent() {
        let cache = BoundedCache::<u32, u32>::new(2);
        for k in [1, 2, 1, 3] {
            let _ = cache.get_or_try_insert(k, || Ok::<_, ()>(k * 10));
        }
        assert_eq!(cache.len(), 2);
        assert_eq!((cache.hits(), cache.misses()), (1, 3));
        // 2 was the least recently used and is gone; 1 is still there.
        let mut computed = false;
        let _ = cache.get_or_try_insert(1, || {
            computed = true;
            Ok::<_, ()>(0)
        });
        assert!(!computed);
        let _ = cache.get_or_try_insert(2, || {
            computed = true;
            Ok::<_, ()>(0)
        });
        assert!(computed);
    }

    #[test]
    fn errors_are_not_cached_and_zero_disables() {
        let cache = BoundedCache::<u32, u32>::new(4);
        assert_eq!(
            cache.get_or_try_insert(1, || Err::<u32, _>("no")),
            Err("no")
        );
        assert!(cache.is_empty());
        let off = BoundedCache::<u32, u32>::new(0);
        let _ = off.get_or_try_insert(1, || Ok::<_, ()>(1));
        assert_eq!(off.get_or_try_insert(1, || Ok::<_, ()>(2)), Ok(2));
    }
}
