// Package kvrecord implements the /kv record format of exper-dht
// (docs/records.md): the DHT key, the canonical KvRecord encoding, and the
// validator and selector that go-libp2p-kad-dht runs for the "kv" namespace.
package kvrecord

import "time"

// The limits of the /kv record format; every implementation uses the same
// numbers (src/records/limits.ts), and test/vectors/kv-records.json exercises them.
const (
	// Namespace is the DHT namespace of key/value records.
	Namespace = "kv"
	// KeyPrefix starts every DHT key of a kv record.
	KeyPrefix = "/" + Namespace + "/"
	// MinKeyBytes is the smallest user key, in UTF-8 bytes.
	MinKeyBytes = 1
	// MaxKeyBytes is the largest user key, in UTF-8 bytes.
	MaxKeyBytes = 256
	// MaxValueBytes is the largest user value (64 KiB).
	MaxValueBytes = 64 * 1024
	// MaxPublisherBytes is the largest publisher field.
	MaxPublisherBytes = 128
	// MaxRecordBytes is the largest encoded KvRecord, checked before decoding.
	MaxRecordBytes = MaxValueBytes + 1024
	// MaxTTLMs is the longest lifetime of a record, in ms (48 hours,
	// MAX_TTL_MS): its expires is at most this far after its last publication.
	MaxTTLMs = 172_800_000
	// MaxClockSkewMs is how far ahead of the checking peer's clock a
	// publisher's clock may run, in ms (10 minutes, MAX_CLOCK_SKEW_MS): an
	// expires up to now + MaxTTLMs + MaxClockSkewMs is accepted.
	MaxClockSkewMs = 600_000
	// MaxTTL is MaxTTLMs as a duration (48 h): the default and the longest
	// lifetime this peer gives the records it publishes.
	MaxTTL = MaxTTLMs * time.Millisecond
	// MaxClockSkew is MaxClockSkewMs as a duration (10 min).
	MaxClockSkew = MaxClockSkewMs * time.Millisecond
)

// The limits of the signed /kvs record format (src/records/limits.ts);
// test/vectors/kvs-records.json exercises them.
const (
	// SignedNamespace is the DHT namespace of signed records, writable by their owner only.
	SignedNamespace = "kvs"
	// SignedKeyPrefix starts every DHT key of a signed record: /kvs/<owner>/<name>.
	SignedKeyPrefix = "/" + SignedNamespace + "/"
	// MinNameBytes is the smallest name of a signed record, in UTF-8 bytes.
	MinNameBytes = 1
	// MaxNameBytes is the largest name of a signed record, in UTF-8 bytes.
	MaxNameBytes = 200
	// SignatureBytes is the length of an Ed25519 signature, the only length a /kvs signature may have.
	SignatureBytes = 64
	// SignatureDomain starts the bytes an owner signs (docs/records.md, "Signed bytes").
	SignatureDomain = "exper-dht/kvs-record/v1"
)
