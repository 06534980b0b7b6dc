import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { expect } from 'chai'
import { createIdentity, defaultIdentityPath, loadIdentity } from '../../../src/cli/identity-file.js'
import { IdentityError } from '../../../src/index.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'

async function refusal (promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => { throw new Error('not refused') }, (err: Error) => err)
}

describe('identity files', () => {
  let dir: string
  beforeEach(async () => { dir = await makeTempDir() })
  afterEach(async () => { await removeDir(dir) })

  it('defaults to $EXPER_DHT_HOME/identity.key, else ~/.exper-dht/identity.key', () => {
    expect(defaultIdentityPath({ EXPER_DHT_HOME: '/srv/dht' })).to.equal('/srv/dht/identity.key')
    expect(defaultIdentityPath({ HOME: process.env.HOME })).to.match(/\/\.exper-dht\/identity\.key$/)
  })

  it('creates an Ed25519 key, mode 0600, in a folder it makes (0700), and loads it back', async () => {
    const path = join(dir, 'new', 'identity.key')
    const created = await createIdentity(path)
    expect(created.privateKey.type).to.equal('Ed25519')
    expect((await stat(path)).mode & 0o777).to.equal(0o600)
    expect((await stat(join(dir, 'new'))).mode & 0o777).to.equal(0o700)
    const loaded = await loadIdentity(path)
    expect(loaded.owner).to.equal(created.owner)
    expect(loaded.privateKey.equals(created.privateKey)).to.equal(true)
  })

  it('never overwrites an identity, and leaves no temporary file behind', async () => {
    const path = join(dir, 'identity.key')
    await createIdentity(path)
    const before = await readFile(path)
    const err = await refusal(createIdentity(path))
    expect(err).to.be.instanceOf(IdentityError)
    expect(err.message).to.match(/exists: refusing to overwrite/)
    expect((await readFile(path)).equals(before)).to.equal(true)
    expect(await readdir(dir)).to.deep.equal(['identity.key'])
  })

  it('refuses a missing file, one open to others, garbage and a non-Ed25519 key, saying what to do', async () => {
    const missing = await refusal(loadIdentity(join(dir, 'none.key')))
    expect(missing).to.be.instanceOf(IdentityError)
    expect(missing.message).to.match(/create one with "exper-dht identity new --identity .*none\.key"/)

    const open = join(dir, 'open.key')
    await createIdentity(open)
    await chmod(open, 0o640)
    expect((await refusal(loadIdentity(open))).message).to.match(/open to others \(mode 0640\).*chmod 600/)

    const garbage = join(dir, 'garbage.key')
    await writeFile(garbage, 'garbage', { mode: 0o600 })
    expect((await refusal(loadIdentity(garbage))).message).to.match(/not a libp2p private key/)

    const secp = join(dir, 'secp.key')
    await writeFile(secp, privateKeyToProtobuf(await generateKeyPair('secp256k1')), { mode: 0o600 })
    expect((await refusal(loadIdentity(secp))).message).to.match(/secp256k1 key; signed records are owned by Ed25519 identities only/)
  })
})
