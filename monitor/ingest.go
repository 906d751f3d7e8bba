package monitor

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/store"
)

// EventsCursorSuffix names, beside a connector's scan cursor, the cursor of its audit
// events in the store ("google-prod#events").
const EventsCursorSuffix = "#events"

// pollBatch is how many events a poll reads and judges at a time: memory stays bounded
// by it however many events a platform has waiting.
const pollBatch = 5000

// maxPollBatches bounds the batches of one poll; the rest come at the next poll.
const maxPollBatches = 200

// errBatchFull stops a read at pollBatch events.
var errBatchFull = errors.New("batch full")

// poll reads the new audit events of c in batches: each batch goes through the detector,
// its detections are stored as findings, and then the cursor is saved, so that a crash
// before the cursor is saved reads the batch again rather than losing it. It returns how
// many events it read.
func (s *Service) poll(ctx context.Context, c connector.Connector) (int, error) {
	src := c.(connector.EventSource)
	name := c.Info().Name
	key := name + EventsCursorSuffix
	since, err := s.Store.Cursor(ctx, key)
	if err != nil {
		return 0, err
	}
	total := 0
	for range maxPollBatches {
		evs := make([]nhi.Event, 0, 256)
		next, err := src.Events(ctx, since, func(ev nhi.Event) error {
			if len(evs) >= pollBatch {
				return errBatchFull
			}
			evs = append(evs, ev)
			return nil
		})
		full := errors.Is(err, errBatchFull)
		if err != nil && !full {
			return total, fmt.Errorf("events of %s: %w", name, err)
		}
		total += len(evs)
		if fs := s.observe(ctx, name, evs); len(fs) > 0 {
			if err := s.pollFindings(ctx, name, fs); err != nil {
				return total, err
			}
		}
		if next != "" && next != since {
			if err := s.Store.SaveCursor(ctx, key, next); err != nil {
				return total, err
			}
			since = next
		}
		if !full {
			break
		}
	}
	s.saveBaselines(ctx)
	return total, nil
}

// baselinesKey is where the detector's baselines are kept in the store (beside the
// connectors' cursors).
const baselinesKey = "monitor#baselines"

// saveBaselines stores the detector's baselines; a failure is logged, not fatal: the
// next poll saves them again.
func (s *Service) saveBaselines(ctx context.Context) {
	s.ingest.mu.Lock()
	b, err := s.detector.Snapshot()
	s.ingest.mu.Unlock()
	if err == nil {
		err = s.Store.SaveCursor(ctx, baselinesKey, nhi.Cursor(base64.StdEncoding.EncodeToString(b)))
	}
	if err != nil {
		s.log().Warn("saving the detector's baselines", "err", nhi.ErrorMessage(err))
	}
}

// loadBaselines restores the detector's baselines from the store, if any.
func (s *Service) loadBaselines(ctx context.Context) {
	cur, err := s.Store.Cursor(ctx, baselinesKey)
	if err != nil || cur == "" {
		return
	}
	b, err := base64.StdEncoding.DecodeString(string(cur))
	if err == nil {
		s.ingest.mu.Lock()
		err = s.detector.Restore(b)
		s.ingest.mu.Unlock()
	}
	if err != nil {
		s.log().Warn("the detector's saved baselines are unreadable; learning again", "err", nhi.ErrorMessage(err))
	}
}

// Ingest runs events pushed by a platform (webhooks, event hooks) through the same
// pipeline as polled ones, for the connector named name: detection, then findings
// stored under its latest scan. OnFindings runs after Ingest returns, so that the
// platform hears back within its delivery timeout (Okta's is 3 s) however long
// containment takes.
func (s *Service) Ingest(ctx context.Context, name string, evs []nhi.Event) error {
	s.once.Do(s.init)
	fs := s.observe(ctx, name, evs)
	if len(fs) == 0 {
		return nil
	}
	if err := s.storeFindings(ctx, name, fs); err != nil {
		return err
	}
	if s.OnFindings != nil {
		go s.OnFindings(context.WithoutCancel(ctx), fs)
	}
	return nil
}

