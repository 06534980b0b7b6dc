import { StreamState, YamuxStream } from '@chainsafe/libp2p-yamux/stream'

/**
 * Workaround for @chainsafe/libp2p-yamux 8: a stream sends a WINDOW_UPDATE
 * frame after every data frame it receives, so each request/response costs
 * two more frames — two more Noise encryptions and socket writes — than it
 * needs. go-yamux (and the yamux spec's intent) grants more window only once
 * half of it has been consumed; this does the same for established streams.
 * Updates that carry SYN/ACK flags, paused streams and half-consumed windows
 * go through the library's own logic unchanged. Applied once, when this
 * module is first imported (by every libp2p node this package creates).
 * docs/deviations.md#yamux-grants-window-at-half-not-after-every-frame
 */
interface WindowState {
  state: StreamState
  recvWindow: number
  recvWindowCapacity: number
}

const prototype = YamuxStream.prototype as unknown as { sendWindowUpdate: (this: WindowState) => void }
const sendWindowUpdate = prototype.sendWindowUpdate

prototype.sendWindowUpdate = function (this: WindowState): void {
  const libraryPath = this.state === StreamState.Init || this.state === StreamState.SYNReceived || this.state === StreamState.Paused
  if (!libraryPath && this.recvWindowCapacity * 2 > this.recvWindow) {
    return
  }
  sendWindowUpdate.call(this)
}
