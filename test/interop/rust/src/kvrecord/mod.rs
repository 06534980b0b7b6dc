//! The `/kv` record format of exper-dht (docs/records.md): the DHT key, the
//! canonical `KvRecord` encoding, the lifetime rule, and the validator and
//! selector the DHT applies to every record it stores, serves or receives.

mod codec;
mod lifetime;
mod validator;

#[cfg(test)]
mod vectors_test;

pub use codec::{decode, encode, KvRecord};
pub use lifetime::{expires_at, live, unix_ms};
pub use validator::{compare, dht_key, select, validate, validate_user_key};

/// Starts every DHT key of a kv record.
pub const KEY_PREFIX: &str = "/kv/";
/// The smallest user key, in UTF-8 bytes.
pub const MIN_KEY_BYTES: usize = 1;
/// The largest user key, in UTF-8 bytes.
pub const MAX_KEY_BYTES: usize = 256;
/// The largest user value (64 KiB).
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
/// The largest publisher field.
pub const MAX_PUBLISHER_BYTES: usize = 128;
/// The largest encoded `KvRecord`, checked before decoding (64 KiB + 1 KiB).
pub const MAX_RECORD_BYTES: usize = MAX_VALUE_BYTES + 1024;
/// The longest lifetime of a record, in ms (48 hours): the default and the
/// longest lifetime this peer gives the records it publishes.
pub const MAX_TTL_MS: u64 = 172_800_000;
/// How far ahead of the checking peer's clock a publisher's clock may run, in
/// ms (10 minutes).
pub const MAX_CLOCK_SKEW_MS: u64 = 600_000;
