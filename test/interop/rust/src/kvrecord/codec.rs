//! The canonical proto3 encoding of `KvRecord`.

use prost::Message;

use super::{MAX_PUBLISHER_BYTES, MAX_RECORD_BYTES, MAX_VALUE_BYTES, SIGNATURE_BYTES};

/// A decoded `KvRecord` (docs/records.md); prost encodes it canonically:
/// fields in field-number order, zero-valued fields omitted, minimal varints.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct KvRecord {
    /// The user's value, at most `MAX_VALUE_BYTES`.
    #[prost(bytes = "vec", tag = "1")]
    pub value: Vec<u8>,
    /// Orders the records of one key: the highest wins.
    #[prost(uint64, tag = "2")]
    pub seq: u64,
    /// The publisher's peer id bytes (multihash); informational.
    #[prost(bytes = "vec", tag = "3")]
    pub publisher: Vec<u8>,
    /// When the record ends, Unix ms; 0 is never live.
    #[prost(uint64, tag = "4")]
    pub expires: u64,
    /// `/kvs` only: the owner's Ed25519 signature of the signed bytes.
    #[prost(bytes = "vec", tag = "5")]
    pub signature: Vec<u8>,
}

/// The canonical encoding of `record`.
pub fn encode(record: &KvRecord) -> Vec<u8> {
    record.encode_to_vec()
}

/// Decodes a `KvRecord` and enforces every format rule on the bytes: the
/// size limits, and that they are the canonical encoding of what they decode
/// to (so every implementation agrees on validity byte for byte). It does not
/// check the lifetime rule, which needs a clock.
pub fn decode(bytes: &[u8]) -> Result<KvRecord, String> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(format!("record has {} bytes; the limit is {MAX_RECORD_BYTES}", bytes.len()));
    }
    let record = KvRecord::decode(bytes).map_err(|e| format!("record is not a valid KvRecord protobuf: {e}"))?;
    if record.value.len() > MAX_VALUE_BYTES {
        return Err(format!("value has {} bytes; the limit is {MAX_VALUE_BYTES} (64 KiB)", record.value.len()));
    }
    if record.publisher.len() > MAX_PUBLISHER_BYTES {
        return Err(format!("publisher has {} bytes; the limit is {MAX_PUBLISHER_BYTES}", record.publisher.len()));
    }
    if record.signature.len() > SIGNATURE_BYTES {
        return Err(format!("signature has {} bytes; the limit is {SIGNATURE_BYTES}", record.signature.len()));
    }
    if encode(&record) != bytes {
        return Err("record is not the canonical KvRecord encoding (unknown, repeated, out-of-order or \
                    zero-valued fields, or non-minimal varints)"
            .into());
    }
    Ok(record)
}
