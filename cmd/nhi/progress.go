package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/nhiscope/nhi/scan"
)

// progress draws one live line per running scan on a terminal: pages, identities, people
// and throttling. It draws nothing when w is not a terminal, so logs and pipes stay clean.
type progress struct {
	w     io.Writer
	on    bool
	mu    sync.Mutex
	names []string
	stats []*scan.Stats
	start time.Time
	drawn int
	stop  chan struct{}
	done  chan struct{}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress starts a display on w if w is a terminal.
func newProgress(w io.Writer) *progress {
	p := &progress{w: w, on: isTerminal(w), start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	if !p.on {
		close(p.done)
		return p
	}
	go p.loop()
	return p
}

// track adds a scan to the display and returns its live counters.
func (p *progress) track(name string) *scan.Stats {
	st := new(scan.Stats)
	p.mu.Lock()
	p.names = append(p.names, name)
	p.stats = append(p.stats, st)
	p.mu.Unlock()
	return st
}

func (p *progress) loop() {
	defer close(p.done)
	t := time.NewTicker(150 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.draw()
			return
		case <-t.C:
			p.draw()
		}
	}
}

// draw rewrites the display in place.
func (p *progress) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	el := time.Since(p.start).Truncate(100 * time.Millisecond)
	for i, st := range p.stats {
		fmt.Fprintf(&b, "\x1b[2K%-16s %6s  pages %s  people %s  identities %s",
			p.names[i], el, count(st.Pages.Load()), count(st.People.Load()), count(st.Identities.Load()))
		if th := st.Throttled.Load(); th > 0 {
			fmt.Fprintf(&b, "  throttled %s (workers waited %s)", count(th), time.Duration(st.WaitNanos.Load()).Truncate(100*time.Millisecond))
		}
		if f := st.Failures.Load(); f > 0 {
			fmt.Fprintf(&b, "  failures %s", count(f))
		}
		b.WriteByte('\n')
	}
	p.drawn = len(p.stats)
	io.WriteString(p.w, b.String())
}

// close draws the final state and stops the display.
func (p *progress) close() {
	if p.on {
		close(p.stop)
	}
	<-p.done
}

// count formats n with thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
