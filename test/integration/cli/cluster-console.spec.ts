import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { expect } from 'chai'
import { ClusterConsole } from '../../../src/cli/cluster-console.js'
import { createIdentity } from '../../../src/cli/identity-file.js'
import { startCluster } from '../../../src/index.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import type { Cluster } from '../../../src/index.js'

/** A console on in-memory streams: type a line, await what it prints. */
class ConsoleDriver {
  readonly input = new PassThrough()
  readonly output = new PassThrough()
  readonly console: ClusterConsole
  private text = ''
  private seen = 0
  private readonly waiters = new Set<() => void>()

  constructor (cluster: Cluster, identity: string) {
    this.console = new ClusterConsole({ cluster, input: this.input, output: this.output, identity })
    this.output.setEncoding('utf8').on('data', (chunk: string) => {
      this.text += chunk
      for (const waiter of [...this.waiters]) {
        waiter()
      }
    })
  }

  /** Types `line` and resolves with the output that follows it once it matches `expected`. */
  async type (line: string, expected: RegExp): Promise<string> {
    const answer = this.expect(expected)
    this.input.write(line + '\n')
    return answer
  }

  /** Resolves with the output from now on once it matches `expected`. */
  async expect (expected: RegExp): Promise<string> {
    this.seen = this.text.length
    return new Promise((resolve) => {
      const check = (): void => {
        const answer = this.text.slice(this.seen)
        if (expected.test(answer)) {
          this.waiters.delete(check)
          resolve(answer)
        }
      }
      this.waiters.add(check)
      check()
    })
  }
}

describe('the supervise console', function () {
  this.timeout(180_000)

  let cluster: Cluster
  let driver: ConsoleDriver
  let dir: string
  let identity: string

  before(async () => {
    dir = await makeTempDir()
    identity = join(dir, 'identity.key')
    cluster = await startCluster({ peers: 3, ephemeral: true })
    driver = new ConsoleDriver(cluster, identity)
    const help = driver.expect(/quit\s+stop every peer and exit.*\n$/)
    driver.console.open()
    await help
  })
  after(async () => {
    await driver.console.close()
    await cluster.stop()
    await removeDir(dir)
  })

  it('put and get go through random running peers', async () => {
    await driver.type('put greeting hello, big world', /^stored "greeting" on [1-3] peers? through peer [0-2] \(seq \d+\)\n$/)
    await driver.type('get greeting', /^hello, big world\n\(through peer [0-2], seq \d+\)\n$/)
    await driver.type('get nobody-stored-this', /^not found through peer [0-2]: .+\n$/)
  })

  it('put --signed signs with the identity and get --signed checks the signature; without an identity it says how to make one', async () => {
    await driver.type('put --signed motto no identity yet', /^error: no identity at .*identity\.key: create one with "exper-dht identity new --identity .*"\n$/)
    const { owner } = await createIdentity(identity)
    await driver.type('put --signed motto signed, sealed', new RegExp(`^stored "${owner}/motto" on [1-3] peers? through peer [0-2] \\(seq \\d+, signed\\)\n$`))
    await driver.type(`get --signed ${owner}/motto`, /^signed, sealed\n\(through peer [0-2], seq \d+, signature verified\)\n$/)
    await driver.type(`get --signed ${owner}/nobody`, /^not found through peer [0-2]: .+\n$/)
    await driver.type('get --signed motto', /^error: "motto" is not a signed key: it is written <owner peer id>\/<name>\n$/)
  })

  it('peers lists every peer with its routing table size', async () => {
    const table = (await driver.type('peers', /(\n.*){3}\n$/)).trim().split('\n')
    expect(table[0]).to.match(/^peer\s+state\s+pid\s+restarts\s+routing table\s+peer id\s+address$/)
    for (const [index, row] of table.slice(1).entries()) {
      expect(row).to.match(new RegExp(`^${index}\\s+running\\s+\\d+\\s+0\\s+[1-9]\\d*\\s+12D3KooW\\w+\\s+/ip4/127\\.0\\.0\\.1/tcp/\\d+$`))
    }
  })

  it('kill I crashes a peer, which the supervisor restarts; restart I restarts one cleanly', async () => {
    const restarted = new Promise((resolve) => { cluster.addEventListener('peer:restarted', resolve, { once: true }) })
    await driver.type('kill 1', /^peer 1 killed \(SIGKILL\); the supervisor restarts it\n$/)
    await restarted
    const pid = cluster.peers[2].pid
    driver.input.write('restart 2\n')
    // commands run one after another: this table comes once the restart is done
    await driver.type('peers', /\n2\s+running\s+\d+\s+1\s/)
    expect(cluster.peers[2].pid).to.not.equal(pid)
  })

  it('explains what it cannot do', async () => {
    await driver.type('kill 7', /^error: no peer 7: the cluster has peers 0 to 2\n$/)
    await driver.type('kill', /^error: usage: kill I\n$/)
    await driver.type('put lonely', /^error: usage: put KEY VALUE, or put --signed NAME VALUE\n$/)
    await driver.type('get --signed', /^error: usage: get KEY, or get --signed OWNER\/NAME\n$/)
    await driver.type('launch', /^error: unknown command "launch" \(try help\)\n$/)
    await driver.type('help', /quit\s+stop every peer and exit/)
  })

  it('quit closes it', async () => {
    driver.input.write('quit\n')
    await driver.console.closed
  })
})
