// The peer's dashboard: polls /api/v1/peer, /api/v1/routing-table and
// /api/v1/records, follows /api/v1/events, and puts and gets through /api/v1/kv.
import { bytes, duration, el, fill, followEvents, getJson, latencyPlot, request, shortId, showError } from './common.js'

const POLL_MS = 2000
const FEED_LENGTH = 60
const LATENCY_WINDOW_MS = 5 * 60 * 1000

const samples = []

function showPeer (peer) {
  const rows = [
    ['peer id', peer.peerId],
    ['addresses', el('span', {}, ...peer.addrs.flatMap((a) => [a, el('br')]))],
    ['uptime', duration(peer.uptimeMs)],
    ['mode', peer.clientMode ? 'client (stores nothing for others)' : 'server'],
    ['routing table', `${peer.routingTableSize} peers`],
    ['connections', `${peer.connectedPeers} peers`],
    ['records held', `${peer.records} (${bytes(peer.bytes)}), ${peer.published} published here`]
  ]
  fill('peer', ...rows.flatMap(([name, value]) => [el('dt', {}, name), el('dd', { 'data-field': name }, value)]))
}

function showRoutingTable (table) {
  const buckets = table.buckets
  document.getElementById('rt-summary').textContent = `${table.size} peers in ${buckets.length} buckets (k = ${table.k})`
  const maxCpl = Math.max(8, ...buckets.map((b) => b.commonPrefixLength))
  const columns = maxCpl + 1
  const width = 1200
  const left = 30
  const bottom = 36
  const colWidth = (width - left) / columns
  const perColumn = Math.max(1, ...buckets.map((b) => b.peers.length))
  const radius = Math.max(2.5, Math.min(9, colWidth / 2.6))
  const height = Math.max(140, bottom + 24 + perColumn * radius * 2.2)
  const now = Date.now()
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'routing', role: 'img', 'aria-label': 'routing table by XOR distance', 'data-peers': table.size })
  svg.append(el('line', { x1: left, x2: width, y1: height - bottom, y2: height - bottom, class: 'grid' }))
  for (let cpl = 0; cpl < columns; cpl++) {
    const cx = left + colWidth * (cpl + 0.5)
    svg.append(el('text', { x: cx, y: height - bottom + 14, class: 'axis', 'text-anchor': 'middle' }, cpl))
  }
  svg.append(el('text', { x: left, y: height - 4, class: 'axis' }, 'shared prefix bits → (far … near)'))
  for (const bucket of buckets) {
    const cx = left + colWidth * (bucket.commonPrefixLength + 0.5)
    bucket.peers.forEach((peer, i) => {
      const age = Math.min(1, (now - peer.lastSeen) / (10 * 60 * 1000))
      svg.append(el('circle', {
        cx,
        cy: height - bottom - radius * 1.1 - i * radius * 2.2,
        r: radius,
        class: `peer${peer.failures > 0 ? ' failing' : ''}`,
        'fill-opacity': (1 - 0.7 * age).toFixed(2),
        'data-peer': peer.peerId
      }, el('title', {}, `${peer.peerId}\nbucket ${bucket.commonPrefixLength}, last seen ${duration(now - peer.lastSeen)} ago${peer.failures > 0 ? `, ${peer.failures} failed requests` : ''}`)))
    })
  }
  if (table.size === 0) {
    svg.append(el('text', { x: width / 2, y: height / 2, class: 'axis', 'text-anchor': 'middle' }, 'no peers yet (a lone peer, or still joining)'))
  }
  fill('routing-table', svg)
}

function showRecords (page) {
  document.getElementById('records-summary').textContent = page.total > page.records.length ? `${page.records.length} of ${page.total}` : `${page.total}`
  const now = Date.now()
  fill('records', ...page.records.map((r) => el('tr', {},
    el('td', { class: 'key' }, r.key), el('td', {}, r.bytes), el('td', {}, duration(Math.max(0, r.expires - now))), el('td', {}, r.published ? 'yes' : ''))))
}

