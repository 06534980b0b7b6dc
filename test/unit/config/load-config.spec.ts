import { writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { ConfigError, DATA_DIR_ENV, defaultConfig, loadConfigFile, resolveConfig, resolveDataDir } from '../../../src/index.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'

describe('configuration', () => {
  let dir: string

  before(async () => { dir = await makeTempDir() })
  after(async () => { await removeDir(dir) })

  it('loads config/default.json with the documented defaults', () => {
    const config = defaultConfig()
    expect(config.dht.protocol).to.equal('/exper-dht/kad/1.0.0')
    expect(config.dht.clientMode).to.equal(false)
    expect(config.put.quorum).to.equal(1)
    expect(config.get.quorum).to.equal(3)
    expect(config.connections.allow).to.include('/ip4/127.0.0.0/ipcidr/8')
  })

  it('has the supervisor\'s documented defaults', () => {
    expect(defaultConfig().supervisor).to.deep.equal({
      host: '127.0.0.1',
      batchSize: 16,
      readyTimeoutMs: 60_000,
      readyRoutingTable: 3,
      restartDelayMs: 100,
      restartMaxDelayMs: 5000,
      maxRestarts: 5,
      maxRestartsWindowMs: 60_000,
      stopGraceMs: 10_000
    })
    expect(() => resolveConfig({ supervisor: { host: 'localhost' } })).to.throw(ConfigError, /supervisor\.host/)
    expect(resolveConfig({ supervisor: { maxRestarts: 0 } }).supervisor.maxRestarts).to.equal(0)
  })

  it('merges a file over the defaults, key by key', async () => {
    const file = join(dir, 'override.json')
    await writeFile(file, JSON.stringify({ dht: { kBucketSize: 8 }, bootstrap: ['/ip4/127.0.0.1/tcp/4001'] }))
    const config = loadConfigFile(file)
    expect(config.dht.kBucketSize).to.equal(8)
    expect(config.dht.protocol).to.equal('/exper-dht/kad/1.0.0')
    expect(config.bootstrap).to.deep.equal(['/ip4/127.0.0.1/tcp/4001'])
  })

  it('names the offending key of an invalid configuration', () => {
    expect(() => resolveConfig({ dht: { kBucketSize: 0 } })).to.throw(ConfigError, /dht\.kBucketSize/)
    expect(() => resolveConfig({ listen: ['not-an-address'] })).to.throw(ConfigError, /listen\.0: not a valid multiaddr/)
    expect(() => resolveConfig({ typo: 1 } as never)).to.throw(ConfigError, /typo/)
    expect(() => resolveConfig({ dht: { refreshIntervalMs: -1 } })).to.throw(ConfigError, /dht\.refreshIntervalMs/)
    expect(resolveConfig({ dht: { refreshIntervalMs: 0 } }).dht.refreshIntervalMs).to.equal(0)
  })

  it('holds the record lifecycle to what can work: republish before expiry, a lifetime within the protocol\'s, a share within the total', () => {
    const defaults = defaultConfig().records
    expect(defaults).to.deep.equal({
      ttlMs: 172_800_000,
      republishIntervalMs: 79_200_000,
      replicateIntervalMs: 3_600_000,
      expireIntervalMs: 300_000,
      maxRecords: 65_536,
      maxBytes: 64 * 1024 * 1024,
      maxBytesPerPeer: 16 * 1024 * 1024
    })
    expect(() => resolveConfig({ records: { ttlMs: 1000, republishIntervalMs: 1000 } })).to.throw(ConfigError, /records\.republishIntervalMs: .*less than records\.ttlMs/)
    expect(() => resolveConfig({ records: { ttlMs: 172_800_001 } })).to.throw(ConfigError, /records\.ttlMs: the longest record lifetime/)
    expect(() => resolveConfig({ records: { maxBytesPerPeer: 1 << 30 } })).to.throw(ConfigError, /records\.maxBytesPerPeer/)
    expect(() => resolveConfig({ records: { expireIntervalMs: 0 } })).to.throw(ConfigError, /records\.expireIntervalMs/)
    expect(resolveConfig({ records: { ttlMs: 3000, republishIntervalMs: 1000, replicateIntervalMs: 0 } }).records).to.include({ ttlMs: 3000, republishIntervalMs: 1000, replicateIntervalMs: 0 })
  })

  it('reports unreadable and malformed files', async () => {
    expect(() => loadConfigFile(join(dir, 'missing.json'))).to.throw(ConfigError, /cannot read/)
    const bad = join(dir, 'bad.json')
    await writeFile(bad, '{ not json')
    expect(() => loadConfigFile(bad)).to.throw(ConfigError, /not valid JSON/)
  })

  it('takes the data dir from $EXPER_DHT_HOME, else the config, expanding ~', () => {
    const config = defaultConfig()
    expect(resolveDataDir(config, {})).to.equal(join(homedir(), '.exper-dht'))
    expect(resolveDataDir(config, { [DATA_DIR_ENV]: '/srv/dht' })).to.equal('/srv/dht')
  })
})
