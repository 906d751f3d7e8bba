package googleworkspace

import (
	"container/heap"
	"context"
	"errors"
	"testing"
	"time"
)

// bucket is a token-bucket quota like Google's per-minute quotas: refill per second,
// burst capacity; a throttled request takes no token.
type bucket struct {
	perSecond, burst, tokens float64
	last                     time.Time
}

func (b *bucket) admit(now time.Time) bool {
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.perSecond)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// event is one step of a worker in the virtual-time scan simulation.
type event struct {
	at     time.Time
	worker int
	send   bool // false: the worker is ready to reserve; true: its request reaches the server
	epoch  uint64
}

type eventQueue []event

func (q eventQueue) Len() int             { return len(q) }
func (q eventQueue) Less(i, j int) bool   { return q[i].at.Before(q[j].at) }
func (q eventQueue) Swap(i, j int)        { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)          { *q = append(*q, x.(event)) }
func (q *eventQueue) Pop() any            { old := *q; e := old[len(old)-1]; *q = old[:len(old)-1]; return e }
func (q *eventQueue) add(e event)         { heap.Push(q, e) }
func (q *eventQueue) take() (e event)     { return heap.Pop(q).(event) }
func (q *eventQueue) empty() bool         { return q.Len() == 0 }
func (q *eventQueue) init(events []event) { *q = events; heap.Init(q) }

// simulateScan runs requests through workers paced by a limiter against a bucket, on a
// virtual clock, and returns when the last request succeeded and how many were throttled.
func simulateScan(requests, workers int, rtt time.Duration, b *bucket) (time.Duration, int) {
	return simulateScanT(requests, workers, rtt, b, defaultTuning())
}

func simulateScanT(requests, workers int, rtt time.Duration, b *bucket, tu tuning) (time.Duration, int) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b.last, b.tokens = start, b.burst
	l := newLimiter(nil, nil)
	l.tuning = tu
	var q eventQueue
	evs := make([]event, workers)
	for i := range evs {
		evs[i] = event{at: start, worker: i}
	}
	q.init(evs)
	done, throttled, end := 0, 0, start
	jitter := uint64(requests)
	pending := requests
	for !q.empty() {
		e := q.take()
		if !e.send {
			if pending == 0 {
				continue
			}
			pending--
			d, epoch := l.reserve(e.at)
			q.add(event{at: e.at.Add(d), worker: e.worker, send: true, epoch: epoch})
			continue
		}
		// A request whose wait spanned a throttling episode books a new slot, as wait does.
		if d, epoch, again := l.rebook(e.at, e.epoch); again {
			q.add(event{at: e.at.Add(d), worker: e.worker, send: true, epoch: epoch})
			continue
		}
		// Answers take rtt, give or take 30%, from a fixed pseudo-random sequence.
		jitter = jitter*6364136223846793005 + 1442695040888963407
		answer := e.at.Add(rtt * time.Duration(70+jitter>>33%61) / 100)
		if b.admit(e.at) {
			l.success(answer)
			done++
			end = answer
			q.add(event{at: answer, worker: e.worker})
			continue
		}
		throttled++
		l.throttled(answer, e.epoch)
		d, epoch := l.reserve(answer)
		q.add(event{at: answer.Add(d), worker: e.worker, send: true, epoch: epoch})
	}
	if done != requests {
		panic("simulation lost requests")
	}
	return end.Sub(start), throttled
}

// TestLimiterConvergesToQuota checks, on a virtual clock, that a scan paced by the
// limiter against an unknown quota of Q requests per minute takes at most 1.15 times
// requests/Q, with at most a tenth of its requests throttled. Bursts default to a second
// of quota, as in the simulator.
func TestLimiterConvergesToQuota(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		requests, workers int
		perMinute, burst  float64
		rtt               time.Duration
	}{
		{"directory default quota", 2000, 8, 2400, 40, 20 * time.Millisecond},
		{"small quota", 300, 8, 120, 2, 5 * time.Millisecond},
		{"one request a second", 500, 8, 60, 1, 2 * time.Millisecond},
		{"simulator style", 2000, 8, 600, 10, 3 * time.Millisecond},
		{"large burst", 3000, 8, 1200, 200, 30 * time.Millisecond},
		{"a minute of burst", 3000, 8, 2400, 2400, 5 * time.Millisecond},
		{"one worker", 400, 1, 600, 10, 2 * time.Millisecond},
		{"many workers slow answers", 2000, 32, 3000, 50, 200 * time.Millisecond},
		{"high quota", 20000, 8, 60000, 1000, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := &bucket{perSecond: tt.perMinute / 60, burst: tt.burst}
			took, throttled := simulateScan(tt.requests, tt.workers, tt.rtt, b)
			ideal := time.Duration(float64(tt.requests) / tt.perMinute * float64(time.Minute))
			ratio := took.Seconds() / ideal.Seconds()
			t.Logf("took %v for ideal %v (%.3fx), %d throttled", took, ideal, ratio, throttled)
			if ratio > 1.15 {
				t.Errorf("scan took %.3fx requests/Q, want at most 1.15x", ratio)
			}
			if throttled > tt.requests/10 {
				t.Errorf("%d of %d requests throttled, want at most a tenth", throttled, tt.requests)
			}
		})
	}
}

