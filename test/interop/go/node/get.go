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
	value, err := n.getValue(ctx, kvrecord.DHTKey(key))
	if err != nil {
		return kvrecord.Record{}, err
	}
	return kvrecord.Decode(value)
}

// RetrieveSigned finds the best live signed record of "<owner>/<name>" as
// Retrieve does (GetValue checks every value with the /kvs validator) and
// returns its bytes, for the client to verify itself.
func (n *Node) RetrieveSigned(ctx context.Context, signedKey string) ([]byte, error) {
	return n.getValue(ctx, kvrecord.SignedKeyPrefix+signedKey)
}

// getValue is the best live record of dhtKey the DHT finds, or an error
// wrapping kvproto.ErrNotFound saying why there is none.
func (n *Node) getValue(ctx context.Context, dhtKey string) ([]byte, error) {
	value, err := n.DHT.GetValue(ctx, dhtKey)
	if errors.Is(err, routing.ErrNotFound) {
		reason := "no peer on the lookup path holds it"
		if n.DHT.RoutingTable().Size() == 0 {
			reason = "this peer knows no other peer (its routing table is empty) and holds no copy"
		}
		return nil, fmt.Errorf("%w: %s", kvproto.ErrNotFound, reason)
	}
	if err != nil {
		return nil, err
	}
	r, err := kvrecord.Decode(value)
	if err != nil {
		return nil, fmt.Errorf("the DHT returned a record that is not a valid KvRecord: %w", err)
	}
	// GetValue validated it, lifetime included; it may have ended since.
	if err := kvrecord.Live(r, time.Now()); err != nil {
		return nil, fmt.Errorf("%w: the best record found ended during the lookup (%v)", kvproto.ErrNotFound, err)
	}
	return value, nil
}
