/**
 * Typed errors of exper-dht. Each has a stable `name` that callers (the CLI,
 * the kv protocol server, tests) switch on, and a message a user can act on.
 */

/** A user key is empty, too long or not valid UTF-8. */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError'
}

/** A record (or a value about to become one) breaks the record rules. */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError'
}

/** A record's `expires` has passed (or is absent): it is no longer live. */
export class ExpiredRecordError extends Error {
  override readonly name = 'ExpiredRecordError'
}

/** A value is larger than `MAX_VALUE_BYTES`. */
export class ValueTooLargeError extends Error {
  override readonly name = 'ValueTooLargeError'
}

/** No peer (and not this one) holds a record for the key. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError'
}

/** A put reached fewer peers than its quorum asked for. */
export class QuorumFailedError extends Error {
  override readonly name = 'QuorumFailedError'

  /** Peers that stored the record, this one included. */
  readonly replicas: number
  /** Peers that had to store it. */
  readonly quorum: number

  constructor (message: string, replicas: number, quorum: number) {
    super(message)
    this.replicas = replicas
    this.quorum = quorum
  }
}

/** Another process holds the data directory. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError'
}

/** A configuration file or value is unreadable or invalid. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

/** A write would replace a stored record with one its selector ranks lower. */
export class StaleRecordError extends Error {
  override readonly name = 'StaleRecordError'
}

/** The record store refused a record: it is full, or the sender has used up its share. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError'
}

/** An operation ran out of time. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError'
}

/**
 * @libp2p/kad-dht's internals, which this package reaches into
 * (src/kad/kad-dht-routing.ts), lack a part it cannot do without: a version
 * of @libp2p/kad-dht changed their shape.
 */
export class KadDhtInternalsError extends Error {
  override readonly name = 'KadDhtInternalsError'
}

/** A signed (`/kvs`) record's signature is missing, malformed or not the key's owner's. */
export class InvalidSignatureError extends Error {
  override readonly name = 'InvalidSignatureError'
}

/** An identity file (the Ed25519 key a thin client signs with) is missing, unreadable, unsafe or not a key. */
export class IdentityError extends Error {
  override readonly name = 'IdentityError'
}
