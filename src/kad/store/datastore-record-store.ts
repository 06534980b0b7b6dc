import { Libp2pRecord } from '@libp2p/record'
import { Key } from 'interface-datastore'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { MAX_KNOWN_HOLDERS, RECORD_OVERHEAD_BYTES } from '../limits.js'
import { StaleRecordError, StorageFullError } from '../../errors.js'
import { namespaceOf, recordExpiry } from '../../records/index.js'
import { distancePrefix, compareDistances, kadId } from '../kad-id.js'
import { encodeKadRecord } from '../kad-record.js'
import type { HeldRecord, RecordPutOptions, RecordPutOutcome, RecordStore, RecordStoreLimits } from './record-store.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Selectors, Validators } from '@libp2p/kad-dht'
import type { Datastore } from 'interface-datastore'

/** Datastore prefix of @libp2p/kad-dht (its `datastorePrefix` option); it keeps its own records under `<prefix>/record/`. */
export const DHT_DATASTORE_PREFIX = '/dht'

/**
 * Datastore prefix of the DHT records this peer holds: our own, apart from
 * @libp2p/kad-dht's. Sharing its prefix made a record that it stored itself
 * (libp2p's `contentRouting.put`) appear in this store at the next restart
 * only, and let this store delete what it did not own.
 */
export const DHT_RECORD_PREFIX = '/exper-dht/records/'

/** Where this store kept its records until they had a prefix of their own: @libp2p/kad-dht's. */
export const LEGACY_RECORD_PREFIX = `${DHT_DATASTORE_PREFIX}/record/`

/** Written once the records under `LEGACY_RECORD_PREFIX` were moved to `DHT_RECORD_PREFIX`, so the move runs once per datastore. */
export const RECORD_PREFIX_MIGRATED = new Key('/exper-dht/migrations/record-prefix', false)

/** The datastore key under which a record for `dhtKey` is kept (named as @libp2p/kad-dht names its own, under our prefix). */
export function recordDatastoreKey (dhtKey: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + uint8ArrayToString(dhtKey, 'base32'), false)
}

/** What `DatastoreRecordStore.open` needs. */
export interface DatastoreRecordStoreInit {
  datastore: Datastore
  validators: Validators
  selectors: Selectors
  limits: RecordStoreLimits
  /** This peer's Kademlia id: when full, the records farthest from it are evicted first. */
  selfKadId: Uint8Array
  /** Whether this peer is among the k closest peers it knows of to a key's Kademlia id. */
  isResponsible(kadId: Uint8Array): boolean
  /** Whether this peer published the record of `dhtKey` (its published list): loaded as never evicted. */
  isPublished?(dhtKey: Uint8Array): boolean
}

interface Entry {
  key: Uint8Array
  value: Uint8Array
  encoded: Uint8Array<ArrayBuffer>
  kadId: Uint8Array
  expires: number
  storedAt: number
  published: boolean
  chargedTo?: string
  holders: string[]
  /** Bytes counted against the limits. */
  cost: number
}

/**
 * The record store of a peer: every record in memory, once (its encoded Kad
 * `Record`; the value is a view into it), so lookups never touch the disk,
 * and written through to the datastore under `/exper-dht/records/<base32 key>` so
 * it survives a restart. Records from other peers are held within the
 * limits: a sender beyond its share is refused; when the store is full a
 * record this peer is responsible for (among the k closest to its key)
 * takes the place of expired ones, then of the records farthest from this
 * peer that it is not responsible for — never of a record it published;
 * anything else is refused. This peer's own puts are never refused for room.
 */
export class DatastoreRecordStore implements RecordStore {
  private readonly entries = new Map<string, Entry>()
  private readonly charges = new Map<string, number>()
  private heldBytes = 0

  private constructor (private readonly init: DatastoreRecordStoreInit) {}

  /** Opens the store: loads every live, valid record of the datastore and deletes the others (expired or no longer valid). */
  static async open (init: DatastoreRecordStoreInit, options?: AbortOptions): Promise<DatastoreRecordStore> {
    await migrateRecordPrefix(init.datastore, options)
    const store = new DatastoreRecordStore(init)
    const dead: Key[] = []
    for await (const { key, value } of init.datastore.query({ prefix: DHT_RECORD_PREFIX }, options)) {
      try {
        const record = Libp2pRecord.deserialize(value)
        await store.validate(record.key, record.value)
        store.remember(record.key, record.value, { published: init.isPublished?.(record.key) ?? false }, Date.now())
      } catch {
        dead.push(key)
      }
    }
    for (const key of dead) {
      await init.datastore.delete(key, options)
    }
    return store
  }

