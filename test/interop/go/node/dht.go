package node

import (
	"exper-dht/interop/kvrecord"
	ds "github.com/ipfs/go-datastore"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	record "github.com/libp2p/go-libp2p-record"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// ProtocolPrefix is the Kad-DHT protocol prefix of an exper-dht network.
const ProtocolPrefix protocol.ID = "/exper-dht"

// KadProtocol is the Kad-DHT protocol id that ProtocolPrefix gives.
const KadProtocol protocol.ID = ProtocolPrefix + "/kad/1.0.0"

// Validator accepts the record namespaces of an exper-dht network: /kv and
// the signed /kvs.
func Validator() record.NamespacedValidator {
	return record.NamespacedValidator{kvrecord.Namespace: kvrecord.Validator{}, kvrecord.SignedNamespace: kvrecord.SignedValidator{}}
}

// DHTOptions are the go-libp2p-kad-dht options a peer needs to join an
// exper-dht network, keeping its value records in store. Each of the first
// three silently breaks interop when forgotten:
//   - ProtocolPrefix("/exper-dht"): the protocol is /exper-dht/kad/1.0.0. The
//     default /ipfs/kad/1.0.0 is another network, whose peers accept only
//     /pk and /ipns records.
//   - Mode(ModeServer): the default ModeAuto acts as a client until AutoNAT
//     finds the host publicly reachable, which never happens on loopback or
//     behind a NAT: the peer would not serve the DHT protocol, so no peer
//     would add it to its routing table or send it records.
//   - Validator(NamespacedValidator{"kv": ...}): without a /kv validator
//     every /kv record is refused as an unknown record type.
//
// Loopback and private addresses need nothing here: a DHT built with dht.New
// filters neither queries, nor routing-table peers, nor addresses. (dual.New
// does: its WAN DHT drops private and loopback addresses and peers.)
func DHTOptions(store ds.Batching) []dht.Option {
	return []dht.Option{
		dht.ProtocolPrefix(ProtocolPrefix),
		dht.Mode(dht.ModeServer),
		dht.Validator(Validator()),
		dht.ValueDatastore(store),
	}
}
