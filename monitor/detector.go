package monitor

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/risk"
)

// Config tunes a Detector. Zero values take the defaults noted.
type Config struct {
	// LearnEvents and LearnFor are how much a subject must have been seen (events, and
	// time since its first event) before novelty (new network, new client) is reported:
	// until then everything is new and nothing is unusual. Defaults 20 and 7 days.
	LearnEvents int
	LearnFor    time.Duration
	// PrefixV4 and PrefixV6 are the prefix lengths that make one network (defaults 24
	// and 48).
	PrefixV4, PrefixV6 int
	// SpikeDays is how many past days of counts a volume judgement needs (default 7);
	// SpikeMADs how many median absolute deviations above the median a day's count must
	// be (default 6), and SpikeRatio how many times the median (default 3): far above
	// the subject's own spread and its own level both; SpikeMin the least count that can
	// be a spike (default 100).
	SpikeDays, SpikeMADs, SpikeRatio, SpikeMin int
	// ReconWindow is how far back before an export the queries that make recon are
	// looked for (default 24 h); ReconObjects how many distinct objects they must cover
	// (default 3).
	ReconWindow  time.Duration
	ReconObjects int
	// DeleteWithin is how soon after an export its deletion counts as hiding it (default
	// 10 minutes).
	DeleteWithin time.Duration
	// Dormant is the silence after which a use is a wake-up (default 90 days).
	Dormant time.Duration
	// Networks, if set, tells which provider and autonomous system an address belongs
	// to; a first use from a hosting provider raises the confidence of new_network.
	Networks *risk.Networks
	// Owners, if set, gives the status of the person an event's actor is (platform,
	// tenant, actor); a departed or suspended actor makes owner_gone.
	Owners func(p nhi.Platform, tenant, actor string) (nhi.PersonStatus, bool)
}

// withDefaults returns c with its zero values replaced by the defaults.
func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.LearnEvents, 20)
	defDur(&c.LearnFor, 7*24*time.Hour)
	def(&c.PrefixV4, 24)
	def(&c.PrefixV6, 48)
	def(&c.SpikeDays, 7)
	def(&c.SpikeMADs, 6)
	def(&c.SpikeRatio, 3)
	def(&c.SpikeMin, 100)
	defDur(&c.ReconWindow, 24*time.Hour)
	def(&c.ReconObjects, 3)
	defDur(&c.DeleteWithin, 10*time.Minute)
	defDur(&c.Dormant, 90*24*time.Hour)
	return c
}

// Detection is one behavioural finding.
type Detection struct {
	// Signal is the detection's ID ("behavior.new_network"); Title says it in words.
	Signal, Title string
	Severity      nhi.Severity
	OWASP         []string
	// Confidence is how sure the detection is, from 0 to 1.
	Confidence float64
	// Subject is the token or actor the detection is about.
	Subject Subject
	// Time is the time of the event that completed the pattern.
	Time time.Time
	// Events are the IDs of the events that are its evidence, oldest first.
	Events []string
	// Evidence says what was seen, in words (untrusted text cleaned).
	Evidence []string
}

// Subject is whose behaviour is judged: one token, an app acting as one actor on one
// tenant. AppID is empty for an actor's own use.
type Subject struct {
	Platform nhi.Platform
	Tenant   string
	AppID    string
	Actor    string
}

// subjectOf returns the subject of ev.
func subjectOf(ev *nhi.Event) Subject {
	return Subject{Platform: ev.Platform, Tenant: ev.Tenant, AppID: ev.AppID, Actor: ev.Actor}
}

// The OWASP NHI items of the detections.
const (
	owaspOffboarding = "NHI1:2025"
	owaspThirdParty  = "NHI3:2025"
	owaspReuse       = "NHI9:2025"
)

// Detector reads events in time order and reports behavioural detections. It is not
// safe for concurrent use.
type Detector struct {
	cfg      Config
	subjects map[Subject]*state
	recent   recentIDs
}

// NewDetector returns a Detector with cfg.
func NewDetector(cfg Config) *Detector {
	return &Detector{cfg: cfg.withDefaults(), subjects: map[Subject]*state{}}
}

// Seed tells the detector when a subject was last used before the events it will read
// (the inventory's last use), so that a first event after a long silence is a wake-up.
func (d *Detector) Seed(s Subject, lastUsed time.Time) {
	st := d.state(s)
	if st.last.IsZero() || lastUsed.After(st.last) {
		st.last = lastUsed
	}
}

// state returns the state of s, making it on first use.
func (d *Detector) state(s Subject) *state {
	st := d.subjects[s]
	if st == nil {
		st = newState()
		d.subjects[s] = st
	}
	return st
}

// Observe reads one event and returns the detections it completes. Events must come in
// time order per subject; an event older than the subject's last is judged but does not
// move its clock back. Only events of an app's token (AppID set) are judged.
func (d *Detector) Observe(ev nhi.Event) []Detection {
	if ev.Actor == "" && ev.AppID == "" {
		return nil
	}
	if d.recent.repeat(string(ev.Platform) + "\x00" + ev.Tenant + "\x00" + ev.ID) {
		return nil // read again after a crash, or delivered twice: already judged
	}
	st := d.state(subjectOf(&ev))
	if ev.AppID == "" {
		// A person acting in their own name (a browser sign-in, an admin's change) is not
		// a non-human identity: it is recorded, for the baselines, but not judged.
		st.record(&ev, d.cfg)
		return nil
	}
	var out []Detection
	for _, check := range []func(*nhi.Event, *state) *Detection{
		d.dormant, d.ownerGone, d.newNetwork, d.newClient, d.exportDeleted, d.reconThenExport,
	} {
		if det := check(&ev, st); det != nil {
			det.Subject, det.Time = subjectOf(&ev), ev.Time
			out = append(out, *det)
		}
	}
	if det := d.volume(&ev, st); det != nil {
		det.Subject, det.Time = subjectOf(&ev), ev.Time
		out = append(out, *det)
	}
	st.record(&ev, d.cfg)
	return out
}

// learned reports whether st has seen enough to call something new at t.
func (d *Detector) learned(st *state, t time.Time) bool {
	return st.events >= d.cfg.LearnEvents && t.Sub(st.first) >= d.cfg.LearnFor
}

// prefix returns the network of addr ("198.51.100.0/24"); ok is false for no address.
func (d *Detector) prefix(addr string) (netip.Prefix, bool) { return prefixOf(d.cfg, addr) }

// prefixOf returns the network of addr with the prefix lengths of cfg.
func prefixOf(cfg Config, addr string) (netip.Prefix, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(addr))
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	bits := cfg.PrefixV4
	if a.Is6() {
		bits = cfg.PrefixV6
	}
	p, err := a.Prefix(bits)
	return p, err == nil
}

// evidence returns the event IDs of evs, oldest first, without duplicates.
func evidence(ids ...string) []string {
	out := slices.Compact(slices.DeleteFunc(ids, func(s string) bool { return s == "" }))
	return out
}
