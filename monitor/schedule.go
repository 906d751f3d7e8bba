package monitor

import (
	"math/rand/v2"
	"time"
)

// Schedule says how often each connector's work runs. Zero values take the defaults.
type Schedule struct {
	// Full is the interval between full scans (default 24 h); Scan between incremental
	// scans (default 1 h); Events between audit-event polls (default 5 min).
	Full, Scan, Events time.Duration
	// Jitter is the fraction of an interval a run may move earlier or later, so that
	// instances and connectors do not all call at once (default 0.1; at most 0.5).
	Jitter float64
	// RetryMin and RetryMax bound the backoff after a failed run, which doubles from
	// RetryMin with each failure in a row (defaults 1 min and 1 h).
	RetryMin, RetryMax time.Duration
}

// withDefaults returns s with its zero values replaced by the defaults.
func (s Schedule) withDefaults() Schedule {
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&s.Full, 24 * time.Hour}, {&s.Scan, time.Hour}, {&s.Events, 5 * time.Minute},
		{&s.RetryMin, time.Minute}, {&s.RetryMax, time.Hour}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	if s.Jitter <= 0 {
		s.Jitter = 0.1
	}
	s.Jitter = min(s.Jitter, 0.5)
	s.RetryMax = max(s.RetryMax, s.RetryMin)
	return s
}

// jittered returns d moved by up to s.Jitter of itself, earlier or later, by r.
func (s Schedule) jittered(d time.Duration, r *rand.Rand) time.Duration {
	f := 1 + s.Jitter*(2*r.Float64()-1)
	return time.Duration(float64(d) * f)
}

// backoff returns the wait after the failures-th failure in a row (1 or more), with
// jitter: RetryMin doubled per earlier failure, at most RetryMax.
func (s Schedule) backoff(failures int, r *rand.Rand) time.Duration {
	d := s.RetryMin
	for i := 1; i < failures && d < s.RetryMax; i++ {
		d *= 2
	}
	return s.jittered(min(d, s.RetryMax), r)
}

// task is one kind of recurring work of a connector.
type task int

// The tasks, in the order they run when several are due at once.
const (
	taskFull task = iota
	taskScan
	taskEvents
	numTasks
)

// String names the task in logs and metrics.
func (t task) String() string {
	return [...]string{"full_scan", "scan", "events"}[t]
}

// timetable is when each task of one connector runs next, and how many times in a row
// each failed.
type timetable struct {
	next     [numTasks]time.Time
	failures [numTasks]int
	// on says which tasks the connector has (events only for event sources).
	on [numTasks]bool
}

// due returns the task that is due first and when; ok is false when there is none.
func (tt *timetable) due() (t task, at time.Time, ok bool) {
	for i := range numTasks {
		if tt.on[i] && (!ok || tt.next[i].Before(at)) {
			t, at, ok = i, tt.next[i], true
		}
	}
	return t, at, ok
}

// done records the outcome of task t finished at now and schedules its next run: after
// its interval with jitter on success, after a backoff on failure. A full scan also
// counts as the incremental scan it includes.
func (tt *timetable) done(t task, now time.Time, failed bool, s Schedule, r *rand.Rand) {
	if failed {
		tt.failures[t]++
		tt.next[t] = now.Add(s.backoff(tt.failures[t], r))
		return
	}
	tt.failures[t] = 0
	interval := [...]time.Duration{s.Full, s.Scan, s.Events}[t]
	tt.next[t] = now.Add(s.jittered(interval, r))
	if t == taskFull && tt.on[taskScan] {
		tt.failures[taskScan] = 0
		tt.next[taskScan] = now.Add(s.jittered(s.Scan, r))
	}
}
