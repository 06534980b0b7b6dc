import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import { MAX_VALUE_BYTES } from '../../../src/index.js'
import { CliProcess, runCli, startCliPeers } from '../../helpers/cli.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'

/** A port nothing listens on: a dial there would fail with exit 1, so exit 2 proves the input was refused before dialing. */
const UNREACHABLE = '/ip4/127.0.0.1/tcp/1'

describe('exper-dht put / get (real processes)', () => {
  const peers: CliProcess[] = []
  const addrs: string[] = []
  let dir: string

  before(async () => {
    dir = await makeTempDir()
    await startCliPeers(3, peers, addrs)
  })

  after(async () => {
    await Promise.all(peers.map(async (peer) => peer.stop('SIGKILL')))
    await removeDir(dir)
  })

  it('put through the first peer, get through the third: the same text', async () => {
    const put = await runCli(['put', 'greeting', 'hello, world', '--peer', addrs[0], '--json'])
    expect(put.code, put.stderr).to.equal(0)
    const stored = JSON.parse(put.stdout) as { key: string, replicas: number, seq: number, expires: number }
    expect(stored.key).to.equal('greeting')
    expect(stored.replicas).to.equal(3)
    expect(stored.seq).to.be.a('number').above(0)
    expect(stored.expires - Date.now(), 'a publication lives records.ttlMs (48 h)').to.be.within(47 * 3600_000, 48 * 3600_000)

    const get = await runCli(['get', 'greeting', '--peer', addrs[2]])
    expect(get.code, get.stderr).to.equal(0)
    expect(get.stdout).to.equal('hello, world')
    const json = await runCli(['get', 'greeting', '--peer', addrs[2], '--json'])
    expect(JSON.parse(json.stdout)).to.deep.equal({ key: 'greeting', value: 'hello, world', seq: stored.seq, expires: stored.expires })
  })

  it('put --ttl S: the record ends S seconds after the put (--json says when), and --ttl is checked', async () => {
    const put = await runCli(['put', 'short-lived', 'soon gone', '--ttl', '600', '--peer', addrs[0], '--json'])
    expect(put.code, put.stderr).to.equal(0)
    const { expires } = JSON.parse(put.stdout) as { expires: number }
    expect(expires - Date.now()).to.be.within(590_000, 600_000)
    const got = JSON.parse((await runCli(['get', 'short-lived', '--peer', addrs[1], '--json'])).stdout) as { expires: number }
    expect(got.expires).to.equal(expires)
    for (const bad of ['0', '-5', '1.5', 'soon', '4294967296']) {
      const refused = await runCli(['put', 'short-lived', 'x', '--ttl', bad, '--peer', addrs[0]])
      expect(refused.code, bad).to.equal(2)
      expect(refused.stderr, bad).to.match(/--ttl/)
    }
  })

  it('a binary value from --file comes back byte for byte (stdout, --out and --json base64)', async () => {
    const value = randomBytes(MAX_VALUE_BYTES)
    const file = join(dir, 'binary.in')
    await writeFile(file, value)
    const put = await runCli(['put', 'binary', '--file', file, '--peer', addrs[0]])
    expect(put.code, put.stderr).to.equal(0)
    expect(put.stdout).to.match(/^stored "binary" on 3 peers \(seq \d+\)\n$/)

    const out = join(dir, 'binary.out')
    const get = await runCli(['get', 'binary', '--peer', addrs[2], '--out', out])
    expect(get.code, get.stderr).to.equal(0)
    expect((await readFile(out)).equals(value)).to.equal(true)

    const raw = await runCliBytes(['get', 'binary', '--peer', addrs[2]])
    expect(raw.equals(value)).to.equal(true)

    const json = JSON.parse((await runCli(['get', 'binary', '--peer', addrs[1], '--json'])).stdout) as { value: string, encoding: string }
    expect(json.encoding).to.equal('base64')
    expect(Buffer.from(json.value, 'base64').equals(value)).to.equal(true)
  })

  it('reads the value from stdin with "-"', async () => {
    const cli = new CliProcess(['put', 'piped', '-', '--peer', addrs[1]], {}, 'from stdin')
    expect((await cli.exited).code, cli.stderr).to.equal(0)
    expect((await runCli(['get', 'piped', '--peer', addrs[0]])).stdout).to.equal('from stdin')
  })

  it('not found exits 3 with the reason', async () => {
    const get = await runCli(['get', 'nobody-has-this', '--peer', addrs[1]])
    expect(get.code).to.equal(3)
    expect(get.stderr).to.match(/not found/)
    expect(get.stdout).to.equal('')
  })

  it('a quorum that cannot be met exits 1 with how many of how many', async () => {
    const put = await runCli(['put', 'too-many', 'v', '--peer', addrs[0], '--quorum', '5'])
    expect(put.code).to.equal(1)
    expect(put.stderr).to.match(/3 of the 5 replicas/)
  })

  it('an unreachable peer and a timeout exit 1 with the reason', async () => {
    const unreachable = await runCli(['get', 'k', '--peer', UNREACHABLE])
    expect(unreachable.code).to.equal(1)
    expect(unreachable.stderr).to.match(/ECONNREFUSED/)
    const timeout = await runCli(['get', 'k', '--peer', addrs[0], '--timeout', '0.001'])
    expect(timeout.code).to.equal(1)
    expect(timeout.stderr).to.match(/within 1 ms/)
  })

  describe('usage errors exit 2 before dialing, with a message', () => {
    let tooLarge: string
    before(async () => {
      tooLarge = join(dir, 'too-large')
      await writeFile(tooLarge, new Uint8Array(MAX_VALUE_BYTES + 1))
    })

    const cases: Array<[string, () => string[], RegExp]> = [
      ['an empty key', () => ['put', '', 'v', '--peer', UNREACHABLE], /key is empty/],
      ['a 257-byte key', () => ['get', 'k'.repeat(257), '--peer', UNREACHABLE], /257 bytes/],
      ['a value over 64 KiB', () => ['put', 'k', '--file', tooLarge, '--peer', UNREACHABLE], /65537 bytes/],
      ['an unreadable --file', () => ['put', 'k', '--file', join(dir, 'missing'), '--peer', UNREACHABLE], /cannot read --file/],
      ['both a value and --file', () => ['put', 'k', 'v', '--file', tooLarge, '--peer', UNREACHABLE], /not both/],
      ['no value', () => ['put', 'k', '--peer', UNREACHABLE], /missing value/],
      ['a bad multiaddr', () => ['get', 'k', '--peer', '127.0.0.1:4001'], /--peer.*not a valid multiaddr/],
      ['no --peer', () => ['get', 'k'], /required option '--peer/],
      ['a bad --quorum', () => ['put', 'k', 'v', '--peer', UNREACHABLE, '--quorum', '0'], /--quorum.*positive whole number/],
      ['a --quorum over 64', () => ['put', 'k', 'v', '--peer', UNREACHABLE, '--quorum', '65'], /over the limit of 64/],
      ['a bad --timeout', () => ['get', 'k', '--peer', UNREACHABLE, '--timeout', '-3'], /--timeout.*seconds/],
      ['a missing key', () => ['get', '--peer', UNREACHABLE], /missing required argument 'key'/]
    ]
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const result = await runCli(args())
        expect(result.code, result.stderr).to.equal(2)
        expect(result.stderr).to.match(message)
      })
    }
  })
})

/** Runs the CLI and returns its stdout as raw bytes. */
async function runCliBytes (args: string[]): Promise<Buffer> {
  const cli = new CliProcess(args)
  const exit = await cli.exited
  expect(exit.code, cli.stderr).to.equal(0)
  return cli.stdoutBytes()
}
