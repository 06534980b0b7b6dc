package node

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"exper-dht/interop/kvproto"
	"exper-dht/interop/kvrecord"
	record "github.com/libp2p/go-libp2p-record"
	recpb "github.com/libp2p/go-libp2p-record/pb"
	"github.com/libp2p/go-libp2p/core/peer"
)

// PutResult says what a put did.
type PutResult struct {
	// Local says whether this peer stored the record.
	Local bool
	// Remote counts the remote peers that stored the record.
	Remote int
	// Targets counts the remote peers the record was sent to.
	Targets int
	// Seq is the seq the record was published with.
	Seq uint64
	// Expires is when the record published ends (Unix ms).
	Expires uint64
}

// Replicas counts the peers that stored the record, this one included.
func (r PutResult) Replicas() int {
	if r.Local {
		return r.Remote + 1
	}
	return r.Remote
}

// Put publishes value under the user key key: a KvRecord with the next seq,
// this peer as publisher and expires = now + ttl (kvrecord.ExpiresAt: ttl is
// capped at kvrecord.MaxTTL, 48 h, and 0 means that default lifetime), stored
// here and sent as PUT_VALUE to the k peers closest to the key.
// go-libp2p-kad-dht's PutValue does not say which peers stored it, so Put
// sends the PUT_VALUEs itself and counts only the peers that echoed the
// record.
//
// The record is published once: like go-libp2p-kad-dht, whose PutValue
// neither republishes nor re-replicates values, this peer never sends it
// again, so every copy ends at its expires unless someone puts the key anew
// (exper-dht peers republish the records they published; this one does not).
func (n *Node) Put(ctx context.Context, key string, value []byte, ttl time.Duration) (PutResult, error) {
	dhtKey := kvrecord.DHTKey(key)
	seq, err := n.nextSeq(ctx, dhtKey)
	if err != nil {
		return PutResult{}, err
	}
	now := time.Now()
	kv := kvrecord.Record{Value: value, Seq: seq, Publisher: []byte(n.Host.ID()), Expires: kvrecord.ExpiresAt(now, ttl)}
	rec := record.MakePutRecord(dhtKey, kvrecord.Encode(kv))
	rec.TimeReceived = now.UTC().Format(time.RFC3339Nano)

	result := PutResult{Seq: seq, Expires: kv.Expires}
	result.Local = n.values.Put(ctx, dhtKey, rec) == nil
	if n.DHT.RoutingTable().Size() == 0 {
		return result, nil
	}
	peers, err := n.DHT.GetClosestPeers(ctx, dhtKey)
	if err != nil {
		return result, fmt.Errorf("finding the peers closest to %q: %w", key, err)
	}
	result.Targets = len(peers)
	result.Remote = n.sendToAll(ctx, peers, rec)
	return result, nil
}

// sendToAll sends rec to every peer at once and counts those that stored it.
func (n *Node) sendToAll(ctx context.Context, peers []peer.ID, rec *recpb.Record) int {
	var stored atomic.Int32
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Go(func() {
			if SendPutValue(ctx, n.Host, p, rec) == nil {
				stored.Add(1)
			}
		})
	}
	wg.Wait()
	return int(stored.Load())
}

// nextSeq is the clock in ms, or one more than the seq held for the key when that is later.
func (n *Node) nextSeq(ctx context.Context, dhtKey string) (uint64, error) {
	now := uint64(time.Now().UnixMilli())
	held, err := n.values.Get(ctx, dhtKey)
	if err != nil || held == nil {
		return now, err
	}
	r, err := kvrecord.Decode(held.GetValue())
	switch {
	case err != nil || r.Seq < now:
		return now, nil
	case r.Seq == math.MaxUint64:
		return 0, fmt.Errorf("the record held for %s has the largest seq; no newer one can be published", dhtKey)
	}
	return r.Seq + 1, nil
}

// Store is Put for the kv protocol (a STORE's ttl, 0 for the default
// lifetime): a *kvproto.QuorumError when fewer than quorum peers stored the
// record.
func (n *Node) Store(ctx context.Context, key string, value []byte, quorum int, ttl time.Duration) (kvproto.Stored, error) {
	result, err := n.Put(ctx, key, value, ttl)
	if err != nil {
		return kvproto.Stored{}, err
	}
	if result.Replicas() < quorum {
		local := "this peer did not store it"
		if result.Local {
			local = "this peer stored it"
		}
		return kvproto.Stored{}, &kvproto.QuorumError{
			Replicas: result.Replicas(),
			Quorum:   quorum,
			Reason:   fmt.Sprintf("%s and %d of %d remote peers did", local, result.Remote, result.Targets),
		}
	}
	return kvproto.Stored{Replicas: result.Replicas(), Seq: result.Seq, Expires: result.Expires}, nil
}
