import { Key } from 'interface-datastore'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { AbortOptions } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

/** Datastore prefix of the records this peer published, which it republishes. */
export const PUBLISHED_PREFIX = '/exper-dht/published/'

/** A record this peer published: it re-puts it before it expires. */
export interface PublishedRecord {
  /** The DHT key. */
  key: Uint8Array
  /** When it was last (re)published, Unix ms. */
  publishedAt: number
  /** The end of its lifetime (`put --ttl`), Unix ms: it is not republished past it. Undefined: no end. */
  until?: number
}

interface StoredEntry {
  record: string
  publishedAt: number
  until?: number
}

/**
 * The list of records this peer published, kept in its datastore (under
 * `/exper-dht/published/<base32 key>`) so republishing survives a restart.
 * In memory it holds the keys and times only; the record as last published
 * is read from the datastore when it is republished.
 */
export class PublishedRecords {
  private readonly entries = new Map<string, PublishedRecord>()

  private constructor (private readonly datastore: Datastore) {}

  /** Opens the list, loading its entries; an entry that does not parse is deleted. */
  static async open (datastore: Datastore, options?: AbortOptions): Promise<PublishedRecords> {
    const list = new PublishedRecords(datastore)
    const broken: Key[] = []
    for await (const { key, value } of datastore.query({ prefix: PUBLISHED_PREFIX }, options)) {
      try {
        const id = key.toString().slice(PUBLISHED_PREFIX.length)
        const entry = parseEntry(value)
        list.entries.set(id, { key: uint8ArrayFromString(id, 'base32'), publishedAt: entry.publishedAt, until: entry.until })
      } catch {
        broken.push(key)
      }
    }
    for (const key of broken) {
      await datastore.delete(key, options)
    }
    return list
  }

  /** How many records are on the list. */
  get size (): number {
    return this.entries.size
  }

  /** Whether `dhtKey` is on the list. */
  has (dhtKey: Uint8Array): boolean {
    return this.entries.has(idOf(dhtKey))
  }

  /** The entries, in no order. */
  list (): PublishedRecord[] {
    return [...this.entries.values()]
  }

  /** Adds (or updates) the record `value` of `dhtKey`, published at `publishedAt`, with the end of its lifetime. */
  async add (dhtKey: Uint8Array, value: Uint8Array, publishedAt: number, until?: number, options?: AbortOptions): Promise<void> {
    const id = idOf(dhtKey)
    const entry: StoredEntry = { record: uint8ArrayToString(value, 'base64'), publishedAt, until }
    await this.datastore.put(datastoreKey(id), new TextEncoder().encode(JSON.stringify(entry)), options)
    this.entries.set(id, { key: dhtKey, publishedAt, until })
  }

  /** The record of `dhtKey` as last published, or undefined when it is not on the list. */
  async record (dhtKey: Uint8Array, options?: AbortOptions): Promise<Uint8Array | undefined> {
    const id = idOf(dhtKey)
    if (!this.entries.has(id)) {
      return undefined
    }
    return uint8ArrayFromString(parseEntry(await this.datastore.get(datastoreKey(id), options)).record, 'base64')
  }

  /** Takes `dhtKey` off the list. */
  async remove (dhtKey: Uint8Array, options?: AbortOptions): Promise<void> {
    const id = idOf(dhtKey)
    if (this.entries.delete(id)) {
      await this.datastore.delete(datastoreKey(id), options)
    }
  }
}

function idOf (dhtKey: Uint8Array): string {
  return uint8ArrayToString(dhtKey, 'base32')
}

function datastoreKey (id: string): Key {
  return new Key(PUBLISHED_PREFIX + id, false)
}

function parseEntry (bytes: Uint8Array): StoredEntry {
  const entry = JSON.parse(new TextDecoder().decode(bytes)) as Partial<StoredEntry>
  if (typeof entry.record !== 'string' || typeof entry.publishedAt !== 'number' || (entry.until != null && typeof entry.until !== 'number')) {
    throw new TypeError('not a published-record entry')
  }
  return { record: entry.record, publishedAt: entry.publishedAt, until: entry.until ?? undefined }
}