function describe (type, e) {
  switch (type) {
    case 'put': return e.error ? `put "${e.key}" failed: ${e.error}` : `put "${e.key}": ${e.replicas} replicas in ${e.durationMs} ms`
    case 'get': return e.error ? `get "${e.key}": ${e.error}` : `get "${e.key}": seq ${e.seq} from ${e.sources} values in ${e.durationMs} ms`
    case 'peer:connect': return `connected ${shortId(e.peerId)}`
    case 'peer:disconnect': return `disconnected ${shortId(e.peerId)}`
    case 'routing-table:add': return `routing table + ${shortId(e.peerId)} (${e.size})`
    case 'routing-table:remove': return `routing table − ${shortId(e.peerId)} (${e.size})`
    case 'replicated': return `replication (${e.trigger}): ${e.stored} of ${e.messages} copies stored`
    case 'republished': return `republished ${e.republished} records`
    case 'expired': return `${e.removed} records expired`
    case 'write-back': return `wrote "${e.key}" back to ${e.stored} of ${e.peers} peers`
    case 'refreshing': return 'refreshing the routing table'
    case 'refreshed': return `routing table refreshed: ${e.routingTableSize} peers in ${e.durationMs} ms`
    case 'kv:request': return `kv ${e.requestType} from ${shortId(e.client)}: ${e.status}`
    default: return `${type} ${JSON.stringify(e)}`
  }
}

function onEvent (type, e) {
  const feed = document.getElementById('feed')
  const time = new Date(e.time).toLocaleTimeString()
  feed.prepend(el('li', { class: `event ${type.replace(':', '-')}${e.error ? ' failed' : ''}` }, el('time', {}, time), ' ', describe(type, e)))
  while (feed.childElementCount > FEED_LENGTH) feed.lastElementChild.remove()
  if (type === 'put' || type === 'get') {
    samples.push({ type, key: e.key, time: e.time, durationMs: e.durationMs, error: e.error })
    drawLatency()
  }
}

function drawLatency () {
  const now = Date.now()
  while (samples.length > 0 && now - samples[0].time > LATENCY_WINDOW_MS) samples.shift()
  fill('latency', latencyPlot(samples, LATENCY_WINDOW_MS, now))
}

async function refresh () {
  try {
    const [peer, table, records] = await Promise.all([getJson('/api/v1/peer'), getJson('/api/v1/routing-table'), getJson('/api/v1/records?limit=50')])
    showPeer(peer)
    showRoutingTable(table)
    showRecords(records)
    drawLatency()
    showError(null)
  } catch (err) {
    showError(err)
  }
}

function setUpForm () {
  const result = document.getElementById('kv-result')
  const key = () => encodeURIComponent(document.getElementById('kv-key').value)
  document.getElementById('kv-form').addEventListener('submit', async (event) => {
    event.preventDefault()
    const quorum = document.getElementById('kv-quorum').value
    result.className = 'result'
    result.textContent = 'putting…'
    try {
      const response = await request('PUT', `/api/v1/kv/${key()}${quorum === '' ? '' : `?quorum=${quorum}`}`, document.getElementById('kv-value').value)
      const body = await response.json()
      result.textContent = `stored "${body.key}" on ${body.replicas} peers (seq ${body.seq})`
      void refresh()
    } catch (err) {
      result.className = 'result failed'
      result.textContent = String(err.message)
    }
  })
  document.getElementById('kv-get').addEventListener('click', async () => {
    if (!document.getElementById('kv-form').reportValidity()) return
    result.className = 'result'
    result.textContent = 'getting…'
    try {
      const response = await request('GET', `/api/v1/kv/${key()}`)
      const value = await response.text()
      result.textContent = `seq ${response.headers.get('x-exper-seq')}:\n${value}`
      result.dataset.value = value
    } catch (err) {
      result.className = 'result failed'
      result.textContent = String(err.message)
    }
  })
}

setUpForm()
void refresh()
setInterval(() => { void refresh() }, POLL_MS)
followEvents('/api/v1/events', onEvent, (live, err) => {
  const badge = document.getElementById('live')
  badge.textContent = live ? 'events: live' : `events: reconnecting${err ? ` (${err.message})` : ''}`
  badge.className = `badge ${live ? 'on' : 'off'}`
})
