import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { DATA_DIR_ENV, DataDirInUseError, KV_PROTOCOL, PEER_KEY_FILE, resolveConfig } from '../../../src/index.js'
import { startPeer } from '../../helpers/peers.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('storage and identity', () => {
  let dir: string

  beforeEach(async () => { dir = await makeTempDir() })
  afterEach(async () => { await removeDir(dir) })

  it('keeps the peer id and every record across a restart with the same data dir', async () => {
    const first = await startPeer({ dataDir: dir })
    const peerId = first.peerId.toString()
    const { seq } = await first.put('kept', bytes('across restarts'))
    await first.stop()

    const second = await startPeer({ dataDir: dir })
    try {
      expect(second.peerId.toString()).to.equal(peerId)
      const record = await second.getLocal('kept')
      expect(record?.seq).to.equal(seq)
      expect(uint8ArrayToString(record!.value)).to.equal('across restarts')
      expect(uint8ArrayToString((await second.get('kept')).value)).to.equal('across restarts')
    } finally {
      await second.stop()
    }
  })

  it('writes the key readable by its owner only', async () => {
    const peer = await startPeer({ dataDir: dir })
    await peer.stop()
    expect((await stat(join(dir, PEER_KEY_FILE))).mode & 0o777).to.equal(0o600)
  })

  it('refuses a second peer on a data dir in use, and corrupts nothing', async () => {
    const first = await startPeer({ dataDir: dir })
    try {
      await first.put('safe', bytes('still here'))
      const err = await startPeer({ dataDir: dir }).then(() => undefined, (e: Error) => e)
      expect(err).to.be.instanceOf(DataDirInUseError)
      expect(err?.message).to.include(dir)
      expect(uint8ArrayToString((await first.get('safe')).value)).to.equal('still here')
    } finally {
      await first.stop()
    }
    const again = await startPeer({ dataDir: dir })
    try {
      expect(uint8ArrayToString((await again.getLocal('safe'))!.value)).to.equal('still here')
    } finally {
      await again.stop()
    }
  })

  it('a peer that fails after libp2p started stops it and releases its data dir', async () => {
    const servers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap').length
    const before = servers()
    // the Kad protocol id clashing with the kv protocol's: libp2p starts, then registering the kv server fails
    const config = resolveConfig({ dht: { protocol: KV_PROTOCOL } })
    const err = await startPeer({ dataDir: dir, config }).then(() => undefined, (e: Error) => e)
    expect(err).to.be.instanceOf(Error)
    expect(servers(), 'listeners left open').to.equal(before)
    const retry = await startPeer({ dataDir: dir })
    await retry.stop()
  })

  it('an ephemeral peer writes nothing and gets a fresh identity each time', async () => {
    const previous = process.env[DATA_DIR_ENV]
    process.env[DATA_DIR_ENV] = dir
    try {
      const a = await startPeer({ ephemeral: true })
      await a.put('volatile', bytes('v'))
      await a.stop()
      const b = await startPeer({ ephemeral: true })
      await b.stop()
      expect(a.peerId.equals(b.peerId)).to.equal(false)
      expect(await readdir(dir)).to.deep.equal([])
    } finally {
      if (previous == null) delete process.env[DATA_DIR_ENV]
      else process.env[DATA_DIR_ENV] = previous
    }
  })
})
