//! The validator and the selector of the record namespaces an exper-dht
//! network carries: `/kv` and the signed `/kvs`, a table of prefixes.

use std::cmp::Ordering;

use super::signed::parse_signed;
use super::{decode, live, KvRecord, KEY_PREFIX, MAX_KEY_BYTES, MIN_KEY_BYTES, SIGNED_KEY_PREFIX};

/// The namespaces this peer accepts; a DHT key in any other is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    /// `/kv/` + the user key: unsigned key/value records (docs/records.md).
    Kv,
    /// `/kvs/<owner>/<name>`: records only their Ed25519 owner can sign.
    Kvs,
}

/// Each namespace's DHT key prefix (no prefix is a prefix of another).
const NAMESPACES: [(&str, Namespace); 2] = [(KEY_PREFIX, Namespace::Kv), (SIGNED_KEY_PREFIX, Namespace::Kvs)];

impl Namespace {
    /// The namespace of a DHT key, and the rest of the key after its prefix.
    pub fn of(dht_key: &[u8]) -> Result<(Namespace, &[u8]), String> {
        NAMESPACES
            .iter()
            .find_map(|(prefix, namespace)| dht_key.strip_prefix(prefix.as_bytes()).map(|rest| (*namespace, rest)))
            .ok_or_else(|| {
                format!(
                    "DHT key {} is in no namespace this peer accepts (only {KEY_PREFIX} and {SIGNED_KEY_PREFIX})",
                    String::from_utf8_lossy(&dht_key[..dht_key.len().min(300)])
                )
            })
    }
}

/// Checks that `key` is 1–256 bytes of valid UTF-8.
pub fn validate_user_key(key: &[u8]) -> Result<&str, String> {
    if key.len() < MIN_KEY_BYTES {
        return Err(format!("key is empty: a key has {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes of UTF-8"));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(format!("key has {} bytes of UTF-8; the limit is {MAX_KEY_BYTES}", key.len()));
    }
    std::str::from_utf8(key).map_err(|_| "key is not valid UTF-8".to_string())
}

/// The DHT key of a (validated) user key: the bytes of `"/kv/" + key`.
pub fn dht_key(key: &str) -> Vec<u8> {
    [KEY_PREFIX.as_bytes(), key.as_bytes()].concat()
}

/// The format rules of the record's namespace: the DHT key and the value's
/// encoding. Returns the decoded record.
fn parse(dht_key: &[u8], value: &[u8]) -> Result<KvRecord, String> {
    let (namespace, rest) = Namespace::of(dht_key)?;
    match namespace {
        Namespace::Kv => {
            validate_user_key(rest)?;
            let record = decode(value)?;
            if !record.signature.is_empty() {
                return Err("a /kv record carries no signature (signed records live under /kvs/<owner>/<name>)".into());
            }
            Ok(record)
        }
        Namespace::Kvs => parse_signed(dht_key, rest, value),
    }
}

/// The full validator: the format rules, and with `now_ms` (Unix ms) the
/// lifetime rule too; `None` checks the format alone.
pub fn validate(dht_key: &[u8], value: &[u8], now_ms: Option<u64>) -> Result<KvRecord, String> {
    let record = parse(dht_key, value)?;
    if let Some(now) = now_ms {
        live(&record, now)?;
    }
    Ok(record)
}

/// Orders two records by the selection rule: `Greater` when `a` is better.
/// Highest seq, then greater value bytes, then greater publisher bytes, then
/// later expires, then greater signature bytes (`/kvs`).
pub fn compare(a: &KvRecord, b: &KvRecord) -> Ordering {
    a.seq
        .cmp(&b.seq)
        .then_with(|| a.value.cmp(&b.value))
        .then_with(|| a.publisher.cmp(&b.publisher))
        .then_with(|| a.expires.cmp(&b.expires))
        .then_with(|| a.signature.cmp(&b.signature))
}

/// The index of the best of `values` under the DHT key `dht_key`: records
/// that fail the format rules (and for `/kvs` the signature) never win, the first of identical records
/// does. An error when none passes the format rules. (The lifetime is the
/// caller's: it selects among records it has validated.)
pub fn select(dht_key: &[u8], values: &[&[u8]]) -> Result<usize, String> {
    let mut best: Option<(usize, KvRecord)> = None;
    for (i, value) in values.iter().enumerate() {
        let Ok(record) = parse(dht_key, value) else { continue };
        if best.as_ref().is_none_or(|(_, b)| compare(&record, b) == Ordering::Greater) {
            best = Some((i, record));
        }
    }
    best.map(|(i, _)| i).ok_or_else(|| format!("none of the {} records is valid for its key", values.len()))
}