  get size (): number {
    return this.entries.size
  }

  get bytes (): number {
    return this.heldBytes
  }

  get (dhtKey: Uint8Array, now = Date.now()): HeldRecord | undefined {
    const entry = this.entries.get(idOf(dhtKey))
    return entry == null || entry.expires <= now ? undefined : entry
  }

  * records (now = Date.now()): Iterable<HeldRecord> {
    for (const entry of this.entries.values()) {
      if (entry.expires > now) {
        yield entry
      }
    }
  }

  bytesOf (peer: string): number {
    return this.charges.get(peer) ?? 0
  }

  async put (dhtKey: Uint8Array, value: Uint8Array, options: RecordPutOptions = {}): Promise<RecordPutOutcome> {
    await this.validate(dhtKey, value)
    const now = Date.now()
    const id = idOf(dhtKey)
    const held = this.entries.get(id)
    const live = held != null && held.expires > now ? held : undefined
    if (live != null && uint8ArrayEquals(live.value, value)) {
      if (options.from != null) {
        addHolder(live, options.from)
      }
      if (options.published === true && !live.published) {
        live.published = true
      }
      return 'unchanged'
    }
    if (live != null) {
      const select = this.init.selectors[namespaceOf(dhtKey)]
      if (select != null && await select(dhtKey, [live.value, value]) === 0) {
        throw new StaleRecordError(`refusing to replace the stored record for ${uint8ArrayToString(dhtKey)} with an older one`)
      }
    }
    const encoded = encodeKadRecord(dhtKey, value, new Date(now))
    if (options.from != null) {
      await this.makeRoom(dhtKey, held, encoded.byteLength + RECORD_OVERHEAD_BYTES, options.from, options)
    }
    const published = options.published ?? options.from == null
    const entry = this.remember(dhtKey, value, { published, chargedTo: options.from, holders: options.from == null ? [] : [options.from] }, now, encoded)
    try {
      await this.init.datastore.put(recordDatastoreKey(dhtKey), encoded, options)
    } catch (err) {
      if (this.entries.get(id) === entry) {
        this.forget(id, entry)
      }
      throw err
    }
    return 'stored'
  }

  async remove (dhtKey: Uint8Array, options?: AbortOptions): Promise<void> {
    const id = idOf(dhtKey)
    const entry = this.entries.get(id)
    if (entry != null) {
      this.forget(id, entry)
      await this.init.datastore.delete(recordDatastoreKey(dhtKey), options)
    }
  }

  addHolder (dhtKey: Uint8Array, value: Uint8Array, peer: string): void {
    const entry = this.entries.get(idOf(dhtKey))
    if (entry != null && uint8ArrayEquals(entry.value, value)) {
      addHolder(entry, peer)
    }
  }

  async sweep (now = Date.now(), options?: AbortOptions): Promise<number> {
    const expired = [...this.entries.values()].filter((entry) => entry.expires <= now)
    for (const entry of expired) {
      await this.remove(entry.key, options)
    }
    return expired.length
  }

  /**
   * Makes room for a record of `cost` bytes from `from` that replaces
   * `held` (if any), or throws a `StorageFullError` saying which limit.
   */
  private async makeRoom (dhtKey: Uint8Array, held: Entry | undefined, cost: number, from: string, options?: AbortOptions): Promise<void> {
    const { maxBytes, maxBytesPerPeer, maxRecords } = this.init.limits
    const charged = this.bytesOf(from) - (held?.chargedTo === from ? held.cost : 0)
    if (charged + cost > maxBytesPerPeer) {
      throw new StorageFullError(`peer ${from} has used its share of this peer's storage (${charged} of ${maxBytesPerPeer} bytes)`)
    }
    const fits = (): boolean => this.heldBytes - (held?.cost ?? 0) + cost <= maxBytes && this.entries.size - (held == null ? 0 : 1) < maxRecords
    if (fits()) {
      return
    }
    const key = kadId(dhtKey)
    if (!this.init.isResponsible(key)) {
      throw new StorageFullError(`storage is full (${this.entries.size} records, ${this.heldBytes} of ${maxBytes} bytes) and this peer is not among the closest to ${uint8ArrayToString(dhtKey.subarray(0, 64))}`)
    }
    const now = Date.now()
    const self = this.init.selfKadId
    const candidates = [...this.entries.values()]
      .filter((entry) => entry !== held && !entry.published)
      .map((entry) => ({ entry, prefix: distancePrefix(entry.kadId, self) }))
      .sort((a, b) => {
        const expired = Number(b.entry.expires <= now) - Number(a.entry.expires <= now)
        return expired !== 0 ? expired : compareDistances(b.entry.kadId, b.prefix, a.entry.kadId, a.prefix, self)
      })
    for (const { entry } of candidates) {
      if (entry.expires > now && this.init.isResponsible(entry.kadId)) {
        continue
      }
      await this.remove(entry.key, options)
      if (fits()) {
        return
      }
    }
    throw new StorageFullError(`storage is full (${this.entries.size} records, ${this.heldBytes} of ${maxBytes} bytes) of records this peer published or is among the closest to`)
  }

