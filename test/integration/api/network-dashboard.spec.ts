import { expect } from 'chai'
import { CliProcess } from '../../helpers/cli.js'
import { call } from '../../helpers/api.js'
import { launchBrowser, openPage, screenshot } from '../../helpers/browser.js'
import { OpenApiSpec } from '../../helpers/openapi.js'
import type { ApiResponse } from '../../helpers/api.js'
import type { Browser } from 'puppeteer-core'

// the functions passed to page.waitForFunction and $eval run in the page (tsconfig has no DOM library)
declare const document: any

const PEERS = 5

describe('exper-dht supervise --api: the network view (a real supervised network, in headless Chromium)', function () {
  let supervisor: CliProcess
  let url: string
  let browser: Browser
  let spec: OpenApiSpec

  /** `method` `path` on the supervisor's API, checked against docs/openapi.json. */
  async function checked (method: string, path: string, body?: string): Promise<ApiResponse> {
    const response = await call(method, `${url}${path}`, body)
    spec.conforms(method, path.split('?')[0], response)
    return response
  }

  before(async () => {
    spec = await OpenApiSpec.load()
    supervisor = new CliProcess(['supervise', '--peers', String(PEERS), '--ephemeral', '--json', '--api', '/ip4/127.0.0.1/tcp/0'])
    const ready = await supervisor.waitForEvent('cluster-ready', () => true, 120_000)
    url = String(ready.api)
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    if (supervisor != null) {
      expect((await supervisor.stop('SIGTERM')).code).to.equal(0)
    }
  })

  it('says where it serves, and lists every peer with its state, restarts and place on the keyspace', async () => {
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    const { status, json } = await checked('GET', '/api/v1/network')
    expect(status).to.equal(200)
    expect(json.k).to.equal(20)
    expect(json.peers).to.have.length(PEERS)
    for (const peer of json.peers) {
      expect(peer.state).to.equal('running')
      expect(peer.restarts).to.equal(0)
      expect(peer.position).to.be.within(0, 1)
      expect(peer.peerId).to.match(/^12D3KooW/)
    }
  })

  it('a lookup names the k closest peers of a key and which of them hold it', async () => {
    const put = await checked('PUT', '/api/v1/network/kv/looked-up?peer=1', 'value')
    expect(put.status).to.equal(201)
    expect(put.headers.get('x-exper-peer')).to.equal('1')
    const { json } = await checked('GET', '/api/v1/network/lookup/looked-up')
    expect(json.closest).to.have.length(PEERS)
    expect(json.closest.filter((c: any) => c.holds === true).length).to.equal(put.json.replicas)
    const get = await checked('GET', '/api/v1/network/kv/looked-up?peer=3')
    expect(get.bytes.toString()).to.equal('value')
    const bad = await checked('GET', `/api/v1/network/lookup/${'x'.repeat(300)}`)
    expect(bad.status).to.equal(400)
    expect((await checked('GET', '/api/v1/network/kv/never-put')).status).to.equal(404)
    expect((await checked('GET', '/api/v1/network/kv/x?peer=42')).status).to.equal(503)
    const noPeer = await checked('POST', '/api/v1/network/peers/99/kill')
    expect(noPeer.status).to.equal(404)
    expect(noPeer.json.reason).to.match(/peers 0 to 4/)
  })

  it('draws the network, puts a key through the form, lights up its holders, and kills a peer with a button (the supervisor restarts it)', async () => {
    const { page, errors } = await openPage(browser, 1280, 900)
    await page.goto(url, { waitUntil: 'load' })
    await page.waitForFunction((n: number) => document.querySelectorAll('#ring svg circle.node.running').length === n, {}, PEERS)

    await page.type('#kv-key', 'from the network page')
    await page.type('#kv-value', 'stored through a peer')
    await page.click('#kv-put')
    await page.waitForFunction(() => /stored "from the network page" on \d+ peers/.test(document.getElementById('kv-result')?.textContent ?? ''))
    await page.waitForFunction(() => document.querySelectorAll('#ring svg circle.node.holder').length >= 1)
    const holders = await page.$$eval('#ring svg circle.node.holder', (circles: any[]) => circles.length)
    const lookup = (await call('GET', `${url}/api/v1/network/lookup/${encodeURIComponent('from the network page')}`)).json
    expect(holders).to.equal(lookup.closest.filter((c: any) => c.holds === true).length)

    await page.click('#kv-get')
    await page.waitForFunction(() => document.getElementById('kv-result')?.dataset.value === 'stored through a peer')
    await screenshot(page, 'dashboard-network-lookup')

    const pidBefore = (await call('GET', `${url}/api/v1/network`)).json.peers[2].pid
    await page.click('tr[data-index="2"] button.kill')
    await page.waitForFunction(() => document.querySelector('tr[data-index="2"] td.restarts')?.textContent === '1' &&
      document.querySelector('tr[data-index="2"] td.state')?.textContent === 'running')
    const after = (await call('GET', `${url}/api/v1/network`)).json.peers[2]
    expect(after.pid).to.not.equal(pidBefore)
    expect(after.restarts).to.equal(1)
    await supervisor.waitForEvent('peer-restarted', (e) => e.index === 2)

    // the button's request, as the spec has it
    const restarted = await checked('POST', '/api/v1/network/peers/4/restart')
    expect(restarted.json).to.include({ index: 4, restarted: true })
    const path = await screenshot(page, 'dashboard-network')
    console.log(`      screenshot: ${path}`)
    expect(await page.$eval('#error', (banner: any) => banner.hidden)).to.equal(true)
    expect(errors).to.deep.equal([])
    await page.close()
  })

  it('every documented operation of the network view was exercised', () => {
    const exercised = spec.exercised()
    for (const operation of spec.operations('network')) {
      expect(exercised, `${operation} exercised`).to.include(operation)
    }
  })
})
