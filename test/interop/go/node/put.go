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
	kv := kvrecord.Record{Value: value, Seq: seq, Publisher: []byte(n.Host.ID()), Expires: kvrecord.ExpiresAt(time.Now(), ttl)}
	result := PutResult{Seq: seq, Expires: kv.Expires}
	result.Local, result.Remote, result.Targets, err = n.publish(ctx, dhtKey, kvrecord.Encode(kv))
	return result, err
}

// publish stores value (an encoded record) under dhtKey here and sends it
// as PUT_VALUE to the k peers closest to the key: whether this peer stored
// it, how many remote peers did, and to how many it was sent.
func (n *Node) publish(ctx context.Context, dhtKey string, value []byte) (local bool, remote, targets int, err error) {
	rec := record.MakePutRecord(dhtKey, value)
	rec.TimeReceived = time.Now().UTC().Format(time.RFC3339Nano)
	local = n.values.Put(ctx, dhtKey, rec) == nil
	if n.DHT.RoutingTable().Size() == 0 {
		return local, 0, 0, nil
	}
	peers, err := n.DHT.GetClosestPeers(ctx, dhtKey)
	if err != nil {
		return local, 0, 0, fmt.Errorf("finding the peers closest to %q: %w", dhtKey, err)
	}
	return local, n.sendToAll(ctx, peers, rec), len(peers), nil
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
	return storedOrQuorumError(result, quorum)
}

// StoreSigned publishes a record its owner signed (a kv protocol STORE with
// a signed_key) once, as Put does: a *kvproto.RecordError when it fails the
// /kvs validator or is older than the record this peer holds, a
// *kvproto.QuorumError when fewer than quorum peers stored it.
func (n *Node) StoreSigned(ctx context.Context, signedKey string, value []byte, quorum int) (kvproto.Stored, error) {
	dhtKey := kvrecord.SignedKeyPrefix + signedKey
	if err := (kvrecord.SignedValidator{}).Validate(dhtKey, value); err != nil {
		return kvproto.Stored{}, &kvproto.RecordError{Err: err}
	}
	if held, err := n.values.Get(ctx, dhtKey); err == nil && held != nil {
		if best, err := (kvrecord.SignedValidator{}).Select(dhtKey, [][]byte{value, held.GetValue()}); err == nil && best != 0 {
			return kvproto.Stored{}, &kvproto.RecordError{Err: fmt.Errorf("the record is older than the one this peer holds for %s (a replay?)", signedKey)}
		}
	}
	r, _ := kvrecord.Decode(value)
	result := PutResult{Seq: r.Seq, Expires: r.Expires}
	var err error
	result.Local, result.Remote, result.Targets, err = n.publish(ctx, dhtKey, value)
	if err != nil {
		return kvproto.Stored{}, err
	}
	return storedOrQuorumError(result, quorum)
}

func storedOrQuorumError(result PutResult, quorum int) (kvproto.Stored, error) {
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
