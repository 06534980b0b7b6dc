package node

import (
	"context"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// Bootstrap retry timing: the defaults of exper-dht's bootstrapRetry
// configuration (config/default.json).
const (
	initialRetryDelay = 250 * time.Millisecond
	maxRetryDelay     = 30 * time.Second
)

// Reporter receives what the bootstrap dialer does.
type Reporter interface {
	// Connected: the bootstrap peer at addr answered.
	Connected(addr ma.Multiaddr, id peer.ID)
	// Retrying: a dial failed; the next one starts in retryIn.
	Retrying(addr ma.Multiaddr, attempt int, retryIn time.Duration, err error)
}

// dialUntilConnected dials addr until it answers or ctx ends, waiting
// initialRetryDelay·2^(attempt-1), at most maxRetryDelay, between attempts.
func dialUntilConnected(ctx context.Context, h host.Host, addr ma.Multiaddr, reporter Reporter) {
	info, err := peer.AddrInfoFromP2pAddr(addr)
	if err != nil {
		return
	}
	delay := initialRetryDelay
	for attempt := 1; ; attempt++ {
		err := h.Connect(ctx, *info)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			if reporter != nil {
				reporter.Connected(addr, info.ID)
			}
			return
		}
		if reporter != nil {
			reporter.Retrying(addr, attempt, delay, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, maxRetryDelay)
	}
}
