//! Runs the shared vectors test/vectors/kvs-records.json (signed `/kvs`
//! records) through the signed bytes, the validator and the selector: every
//! implementation must agree with every case.

use libp2p::identity::{ed25519, Keypair};
use serde::Deserialize;

use super::vectors_test::{check_lifetime, check_selection, check_validation, read, unhex, LifetimeCase, SelectionCase, ValidationCase};
use super::{
    decode, select, sign, signed_bytes, signed_dht_key, validate, KvRecord, KVS_SIGNATURE_DOMAIN, MAX_NAME_BYTES,
    MIN_NAME_BYTES, SIGNATURE_BYTES, SIGNED_KEY_PREFIX,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Limits {
    key_prefix: String,
    min_name_bytes: usize,
    max_name_bytes: usize,
    signature_bytes: usize,
    signature_domain: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Owner {
    role: String,
    seed: String,
    peer_id: String,
}

#[derive(Deserialize)]
struct SignedBytesCase {
    name: String,
    key: String,
    value: String,
    seq: String,
    expires: String,
    bytes: String,
}

#[derive(Deserialize)]
struct Vectors {
    limits: Limits,
    owners: Vec<Owner>,
    signed_bytes: Vec<SignedBytesCase>,
    validation: Vec<ValidationCase>,
    lifetime: Vec<LifetimeCase>,
    selection: Vec<SelectionCase>,
}

/// Reads the vectors, refusing a file with an empty section (a renamed or
/// emptied section must not make its test pass by running nothing).
fn vectors() -> Vectors {
    let path = "kvs-records.json";
    let v: Vectors = read(path);
    assert!(v.owners.len() >= 2, "fewer than 2 owners in {path}");
    assert!(!v.signed_bytes.is_empty(), "no signed_bytes cases in {path}");
    assert!(!v.validation.is_empty(), "no validation cases in {path}");
    assert!(!v.lifetime.is_empty(), "no lifetime cases in {path}");
    assert!(!v.selection.is_empty(), "no selection cases in {path}");
    v
}

fn keypair(seed: &str) -> ed25519::Keypair {
    ed25519::Keypair::from(ed25519::SecretKey::try_from_bytes(unhex(seed)).expect("a 32-byte seed"))
}

#[test]
fn limits_are_the_vectors() {
    let l = vectors().limits;
    assert_eq!(
        (l.key_prefix.as_str(), l.min_name_bytes, l.max_name_bytes, l.signature_bytes, l.signature_domain.as_str()),
        (SIGNED_KEY_PREFIX, MIN_NAME_BYTES, MAX_NAME_BYTES, SIGNATURE_BYTES, KVS_SIGNATURE_DOMAIN)
    );
}

#[test]
fn ed25519_owners_are_their_seeds_peer_ids() {
    for owner in &vectors().owners[..2] {
        let id = Keypair::from(keypair(&owner.seed)).public().to_peer_id();
        assert_eq!(id.to_base58(), owner.peer_id, "{}", owner.role);
    }
}

#[test]
fn signed_bytes_vectors() {
    for case in vectors().signed_bytes {
        let record = KvRecord {
            value: unhex(&case.value),
            seq: case.seq.parse().expect("seq"),
            expires: case.expires.parse().expect("expires"),
            ..Default::default()
        };
        assert_eq!(signed_bytes(&unhex(&case.key), &record), unhex(&case.bytes), "{}", case.name);
    }
}

#[test]
fn validation_vectors() {
    check_validation(vectors().validation);
}

#[test]
fn lifetime_vectors() {
    check_lifetime(vectors().lifetime);
}

#[test]
fn selection_vectors() {
    check_selection(vectors().selection);
}

#[test]
fn signing_as_the_owner_gives_the_vectors_record() {
    let v = vectors();
    let case = &v.validation[0];
    assert!(case.valid, "the first validation case is the valid record");
    let (key, record) = (unhex(&case.key), unhex(&case.record));
    assert_eq!(sign(&keypair(&v.owners[0].seed), &key, &decode(&record).unwrap()), record);
}

#[test]
fn a_forgery_with_a_higher_seq_never_wins_and_never_validates() {
    let v = vectors();
    let key = unhex(&v.validation[0].key);
    let genuine = unhex(&v.validation[0].record);
    let forged = sign(&keypair(&v.owners[1].seed), &key, &KvRecord { value: b"forged".to_vec(), seq: 1000, ..decode(&genuine).unwrap() });
    assert!(validate(&key, &forged, None).unwrap_err().contains("bad signature"));
    assert_eq!(select(&key, &[&forged, &genuine]), Ok(1), "a forgery with a higher seq was selected");
}

#[test]
fn signed_keys_as_the_kv_protocol_writes_them() {
    let owner = &vectors().owners[0].peer_id;
    assert_eq!(signed_dht_key(&format!("{owner}/a/b")).unwrap(), format!("/kvs/{owner}/a/b").into_bytes());
    for (text, why) in [
        (owner.clone(), "no slash after the owner"),
        (format!("{owner}/"), "name is empty"),
        (format!("{owner}/{}", "n".repeat(MAX_NAME_BYTES + 1)), "the limit is 200"),
        (format!("{owner}x/name"), "53 characters"),
        ("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N/name".into(), "not an Ed25519 peer id"),
        (format!("{}/name", vectors().owners[2].peer_id), "53 characters"),
        ("not-a-peer-id/name".into(), "not a peer id"),
    ] {
        let err = signed_dht_key(&text).unwrap_err();
        assert!(err.contains(why), "{text:?}: {err:?} does not say {why:?}");
    }
}

#[test]
fn a_kv_record_with_a_signature_is_invalid() {
    let record = super::encode(&KvRecord { value: b"v".to_vec(), seq: 1, signature: vec![1; 64], ..Default::default() });
    assert!(validate(b"/kv/k", &record, None).unwrap_err().contains("no signature"));
}