  private remember (dhtKey: Uint8Array, value: Uint8Array, meta: { published: boolean, chargedTo?: string, holders?: string[] }, now: number, encoded?: Uint8Array<ArrayBuffer>): Entry {
    const bytes = encoded ?? encodeKadRecord(dhtKey, value, new Date(now))
    // one copy in memory: key and value as views into the encoded record
    const record = Libp2pRecord.deserialize(bytes)
    const id = idOf(dhtKey)
    const held = this.entries.get(id)
    if (held != null) {
      this.forget(id, held)
    }
    const entry: Entry = {
      key: record.key,
      value: record.value,
      encoded: bytes,
      kadId: kadId(dhtKey),
      expires: recordExpiry(dhtKey, value),
      storedAt: now,
      published: meta.published,
      chargedTo: meta.chargedTo,
      holders: meta.holders ?? [],
      cost: bytes.byteLength + RECORD_OVERHEAD_BYTES
    }
    this.entries.set(id, entry)
    this.heldBytes += entry.cost
    if (entry.chargedTo != null) {
      this.charges.set(entry.chargedTo, this.bytesOf(entry.chargedTo) + entry.cost)
    }
    return entry
  }

  private forget (id: string, entry: Entry): void {
    this.entries.delete(id)
    this.heldBytes -= entry.cost
    if (entry.chargedTo != null) {
      const left = this.bytesOf(entry.chargedTo) - entry.cost
      if (left > 0) {
        this.charges.set(entry.chargedTo, left)
      } else {
        this.charges.delete(entry.chargedTo)
      }
    }
  }

  private async validate (dhtKey: Uint8Array, value: Uint8Array): Promise<void> {
    const validate = this.init.validators[namespaceOf(dhtKey)]
    if (validate == null) {
      throw new TypeError(`no validator for the namespace of ${uint8ArrayToString(dhtKey.subarray(0, 64))}`)
    }
    await validate(dhtKey, value)
  }
}

function idOf (dhtKey: Uint8Array): string {
  return uint8ArrayToString(dhtKey, 'base32')
}

function addHolder (entry: Entry, peer: string): void {
  if (!entry.holders.includes(peer)) {
    if (entry.holders.length >= MAX_KNOWN_HOLDERS) {
      entry.holders.shift()
    }
    entry.holders.push(peer)
  }
}

/**
 * Moves the records a peer kept under @libp2p/kad-dht's prefix
 * (`LEGACY_RECORD_PREFIX`) to ours (`DHT_RECORD_PREFIX`), once per datastore
 * and in one batch (atomic on LevelDB), so that a peer upgraded in place
 * keeps its records. Records that @libp2p/kad-dht stores there afterwards
 * (libp2p's `contentRouting.put`) are its own and stay there.
 */
async function migrateRecordPrefix (datastore: Datastore, options?: AbortOptions): Promise<void> {
  if (await datastore.has(RECORD_PREFIX_MIGRATED, options)) {
    return
  }
  const batch = datastore.batch()
  for await (const { key, value } of datastore.query({ prefix: LEGACY_RECORD_PREFIX }, options)) {
    batch.put(new Key(DHT_RECORD_PREFIX + key.toString().slice(LEGACY_RECORD_PREFIX.length), false), value)
    batch.delete(key)
  }
  batch.put(RECORD_PREFIX_MIGRATED, new Uint8Array(0))
  await batch.commit(options)
}
