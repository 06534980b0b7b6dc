import { expect } from 'chai'
import { MemoryDatastore } from 'datastore-core'
import { ExpiredRecordError, InvalidRecordError, MAX_TTL_MS, StaleRecordError, StorageFullError, decodeKvRecord, encodeKvRecord, recordSelectors, recordValidators, toDhtKey } from '../../../src/index.js'
import { kadId } from '../../../src/kad/kad-id.js'
import { RECORD_OVERHEAD_BYTES } from '../../../src/kad/limits.js'
import { DHT_RECORD_PREFIX, DatastoreRecordStore, recordDatastoreKey } from '../../../src/kad/store/datastore-record-store.js'
import { liveExpires } from '../../helpers/records.js'
import { xorDistance } from '../../helpers/xor-distance.js'
import type { RecordStoreLimits } from '../../../src/kad/store/record-store.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const record = (value: string, seq = 1n, expires = liveExpires()): Uint8Array => encodeKvRecord({ value: bytes(value), seq, publisher: new Uint8Array(), expires })
const roomy: RecordStoreLimits = { maxRecords: 1000, maxBytes: 1 << 24, maxBytesPerPeer: 1 << 24 }
const selfKadId = kadId(bytes('self'))

async function open (init: { datastore?: MemoryDatastore, limits?: RecordStoreLimits, isResponsible?: (target: Uint8Array) => boolean, isPublished?: (key: Uint8Array) => boolean } = {}): Promise<DatastoreRecordStore> {
  return DatastoreRecordStore.open({
    datastore: init.datastore ?? new MemoryDatastore(),
    validators: recordValidators,
    selectors: recordSelectors,
    limits: init.limits ?? roomy,
    selfKadId,
    isResponsible: init.isResponsible ?? (() => true),
    isPublished: init.isPublished
  })
}

