package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	pb "github.com/libp2p/go-libp2p-kad-dht/pb"
	recpb "github.com/libp2p/go-libp2p-record/pb"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-msgio/pbio"
)

// kadRequestTimeout bounds one Kad-DHT request to one peer.
const kadRequestTimeout = 10 * time.Second

// SendPutValue sends rec to p in a Kad-DHT PUT_VALUE request and returns nil
// when p stored it. A peer that stores a record echoes the request back; one
// that refuses it (an invalid record, or worse than the one it holds) resets
// the stream or answers without the record.
func SendPutValue(ctx context.Context, h host.Host, p peer.ID, rec *recpb.Record) error {
	req := pb.NewMessage(pb.Message_PUT_VALUE, rec.GetKey(), 0)
	req.Record = rec
	resp, err := sendKadRequest(ctx, h, p, req)
	if err != nil {
		return err
	}
	if !bytes.Equal(resp.GetRecord().GetValue(), rec.GetValue()) {
		return errors.New("the peer answered without echoing the record")
	}
	return nil
}

// sendKadRequest sends one message on a new stream and reads the response:
// each an unsigned-varint length-prefixed protobuf, as in every Kad-DHT.
func sendKadRequest(ctx context.Context, h host.Host, p peer.ID, req *pb.Message) (*pb.Message, error) {
	ctx, cancel := context.WithTimeout(ctx, kadRequestTimeout)
	defer cancel()
	stream, err := h.NewStream(ctx, p, KadProtocol)
	if err != nil {
		return nil, fmt.Errorf("cannot open a %s stream: %w", KadProtocol, err)
	}
	deadline, _ := ctx.Deadline()
	_ = stream.SetDeadline(deadline)
	resp := new(pb.Message)
	if err := pbio.NewDelimitedWriter(stream).WriteMsg(req); err != nil {
		_ = stream.Reset()
		return nil, fmt.Errorf("sending %s: %w", req.GetType(), err)
	}
	if err := pbio.NewDelimitedReader(stream, network.MessageSizeMax).ReadMsg(resp); err != nil {
		_ = stream.Reset()
		return nil, fmt.Errorf("no answer to %s: %w", req.GetType(), err)
	}
	_ = stream.Close()
	return resp, nil
}
