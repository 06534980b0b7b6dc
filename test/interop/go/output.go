package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// stdout and stderr are where the commands write; tests replace them.
var (
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

// output writes a command's results to stdout: human lines, or with --json
// one JSON object per line. Safe for concurrent use.
type output struct {
	json bool
	mu   sync.Mutex
}

// print writes v as a JSON line in JSON mode, human otherwise, in one write.
// It returns the write's error: a result that could not be printed must not
// end its command with exit 0 (start's events ignore it).
func (o *output) print(v any, human string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.json {
		return writeAll(stdout, []byte(human+"\n"))
	}
	line, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encoding %T: %v", v, err))
	}
	return writeAll(stdout, append(line, '\n'))
}

// writeAll writes b to w, or says why it could not.
func writeAll(w io.Writer, b []byte) error {
	n, err := w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("writing the result to stdout: %w", err)
	}
	return nil
}

// jsonSeq is a seq for JSON, as exper-dht prints it: a number while a double
// holds it exactly, a decimal string beyond 2^53-1.
func jsonSeq(seq uint64) any {
	if seq <= 1<<53-1 {
		return seq
	}
	return fmt.Sprintf("%d", seq)
}
