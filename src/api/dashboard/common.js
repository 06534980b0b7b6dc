// exper-dht dashboard: what the peer page and the network page share.
// Plain browser JavaScript, no dependencies: the files ship in the package.

/** The API token: from the page's #token=... (then kept for the tab), or none. */
export function apiToken () {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token')
  if (fromHash != null && fromHash !== '') {
    sessionStorage.setItem('exper-dht-token', fromHash)
    history.replaceState(null, '', location.pathname)
  }
  return sessionStorage.getItem('exper-dht-token') ?? ''
}

function headers (extra = {}) {
  const token = apiToken()
  return token === '' ? extra : { ...extra, authorization: `Bearer ${token}` }
}

/** An API error: the server's JSON `{ error, reason }` with its HTTP status. */
export class ApiError extends Error {
  constructor (status, code, reason) {
    super(`${code}: ${reason}`)
    this.status = status
    this.code = code
  }
}

async function failure (response) {
  let body = {}
  try { body = await response.json() } catch {}
  return new ApiError(response.status, body.error ?? `HTTP ${response.status}`, body.reason ?? response.statusText)
}

/** GET `path` as JSON. */
export async function getJson (path) {
  const response = await fetch(path, { headers: headers() })
  if (!response.ok) throw await failure(response)
  return response.json()
}

/** `method` `path` with `body`; resolves to the response (JSON or bytes) or throws an ApiError. */
export async function request (method, path, body) {
  const response = await fetch(path, { method, body, headers: headers(body == null ? {} : { 'content-type': 'application/octet-stream' }) })
  if (!response.ok) throw await failure(response)
  return response
}

/**
 * Follows a Server-Sent Events stream (fetch, not EventSource, so that the
 * token goes in a header); calls `onEvent(type, data)` for each event and
 * reconnects after `retryMs` when the stream ends.
 */
export function followEvents (path, onEvent, onState, retryMs = 2000) {
  let stopped = false
  const run = async () => {
    while (!stopped) {
      try {
        const response = await fetch(path, { headers: headers({ accept: 'text/event-stream' }) })
        if (!response.ok) throw await failure(response)
        onState(true)
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            let type = 'message'
            let data = ''
            for (const line of frame.split('\n')) {
              if (line.startsWith('event: ')) type = line.slice(7)
              else if (line.startsWith('data: ')) data += line.slice(6)
            }
            if (data !== '') onEvent(type, JSON.parse(data))
          }
        }
      } catch (err) {
        onState(false, err)
      }
      onState(false)
      await new Promise((resolve) => setTimeout(resolve, retryMs))
    }
  }
  void run()
  return () => { stopped = true }
}

/** Shows `err` in the page's error banner (or clears it with null). */
export function showError (err) {
  const banner = document.getElementById('error')
  if (err == null) {
    banner.hidden = true
    banner.textContent = ''
    return
  }
  banner.hidden = false
  banner.textContent = err instanceof ApiError && err.status === 401
    ? 'This API needs its token: open the page as …/#token=<token>'
    : String(err.message ?? err)
}

/** An element `tag` with `attrs` (SVG when `svg`) and children. */
export function el (tag, attrs = {}, ...children) {
  const svg = ['svg', 'circle', 'line', 'rect', 'text', 'g', 'title', 'path', 'polyline'].includes(tag)
  const node = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null) continue
    if (name === 'class') node.setAttribute('class', value)
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value)
    else node.setAttribute(name, String(value))
  }
  for (const child of children) {
    if (child != null) node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return node
}

/** `ms` as "3 h 2 min", "2 min 5 s" or "5 s". */
export function duration (ms) {
  const s = Math.floor(ms / 1000)
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${s} s`
}

/** `n` bytes as B, KiB or MiB. */
export function bytes (n) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}

/** A peer id shortened for a picture: its last 6 characters. */
export function shortId (id) {
  return `…${id.slice(-6)}`
}

/** Replaces the children of the element with id `id`. */
export function fill (id, ...children) {
  document.getElementById(id).replaceChildren(...children)
}

/**
 * A latency plot of the last `windowMs`: each put and get a dot at its time
 * and duration (log scale), puts and gets in two colours, failures hollow.
 */
export function latencyPlot (samples, windowMs, now = Date.now()) {
  const width = 600
  const height = 180
  const left = 48
  const bottom = 24
  const minMs = 0.1
  const maxMs = 30_000
  const y = (ms) => {
    const t = (Math.log10(Math.max(minMs, Math.min(maxMs, ms))) - Math.log10(minMs)) / (Math.log10(maxMs) - Math.log10(minMs))
    return height - bottom - t * (height - bottom - 8)
  }
  const x = (time) => left + (width - left - 8) * (1 - (now - time) / windowMs)
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'plot', role: 'img', 'aria-label': 'latency of puts and gets' })
  for (const ms of [1, 10, 100, 1000, 10000]) {
    svg.append(el('line', { x1: left, x2: width - 8, y1: y(ms), y2: y(ms), class: 'grid' }))
    svg.append(el('text', { x: left - 6, y: y(ms) + 4, class: 'axis', 'text-anchor': 'end' }, ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`))
  }
  svg.append(el('text', { x: left, y: height - 6, class: 'axis' }, `−${Math.round(windowMs / 60000)} min`))
  svg.append(el('text', { x: width - 8, y: height - 6, class: 'axis', 'text-anchor': 'end' }, 'now'))
  for (const s of samples) {
    if (now - s.time > windowMs) continue
    svg.append(el('circle', { cx: x(s.time), cy: y(s.durationMs), r: 4, class: `dot ${s.type}${s.error ? ' failed' : ''}` },
      el('title', {}, `${s.type} ${s.key}: ${s.durationMs} ms${s.error ? ` (${s.error})` : ''}`)))
  }
  return svg
}
