package node

import (
	"context"
	_ "unsafe" // for go:linkname

	pb "github.com/libp2p/go-libp2p-kad-dht/pb"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"google.golang.org/protobuf/proto"
)

// PutValueSent describes one PUT_VALUE request the DHT itself sent: in this
// peer, only go-libp2p-kad-dht's correction after a GetValue (the best record
// written back to the closest peers on the lookup path that lacked it), since
// this peer's own puts go out through SendPutValue, not through the DHT.
type PutValueSent struct {
	// Key is the DHT key of the record ("/kv/<user key>").
	Key string
	// Bytes is the size of the encoded Kad record sent (key, value and
	// whatever else the DHT put in it), as exper-dht counts its replication
	// and write-back bytes.
	Bytes int
}

// newDefaultMessageSender is go-libp2p-kad-dht's own message sender (the
// one dht.New uses unless WithCustomMessageSender replaces it). The module
// keeps it in an internal package (internal/net), so it cannot be imported;
// go:linkname reaches it. If the module renames it, the build fails at link
// time ("relocation target ... not defined") rather than silently counting
// nothing.
//
//go:linkname newDefaultMessageSender github.com/libp2p/go-libp2p-kad-dht/internal/net.NewMessageSenderImpl
func newDefaultMessageSender(h host.Host, protos []protocol.ID) pb.MessageSenderWithDisconnect

// countingSender is the DHT's default message sender, reporting every
// PUT_VALUE before it is sent (whether the peer then stores it or not, as
// exper-dht counts the PUT_VALUEs it sends).
type countingSender struct {
	pb.MessageSenderWithDisconnect
	onPutValue func(PutValueSent)
}

func (s *countingSender) SendRequest(ctx context.Context, p peer.ID, pmes *pb.Message) (*pb.Message, error) {
	s.count(pmes)
	return s.MessageSenderWithDisconnect.SendRequest(ctx, p, pmes)
}

func (s *countingSender) SendMessage(ctx context.Context, p peer.ID, pmes *pb.Message) error {
	s.count(pmes)
	return s.MessageSenderWithDisconnect.SendMessage(ctx, p, pmes)
}

func (s *countingSender) count(pmes *pb.Message) {
	if pmes.GetType() == pb.Message_PUT_VALUE {
		s.onPutValue(PutValueSent{Key: string(pmes.GetKey()), Bytes: proto.Size(pmes.GetRecord())})
	}
}

// countingMessageSender is a builder for dht.WithCustomMessageSender: the
// default sender, with onPutValue hearing every PUT_VALUE it sends.
func countingMessageSender(onPutValue func(PutValueSent)) func(host.Host, []protocol.ID) pb.MessageSenderWithDisconnect {
	return func(h host.Host, protos []protocol.ID) pb.MessageSenderWithDisconnect {
		return &countingSender{MessageSenderWithDisconnect: newDefaultMessageSender(h, protos), onPutValue: onPutValue}
	}
}
