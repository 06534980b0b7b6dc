import { KvClient } from '../../src/index.js'
import type { BenchCluster } from './cluster.js'

/** A peer as a hosting process or a supervisor reports it. */
export interface PeerAddress {
  index: number
  peerId: string
  addrs: string[]
}

/** Drives peers through `/exper-dht/kv/1.0.0` from one `KvClient`. */
export interface KvDriver extends Pick<BenchCluster, 'put' | 'get'> {
  close(): Promise<void>
}

/**
 * Starts a `KvClient` (bounded by `opTimeoutMs` per request) that sends STORE
 * and RETRIEVE to the dialable address of peer `index` in `peers`; the
 * serving peer uses its default quorums.
 */
export async function createKvDriver (peers: ReadonlyMap<number, PeerAddress>, opTimeoutMs: number): Promise<KvDriver> {
  const client = await KvClient.create({ timeoutMs: opTimeoutMs })
  const addressOf = (index: number): string => {
    const peer = peers.get(index)
    if (peer == null) {
      throw new Error(`peer ${index} has no known address`)
    }
    return dialableAddress(peer)
  }
  return {
    put: async (index, key, value, signal) => ({ replicas: (await client.store(addressOf(index), key, value, { signal })).replicas }),
    get: async (index, key, signal) => (await client.retrieve(addressOf(index), key, { signal })).value,
    close: async () => client.close()
  }
}

/** The peer's first loopback TCP address, with `/p2p/<id>` appended when it lacks it. */
export function dialableAddress (peer: PeerAddress): string {
  const addr = peer.addrs.find((a) => a.startsWith('/ip4/127.0.0.1/tcp/')) ?? peer.addrs[0]
  if (addr == null) {
    throw new Error(`peer ${peer.index} reported no address`)
  }
  return addr.includes('/p2p/') ? addr : `${addr}/p2p/${peer.peerId}`
}
