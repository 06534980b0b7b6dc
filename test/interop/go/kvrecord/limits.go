// Package kvrecord implements the /kv record format of exper-dht
// (docs/records.md): the DHT key, the canonical KvRecord encoding, and the
// validator and selector that go-libp2p-kad-dht runs for the "kv" namespace.
package kvrecord

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
)
