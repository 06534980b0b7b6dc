/**
 * Node 20 compatibility shim for `Promise.withResolvers` (ES2024).
 *
 * libp2p 3.x packages (@libp2p/utils, @libp2p/ping, yamux, noise, ...) call
 * `Promise.withResolvers()`, which Node only ships from 22. Every entry point of
 * this package (the library's `index.ts`, the CLI, `createPeer`) imports this
 * module first, so the method exists before any libp2p code runs. On runtimes
 * that have it, this module does nothing.
 */

interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

declare global {
  interface PromiseConstructor {
    /** ES2024: a new promise with its resolve and reject functions (installed by this shim on Node 20). */
    withResolvers<T>(): Resolvers<T>
  }
}

if (typeof (Promise as Partial<PromiseConstructor>).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T> (this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve']
      let reject!: Resolvers<T>['reject']
      const promise = new this<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    }
  })
}

export {}
