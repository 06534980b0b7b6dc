//! Runs the shared vectors test/vectors/kv-records.json through the validator
//! and the selector: every implementation must agree with every case.

use serde::Deserialize;

use super::{select, validate};

#[derive(Deserialize)]
struct Vectors {
    validation: Vec<ValidationCase>,
    lifetime: Vec<LifetimeCase>,
    selection: Vec<SelectionCase>,
}

#[derive(Deserialize)]
pub(super) struct ValidationCase {
    name: String,
    pub(super) key: String,
    pub(super) record: String,
    pub(super) valid: bool,
    why: String,
}

#[derive(Deserialize)]
pub(super) struct LifetimeCase {
    name: String,
    key: String,
    record: String,
    now: u64,
    live: bool,
    why: String,
}

#[derive(Deserialize)]
pub(super) struct SelectionCase {
    name: String,
    key: String,
    records: Vec<String>,
    best: usize,
    why: String,
}

/// Parses `file` of test/vectors (shared by every implementation).
pub(super) fn read<T: serde::de::DeserializeOwned>(file: &str) -> T {
    let path = format!("{}/../../vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// Reads the vectors, refusing a file with an empty section (a renamed or
/// emptied section must not make its test pass by running nothing).
fn vectors() -> Vectors {
    let path = "kv-records.json";
    let v: Vectors = read(path);
    assert!(!v.validation.is_empty(), "no validation cases in {path}");
    assert!(!v.lifetime.is_empty(), "no lifetime cases in {path}");
    assert!(!v.selection.is_empty(), "no selection cases in {path}");
    v
}

pub(super) fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd-length hex {s:?}");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

/// Every validation case: the format rules (and for `/kvs` the signature)
/// accept the record exactly when the case says it is valid.
pub(super) fn check_validation(cases: Vec<ValidationCase>) {
    let mut failures = Vec::new();
    for case in cases {
        let got = validate(&unhex(&case.key), &unhex(&case.record), None);
        if got.is_ok() != case.valid {
            failures.push(format!("{}: valid = {}, want {} ({}); {:?}", case.name, got.is_ok(), case.valid, case.why, got.err()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every lifetime case: a record valid by the format rules is live at the
/// case's clock exactly when the case says so.
pub(super) fn check_lifetime(cases: Vec<LifetimeCase>) {
    let mut failures = Vec::new();
    for case in cases {
        let (key, record) = (unhex(&case.key), unhex(&case.record));
        assert!(validate(&key, &record, None).is_ok(), "{}: the record must pass the format rules", case.name);
        let got = validate(&key, &record, Some(case.now));
        if got.is_ok() != case.live {
            failures.push(format!("{}: live = {}, want {} ({}); {:?}", case.name, got.is_ok(), case.live, case.why, got.err()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every selection case: the selector picks the case's best record.
pub(super) fn check_selection(cases: Vec<SelectionCase>) {
    let mut failures = Vec::new();
    for case in cases {
        let records: Vec<Vec<u8>> = case.records.iter().map(|r| unhex(r)).collect();
        let refs: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
        match select(&unhex(&case.key), &refs) {
            Ok(best) if best == case.best => {}
            got => failures.push(format!("{}: best = {got:?}, want {} ({})", case.name, case.best, case.why)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
fn other_namespaces_are_refused() {
    let record = super::encode(&super::KvRecord { value: b"v".to_vec(), seq: 1, publisher: vec![], expires: 0, ..Default::default() });
    for key in [&b"/pk/abc"[..], b"/ipns/abc", b"/kvx/abc", b"kv/abc", b"/kvs/abc"] {
        assert!(validate(key, &record, None).is_err(), "{} must be refused", String::from_utf8_lossy(key));
    }
    assert!(validate(b"/kv/abc", &record, None).is_ok());
}
