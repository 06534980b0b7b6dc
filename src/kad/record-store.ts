import { Libp2pRecord } from '@libp2p/record'
import { Key } from 'interface-datastore'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { StaleRecordError } from '../errors.js'
import { namespaceOf } from '../records/index.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Selectors, Validators } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'

/** Datastore prefix of @libp2p/kad-dht (its `datastorePrefix` option); records live under `<prefix>/record`. */
export const DHT_DATASTORE_PREFIX = '/dht'

/** Datastore prefix of the DHT records this peer holds. */
export const DHT_RECORD_PREFIX = `${DHT_DATASTORE_PREFIX}/record/`

/** The datastore key under which a record for `dhtKey` is kept (as @libp2p/kad-dht keeps it). */
export function recordDatastoreKey (dhtKey: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + uint8ArrayToString(dhtKey, 'base32'), false)
}

/** A DHT record this peer holds. */
export interface StoredRecord {
  /** The DHT key, e.g. the bytes of `/kv/<key>`. */
  key: Uint8Array
  /** The record's value (for `/kv`, an encoded KvRecord). */
  value: Uint8Array
  /** The encoded Kad `Record` (key, value, time received), as sent in GET_VALUE responses. */
  encoded: Uint8Array<ArrayBuffer>
}

/**
 * The DHT records this peer holds: all in memory for lookups that never touch
 * the disk (a miss costs a Map lookup), written through to the datastore
 * under `/dht/record/<base32 key>` — the layout of @libp2p/kad-dht — so they
 * survive a restart. A record is stored only when its namespace's validator
 * accepts it and it is not worse, by the namespace's selector, than the one
 * already held.
 */
export class RecordStore {
  private readonly records = new Map<string, StoredRecord>()

  private constructor (
    private readonly datastore: Datastore,
    private readonly validators: Validators,
    private readonly selectors: Selectors
  ) {}

  /** Opens the store, loading every valid record of the datastore into memory. */
  static async open (datastore: Datastore, validators: Validators, selectors: Selectors, options?: AbortOptions): Promise<RecordStore> {
    const store = new RecordStore(datastore, validators, selectors)
    for await (const { value } of datastore.query({ prefix: DHT_RECORD_PREFIX }, options)) {
      try {
        const record = Libp2pRecord.deserialize(value)
        await store.validate(record.key, record.value)
        store.remember(record)
      } catch {}
    }
    return store
  }

  /** How many records are held. */
  get size (): number {
    return this.records.size
  }

  /** The record held for `dhtKey`. */
  get (dhtKey: Uint8Array): StoredRecord | undefined {
    return this.records.get(uint8ArrayToString(dhtKey, 'base32'))
  }

  /**
   * Validates and stores `value` under `dhtKey`. Throws the validator's error
   * for an invalid record and a `StaleRecordError` when the record held is
   * different and preferred by the selector.
   */
  async put (dhtKey: Uint8Array, value: Uint8Array, options?: AbortOptions): Promise<StoredRecord> {
    await this.validate(dhtKey, value)
    const held = this.get(dhtKey)
    if (held != null && !uint8ArrayEquals(held.value, value)) {
      const select = this.selectors[namespaceOf(dhtKey)]
      if (select != null && await select(dhtKey, [held.value, value]) === 0) {
        throw new StaleRecordError(`refusing to replace the stored record for ${uint8ArrayToString(dhtKey)} with an older one`)
      }
    }
    const record = new Libp2pRecord(dhtKey, value, new Date())
    await this.datastore.put(recordDatastoreKey(dhtKey), record.serialize(), options)
    return this.remember(record)
  }

  private remember (record: Libp2pRecord): StoredRecord {
    const stored = { key: record.key, value: record.value, encoded: new Uint8Array(record.serialize()) }
    this.records.set(uint8ArrayToString(record.key, 'base32'), stored)
    return stored
  }

  private async validate (dhtKey: Uint8Array, value: Uint8Array): Promise<void> {
    const validate = this.validators[namespaceOf(dhtKey)]
    if (validate == null) {
      throw new TypeError(`no validator for the namespace of ${uint8ArrayToString(dhtKey)}`)
    }
    await validate(dhtKey, value)
  }
}
