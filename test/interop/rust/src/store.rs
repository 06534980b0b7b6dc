//! The record store of the Kad-DHT: every record that enters it passes the
//! validator of its namespace (`/kv`, or `/kvs` with its owner's signature;
//! format and lifetime) and the selector against the record held for its
//! key, whoever put it (a PUT_VALUE, replication, this peer's own put);
//! `put` returning an error makes rust-libp2p reset the PUT_VALUE's stream,
//! so the sender does not count this peer as a replica. It serves and
//! replicates only live records.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use libp2p::kad::store::{self, MemoryStore, RecordStore};
use libp2p::kad::{ProviderRecord, Record, RecordKey};
use libp2p::PeerId;

use crate::kvrecord::{self, unix_ms};

/// The most records a peer holds (config/default.json `records.maxRecords`).
pub const MAX_RECORDS: usize = 65_536;
/// The most value bytes a peer holds (config/default.json `records.maxBytes`, 64 MiB).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// A validating, in-memory record store (providers are kept, unused, in a
/// `MemoryStore`).
pub struct KvStore {
    records: HashMap<RecordKey, Record>,
    bytes: usize,
    providers: MemoryStore,
    /// Why the last record was refused, for the logs of a debugging session.
    pub last_refusal: Option<String>,
}

impl KvStore {
    /// An empty store for the peer `local`.
    pub fn new(local: PeerId) -> Self {
        KvStore { records: HashMap::new(), bytes: 0, providers: MemoryStore::new(local), last_refusal: None }
    }

    /// Checks `record` against the validator and the record held for its key.
    fn admit(&self, record: &Record, now: u64) -> Result<(), String> {
        let incoming = kvrecord::validate(record.key.as_ref(), &record.value, Some(now))?;
        if let Some(held) = self.live(&record.key, now) {
            if let Ok(held) = kvrecord::decode(&held.value) {
                if kvrecord::compare(&incoming, &held) == Ordering::Less {
                    return Err("the record is worse than the one held for its key".into());
                }
            }
        }
        Ok(())
    }

    /// The record held for `key` if it is live at `now` (it passed the
    /// validator, signature included, when it was stored: only its lifetime
    /// is checked again).
    fn live(&self, key: &RecordKey, now: u64) -> Option<&Record> {
        self.records.get(key).filter(|r| kvrecord::decode(&r.value).is_ok_and(|d| kvrecord::live(&d, now).is_ok()))
    }

    /// Drops every record that has ended; returns how many.
    pub fn remove_ended(&mut self) -> usize {
        self.remove_ended_at(unix_ms())
    }

    /// Drops every record that has ended by `now` (Unix ms).
    fn remove_ended_at(&mut self, now: u64) -> usize {
        let ended: Vec<RecordKey> = self.records.keys().filter(|k| self.live(k, now).is_none()).cloned().collect();
        for key in &ended {
            self.remove(key);
        }
        ended.len()
    }

    /// How many records the store holds.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.records.len()
    }
}

impl KvStore {
    /// The records live at `now`.
    fn records_at(&self, now: u64) -> Box<dyn Iterator<Item = Cow<'_, Record>> + '_> {
        Box::new(self.records.iter().filter(move |(k, _)| self.live(k, now).is_some()).map(|(_, r)| Cow::Borrowed(r)))
    }
}

impl RecordStore for KvStore {
    type RecordsIter<'a> = Box<dyn Iterator<Item = Cow<'a, Record>> + 'a>;
    type ProvidedIter<'a> = <MemoryStore as RecordStore>::ProvidedIter<'a>;