describe('kad record store', () => {
  it('stores a live record, writes it through to the datastore and keeps one copy (the value is a view into the encoded record)', async () => {
    const datastore = new MemoryDatastore()
    const store = await open({ datastore })
    const key = toDhtKey('a')
    expect(await store.put(key, record('v'), { from: 'peer-a' })).to.equal('stored')
    const held = store.get(key)!
    expect(decodeKvRecord(held.value).value).to.deep.equal(bytes('v'))
    expect(held.value.buffer).to.equal(held.encoded.buffer)
    expect(held.holders).to.deep.equal(['peer-a'])
    expect(await datastore.has(recordDatastoreKey(key))).to.equal(true)
    expect(store.bytes).to.equal(held.encoded.byteLength + RECORD_OVERHEAD_BYTES)
    expect(store.bytesOf('peer-a')).to.equal(store.bytes)
  })

  it('refuses an expired record, a record without expiry and one that ends past the longest lifetime', async () => {
    const store = await open()
    await expectRejection(store.put(toDhtKey('old'), record('v', 1n, BigInt(Date.now() - 1))), ExpiredRecordError)
    await expectRejection(store.put(toDhtKey('none'), record('v', 1n, 0n)), ExpiredRecordError)
    await expectRejection(store.put(toDhtKey('far'), record('v', 1n, BigInt(Date.now() + 2 * MAX_TTL_MS))), InvalidRecordError)
    expect(store.size).to.equal(0)
  })

  it('answers an identical record "unchanged" without writing, and notes its sender as a holder', async () => {
    const datastore = new MemoryDatastore()
    const store = await open({ datastore })
    const key = toDhtKey('same')
    const value = record('v')
    await store.put(key, value, { from: 'peer-a' })
    const writes: string[] = []
    const put = datastore.put.bind(datastore)
    datastore.put = async (...args) => { writes.push(args[0].toString()); return put(...args) }
    expect(await store.put(key, value, { from: 'peer-b' })).to.equal('unchanged')
    expect(writes).to.deep.equal([])
    expect(store.get(key)!.holders).to.deep.equal(['peer-a', 'peer-b'])
  })

  it('refuses an older record and takes the same record with a later expiry (a republish)', async () => {
    const store = await open()
    const key = toDhtKey('k')
    await store.put(key, record('new', 5n))
    await expectRejection(store.put(key, record('old', 4n)), StaleRecordError)
    const refreshed = record('new', 5n, liveExpires(2 * 60 * 60 * 1000))
    expect(await store.put(key, refreshed)).to.equal('stored')
    expect(store.get(key)!.value).to.deep.equal(refreshed)
  })

  it('holds a remote peer to its share, whatever the others sent', async () => {
    const one = record('x'.repeat(100))
    const cost = 2 * (one.byteLength + 60 + RECORD_OVERHEAD_BYTES)
    const store = await open({ limits: { ...roomy, maxBytesPerPeer: cost } })
    await store.put(toDhtKey('f1'), record('x'.repeat(100)), { from: 'flooder' })
    await store.put(toDhtKey('f2'), record('y'.repeat(100)), { from: 'flooder' })
    await expectRejection(store.put(toDhtKey('f3'), record('z'.repeat(100)), { from: 'flooder' }), StorageFullError, /flooder has used its share/)
    expect(await store.put(toDhtKey('other'), record('x'.repeat(100)), { from: 'someone-else' })).to.equal('stored')
    expect(await store.put(toDhtKey('mine'), record('x'.repeat(100)))).to.equal('stored')
    expect(store.size).to.equal(4)
  })

  it('when full, refuses records this peer is not responsible for, and makes room for the others by evicting the farthest records it is not responsible for — never its own', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => toDhtKey(`key-${i}`))
    const byDistance = [...keys].sort((a, b) => Buffer.compare(xorDistance(kadId(a), selfKadId), xorDistance(kadId(b), selfKadId)))
    const hex = (id: Uint8Array): string => Buffer.from(id).toString('hex')
    const responsible = new Set(byDistance.slice(0, 6).map((key) => hex(kadId(key))))
    const store = await open({ limits: { ...roomy, maxRecords: 4 }, isResponsible: (target) => responsible.has(hex(target)) })
    const [near0, near1] = byDistance
    const [far0, far1, far2] = byDistance.slice(-3).reverse()
    await store.put(far1, record('far1'), { from: 'a' })
    await store.put(far0, record('far0'), { from: 'a' })
    await store.put(far2, record('mine'))
    await store.put(near0, record('near0'), { from: 'a' })
    expect(store.size).to.equal(4)

    await expectRejection(store.put(byDistance[8], record('not mine'), { from: 'a' }), StorageFullError, /not among the closest/)
    expect(await store.put(near1, record('near1'), { from: 'b' })).to.equal('stored')
    expect(store.get(far0), 'the farthest record it is not responsible for').to.equal(undefined)
    expect(store.get(far1)).to.not.equal(undefined)
    expect(store.get(far2), 'its own record').to.not.equal(undefined)
    expect(store.size).to.equal(4)
  })

  it('sweeps expired records from memory and disk, and deletes them at open', async () => {
    const datastore = new MemoryDatastore()
    const store = await open({ datastore })
    const soon = toDhtKey('soon')
    await store.put(soon, record('v', 1n, liveExpires(50)))
    await store.put(toDhtKey('later'), record('v'))
    await waitUntil(() => store.get(soon) == null)
    expect(store.size, 'expired but not yet swept').to.equal(2)
    expect([...store.records()]).to.have.length(1)
    expect(await store.sweep()).to.equal(1)
    expect(store.size).to.equal(1)
    expect(await datastore.has(recordDatastoreKey(soon))).to.equal(false)

    await store.put(soon, record('v', 2n, liveExpires(50)))
    await waitUntil(() => store.get(soon) == null)
    const reopened = await open({ datastore, isPublished: () => true })
    expect(reopened.size).to.equal(1)
    expect([...reopened.records()][0].published).to.equal(true)
    expect(await countRecords(datastore)).to.equal(1)
  })
})

async function expectRejection (promise: Promise<unknown>, type: new (...args: any[]) => Error, message?: RegExp): Promise<void> {
  try {
    await promise
  } catch (err) {
    expect(err).to.be.instanceOf(type)
    if (message != null) {
      expect((err as Error).message).to.match(message)
    }
    return
  }
  expect.fail(`expected a ${type.name}`)
}

async function waitUntil (condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function countRecords (datastore: MemoryDatastore): Promise<number> {
  let count = 0
  for await (const { key } of datastore.query({ prefix: DHT_RECORD_PREFIX })) {
    count += key.toString().startsWith(DHT_RECORD_PREFIX) ? 1 : 0
  }
  return count
}
