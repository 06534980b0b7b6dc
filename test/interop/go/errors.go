package main

import "fmt"

// codedError is an error that ends the process with a given exit code.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string {
	return e.err.Error()
}

func (e *codedError) Unwrap() error {
	return e.err
}

// usageErrorf is a wrong command line (exit 2).
func usageErrorf(format string, args ...any) error {
	return &codedError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// notFoundErrorf is a key without a record (exit 3).
func notFoundErrorf(format string, args ...any) error {
	return &codedError{code: exitNotFound, err: fmt.Errorf(format, args...)}
}