    fn get(&self, key: &RecordKey) -> Option<Cow<'_, Record>> {
        self.live(key, unix_ms()).map(Cow::Borrowed)
    }

    fn put(&mut self, mut record: Record) -> store::Result<()> {
        if let Err(reason) = self.admit(&record, unix_ms()) {
            self.last_refusal = Some(reason);
            // store::Error has no variant for an invalid record; the remote
            // only sees the reset either way
            return Err(store::Error::ValueTooLarge);
        }
        let held = self.records.get(&record.key).map_or(0, |r| r.value.len());
        if held == 0 && self.records.len() >= MAX_RECORDS {
            self.last_refusal = Some(format!("the store holds {MAX_RECORDS} records, its limit"));
            return Err(store::Error::MaxRecords);
        }
        if self.bytes - held + record.value.len() > MAX_BYTES {
            self.last_refusal = Some(format!("the store would hold more than {MAX_BYTES} bytes, its limit"));
            return Err(store::Error::MaxRecords);
        }
        // kvrecord's expires governs the record's life, not Kad's own
        record.expires = None;
        self.bytes = self.bytes - held + record.value.len();
        self.records.insert(record.key.clone(), record);
        Ok(())
    }

    fn remove(&mut self, key: &RecordKey) {
        if let Some(r) = self.records.remove(key) {
            self.bytes -= r.value.len();
        }
    }

    fn records(&self) -> Self::RecordsIter<'_> {
        self.records_at(unix_ms())
    }

    fn add_provider(&mut self, record: ProviderRecord) -> store::Result<()> {
        self.providers.add_provider(record)
    }

    fn providers(&self, key: &RecordKey) -> Vec<ProviderRecord> {
        self.providers.providers(key)
    }

    fn provided(&self) -> Self::ProvidedIter<'_> {
        self.providers.provided()
    }

    fn remove_provider(&mut self, key: &RecordKey, provider: &PeerId) {
        self.providers.remove_provider(key, provider)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kvrecord::{decode, encode, KvRecord, MAX_TTL_MS};

    fn record(key: &str, value: &str, seq: u64, expires: u64) -> Record {
        Record::new(RecordKey::new(&kvrecord::dht_key(key)), encode(&KvRecord { value: value.into(), seq, publisher: vec![], expires, ..Default::default() }))
    }

    #[test]
    fn stores_only_valid_live_records_not_worse_than_the_held_one() {
        let mut store = KvStore::new(PeerId::random());
        let later = unix_ms() + 60_000;
        assert!(store.put(record("k", "one", 5, later)).is_ok());
        assert!(store.put(record("k", "older", 4, later)).is_err(), "a worse record replaced the held one");
        assert!(store.put(record("k", "one", 5, later)).is_ok(), "the identical record is not worse");
        assert!(store.put(record("k", "newer", 6, later)).is_ok());
        assert_eq!(store.get(&RecordKey::new(&kvrecord::dht_key("k"))).unwrap().value, record("k", "newer", 6, later).value);
        assert!(store.put(record("ended", "v", 1, unix_ms() - 1)).is_err(), "an ended record was stored");
        assert!(store.put(record("far", "v", 1, unix_ms() + 2 * MAX_TTL_MS)).is_err(), "a record past the longest lifetime was stored");
        let mut not_kv = record("k", "v", 9, later);
        not_kv.key = RecordKey::new(&b"/pk/k".to_vec());
        assert!(store.put(not_kv).is_err(), "a record of another namespace was stored");
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn stores_only_signed_records_their_owner_signed_and_never_an_older_one() {
        let owner = libp2p::identity::ed25519::Keypair::generate();
        let intruder = libp2p::identity::ed25519::Keypair::generate();
        let owner_id = libp2p::identity::Keypair::from(owner.clone()).public().to_peer_id();
        let dht_key = kvrecord::signed_dht_key(&format!("{owner_id}/name")).unwrap();
        let signed = |by: &libp2p::identity::ed25519::Keypair, value: &str, seq: u64, expires: u64| {
            let fields = KvRecord { value: value.into(), seq, expires, ..Default::default() };
            Record::new(RecordKey::new(&dht_key), kvrecord::sign(by, &dht_key, &fields))
        };
        let later = unix_ms() + 60_000;
        let mut store = KvStore::new(PeerId::random());
        assert!(store.put(signed(&owner, "one", 5, later)).is_ok());
        assert!(store.put(signed(&intruder, "forged", 1000, later)).is_err(), "a forgery with a higher seq was stored");
        let mut altered = decode(&signed(&owner, "one", 5, later).value).unwrap();
        altered.seq = 1000;
        assert!(store.put(Record::new(RecordKey::new(&dht_key), encode(&altered))).is_err(), "an altered seq was stored");
        assert!(store.put(signed(&owner, "older", 4, later)).is_err(), "a replay of an older record was stored");
        assert!(store.put(signed(&owner, "ended", 6, unix_ms() - 1)).is_err(), "an ended signed record was stored");
        assert_eq!(store.get(&RecordKey::new(&dht_key)).unwrap().value, signed(&owner, "one", 5, later).value);
        assert!(store.put(signed(&owner, "newer", 6, later)).is_ok());
        assert_eq!(store.get(&RecordKey::new(&dht_key)).unwrap().value, signed(&owner, "newer", 6, later).value);
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn serves_and_replicates_only_live_records() {
        let mut store = KvStore::new(PeerId::random());
        let now = unix_ms();
        store.put(record("short", "v", 1, now + 1_000)).unwrap();
        store.put(record("long", "v", 1, now + 60_000)).unwrap();
        assert_eq!(store.records().count(), 2);
        let later = now + 2_000;
        assert!(store.live(&RecordKey::new(&kvrecord::dht_key("short")), later).is_none(), "an ended record is served");
        assert_eq!(store.records_at(later).count(), 1, "an ended record is replicated");
        assert_eq!(store.remove_ended_at(later), 1);
        assert_eq!(store.len(), 1);
    }
}
