import { expect } from 'chai'
import { Key } from 'interface-datastore'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { encodeKvRecord, toDhtKey } from '../../../src/index.js'
import { encodeKadRecord } from '../../../src/kad/kad-record.js'
import { DHT_RECORD_PREFIX, LEGACY_RECORD_PREFIX } from '../../../src/kad/store/datastore-record-store.js'
import { openDiskDatastore } from '../../../src/peer/storage.js'
import { addressOf, startPeer, stopPeers } from '../../helpers/peers.js'
import { liveExpires } from '../../helpers/records.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import type { Peer } from '../../../src/index.js'

const bytes = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

describe('datastore prefixes: our record store and @libp2p/kad-dht apart', () => {
  describe("a record put through libp2p's contentRouting.put", () => {
    let dir: string
    let putter: Peer
    let others: Peer[]

    before(async () => {
      dir = await makeTempDir()
      putter = await startPeer({ dataDir: dir })
      others = await Promise.all([0, 1].map(async () => startPeer({ bootstrap: [addressOf(putter)] })))
      await Promise.all([putter, ...others].map(async (peer) => peer.joined))
    })
    after(async () => {
      await stopPeers([putter, ...others])
      await removeDir(dir)
    })

    it('is found at once, without a restart, by a get on the peer that put it and on the others, and after a restart', async () => {
      const dhtKey = toDhtKey('content-routed')
      const record = encodeKvRecord({ value: bytes('through content routing'), seq: 7n, publisher: putter.peerId.toMultihash().bytes, expires: liveExpires() })
      await putter.libp2p.contentRouting.put(dhtKey, record, { signal: AbortSignal.timeout(10_000) })

      for (const peer of [putter, ...others]) {
        const got = await peer.get('content-routed')
        expect(uint8ArrayToString(got.value), peer.peerId.toString()).to.equal('through content routing')
        expect(got.seq).to.equal(7n)
      }
      expect(await others[0].libp2p.contentRouting.get(dhtKey, { signal: AbortSignal.timeout(10_000) })).to.deep.equal(record)

      // The putter's own copy is @libp2p/kad-dht's, under its prefix: a
      // restart leaves it there (the move to our prefix ran once, at the
      // first open), and the record is still found.
      await putter.stop()
      putter = await startPeer({ dataDir: dir, bootstrap: [addressOf(others[0])] })
      await putter.joined
      expect(uint8ArrayToString((await putter.get('content-routed')).value)).to.equal('through content routing')
      await putter.stop()
      const datastore = await openDiskDatastore(dir)
      try {
        expect(await datastore.datastore.has(new Key(LEGACY_RECORD_PREFIX + uint8ArrayToString(dhtKey, 'base32'), false))).to.equal(true)
      } finally {
        await datastore.close()
      }
      putter = await startPeer({ dataDir: dir })
    })
  })

  describe('a data dir written with the old, shared prefix', () => {
    let dir: string

    beforeEach(async () => { dir = await makeTempDir() })
    afterEach(async () => { await removeDir(dir) })

    it('keeps its records after the upgrade, under our prefix, and across further restarts', async () => {
      const dhtKey = toDhtKey('from-before')
      const legacyKey = new Key(LEGACY_RECORD_PREFIX + uint8ArrayToString(dhtKey, 'base32'), false)
      const old = await openDiskDatastore(dir)
      await old.datastore.put(legacyKey, encodeKadRecord(dhtKey, encodeKvRecord({ value: bytes('kept'), seq: 3n, publisher: new Uint8Array(0), expires: liveExpires() })))
      await old.close()

      const ourKey = new Key(DHT_RECORD_PREFIX + uint8ArrayToString(dhtKey, 'base32'), false)
      for (const round of ['upgrade', 'restart']) {
        const peer = await startPeer({ dataDir: dir })
        try {
          const record = await peer.getLocal('from-before')
          expect(record?.seq, round).to.equal(3n)
          expect(uint8ArrayToString(record!.value)).to.equal('kept')
        } finally {
          await peer.stop()
        }
        const after = await openDiskDatastore(dir)
        try {
          expect(await after.datastore.has(legacyKey), round).to.equal(false)
          expect(await after.datastore.has(ourKey), round).to.equal(true)
        } finally {
          await after.close()
        }
      }
    })
  })
})