// TestLimiterEpisodes drives the limiter through a throttling episode on a fake clock.
func TestLimiterEpisodes(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	l := newLimiter(nil, nil)
	for i := range 10 {
		if d, _ := l.reserve(at(i * 10)); d != 0 {
			t.Fatalf("unthrottled limiter made request %d wait %v", i, d)
		}
		l.success(at(i * 10))
	}
	_, epoch := l.reserve(at(100))
	l.throttled(at(100), epoch)
	// Ten successes in the last second: 10/s, cut by half for the first episode.
	if got := l.currentRate(); got != 5 {
		t.Errorf("rate after the first episode = %v, want 5", got)
	}
	l.throttled(at(101), epoch) // same episode: ignored
	if got := l.currentRate(); got != 5 {
		t.Errorf("a second answer of the same episode changed the rate to %v", got)
	}
	if d, _ := l.reserve(at(100)); d != 200*time.Millisecond {
		t.Errorf("first paced request waits %v, want 200ms", d)
	}
	if d, _ := l.reserve(at(100)); d != 400*time.Millisecond {
		t.Errorf("second paced request waits %v, want 400ms", d)
	}
	l.success(at(500))
	if got := l.currentRate(); got <= 5 {
		t.Errorf("rate after a success = %v, want it above 5", got)
	}
	l.pause(at(60_000))
	if d, _ := l.reserve(at(1000)); d < 59*time.Second {
		t.Errorf("request during a pause waits %v, want until the pause ends", d)
	}
}

// TestLimiterPeak checks that the pace returns toward the rate of the last episode and
// is cut again when throttled there.
func TestLimiterPeak(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(nil, nil)
	l.rate, l.peak = 100, 0
	_, epoch := l.reserve(now)
	l.okSinceCut = 10
	l.throttled(now, epoch)
	if got, want := l.currentRate(), 100*l.cut; got != want {
		t.Errorf("rate after a paced episode = %v, want %v", got, want)
	}
	for range 200 {
		l.success(now)
	}
	if got := l.currentRate(); got < 97 || got > 110 {
		t.Errorf("rate after 200 successes = %v, want close to the peak of 100", got)
	}
	_, epoch = l.reserve(now)
	l.throttled(now, epoch)
	before := l.currentRate()
	_, epoch = l.reserve(now)
	l.throttled(now, epoch) // no success since the last episode: far above the quota
	if got, want := l.currentRate(), before*l.cutFast; got != want {
		t.Errorf("rate after an episode without successes = %v, want %v", got, want)
	}
}

// TestLimiterWaitRebooks checks that a wait spanning an episode books a slot at the new
// pace, and that wait stops when ctx ends.
func TestLimiterWaitRebooks(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var l *limiter
	var slept []time.Duration
	sleep := func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		if len(slept) == 1 { // another request is throttled meanwhile
			_, e := l.reserve(now)
			l.throttled(now, e)
		}
		return ctx.Err()
	}
	l = newLimiter(func() time.Time { return now }, sleep)
	l.rate, l.peak, l.next = 10, 10, now.Add(100*time.Millisecond)
	if _, _, err := l.wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 2 {
		t.Errorf("wait slept %d times (%v), want twice: once booked, once rebooked", len(slept), slept)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	l.pause(now.Add(time.Hour))
	l.sleep = sleepContext
	if _, _, err := l.wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("wait with a canceled context = %v, want context.Canceled", err)
	}
}
