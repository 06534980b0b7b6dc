import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

/**
 * The dashboard's files: src/api/dashboard, copied to dist/src/api/dashboard
 * by the build. Resolved from this module in dist/src/api/routes and from the
 * CLI's bundle in dist/src/cli alike.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL(import.meta.url.endsWith('/routes/dashboard.js') ? '../dashboard/' : '../api/dashboard/', import.meta.url))

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
}

/**
 * `GET /` and `GET /dashboard/<file>`: the static web app of `page` (an
 * HTML file of the folder; its other files are shared), read once at start.
 * Only the folder's own files are served, by exact name: no path from a
 * request reaches the file system.
 */
export function dashboardRoutes (app: FastifyInstance, page: string): void {
  const files = new Map<string, { type: string, body: Buffer }>()
  for (const name of readdirSync(DASHBOARD_DIR)) {
    const type = CONTENT_TYPES[extname(name)]
    if (type != null) files.set(name, { type, body: readFileSync(join(DASHBOARD_DIR, name)) })
  }
  const index = files.get(page)
  if (index == null) {
    throw new Error(`the dashboard page ${page} is missing from ${DASHBOARD_DIR}: rebuild (npm run build)`)
  }
  const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'" }
  app.get('/', async (_request, reply) => reply.headers(headers).type(index.type).send(index.body))
  app.get<{ Params: { file: string } }>('/dashboard/:file', async (request, reply) => {
    const file = files.get(request.params.file)
    if (file == null) {
      return reply.code(404).send({ error: 'NotFound', reason: `no dashboard file ${request.params.file}` })
    }
    return reply.headers(headers).type(file.type).send(file.body)
  })
}
