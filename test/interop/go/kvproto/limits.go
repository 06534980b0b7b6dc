// Package kvproto implements the store/retrieve protocol /exper-dht/kv/1.0.0
// (docs/protocol.md): its messages, its framing, a client and a server.
package kvproto

import (
	"time"

	"exper-dht/interop/kvrecord"
	"github.com/libp2p/go-libp2p/core/protocol"
)

const second = time.Second

// The protocol's limits, as named in docs/protocol.md.
const (
	// ID is the protocol id negotiated by multistream-select.
	ID protocol.ID = "/exper-dht/kv/1.0.0"
	// MaxFrameBytes is the largest Request or Response after the length prefix.
	MaxFrameBytes = kvrecord.MaxValueBytes + 1024
	// maxPrefixBytes is the longest valid length prefix (a varint).
	maxPrefixBytes = 5
	// RequestDeadline bounds a request, from the stream's opening to the response.
	RequestDeadline = 30 * second
	// ResponseMargin is kept back from the deadline to answer TIMEOUT in time.
	ResponseMargin = 1 * second
	// MaxInboundStreamsPerConnection is how many kv streams one connection may have open; more are reset.
	MaxInboundStreamsPerConnection = 32
	// MaxInboundStreams is how many kv streams a peer serves at once; more are reset.
	MaxInboundStreams = 256
	// MaxQuorum is the largest quorum a STORE may ask for.
	MaxQuorum = 64
	// DefaultQuorum replaces a STORE's quorum of 0: the serving peer alone suffices.
	DefaultQuorum = 1
	// DefaultClientTimeout bounds a client's request: a little over the deadline,
	// so that the peer's TIMEOUT answer arrives first.
	DefaultClientTimeout = RequestDeadline + 5*second
)
