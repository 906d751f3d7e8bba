package googleworkspace

import "io"

// replayBody is a body whose start was read already and is served again.
type replayBody struct {
	r io.Reader
	c io.Closer
}

// Read reads the replayed start, then the rest.
func (b *replayBody) Read(p []byte) (int, error) { return b.r.Read(p) }

// Close closes the underlying body.
func (b *replayBody) Close() error { return b.c.Close() }
