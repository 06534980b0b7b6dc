import { expect } from 'chai'
import { launchBrowser, openPage, screenshot } from '../../helpers/browser.js'
import { startApi } from '../../helpers/api.js'
import { startNetwork } from '../../helpers/peers.js'
import type { ApiServer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'
import type { Browser } from 'puppeteer-core'

// the functions passed to page.waitForFunction and $eval run in the page (tsconfig has no DOM library)
declare const document: any

describe('the dashboard of a peer, in headless Chromium (a real 4-peer network)', function () {
  let network: TestNetwork
  let api: ApiServer
  let browser: Browser

  before(async () => {
    network = await startNetwork(4)
    api = await startApi(network.peers[0])
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await api?.close()
    await network?.stop()
  })

  it('shows the peer and its routing table, puts a key through the form and reads it back, feeds and plots the operations', async () => {
    const { page, errors } = await openPage(browser)
    await network.peers[2].put('put-elsewhere', new TextEncoder().encode('from peer 2'))
    await page.goto(api.url, { waitUntil: 'load' })
    // the peer's id and the routing table's picture, one dot per peer
    await page.waitForFunction((id: string) => document.querySelector('#peer dd')?.textContent === id, {}, network.peers[0].peerId.toString())
    await page.waitForFunction((n: number) => document.querySelectorAll('#routing-table svg circle.peer').length === n, {}, network.peers[0].routingTableSize)
    const dots = await page.$$eval('#routing-table svg circle.peer', (circles) => circles.map((c) => c.getAttribute('data-peer')))
    expect(dots.length).to.be.at.least(3)
    expect(dots.sort()).to.deep.equal(network.peers[0].getRoutingTable().flatMap((b) => b.peers.map((p) => p.peerId.toString())).sort())
    // the event stream is live before the put, so the feed and the plot get it
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'events: live')

    await page.type('#kv-key', 'from the browser')
    await page.type('#kv-value', 'typed into a form')
    await page.click('#kv-put')
    await page.waitForFunction(() => /^stored "from the browser" on \d+ peers/.test(document.getElementById('kv-result')?.textContent ?? ''))
    expect(Buffer.from((await network.peers[3].get('from the browser')).value).toString()).to.equal('typed into a form')

    await page.click('#kv-get')
    await page.waitForFunction(() => document.getElementById('kv-result')?.dataset.value === 'typed into a form')

    await page.$eval('#kv-key', (input) => { (input as any).value = '' })
    await page.type('#kv-key', 'put-elsewhere')
    await page.click('#kv-get')
    await page.waitForFunction(() => document.getElementById('kv-result')?.dataset.value === 'from peer 2')

    await page.waitForFunction(() => [...document.querySelectorAll('#feed li')].some((li) => li.textContent?.includes('put "from the browser"')))
    await page.waitForFunction(() => document.querySelectorAll('#latency svg circle.dot.put').length >= 1 && document.querySelectorAll('#latency svg circle.dot.get').length >= 2)
    await page.waitForFunction(() => [...document.querySelectorAll('#records td.key')].some((td) => td.textContent === '/kv/from the browser'))

    const path = await screenshot(page, 'dashboard-peer')
    console.log(`      screenshot: ${path}`)
    expect(await page.$eval('#error', (banner) => (banner as any).hidden)).to.equal(true)
    expect(errors).to.deep.equal([])
    await page.close()
  })

  it('shows an API error in its banner (a get of a missing key in the form, a token it lacks)', async () => {
    const guarded = await startApi(network.peers[1], { token: 'a-long-enough-secret-token' })
    try {
      const { page } = await openPage(browser)
      await page.goto(guarded.url, { waitUntil: 'load' })
      await page.waitForFunction(() => !document.getElementById('error').hidden)
      expect(await page.$eval('#error', (banner) => banner.textContent)).to.match(/token/)
      await page.goto(`${guarded.url}/#token=a-long-enough-secret-token`, { waitUntil: 'load' })
      await page.waitForFunction((id: string) => document.querySelector('#peer dd')?.textContent === id, {}, network.peers[1].peerId.toString())
      await page.type('#kv-key', 'no such key')
      await page.click('#kv-get')
      await page.waitForFunction(() => /NotFound/.test(document.getElementById('kv-result')?.textContent ?? ''))
      await page.close()
    } finally {
      await guarded.close()
    }
  })
})
