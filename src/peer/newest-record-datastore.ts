import { Libp2pRecord } from '@libp2p/record'
import { BaseDatastore } from 'datastore-core'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { StaleRecordError } from '../errors.js'
import { DHT_RECORD_PREFIX } from './local-records.js'
import type { Selectors } from '@libp2p/kad-dht'
import type { AbortOptions } from '@libp2p/interface'
import type { Batch, Datastore, Key, KeyQuery, Pair, Query } from 'interface-datastore'

/**
 * A datastore that never replaces a DHT record with a worse one.
 *
 * Workaround for @libp2p/kad-dht 16, whose PUT_VALUE handler (and local put)
 * overwrites whatever record it holds, so a late or replayed put of an older
 * `seq` would replace a newer record. go-libp2p-kad-dht refuses such puts; so
 * does this wrapper: a write under `/dht/record/` is rejected with a
 * `StaleRecordError` when the record already stored is different and the
 * namespace's selector prefers it. The remote then sees its PUT_VALUE fail, so
 * it does not count this peer as a replica. Every other key passes through.
 */
export class NewestRecordDatastore extends BaseDatastore {
  private readonly inner: Datastore
  private readonly selectors: Selectors

  constructor (inner: Datastore, selectors: Selectors) {
    super()
    this.inner = inner
    this.selectors = selectors
  }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    if (key.toString().startsWith(DHT_RECORD_PREFIX)) {
      await this.refuseWorseRecord(key, value, options)
    }
    return this.inner.put(key, value, options)
  }

  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    return this.inner.get(key, options)
  }

  override async has (key: Key, options?: AbortOptions): Promise<boolean> {
    return this.inner.has(key, options)
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    await this.inner.delete(key, options)
  }

  override batch (): Batch {
    return this.inner.batch()
  }

  override query (q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    return toAsyncGenerator(this.inner.query(q, options))
  }

  override queryKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    return toAsyncGenerator(this.inner.queryKeys(q, options))
  }

  private async refuseWorseRecord (key: Key, value: Uint8Array, options?: AbortOptions): Promise<void> {
    let stored: Libp2pRecord
    try {
      stored = Libp2pRecord.deserialize(await this.inner.get(key, options))
    } catch {
      return
    }
    const incoming = Libp2pRecord.deserialize(value)
    const namespace = uint8ArrayToString(incoming.key).split('/')[1]
    const select = this.selectors[namespace]
    if (select == null || uint8ArrayEquals(stored.value, incoming.value)) {
      return
    }
    let best: number
    try {
      best = await select(incoming.key, [stored.value, incoming.value])
    } catch {
      return
    }
    if (best === 0) {
      throw new StaleRecordError(`refusing to replace the stored record for ${uint8ArrayToString(incoming.key)} with an older one`)
    }
  }
}

async function * toAsyncGenerator<T> (source: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield * source
}
