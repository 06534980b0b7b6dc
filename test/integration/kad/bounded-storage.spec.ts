import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { MAX_VALUE_BYTES, encodeKvRecord, resolveConfig, toDhtKey } from '../../../src/index.js'
import { CliProcess, runCli } from '../../helpers/cli.js'
import { KadProbe } from '../../helpers/kad-probe.js'
import { addressOf, LOOPBACK_LISTEN, startPeer, stopPeers } from '../../helpers/peers.js'
import { liveExpires } from '../../helpers/records.js'
import { kadEngineOf } from '../../../src/peer/peer.js'
import type { Peer } from '../../../src/index.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** A valid, live `/kv` record with a full 64 KiB value, different for each `i`. */
function fullRecord (i: number): Uint8Array {
  const value = new Uint8Array(MAX_VALUE_BYTES).fill(i % 251)
  return encodeKvRecord({ value, seq: BigInt(i + 1), publisher: new Uint8Array(), expires: liveExpires() })
}

/** Pushes `count` distinct full records from `probe` to `addr` by raw PUT_VALUE, `name` in their keys; resolves to how many were stored. */
async function flood (probe: KadProbe, addr: string, name: string, count: number): Promise<number> {
  let stored = 0
  for (let i = 0; i < count; i++) {
    if (await probe.putValue(addr, toDhtKey(`${name}-${i}`), fullRecord(i))) {
      stored++
    }
  }
  return stored
}

/** The resident set size of process `pid`, in bytes. */
function rssOf (pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!
  return Number(line.split(/\s+/)[1]) * 1024
}

describe('bounded storage: a flooding peer is held to its share, and the peer keeps serving and keeps its own records', () => {
  const probes: KadProbe[] = []
  const peers: Peer[] = []
  afterEach(async () => {
    await Promise.all(probes.splice(0).map(async (probe) => probe.stop()))
    await stopPeers(peers.splice(0))
  })

  it('refuses (does not echo) a sender past records.maxBytesPerPeer, and the store past records.maxBytes, while its own puts still land', async () => {
    const limits = { maxBytesPerPeer: 300_000, maxBytes: 700_000 }
    const target = await startPeer({ config: resolveConfig({ records: limits }) })
    peers.push(target)
    await target.put('own-before', bytes('mine'))
    const addr = addressOf(target)
    probes.push(await KadProbe.start(), await KadProbe.start(), await KadProbe.start())

    const first = await flood(probes[0], addr, 'first', 10)
    expect(first, 'records of 64 KiB within a 300,000-byte share').to.equal(4)
    expect(kadEngineOf(target).records.bytesOf(probes[0].peer.peerId.toString())).to.be.at.most(limits.maxBytesPerPeer)
    const second = await flood(probes[1], addr, 'second', 10)
    const third = await flood(probes[2], addr, 'third', 10)
    expect(first + second + third, 'the store stops at records.maxBytes').to.be.below(12)
    expect(target.holdings.bytes).to.be.at.most(limits.maxBytes + 2 * (MAX_VALUE_BYTES + 1024))

    await target.put('own-after', bytes('still mine'))
    expect(await target.getLocal('own-before')).to.not.equal(undefined)
    expect(await target.getLocal('own-after')).to.not.equal(undefined)
    const reader = await startPeer({ bootstrap: [addr] })
    peers.push(reader)
    await reader.joined
    expect(new TextDecoder().decode((await reader.get('own-before', { quorum: 1 })).value)).to.equal('mine')
  })

  it('3,000 distinct 64 KiB records (187 MiB) from 6 peers at the defaults: RSS grows by less than 256 MiB, and the peer serves its own records', async function () {
    this.timeout(600_000)
    const peer = new CliProcess(['start', '--ephemeral', '--listen', LOOPBACK_LISTEN, '--json'])
    try {
      const ready = await peer.waitForEvent('ready')
      const addr = (ready.addrs as string[])[0]
      const put = await runCli(['put', 'own-record', 'kept through the flood', '--peer', addr])
      expect(put.code, put.stderr).to.equal(0)
      const before = rssOf(peer.child.pid!)
      for (let i = 0; i < 6; i++) {
        probes.push(await KadProbe.start())
      }
      const stored = await Promise.all(probes.map(async (probe, i) => flood(probe, addr, `flood-${i}`, 500)))
      const growth = rssOf(peer.child.pid!) - before
      expect(growth, `RSS growth (${Math.round(growth / 2 ** 20)} MiB; ${stored.join('+')} records stored)`).to.be.below(256 * 2 ** 20)
      expect(stored.reduce((a, b) => a + b), 'records stored').to.be.below(3000)
      const got = await runCli(['get', 'own-record', '--peer', addr])
      expect(got.code, got.stderr).to.equal(0)
      expect(got.stdout).to.equal('kept through the flood')
    } finally {
      await peer.stop()
    }
  })
})