// observe runs evs through the detector and returns the findings of its detections.
func (s *Service) observe(ctx context.Context, name string, evs []nhi.Event) []nhi.Finding {
	s.ingest.mu.Lock()
	defer s.ingest.mu.Unlock()
	var out []nhi.Finding
	var newest time.Time
	for _, ev := range evs {
		if s.Metrics != nil {
			s.Metrics.events.WithLabelValues(name, string(ev.Kind)).Inc()
		}
		if ev.Time.After(newest) {
			newest = ev.Time
		}
		subj := subjectOf(&ev)
		id, found := s.ingest.resolve(ctx, subj)
		if found && !s.ingest.seeded[subj] {
			s.ingest.seeded[subj] = true
			if !id.LastUsedAt.IsZero() {
				s.detector.Seed(subj, id.LastUsedAt)
			}
		}
		for _, det := range s.detector.Observe(ev) {
			if s.Metrics != nil {
				s.Metrics.detections.WithLabelValues(det.Signal).Inc()
			}
			if f, ok := toFinding(det, id, found); ok {
				out = append(out, f)
			}
		}
	}
	if s.Metrics != nil && !newest.IsZero() {
		s.Metrics.lag.WithLabelValues(name).Set(s.now().Sub(newest).Seconds())
	}
	return out
}

// storeFindings stores fs under the connector's latest scan, the evaluation they
// belong to; with no scan yet they wait for the next poll's.
func (s *Service) storeFindings(ctx context.Context, name string, fs []nhi.Finding) error {
	rec, ok := s.latestScan(ctx, name)
	if !ok {
		return fmt.Errorf("behavioural findings of %s: no finished scan yet to record them under; the events will be read again", name)
	}
	if err := s.Store.PutFindings(ctx, rec.ID, s.now(), fs); err != nil {
		return fmt.Errorf("store behavioural findings of %s: %w", name, err)
	}
	s.log().Info("behavioural detections", "connector", name, "findings", len(fs))
	if s.Alerts != nil {
		s.Alerts.Send(ctx, fs)
	}
	return nil
}

// pollFindings stores the findings of polled events, and answers them (OnFindings)
// before the poll moves on.
func (s *Service) pollFindings(ctx context.Context, name string, fs []nhi.Finding) error {
	if err := s.storeFindings(ctx, name, fs); err != nil {
		return err
	}
	if s.OnFindings != nil {
		s.OnFindings(ctx, fs)
	}
	return nil
}

// latestScan returns the latest finished scan of connector name: the last this service
// ran, else (another instance of a cluster ran it, or this process restarted) the
// newest succeeded or partial one in the store.
func (s *Service) latestScan(ctx context.Context, name string) (nhi.Scan, bool) {
	s.mu.Lock()
	rec, ok := s.lastScan[name]
	s.mu.Unlock()
	if ok {
		return rec, true
	}
	scans, err := s.Store.ListScans(ctx, store.ScanFilter{Connector: name, Limit: 50})
	if err != nil {
		return nhi.Scan{}, false
	}
	for _, sc := range scans {
		if sc.Status == nhi.ScanSucceeded || sc.Status == nhi.ScanPartial {
			return sc, true
		}
	}
	return nhi.Scan{}, false
}

// severityPoints are the points of a behavioural finding by severity.
var severityPoints = map[nhi.Severity]int{nhi.SeverityLow: 5, nhi.SeverityMedium: 15, nhi.SeverityHigh: 35,
	nhi.SeverityCritical: 60}

// toFinding turns a detection into a finding on the identity it is about or, when
// the inventory has none, on its app; ok is false when it has neither.
func toFinding(det Detection, id nhi.Identity, found bool) (nhi.Finding, bool) {
	f := nhi.Finding{Signal: det.Signal, Title: det.Title, Severity: det.Severity, Points: severityPoints[det.Severity],
		OWASP: det.OWASP, Platform: det.Subject.Platform, Tenant: det.Subject.Tenant, AppID: det.Subject.AppID,
		OwnerID: det.Subject.Actor}
	switch {
	case found:
		f.SubjectKind, f.SubjectID, f.OwnerID = nhi.SubjectIdentity, id.ID, id.OwnerID
	case det.Subject.AppID != "":
		f.SubjectKind, f.SubjectID = nhi.SubjectApp, nhi.AppKey(det.Subject.Platform, det.Subject.Tenant, det.Subject.AppID)
	default:
		return nhi.Finding{}, false
	}
	f.Evidence = append(append([]string{}, det.Evidence...),
		fmt.Sprintf("confidence %.0f%%; at %s; events %s", det.Confidence*100, det.Time.UTC().Format(time.RFC3339),
			strings.Join(det.Events, ", ")))
	f.ID = nhi.NewFindingID(f.Signal, f.SubjectKind, f.SubjectID)
	return f, true
}

