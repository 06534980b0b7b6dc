//! The lifetime rule: `now < expires <= now + MAX_TTL_MS + MAX_CLOCK_SKEW_MS`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{KvRecord, MAX_CLOCK_SKEW_MS, MAX_TTL_MS};

/// Checks the lifetime rule at the checking peer's clock `now_ms` (Unix ms):
/// a record without `expires` (0) is never live, nor one that has ended, nor
/// one that ends further ahead than the longest lifetime plus the clock skew
/// allowed. The error says which bound failed.
pub fn live(record: &KvRecord, now_ms: u64) -> Result<(), String> {
    let latest = now_ms + MAX_TTL_MS + MAX_CLOCK_SKEW_MS;
    match record.expires {
        0 => Err("record is not live: it has no expires (0), and a record without one is never live".into()),
        e if e <= now_ms => Err(format!(
            "record is not live: it expired at {e} (Unix ms), {} ms before now ({now_ms})",
            now_ms - e
        )),
        e if e > latest => Err(format!(
            "record is not live: it expires at {e} (Unix ms), more than {MAX_TTL_MS} ms + {MAX_CLOCK_SKEW_MS} ms \
             (the longest lifetime and the clock skew allowed) after now ({now_ms})"
        )),
        _ => Ok(()),
    }
}

/// The `expires` of a record published at `now_ms` to live for `ttl`: capped
/// at `MAX_TTL_MS`; `None` (or zero) is that longest, default lifetime.
pub fn expires_at(now_ms: u64, ttl: Option<Duration>) -> u64 {
    let ttl_ms = ttl.map(|t| t.as_millis()).filter(|&t| t > 0).unwrap_or(u128::from(MAX_TTL_MS));
    now_ms + u64::try_from(ttl_ms.min(u128::from(MAX_TTL_MS))).unwrap_or(MAX_TTL_MS)
}

/// The system clock in Unix ms (0 before 1970).
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
