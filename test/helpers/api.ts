import { connect } from 'node:net'
import { startPeerApi } from '../../src/index.js'
import type { ApiServer, Peer, PeerApiInit } from '../../src/index.js'
import type { Socket } from 'node:net'

/** The API listens on loopback, on a port the OS picks. */
export const API_LISTEN = '/ip4/127.0.0.1/tcp/0'

/** Starts `peer`'s API on loopback (with `init`). */
export async function startApi (peer: Peer, init: Partial<PeerApiInit> = {}): Promise<ApiServer> {
  return startPeerApi(peer, { listen: API_LISTEN, ...init })
}

/** A parsed response: status, headers, the body as bytes and (when it parses) as JSON. */
export interface ApiResponse {
  status: number
  headers: Headers
  bytes: Buffer
  json: any
}

/** `method` `url` with `body` and `headers`, read to the end. */
export async function call (method: string, url: string, body?: Uint8Array | string, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const response = await fetch(url, { method, body, headers })
  const bytes = Buffer.from(await response.arrayBuffer())
  let json: any
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch {}
  return { status: response.status, headers: response.headers, bytes, json }
}

/** A raw TCP connection to the API at `url`, for requests fetch would not send. */
export async function rawSocket (url: string): Promise<Socket> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return socket
}

/** Sends `request` (a raw HTTP/1.1 request) and resolves with everything the server wrote until it closed the connection. */
export async function rawExchange (url: string, request: string | Buffer): Promise<string> {
  const socket = await rawSocket(url)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => { chunks.push(chunk) })
  socket.end(request)
  await new Promise<void>((resolve) => { socket.once('close', () => { resolve() }) })
  return Buffer.concat(chunks).toString('latin1')
}

/**
 * Follows `url`'s Server-Sent Events: `next(type)` resolves with the data of
 * the next event of `type` (matching `accept`); `close` ends the stream.
 */
export async function followEvents (url: string, headers: Record<string, string> = {}): Promise<{ next(type: string, accept?: (data: any) => boolean): Promise<any>, close(): void, response: Response }> {
  const controller = new AbortController()
  const response = await fetch(url, { headers, signal: controller.signal })
  const seen: Array<{ type: string, data: any }> = []
  const waiters = new Set<() => void>()
  void (async () => {
    let buffer = ''
    try {
      for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
        buffer += chunk
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const type = /^event: (.*)$/m.exec(frame)?.[1]
          const data = /^data: (.*)$/m.exec(frame)?.[1]
          if (type != null && data != null) {
            seen.push({ type, data: JSON.parse(data) })
            for (const waiter of [...waiters]) waiter()
          }
        }
      }
    } catch {}
  })()
  return {
    response,
    close: () => { controller.abort() },
    next: async (type, accept = () => true) => new Promise((resolve) => {
      const check = (): void => {
        const index = seen.findIndex((event) => event.type === type && accept(event.data))
        if (index >= 0) {
          waiters.delete(check)
          resolve(seen.splice(index, 1)[0].data)
        }
      }
      waiters.add(check)
      check()
    })
  }
}
