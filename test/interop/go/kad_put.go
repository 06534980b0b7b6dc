package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"

	"exper-dht/interop/node"
	record "github.com/libp2p/go-libp2p-record"
	recpb "github.com/libp2p/go-libp2p-record/pb"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// kadPutResult is the JSON result of kad-put.
type kadPutResult struct {
	Stored bool   `json:"stored"`
	Error  string `json:"error,omitempty"`
}

// kadPutTimeout bounds the dial and the PUT_VALUE exchange.
const kadPutTimeout = 15 * time.Second

// runKadPut sends a raw Kad-DHT PUT_VALUE of any key and of the record bytes
// read from stdin (no validator is consulted), and reports whether the peer
// stored it: exit 0 when it echoed the record, 1 when it refused it. Interop
// tests use it to push malformed records at the other implementation.
func runKadPut(args []string) error {
	var peerFlag peerAddr
	fs := newFlagSet("kad-put")
	fs.Var(&peerFlag, "peer", "the DHT peer to send it to, ending in /p2p/<peer id> (required)")
	keyHex := fs.String("key-hex", "", "the DHT key, hex-encoded (required)")
	jsonOut := fs.Bool("json", false, `print {"stored":true|false,"error":"..."}`)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	key, keyErr := hex.DecodeString(*keyHex)
	switch {
	case len(positional) > 0:
		return usageErrorf("kad-put takes no arguments, got %q", positional)
	case peerFlag.addr == nil:
		return usageErrorf("--peer is required")
	case keyErr != nil || len(key) == 0:
		return usageErrorf("--key-hex must be non-empty hex")
	}
	value, err := io.ReadAll(io.LimitReader(os.Stdin, network.MessageSizeMax))
	if err != nil {
		return fmt.Errorf("reading the record from stdin: %w", err)
	}

	rec := record.MakePutRecord(string(key), value)
	rec.TimeReceived = time.Now().UTC().Format(time.RFC3339Nano)
	result, err := sendPutValue(peerFlag, rec)
	if err != nil {
		return err
	}
	if err := (&output{json: *jsonOut}).print(result, fmt.Sprintf("stored: %t", result.Stored)); err != nil {
		return err
	}
	if !result.Stored {
		return fmt.Errorf("the peer did not store the record: %s", result.Error)
	}
	return nil
}

// sendPutValue connects to the peer and sends rec; an error means the peer
// could not be asked at all.
func sendPutValue(peerFlag peerAddr, rec *recpb.Record) (kadPutResult, error) {
	info, err := peer.AddrInfoFromP2pAddr(peerFlag.addr)
	if err != nil {
		return kadPutResult{}, err
	}
	h, err := node.NewHost(nil)
	if err != nil {
		return kadPutResult{}, err
	}
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), kadPutTimeout)
	defer cancel()
	if err := h.Connect(ctx, *info); err != nil {
		return kadPutResult{}, fmt.Errorf("cannot connect to %s: %w", peerFlag.addr, err)
	}
	if err := node.SendPutValue(ctx, h, info.ID, rec); err != nil {
		return kadPutResult{Stored: false, Error: err.Error()}, nil
	}
	return kadPutResult{Stored: true}, nil
}
