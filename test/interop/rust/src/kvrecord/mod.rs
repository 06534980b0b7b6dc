//! The `/kv` and signed `/kvs` record formats of exper-dht (docs/records.md):
//! the DHT keys, the canonical `KvRecord` encoding, the signed bytes, the
//! lifetime rule, and the validator and selector the DHT applies to every
//! record it stores, serves or receives.

mod codec;
mod lifetime;
mod signed;
mod validator;

#[cfg(test)]
mod signed_vectors_test;
#[cfg(test)]
mod vectors_test;

pub use codec::{decode, encode, KvRecord};
pub use lifetime::{expires_at, live, unix_ms};
pub use signed::signed_dht_key;
#[cfg(test)]
pub use signed::{sign, signed_bytes};
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

/// Starts every DHT key of a signed record: `/kvs/<owner>/<name>`.
pub const SIGNED_KEY_PREFIX: &str = "/kvs/";
/// The length of every Ed25519 peer id as printed (base58btc); a longer
/// owner is refused before it is decoded.
pub const ED25519_OWNER_CHARS: usize = 52;
/// The shortest name of a signed record, in UTF-8 bytes.
pub const MIN_NAME_BYTES: usize = 1;
/// The longest name of a signed record, in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = 200;
/// The length of an Ed25519 signature (RFC 8032).
pub const SIGNATURE_BYTES: usize = 64;
/// Starts the bytes an owner signs, so that no signature made for anything
/// else passes for a record's.
pub const KVS_SIGNATURE_DOMAIN: &str = "exper-dht/kvs-record/v1";
