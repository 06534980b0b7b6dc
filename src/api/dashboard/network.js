// The supervisor's dashboard: every peer of the local network on one picture
// of the keyspace, a lookup lighting up the k closest peers of a key and which
// of them hold it, per-peer state and restarts, and kill/restart buttons.
import { el, fill, getJson, request, shortId, showError } from './common.js'

const POLL_MS = 1000
const SIZE = 520
const CENTER = SIZE / 2
const RADIUS = SIZE / 2 - 40

let network = { peers: [], k: 20 }
let lookup = null

const point = (position, r = RADIUS) => {
  const angle = position * 2 * Math.PI - Math.PI / 2
  return [CENTER + r * Math.cos(angle), CENTER + r * Math.sin(angle)]
}

function drawRing () {
  const svg = el('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'ring-view', role: 'img', 'aria-label': 'peers on the keyspace ring' })
  svg.append(el('circle', { cx: CENTER, cy: CENTER, r: RADIUS, class: 'ring' }))
  svg.append(el('text', { x: CENTER, y: 16, class: 'axis', 'text-anchor': 'middle' }, '0x00…'))
  const closest = new Map((lookup?.closest ?? []).map((c) => [c.index, c]))
  if (lookup != null) {
    const [kx, ky] = point(lookup.position, RADIUS + 18)
    for (const c of lookup.closest) {
      const peer = network.peers[c.index]
      if (peer?.position == null) continue
      const [px, py] = point(peer.position)
      svg.append(el('line', { x1: kx, y1: ky, x2: px, y2: py, class: 'key-line' }))
    }
    svg.append(el('path', { d: `M ${kx} ${ky - 9} L ${kx + 7} ${ky + 5} L ${kx - 7} ${ky + 5} Z`, class: 'key-mark' }, el('title', {}, `key "${lookup.key}"`)))
  }
  for (const peer of network.peers) {
    if (peer.position == null) continue
    const [x, y] = point(peer.position)
    const c = closest.get(peer.index)
    const state = peer.state === 'running' ? 'running' : peer.state === 'starting' || peer.state === 'pending' ? '' : 'down'
    const role = c == null ? '' : c.holds === true ? ' holder' : ' closest'
    svg.append(el('circle', { cx: x, cy: y, r: 9, class: `node ${state}${role}`, 'data-index': peer.index },
      el('title', {}, `peer ${peer.index} (${peer.state})\n${peer.peerId}${c == null ? '' : `\nrank ${c.rank + 1} of the k closest${c.holds === true ? ', holds it' : c.holds === false ? ', does not hold it' : ''}`}`)))
    const [lx, ly] = point(peer.position, RADIUS - 20)
    svg.append(el('text', { x: lx, y: ly + 4, class: 'axis', 'text-anchor': 'middle' }, peer.index))
  }
  fill('ring', svg)
}

function drawPeers () {
  const running = network.peers.filter((p) => p.state === 'running').length
  document.getElementById('summary').textContent = `${running} of ${network.peers.length} peers running`
  fill('peers', ...network.peers.map((peer) => el('tr', { 'data-index': peer.index },
    el('td', {}, peer.index), el('td', { class: 'state' }, peer.state), el('td', {}, peer.pid ?? '-'), el('td', { class: 'restarts' }, peer.restarts),
    el('td', {}, peer.routingTableSize), el('td', { class: 'key' }, peer.peerId ?? '-'),
    el('td', {},
      el('button', { type: 'button', class: 'secondary kill', disabled: peer.state === 'running' ? null : 'disabled', onclick: () => act(peer.index, 'kill') }, 'kill'), ' ',
      el('button', { type: 'button', class: 'secondary restart', onclick: () => act(peer.index, 'restart') }, 'restart')))))
  const select = document.getElementById('kv-peer')
  const chosen = select.value
  select.replaceChildren(el('option', { value: '' }, 'any running peer'), ...network.peers.map((p) => el('option', { value: p.index }, `peer ${p.index}${p.peerId ? ` (${shortId(p.peerId)})` : ''}`)))
  select.value = chosen
}

async function act (index, action) {
  try {
    await request('POST', `/api/v1/network/peers/${index}/${action}`)
    await refresh()
  } catch (err) {
    showError(err)
  }
}

async function refresh () {
  try {
    network = await getJson('/api/v1/network')
    drawRing()
    drawPeers()
    showError(null)
  } catch (err) {
    showError(err)
  }
}

async function runLookup (key) {
  lookup = await getJson(`/api/v1/network/lookup/${encodeURIComponent(key)}`)
  const holders = lookup.closest.filter((c) => c.holds === true).length
  document.getElementById('lookup-summary').textContent = `"${key}": ${holders} of its ${lookup.closest.length} closest peers hold it`
  drawRing()
}

function setUpForm () {
  const result = document.getElementById('kv-result')
  const key = () => document.getElementById('kv-key').value
  const via = () => { const p = document.getElementById('kv-peer').value; return p === '' ? '' : `?peer=${p}` }
  const run = async (label, action) => {
    if (!document.getElementById('kv-form').reportValidity()) return
    result.className = 'result'
    result.textContent = `${label}…`
    try {
      result.textContent = await action()
      await runLookup(key())
    } catch (err) {
      result.className = 'result failed'
      result.textContent = String(err.message)
    }
  }
  document.getElementById('kv-form').addEventListener('submit', (event) => {
    event.preventDefault()
    void run('putting', async () => {
      const response = await request('PUT', `/api/v1/network/kv/${encodeURIComponent(key())}${via()}`, document.getElementById('kv-value').value)
      const body = await response.json()
      return `peer ${response.headers.get('x-exper-peer')} stored "${body.key}" on ${body.replicas} peers (seq ${body.seq})`
    })
  })
  document.getElementById('kv-get').addEventListener('click', () => {
    void run('getting', async () => {
      const response = await request('GET', `/api/v1/network/kv/${encodeURIComponent(key())}${via()}`)
      const value = await response.text()
      result.dataset.value = value
      return `peer ${response.headers.get('x-exper-peer')}: seq ${response.headers.get('x-exper-seq')}:\n${value}`
    })
  })
  document.getElementById('kv-lookup').addEventListener('click', () => { void run('looking up', async () => '') })
}

setUpForm()
void refresh()
setInterval(() => { void refresh() }, POLL_MS)
