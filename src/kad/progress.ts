import type { MessageType } from './kad-message.js'
import type { PeerId } from '@libp2p/interface'
import type { ProgressEvent } from 'progress-events'

/** A lookup sent its request to a peer. */
export interface LookupQueryDetail {
  type: MessageType
  peer: PeerId
}

/** A peer answered a lookup's request. */
export interface LookupResponseDetail {
  type: MessageType
  peer: PeerId
  /** Closer peers its answer listed. */
  closer: number
  durationMs: number
}

/** A lookup's request to a peer failed (it is counted against the peer in the routing table). */
export interface LookupErrorDetail {
  type: MessageType
  peer: PeerId
  error: Error
}

/** A lookup ended. */
export interface LookupEndDetail {
  type: MessageType
  /** The key looked up (a peer id's multihash, a random key in a bucket, a record's DHT key). */
  key: Uint8Array
  /** The k closest peers known when it ended, nearest first. */
  closest: PeerId[]
  /** Requests sent. */
  queried: number
  durationMs: number
}

/** What a lookup reports through `onProgress` (after @libp2p/kad-dht's `kad-dht:query:*` events). */
export type LookupProgressEvents =
  ProgressEvent<'exper-dht:lookup:send-query', LookupQueryDetail> |
  ProgressEvent<'exper-dht:lookup:peer-response', LookupResponseDetail> |
  ProgressEvent<'exper-dht:lookup:query-error', LookupErrorDetail> |
  ProgressEvent<'exper-dht:lookup:end', LookupEndDetail>

/** A PUT_VALUE of a put was answered: `stored` when the peer echoed the record (a replica). */
export interface RecordSentDetail {
  peer: PeerId
  stored: boolean
}

/** What a put reports: its lookup, then each PUT_VALUE sent to the closest peers. */
export type PutProgressEvents = LookupProgressEvents | ProgressEvent<'exper-dht:put:record-sent', RecordSentDetail>

/** A peer answered a get's GET_VALUE with a record: `valid` unless the validator refused it. */
export interface ValueFoundDetail {
  peer: PeerId
  valid: boolean
}

/** What a get reports: its lookup and each record peers returned. */
export type GetProgressEvents = LookupProgressEvents | ProgressEvent<'exper-dht:get:value', ValueFoundDetail>

/** What Kademlia's join (and each refresh) reports: the events of its lookups, one after another. */
export type JoinProgressEvents = LookupProgressEvents
