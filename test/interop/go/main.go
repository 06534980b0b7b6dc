// Command exper-dht-go is an exper-dht peer on go-libp2p, for interoperability
// tests and benchmarks: the same CLI contract as exper-dht's
// (start / put / get, --json, exit codes), built from docs/records.md and
// docs/protocol.md alone.
package main

import (
	"errors"
	"fmt"
	"os"
)

// Exit codes, as for every exper-dht command.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitNotFound = 3
)

const usage = `usage: exper-dht-go COMMAND [ARGS]

commands:
  start [--listen MA]... [--bootstrap MA]... [--peers N] [--json]
        run a DHT peer (or N of them in this process) until SIGINT/SIGTERM
  put KEY VALUE --peer MA [--quorum N] [--ttl S] [--timeout S] [--json]
        store VALUE under KEY through a peer's /exper-dht/kv/1.0.0; --ttl: the
        record lives S seconds (default: the peer's; a Go peer gives 48 h, its
        longest)
  get KEY --peer MA [--timeout S] [--out FILE] [--json]
        retrieve the value of KEY through a peer (exit 3 when not found,
        1 when the peer fails or answers without a record)
  kad-put --peer MA --key-hex HEX [--json] < RECORD
        send a raw Kad-DHT PUT_VALUE of the bytes on stdin, valid or not,
        and say whether the peer stored them (exit 0) or refused them (exit 1)

exit codes: 0 ok, 1 error, 2 usage, 3 not found`

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	commands := map[string]func([]string) error{
		"start":   runStart,
		"put":     runPut,
		"get":     runGet,
		"kad-put": runKadPut,
	}
	command, ok := commands[args[0]]
	switch {
	case args[0] == "help" || args[0] == "--help" || args[0] == "-h":
		fmt.Fprintln(stdout, usage)
		return exitOK
	case !ok:
		fmt.Fprintf(stderr, "exper-dht-go: error: unknown command %q\n%s\n", args[0], usage)
		return exitUsage
	}
	err := command(args[1:])
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "exper-dht-go: error: %v\n", err)
	var coded *codedError
	if errors.As(err, &coded) {
		return coded.code
	}
	return exitError
}
