import { expect } from 'chai'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { toDhtKey } from '../../../src/index.js'
import { PUBLISHED_PREFIX, PublishedRecords } from '../../../src/kad/store/published-records.js'

describe('kad published records', () => {
  it('keeps what this peer published, with its times, across a reopen of the datastore', async () => {
    const datastore = new MemoryDatastore()
    const list = await PublishedRecords.open(datastore)
    const [a, b] = [toDhtKey('a'), toDhtKey('b')]
    await list.add(a, Uint8Array.of(1, 2, 3), 1000)
    await list.add(b, Uint8Array.of(4), 2000, 9000)
    await list.add(a, Uint8Array.of(5, 6), 3000)

    const reopened = await PublishedRecords.open(datastore)
    expect(reopened.size).to.equal(2)
    expect(reopened.has(a)).to.equal(true)
    expect(reopened.list().map(({ key, publishedAt, until }) => ({ key: new TextDecoder().decode(key), publishedAt, until })))
      .to.have.deep.members([{ key: '/kv/a', publishedAt: 3000, until: undefined }, { key: '/kv/b', publishedAt: 2000, until: 9000 }])
    expect(await reopened.record(a)).to.deep.equal(Uint8Array.of(5, 6))

    await reopened.remove(a)
    expect(await reopened.record(a)).to.equal(undefined)
    expect((await PublishedRecords.open(datastore)).size).to.equal(1)
  })

  it('deletes an entry it cannot read, and keeps the others', async () => {
    const datastore = new MemoryDatastore()
    await (await PublishedRecords.open(datastore)).add(toDhtKey('good'), Uint8Array.of(1), 1)
    await datastore.put(new Key(`${PUBLISHED_PREFIX}broken`), new TextEncoder().encode('{"not":"an entry"}'))
    const list = await PublishedRecords.open(datastore)
    expect(list.size).to.equal(1)
    expect(await datastore.has(new Key(`${PUBLISHED_PREFIX}broken`))).to.equal(false)
  })
})
