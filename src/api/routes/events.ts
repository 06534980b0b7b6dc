import { HttpError } from '../errors.js'
import { EVENT_KEEPALIVE_MS, MAX_EVENT_BUFFER_BYTES, MAX_EVENT_CLIENTS } from '../limits.js'
import type { EventFeed, FeedEvent } from '../event-feed.js'
import type { FastifyInstance } from 'fastify'
import type { ServerResponse } from 'node:http'

/** `GET /api/v1/events`: the feed as Server-Sent Events, one `event: <type>` with JSON `data` each. */
export function eventRoutes (app: FastifyInstance, feed: EventFeed): void {
  const clients = new Set<ServerResponse>()
  const send = ({ detail }: CustomEvent<FeedEvent>): void => {
    const frame = `event: ${detail.type}\ndata: ${JSON.stringify(detail)}\n\n`
    for (const res of clients) {
      if (res.writableLength > MAX_EVENT_BUFFER_BYTES) {
        // a client that reads slower than events come is cut off, not buffered for
        res.destroy()
        continue
      }
      res.write(frame)
    }
  }
  feed.addEventListener('event', send)
  const keepAlive = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n')
  }, EVENT_KEEPALIVE_MS)
  keepAlive.unref()
  app.addHook('onClose', async () => {
    clearInterval(keepAlive)
    feed.removeEventListener('event', send)
    for (const res of clients) res.end()
  })

  app.get('/api/v1/events', async (request, reply) => {
    if (clients.size >= MAX_EVENT_CLIENTS) {
      throw new HttpError(503, 'TooManyEventStreams', `${MAX_EVENT_CLIENTS} event streams are open already (MAX_EVENT_CLIENTS); close one and retry`)
    }
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      ...reply.getHeaders() as Record<string, string>,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive'
    })
    res.write(`: exper-dht events\nretry: 2000\n\n`)
    clients.add(res)
    request.raw.socket.setTimeout(0)
    res.on('close', () => { clients.delete(res) })
  })
}
