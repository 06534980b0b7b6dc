import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { KvRecord } from '../../../src/index.js'
import { CliProcess, runCli, startCliPeers } from '../../helpers/cli.js'
import { makeHostile } from '../../helpers/hostile-kv.js'
import { KadProbe } from '../../helpers/kad-probe.js'
import { startPeer } from '../../helpers/peers.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import type { Peer } from '../../../src/index.js'
import type { Tamper } from '../../helpers/hostile-kv.js'

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text)

describe('exper-dht identity, put --signed, get --signed (real processes)', () => {
  const peers: CliProcess[] = []
  const addrs: string[] = []
  let home: string
  let env: NodeJS.ProcessEnv
  let owner: string
  let probe: KadProbe
  let hostile: Peer
  let tamper: Tamper = (response) => response

  before(async () => {
    home = await makeTempDir()
    env = { EXPER_DHT_HOME: join(home, 'home') }
    await startCliPeers(3, peers, addrs)
    probe = await KadProbe.start()
    hostile = await startPeer({ bootstrap: [addrs[0]] })
    await hostile.joined
    await makeHostile(hostile, () => tamper)
  })

  after(async () => {
    await probe?.stop()
    await hostile?.stop()
    await Promise.all(peers.map(async (peer) => peer.stop('SIGKILL')))
    await removeDir(home)
  })

  it('identity new creates an Ed25519 key, mode 0600, in $EXPER_DHT_HOME/identity.key, prints its owner id, and never overwrites it', async () => {
    const missing = await runCli(['identity', 'show'], env)
    expect(missing.code).to.equal(2)
    expect(missing.stderr).to.match(/no identity at .*identity\.key: create one with "exper-dht identity new"/)

    const created = await runCli(['identity', 'new', '--json'], env)
    expect(created.code, created.stderr).to.equal(0)
    const json = JSON.parse(created.stdout) as { owner: string, identity: string }
    expect(json.identity).to.equal(join(home, 'home', 'identity.key'))
    expect(json.owner).to.match(/^12D3KooW/)
    owner = json.owner
    expect((await stat(json.identity)).mode & 0o777).to.equal(0o600)
    const bytes = await readFile(json.identity)

    const again = await runCli(['identity', 'new'], env)
    expect(again.code).to.equal(2)
    expect(again.stderr).to.match(/exists: refusing to overwrite/)
    expect((await readFile(json.identity)).equals(bytes), 'the key is untouched').to.equal(true)

    const shown = await runCli(['identity', 'show'], env)
    expect(shown.code, shown.stderr).to.equal(0)
    expect(shown.stdout.split('\n')[0]).to.equal(owner)
    expect(JSON.parse((await runCli(['identity', 'show', '--json'], env)).stdout)).to.deep.equal(json)
  })

  it('identity --identity FILE: another file; a file open to others or holding garbage is refused with what to do', async () => {
    const file = join(home, 'other.key')
    const created = await runCli(['identity', 'new', '--identity', file], env)
    expect(created.code, created.stderr).to.equal(0)
    expect(created.stdout.split('\n')[0]).to.match(/^12D3KooW/).and.not.equal(owner)

    await chmod(file, 0o644)
    const open = await runCli(['identity', 'show', '--identity', file], env)
    expect(open.code).to.equal(2)
    expect(open.stderr).to.match(/open to others \(mode 0644\).*chmod 600/)
    const put = await runCli(['put', 'x', 'y', '--signed', '--identity', file, '--peer', addrs[0]], env)
    expect(put.code, 'put refuses it too').to.equal(2)
    expect(put.stderr).to.match(/chmod 600/)

    const garbage = join(home, 'garbage.key')
    await writeFile(garbage, 'not a key at all', { mode: 0o600 })
    const bad = await runCli(['identity', 'show', '--identity', garbage], env)
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.match(/is not a libp2p private key/)
  })

  it('put --signed without an identity says how to make one (exit 2)', async () => {
    const put = await runCli(['put', 'x', 'y', '--signed', '--peer', addrs[0]], { EXPER_DHT_HOME: join(home, 'nobody') })
    expect(put.code).to.equal(2)
    expect(put.stderr).to.match(/exper-dht identity new/)
  })

  it('put --signed NAME VALUE, then get --signed <owner>/NAME through another peer: verified here', async () => {
    const put = await runCli(['put', 'profile', 'v1', '--signed', '--peer', addrs[0]], env)
    expect(put.code, put.stderr).to.equal(0)
    // 4 peers: the 3 processes and the in-process one that turns hostile on its kv protocol only
    expect(put.stdout).to.match(new RegExp(`^stored "${owner}/profile" on 4 peers \\(seq \\d+\\)\\n$`))

    const json = await runCli(['put', 'profile', 'v2', '--signed', '--peer', addrs[1], '--ttl', '600', '--json'], env)
    expect(json.code, json.stderr).to.equal(0)
    const stored = JSON.parse(json.stdout) as { key: string, replicas: number, seq: number }
    expect(Object.keys(stored)).to.deep.equal(['key', 'replicas', 'seq'])
    expect(stored.key).to.equal(`${owner}/profile`)
    expect(stored.replicas).to.equal(4)

    for (const addr of addrs) {
      const get = await runCli(['get', `${owner}/profile`, '--signed', '--peer', addr], env)
      expect(get.code, get.stderr).to.equal(0)
      expect(get.stdout, 'the owner\'s update wins everywhere').to.equal('v2')
    }
    const got = JSON.parse((await runCli(['get', `${owner}/profile`, '--signed', '--peer', addrs[2], '--json'], env)).stdout) as { key: string, value: string, seq: number, expires: number }
    expect(got.value).to.equal('v2')
    expect(got.seq).to.equal(stored.seq)
    expect(got.expires - Date.now()).to.be.within(500_000, 600_000)
    const out = join(home, 'profile.out')
    expect((await runCli(['get', `${owner}/profile`, '--signed', '--peer', addrs[1], '--out', out], env)).code).to.equal(0)
    expect(await readFile(out, 'utf8')).to.equal('v2')
  })

  it('get --signed of a name nobody stored exits 3; a malformed signed key exits 2', async () => {
    const missing = await runCli(['get', `${owner}/never-stored`, '--signed', '--peer', addrs[0]], env)
    expect(missing.code, missing.stderr).to.equal(3)
    const bad = await runCli(['get', 'no-owner-here', '--signed', '--peer', '/ip4/127.0.0.1/tcp/1'], env)
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.match(/<owner peer id>\/<name>/)
  })

  it('a forged record with a higher seq and a replay of the old one, pushed by raw PUT_VALUE to every peer process, are refused; get --signed still returns the owner\'s', async () => {
    await runCli(['put', 'guarded', 'old', '--signed', '--peer', addrs[0]], env)
    const dhtKey = utf8(`/kvs/${owner}/guarded`)
    const old = (await probe.getValue(addrs[0], dhtKey))!
    const put = await runCli(['put', 'guarded', 'genuine', '--signed', '--peer', addrs[0], '--json'], env)
    const { seq } = JSON.parse(put.stdout) as { seq: number }
    const forged = KvRecord.encode({ ...KvRecord.decode(old), value: utf8('forged'), seq: BigInt(seq) + 1000n })
    for (const addr of addrs) {
      expect(await probe.putValue(addr, dhtKey, forged), 'forged').to.equal(false)
      expect(await probe.putValue(addr, dhtKey, old), 'replayed').to.equal(false)
    }
    for (const addr of addrs) {
      expect((await runCli(['get', `${owner}/guarded`, '--signed', '--peer', addr], env)).stdout).to.equal('genuine')
    }
  })

  it('get --signed through a serving peer that alters the value or the seq: exit 1, the reason says "signature"', async () => {
    await runCli(['put', 'watched', 'the truth', '--signed', '--peer', addrs[0]], env)
    const hostileAddr = hostile.getMultiaddrs()[0].toString()
    expect((await runCli(['get', `${owner}/watched`, '--signed', '--peer', hostileAddr], env)).stdout, 'honest at first').to.equal('the truth')
    const lies: Tamper[] = [
      (r) => ({ ...r, value: utf8('a lie'), record: KvRecord.encode({ ...KvRecord.decode(r.record), value: utf8('a lie') }) }),
      (r) => ({ ...r, seq: r.seq + 1n, record: KvRecord.encode({ ...KvRecord.decode(r.record), seq: r.seq + 1n }) }),
      (r) => ({ ...r, value: uint8ArrayFromString('a lie') })
    ]
    for (const lie of lies) {
      tamper = lie
      const get = await runCli(['get', `${owner}/watched`, '--signed', '--peer', hostileAddr], env)
      expect(get.code).to.equal(1)
      expect(get.stdout, 'nothing printed').to.equal('')
      expect(get.stderr).to.match(/signature/)
    }
    tamper = (response) => response
  })
})
