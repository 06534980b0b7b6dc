//! Signed `/kvs/<owner>/<name>` records (docs/records.md, "Signed records"):
//! the key, the signed bytes and the format and signature rules. The owner's
//! public key is inside its Ed25519 peer id, so no lookup is needed.

use std::str::FromStr;

use libp2p::identity::{ed25519, PublicKey};
use libp2p::multihash::Multihash;
use libp2p::PeerId;

use super::{
    decode, KvRecord, ED25519_OWNER_CHARS, KVS_SIGNATURE_DOMAIN, MAX_NAME_BYTES, MIN_NAME_BYTES, SIGNATURE_BYTES,
    SIGNED_KEY_PREFIX,
};

/// The multihash code of an identity multihash, which holds the public key
/// itself (every Ed25519 peer id is one).
const IDENTITY_MULTIHASH: u64 = 0x00;

/// The owner's public key from its text as printed (base58btc, as
/// `PeerId::to_base58`): an error unless it is the canonical text of an
/// Ed25519 peer id.
fn parse_owner(text: &str) -> Result<ed25519::PublicKey, String> {
    let shown: String = text.chars().take(64).collect();
    if text.len() > ED25519_OWNER_CHARS {
        // every Ed25519 peer id as printed has this length: no need to decode it
        return Err(format!(
            "owner {shown:?}… has {} characters: an Ed25519 peer id as printed has {ED25519_OWNER_CHARS}",
            text.len()
        ));
    }
    let owner = PeerId::from_str(text).map_err(|e| format!("owner {shown:?} is not a peer id: {e}"))?;
    if owner.to_base58() != text {
        return Err(format!("owner {shown:?} is not written as peer ids are printed (base58btc, {owner})"));
    }
    let hash: &Multihash<64> = owner.as_ref();
    let key = (hash.code() == IDENTITY_MULTIHASH).then(|| PublicKey::try_decode_protobuf(hash.digest()).ok()).flatten();
    key.and_then(|k| k.try_into_ed25519().ok()).ok_or_else(|| {
        format!("owner {owner} is not an Ed25519 peer id: signed records are owned by Ed25519 identities only")
    })
}

/// Checks a name: 1–200 bytes of UTF-8 (a `&str` is UTF-8 already).
fn check_name(name: &str) -> Result<(), String> {
    if name.len() < MIN_NAME_BYTES {
        return Err(format!("name is empty: a name has {MIN_NAME_BYTES} to {MAX_NAME_BYTES} bytes of UTF-8"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!("name has {} bytes of UTF-8; the limit is {MAX_NAME_BYTES}", name.len()));
    }
    Ok(())
}

/// Splits a signed key as the CLI and the kv protocol write it,
/// `<owner peer id>/<name>`, and checks both parts.
fn parse_signed_key(text: &str) -> Result<ed25519::PublicKey, String> {
    let Some((owner, name)) = text.split_once('/') else {
        let shown: String = text.chars().take(64).collect();
        return Err(format!("{shown:?} is not a signed key: it is written <owner peer id>/<name> (no slash after the owner)"));
    };
    let key = parse_owner(owner)?;
    check_name(name)?;
    Ok(key)
}

/// The DHT key of a signed key `<owner peer id>/<name>` (the kv protocol's
/// `signed_key`): the bytes of `"/kvs/" + text`, or why the text is not one.
pub fn signed_dht_key(text: &str) -> Result<Vec<u8>, String> {
    parse_signed_key(text)?;
    Ok([SIGNED_KEY_PREFIX.as_bytes(), text.as_bytes()].concat())
}

/// The bytes an owner signs for `record` under `dht_key`: the domain
/// separator, then the DHT key and the value, each after its length as a
/// big-endian u32, then seq and expires as big-endian u64.
pub fn signed_bytes(dht_key: &[u8], record: &KvRecord) -> Vec<u8> {
    let mut b = Vec::with_capacity(KVS_SIGNATURE_DOMAIN.len() + 4 + dht_key.len() + 4 + record.value.len() + 16);
    b.extend_from_slice(KVS_SIGNATURE_DOMAIN.as_bytes());
    // both lengths are bounded (a DHT key by the Kad message, a value by
    // MAX_VALUE_BYTES) far below u32::MAX
    b.extend_from_slice(&(dht_key.len() as u32).to_be_bytes());
    b.extend_from_slice(dht_key);
    b.extend_from_slice(&(record.value.len() as u32).to_be_bytes());
    b.extend_from_slice(&record.value);
    b.extend_from_slice(&record.seq.to_be_bytes());
    b.extend_from_slice(&record.expires.to_be_bytes());
    b
}

/// The format and signature rules of `/kvs` (not the lifetime rule): `rest`
/// (the DHT key after `/kvs/`) is an Ed25519 owner as printed, a slash and a
/// name of 1–200 bytes of UTF-8; the value a canonical KvRecord without
/// publisher, whose 64-byte signature verifies against the owner's key over
/// the signed bytes of `dht_key`.
pub(super) fn parse_signed(dht_key: &[u8], rest: &[u8], value: &[u8]) -> Result<KvRecord, String> {
    let text = std::str::from_utf8(rest).map_err(|_| "signed key is not valid UTF-8".to_string())?;
    let owner = parse_signed_key(text)?;
    let record = decode(value)?;
    if !record.publisher.is_empty() {
        return Err("a /kvs record has no publisher field: its owner is in its key".into());
    }
    match record.signature.len() {
        0 => return Err("bad signature: the record has none, and a /kvs record is signed by its owner".into()),
        SIGNATURE_BYTES => {}
        n => return Err(format!("bad signature: it has {n} bytes; an Ed25519 signature has {SIGNATURE_BYTES}")),
    }
    if !owner.verify(&signed_bytes(dht_key, &record), &record.signature) {
        return Err(format!(
            "bad signature: it does not verify against the owner {}: the record was not signed by the key's owner \
             for this key, value, seq and expiry",
            PeerId::from_public_key(&owner.into())
        ));
    }
    Ok(record)
}

/// The encoded `/kvs` record of `record`'s value, seq and expires under
/// `dht_key`, signed with `key` (whoever owns `dht_key`: tests forge records
/// with it; only the owner's signature validates).
#[cfg(test)]
pub fn sign(key: &ed25519::Keypair, dht_key: &[u8], record: &KvRecord) -> Vec<u8> {
    let unsigned = KvRecord { publisher: Vec::new(), signature: Vec::new(), ..record.clone() };
    let signature = key.sign(&signed_bytes(dht_key, &unsigned));
    super::encode(&KvRecord { signature, ..unsigned })
}
