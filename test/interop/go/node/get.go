package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"exper-dht/interop/kvproto"
	"exper-dht/interop/kvrecord"
	"github.com/libp2p/go-libp2p/core/routing"
)

// Retrieve finds the best live record of the user key key: this peer's own
// copy and the values of a DHT lookup, each checked by the full /kv validator
// (format and lifetime) and chosen by the /kv selector (GetValue also sends
// the best record to the peers on the lookup path that lacked it). It returns
// an error wrapping kvproto.ErrNotFound when no peer holds a live one.
func (n *Node) Retrieve(ctx context.Context, key string) (kvrecord.Record, error) {
	value, err := n.DHT.GetValue(ctx, kvrecord.DHTKey(key))
	if errors.Is(err, routing.ErrNotFound) {
		reason := "no peer on the lookup path holds it"
		if n.DHT.RoutingTable().Size() == 0 {
			reason = "this peer knows no other peer (its routing table is empty) and holds no copy"
		}
		return kvrecord.Record{}, fmt.Errorf("%w: %s", kvproto.ErrNotFound, reason)
	}
	if err != nil {
		return kvrecord.Record{}, err
	}
	r, err := kvrecord.Decode(value)
	if err != nil {
		return kvrecord.Record{}, fmt.Errorf("the DHT returned a record that is not a valid KvRecord: %w", err)
	}
	// GetValue validated it, lifetime included; it may have ended since.
	if err := kvrecord.Live(r, time.Now()); err != nil {
		return kvrecord.Record{}, fmt.Errorf("%w: the best record found ended during the lookup (%v)", kvproto.ErrNotFound, err)
	}
	return r, nil
}
