import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Whether the `Authorization` header carries `Bearer <token>`. Compared in
 * constant time: both sides are hashed first, so neither the token's length
 * nor its bytes leak through the time the comparison takes.
 */
export function bearerMatches (authorization: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? ''
  return timingSafeEqual(digest(given), digest(token))
}

function digest (text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}
