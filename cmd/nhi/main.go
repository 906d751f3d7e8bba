// Command nhi discovers, assesses and controls the non-human identities of a SaaS estate.
//
// Exit codes:
//
//	0  success
//	1  error (a failed scan, an unreachable platform, a store error)
//	2  usage error or invalid configuration
//	3  a scan finished partially: some items could not be read (inventory is kept)
//	4  not found (inventory show of an unknown ID)
//	5  scan --fail-on: open findings at or above the given severity
//	130 interrupted
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/nhiscope/nhi"
)

// The exit codes of nhi, documented in the package comment and README.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitPartial     = 3
	exitNotFound    = 4
	exitFindings    = 5
	exitInterrupted = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the CLI with args and returns the exit code. It is main without the process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ex *exitStatus
	if errors.As(err, &ex) {
		if ex.msg != "" {
			fmt.Fprintln(stderr, "nhi:", ex.msg)
		}
		if ctx.Err() != nil && ex.code == exitError {
			return exitInterrupted
		}
		return ex.code
	}
	fmt.Fprintln(stderr, "nhi:", describe(err))
	switch nhi.ErrorCode(err) {
	case nhi.CodeInvalid:
		return exitUsage
	case nhi.CodeNotFound:
		return exitNotFound
	case nhi.CodeCanceled:
		return exitInterrupted
	}
	if ctx.Err() != nil {
		return exitInterrupted
	}
	return exitError
}

// exitStatus ends the command with a specific code.
type exitStatus struct {
	code int
	msg  string
}

func (e *exitStatus) Error() string { return e.msg }

// describe returns what to tell the user about err: the user-safe message of an *nhi.Error,
// or the error text of a usage error from the flag parser.
func describe(err error) string {
	var e *nhi.Error
	if errors.As(err, &e) {
		return e.Message
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	return err.Error()
}
