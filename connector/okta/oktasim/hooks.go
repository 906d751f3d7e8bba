package oktasim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// EventHook is an event hook as an admin registers it (POST /api/v1/eventHooks): the
// external service's endpoint, the Authorization header value Okta sends with every
// request to it, and the System Log event types it subscribes to.
type EventHook struct {
	Name string
	// URI is the external service's endpoint.
	URI string
	// Authorization is the value of the Authorization header sent with the verification
	// request and every delivery; "" sends none.
	Authorization string
	// Events are the event types the hook subscribes to.
	Events []string
	// OrgURL is the org's URL that deliveries name as their source (OrgURL of the URL the
	// simulator is served at); "" means the issuer.
	OrgURL string
}

// HookStats is what an event hook did, for tests.
type HookStats struct {
	// Verified is set once the hook answered its verification challenge.
	Verified bool
	// Deliveries counts the deliveries answered 2xx; Failed the ones given up after the
	// retry; Events the events the answered deliveries carried.
	Deliveries, Failed, Events int
	// Pending counts the events waiting for or in delivery.
	Pending int
}

// Okta's documented limits of event hook calls: an answer within three seconds, one retry
// after a timeout or an error answer. maxHookBatch (how many events one delivery carries
// when several wait) is the simulator's pick; Okta does not document it.
const (
	hookTimeout  = 3 * time.Second
	hookAttempts = 2
	maxHookBatch = 50
)

// hooks are the event hooks of the org.
type hooks struct {
	mu     sync.Mutex
	byID   map[string]*hook
	order  []*hook
	seq    int
	client *http.Client
}

// hook is a registered event hook and its delivery queue.
type hook struct {
	id      string
	def     EventHook
	types   map[string]bool
	stats   HookStats
	pending []eventJSON
	sending bool
}

// AddEventHook registers h, ACTIVE and UNVERIFIED as Okta creates hooks: it receives
// nothing until VerifyEventHook succeeds. It returns the hook's ID.
func (s *Server) AddEventHook(h EventHook) (string, error) {
	if h.URI == "" || len(h.Events) == 0 {
		return "", fmt.Errorf("oktasim: an event hook needs a URI and at least one event type")
	}
	hs := &s.hooks
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if hs.byID == nil {
		hs.byID = map[string]*hook{}
		hs.client = &http.Client{Timeout: hookTimeout}
	}
	hs.seq++
	k := &hook{id: changeID("who", hs.seq), def: h, types: map[string]bool{}}
	k.def.Events = slices.Clone(h.Events)
	for _, t := range h.Events {
		k.types[t] = true
	}
	if k.def.OrgURL == "" {
		k.def.OrgURL = s.w.issuer
	}
	hs.byID[k.id] = k
	hs.order = append(hs.order, k)
	return k.id, nil
}

// VerifyEventHook makes the one-time verification request of the hook with ID id (POST
// /api/v1/eventHooks/{id}/lifecycle/verify): a GET to its URI with a random
// X-Okta-Verification-Challenge header and its Authorization header, whose answer must
// be 200 with the JSON {"verification": <the challenge>}; one retry after a failure. Once
// verified, the hook receives every event of its types that becomes visible in the
// System Log.
func (s *Server) VerifyEventHook(ctx context.Context, id string) error {
	hs := &s.hooks
	hs.mu.Lock()
	k, ok := hs.byID[id]
	hs.mu.Unlock()
	if !ok {
		return fmt.Errorf("oktasim: no event hook %q", id)
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	challenge := hex.EncodeToString(b[:])
	var err error
	for range hookAttempts {
		if err = s.challenge(ctx, k, challenge); err == nil {
			hs.mu.Lock()
			k.stats.Verified = true
			hs.mu.Unlock()
			return nil
		}
	}
	return fmt.Errorf("oktasim: event hook %s failed verification: %w", id, err)
}

// challenge makes one verification request.
func (s *Server) challenge(ctx context.Context, k *hook, challenge string) error {
	ctx, cancel := context.WithTimeout(ctx, hookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.def.URI, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-Okta-Verification-Challenge", challenge)
	if k.def.Authorization != "" {
		req.Header.Set("Authorization", k.def.Authorization)
	}
	resp, err := s.hooks.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var v struct {
		Verification string `json:"verification"`
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("verification answered %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&v); err != nil || v.Verification != challenge {
		return fmt.Errorf("the answer does not echo the challenge")
	}
	return nil
}

// HookStats returns what the hook with ID id did; false when there is none.
func (s *Server) HookStats(id string) (HookStats, bool) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	k, ok := s.hooks.byID[id]
	if !ok {
		return HookStats{}, false
	}
	return k.stats, true
}

// publish queues ev for the verified hooks subscribed to its type and starts their
// delivery. It runs as ev becomes visible, with s.w.mu held.
func (s *Server) publish(ev *event) {
	hs := &s.hooks
	hs.mu.Lock()
	defer hs.mu.Unlock()
	for _, k := range hs.order {
		if !k.stats.Verified || !k.types[ev.eventType] {
			continue
		}
		k.pending = append(k.pending, eventOf(ev))
		k.stats.Pending++
		if !k.sending {
			k.sending = true
			go s.drain(k)
		}
	}
}

// drain delivers k's queued events in order, up to maxHookBatch a delivery, until none
// wait.
func (s *Server) drain(k *hook) {
	hs := &s.hooks
	for {
		hs.mu.Lock()
		if len(k.pending) == 0 {
			k.sending = false
			hs.mu.Unlock()
			return
		}
		n := min(len(k.pending), maxHookBatch)
		batch := slices.Clone(k.pending[:n])
		k.pending = slices.Delete(k.pending, 0, n)
		hs.seq++
		eventID := fmt.Sprintf("00000000-0000-4000-8000-%012d", hs.seq)
		hs.mu.Unlock()
		ok := s.deliver(k, eventID, batch)
		hs.mu.Lock()
		k.stats.Pending -= n
		if ok {
			k.stats.Deliveries++
			k.stats.Events += n
		} else {
			k.stats.Failed++
		}
		hs.mu.Unlock()
	}
}