// ingester resolves event subjects to inventory identities and actors to people, with
// caches; its mutex also serializes the detector.
type ingester struct {
	mu     sync.Mutex
	db     store.Store
	ids    map[Subject]identitySeen
	people map[personKey]personSeen
	seeded map[Subject]bool
}

type identitySeen struct {
	id    nhi.Identity
	found bool
}

type personKey struct {
	p              nhi.Platform
	tenant, person string
}

type personSeen struct {
	status nhi.PersonStatus
	found  bool
}

// resolve returns the identity of subj: the identity of its app owned by its actor, the
// most recently used when there are several. Lookups are cached.
func (in *ingester) resolve(ctx context.Context, subj Subject) (nhi.Identity, bool) {
	if in.ids == nil {
		in.ids = map[Subject]identitySeen{}
	}
	if seen, ok := in.ids[subj]; ok {
		return seen.id, seen.found
	}
	if subj.AppID == "" {
		in.ids[subj] = identitySeen{}
		return nhi.Identity{}, false
	}
	f := store.IdentityFilter{Platform: subj.Platform, Tenant: subj.Tenant, AppID: subj.AppID, Owner: subj.Actor, Limit: 100}
	page, err := in.db.ListIdentities(ctx, f)
	seen := identitySeen{}
	if err == nil && subj.AppID != "" {
		// One actor may hold several tokens of one app (Salesforce keeps a refresh token
		// per authorization): the events are the one most recently used.
		for _, id := range page.Items {
			if !seen.found || id.LastUsedAt.After(seen.id.LastUsedAt) {
				seen = identitySeen{id: id, found: true}
			}
		}
	}
	if !seen.found && err == nil && subj.Actor == subj.AppID {
		seen = in.appItself(ctx, subj)
	}
	in.ids[subj] = seen
	return seen.id, seen.found
}

// appItself returns the identity of an app acting as itself (a service app's client
// credentials: the System Log's actor is the app): the identity of the app whose
// external ID is the app's, not one a person owns.
func (in *ingester) appItself(ctx context.Context, subj Subject) identitySeen {
	f := store.IdentityFilter{Platform: subj.Platform, Tenant: subj.Tenant, AppID: subj.AppID, Limit: 100}
	page, err := in.db.ListIdentities(ctx, f)
	if err != nil {
		return identitySeen{}
	}
	for _, id := range page.Items {
		if id.ExternalID == subj.AppID {
			return identitySeen{id: id, found: true}
		}
	}
	return identitySeen{}
}

// owner returns the recorded status of a person; it is the detector's Owners and runs
// with in.mu held.
func (in *ingester) owner(p nhi.Platform, tenant, actor string) (nhi.PersonStatus, bool) {
	k := personKey{p, tenant, actor}
	if seen, ok := in.people[k]; ok {
		return seen.status, seen.found
	}
	person, err := in.db.Person(context.Background(), p, tenant, actor)
	seen := personSeen{}
	if err == nil {
		seen = personSeen{status: person.Status, found: true}
		if !person.GoneAt.IsZero() {
			seen.status = nhi.PersonDeparted
		}
	}
	in.people[k] = seen
	return seen.status, seen.found
}

// refreshGauges sets the inventory gauges from the store.
func (s *Service) refreshGauges(ctx context.Context) {
	if s.Metrics == nil {
		return
	}
	counts, err := s.Store.Counts(ctx)
	if err != nil {
		s.log().Warn("metrics: inventory counts", "err", nhi.ErrorMessage(err))
		return
	}
	s.Metrics.identities.Reset()
	for _, c := range counts {
		s.Metrics.identities.WithLabelValues(string(c.Platform), string(c.Kind)).Set(float64(c.Count))
	}
	bySeverity := map[nhi.Severity]int{}
	f := store.FindingFilter{Status: nhi.FindingOpen}
	_, _, err = store.Walk(0, func(lim int, after string) (store.Page[nhi.Finding], error) {
		f.Limit, f.After = lim, after
		return s.Store.ListFindings(ctx, f)
	}, func(x nhi.Finding) error {
		bySeverity[x.Severity]++
		return nil
	})
	if err != nil {
		s.log().Warn("metrics: findings", "err", nhi.ErrorMessage(err))
		return
	}
	for _, sev := range []nhi.Severity{nhi.SeverityLow, nhi.SeverityMedium, nhi.SeverityHigh, nhi.SeverityCritical} {
		s.Metrics.findings.WithLabelValues(string(sev)).Set(float64(bySeverity[sev]))
	}
}
