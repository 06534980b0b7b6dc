/**
 * The limits of the `/kv` record format. Every implementation (TypeScript, Go,
 * Rust) uses the same numbers; test/vectors/kv-records.json exercises them.
 */

/** The DHT namespace of key/value records: keys are `/kv/<user key>`. */
export const KV_NAMESPACE = 'kv'

/** Prefix of every DHT key of a kv record. */
export const KV_KEY_PREFIX = `/${KV_NAMESPACE}/`

/** Smallest user key, in UTF-8 bytes. */
export const MIN_KEY_BYTES = 1

/** Largest user key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 256

/** Largest user value, in bytes (64 KiB). */
export const MAX_VALUE_BYTES = 64 * 1024

/** Largest publisher field, in bytes (a peer id is 34–38 bytes; room for any multihash). */
export const MAX_PUBLISHER_BYTES = 128

/** Largest encoded KvRecord: a full value plus its framing, seq and publisher. */
export const MAX_RECORD_BYTES = MAX_VALUE_BYTES + 1024

const hour = 60 * 60 * 1000

/** Longest lifetime of a record: its `expires` is at most this far after its last publication (48 h). */
export const MAX_TTL_MS = 48 * hour

/** How far ahead of this peer's clock a publisher's clock may run: an `expires` up to `MAX_TTL_MS` plus this is accepted (10 minutes). */
export const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000

/** The DHT namespace of signed records: keys are `/kvs/<owner peer id>/<name>`, writable by the owner only. */
export const KVS_NAMESPACE = 'kvs'

/** Prefix of every DHT key of a signed record. */
export const KVS_KEY_PREFIX = `/${KVS_NAMESPACE}/`

/** Length of an Ed25519 peer id as printed (base58btc of its 38-byte identity multihash), the owner of a signed key. */
export const ED25519_OWNER_CHARS = 52

/** Smallest name of a signed record (after `<owner>/`), in UTF-8 bytes. */
export const MIN_NAME_BYTES = 1

/** Largest name of a signed record, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 200

/** Length of an Ed25519 signature, the only length a `/kvs` record's signature may have. */
export const SIGNATURE_BYTES = 64

/** The domain separator that starts the bytes an owner signs (docs/records.md, "Signed bytes"): no other signature of the same key can pass for a record's. */
export const KVS_SIGNATURE_DOMAIN = 'exper-dht/kvs-record/v1'
