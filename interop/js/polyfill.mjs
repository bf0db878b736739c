// Node 20 lacks Promise.withResolvers (added in Node 22 / V8 12.x), but
// js-libp2p 3.x (@libp2p/utils, ping, mplex, multistream-select, it-queue,
// mortice, ...) calls it at run time. This module must be evaluated before any
// libp2p module runs, so peer.mjs imports it first (static imports are
// evaluated in declaration order). It can also be preloaded with
// `node --import ./polyfill.mjs ...`.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers () {
      let resolve
      let reject
      // `this` so that subclasses (Promise.withResolvers.call(MyPromise)) work
      const C = typeof this === 'function' ? this : Promise
      const promise = new C((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    }
  })
}
