// Command gensignals writes the signal reference, docs/signals.md, from the signal
// catalogue. Run it through `go generate ./risk`; a test in package risk fails when the
// file is stale.
package main

import (
	"fmt"
	"os"

	"github.com/nhiscope/nhi/risk"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gensignals <output file>")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], risk.SignalsMarkdown(risk.Signals()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gensignals:", err)
		os.Exit(1)
	}
}
