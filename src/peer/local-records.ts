import { Libp2pRecord } from '@libp2p/record'
import { Key } from 'interface-datastore'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { Datastore } from 'interface-datastore'

/** Datastore prefix of @libp2p/kad-dht (its `datastorePrefix` option); records live under `<prefix>/record`. */
export const DHT_DATASTORE_PREFIX = '/dht'

/** Datastore prefix of the DHT records this peer holds. */
export const DHT_RECORD_PREFIX = `${DHT_DATASTORE_PREFIX}/record/`

/** The datastore key under which @libp2p/kad-dht keeps the record of a DHT key. */
export function recordDatastoreKey (dhtKey: Uint8Array): Key {
  return new Key(DHT_RECORD_PREFIX + uint8ArrayToString(dhtKey, 'base32'), false)
}

/** The DHT record this peer holds for `dhtKey`, or undefined when it holds none. */
export async function readLocalRecord (datastore: Datastore, dhtKey: Uint8Array): Promise<Libp2pRecord | undefined> {
  let bytes: Uint8Array
  try {
    bytes = await datastore.get(recordDatastoreKey(dhtKey))
  } catch (err) {
    if ((err as Error).name === 'NotFoundError') {
      return undefined
    }
    throw err
  }
  return Libp2pRecord.deserialize(bytes)
}
