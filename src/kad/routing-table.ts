import { TypedEventEmitter } from 'main-event'
import { CLOSEST_CACHE_SIZE, MAX_FAILURES } from './limits.js'
import { commonPrefixLength, compareDistances, distancePrefix, kadId } from './kad-id.js'
import type { PeerId } from '@libp2p/interface'

/** Events of the routing table. */
export interface RoutingTableEvents {
  'peer:add': CustomEvent<PeerId>
  'peer:remove': CustomEvent<PeerId>
}

interface Entry {
  peer: PeerId
  /** `peer.toString()`, compared instead of the peer id's bytes. */
  id: string
  kadId: Uint8Array
  /** Requests in a row that failed. */
  failures: number
  /** When it last answered or identified (Unix ms). */
  lastSeen: number
}

/** One peer of a routing-table bucket, as `RoutingTable.buckets` lists it. */
export interface RoutingTableEntry {
  peerId: PeerId
  /** When it last answered a request or identified (Unix ms). */
  lastSeen: number
  /** Requests to it in a row that failed (it leaves at `MAX_FAILURES`). */
  failures: number
}

/** A non-empty k-bucket: the peers whose Kademlia ids share `commonPrefixLength` leading bits with this peer's, least recently seen first. */
export interface RoutingTableBucket {
  commonPrefixLength: number
  peers: RoutingTableEntry[]
}

/**
 * The Kademlia routing table of the fast path: 256 k-buckets by common prefix
 * length with this peer's id, each holding at most `k` peers, least recently
 * seen first. A peer enters when it answers a request or identifies as a Kad
 * server; it leaves after `MAX_FAILURES` failed requests in a row (never the
 * last peer: a stale contact is better than none). When its bucket is full a
 * new peer takes the place of one that has failed, or else is dropped, as
 * Kademlia prefers peers that have been up longer. All operations are
 * synchronous and in memory.
 */
export class RoutingTable extends TypedEventEmitter<RoutingTableEvents> {
  /** This peer's Kademlia id. */
  readonly selfKadId: Uint8Array
  private readonly bucketsByPrefix: Entry[][] = Array.from({ length: 257 }, () => [])
  private readonly index = new Map<string, number>()
  private readonly closestCache = new Map<string, PeerId[]>()

  constructor (self: PeerId, private readonly k: number) {
    super()
    this.selfKadId = kadId(self.toMultihash().bytes)
  }

  /** Peers held. */
  get size (): number {
    return this.index.size
  }

  /** Whether `peer` is held. */
  has (peer: PeerId): boolean {
    return this.index.has(peer.toString())
  }

  /** Adds `peer`, or marks it most recently seen; returns false when its bucket is full. */
  add (peer: PeerId): boolean {
    const id = peer.toString()
    const known = this.index.get(id)
    if (known != null) {
      const bucket = this.bucketsByPrefix[known]
      const [entry] = bucket.splice(bucket.findIndex((e) => e.id === id), 1)
      entry.failures = 0
      entry.lastSeen = Date.now()
      bucket.push(entry)
      return true
    }
    const peerKadId = kadId(peer.toMultihash().bytes)
    const cpl = commonPrefixLength(this.selfKadId, peerKadId)
    const bucket = this.bucketsByPrefix[cpl]
    if (cpl === 256) {
      return false
    }
    if (bucket.length >= this.k) {
      const failing = bucket.find((entry) => entry.failures > 0)
      if (failing == null) {
        return false
      }
      this.remove(failing.peer)
    }
    bucket.push({ peer, id, kadId: peerKadId, failures: 0, lastSeen: Date.now() })
    this.index.set(id, cpl)
    this.closestCache.clear()
    this.safeDispatchEvent('peer:add', { detail: peer })
    return true
  }

  /** Counts a failed request to `peer`; removes it after `MAX_FAILURES` in a row unless it is the last peer. */
  recordFailure (peer: PeerId): void {
    const id = peer.toString()
    const cpl = this.index.get(id)
    const entry = cpl == null ? undefined : this.bucketsByPrefix[cpl].find((e) => e.id === id)
    if (entry != null && ++entry.failures >= MAX_FAILURES && this.size > 1) {
      this.remove(peer)
    }
  }

  /** Removes `peer`. */
  remove (peer: PeerId): void {
    const id = peer.toString()
    const cpl = this.index.get(id)
    if (cpl == null) {
      return
    }
    const bucket = this.bucketsByPrefix[cpl]
    bucket.splice(bucket.findIndex((entry) => entry.id === id), 1)
    this.index.delete(id)
    this.closestCache.clear()
    this.safeDispatchEvent('peer:remove', { detail: peer })
  }

  /** The non-empty buckets, nearest to this peer (longest common prefix) last; a copy. */
  buckets (): RoutingTableBucket[] {
    const buckets: RoutingTableBucket[] = []
    this.bucketsByPrefix.forEach((bucket, commonPrefixLength) => {
      if (bucket.length > 0) {
        buckets.push({ commonPrefixLength, peers: bucket.map(({ peer, lastSeen, failures }) => ({ peerId: peer, lastSeen, failures })) })
      }
    })
    return buckets
  }

  /**
   * The `count` peers closest to the Kademlia id `target`, nearest first.
   * Answers are remembered until a peer joins or leaves the table, since the
   * same keys are asked for again and again (every GET_VALUE and FIND_NODE
   * served lists them). The array returned must not be modified.
   */
  closestPeers (target: Uint8Array, count: number): PeerId[] {
    const cacheKey = `${count}:${Buffer.from(target).toString('base64')}`
    let closest = this.closestCache.get(cacheKey)
    if (closest == null) {
      closest = this.computeClosestPeers(target, count)
      if (this.closestCache.size >= CLOSEST_CACHE_SIZE) {
        this.closestCache.clear()
      }
      this.closestCache.set(cacheKey, closest)
    }
    return closest
  }

  private computeClosestPeers (target: Uint8Array, count: number): PeerId[] {
    const scored: Array<{ entry: Entry, prefix: number }> = []
    for (const bucket of this.bucketsByPrefix) {
      for (const entry of bucket) {
        scored.push({ entry, prefix: distancePrefix(entry.kadId, target) })
      }
    }
    scored.sort((a, b) => compareDistances(a.entry.kadId, a.prefix, b.entry.kadId, b.prefix, target))
    return scored.slice(0, count).map(({ entry }) => entry.peer)
  }
}
