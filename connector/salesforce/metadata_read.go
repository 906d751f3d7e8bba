package salesforce

import (
	"context"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"
)

// metadataReads is what readMetadata gave for the listed apps, by ConnectedApplication
// ID: the component, or the error of reading it.
type metadataReads struct {
	mu   sync.Mutex
	byID map[string]*appMetadata
	errs map[string]error
}

// readMetadata reads the ConnectedApp components of the listed apps, readBatch full
// names a call, Concurrency calls at a time. A batch that fails is read again one name at
// a time, so that one unreadable app does not hide the others; what still fails is kept
// per app. Errors that end the scan are returned.
func (c *Connector) readMetadata(ctx context.Context, r *rest, listed []listedApp) (*metadataReads, error) {
	m := &metadataReads{byID: map[string]*appMetadata{}, errs: map[string]error{}}
	ids := map[string]string{}
	var names []string
	for _, l := range listed {
		if l.FullName != "" && validSFID(l.ID, "") {
			ids[l.FullName] = l.ID
			names = append(names, l.FullName)
		}
	}
	slices.Sort(names)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.cfg.Concurrency)
	for batch := range slices.Chunk(names, readBatch) {
		g.Go(func() error {
			err := m.read(gctx, c, r, ids, batch)
			if err == nil || fatal(err) || len(batch) == 1 {
				return m.fail(ids, batch, err)
			}
			for _, n := range batch {
				if err := m.fail(ids, []string{n}, m.read(gctx, c, r, ids, []string{n})); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return m, g.Wait()
}

// read reads one batch into m.
func (m *metadataReads) read(ctx context.Context, c *Connector, r *rest, ids map[string]string, batch []string) error {
	recs, err := r.readApps(ctx, batch)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range recs {
		id, ok := ids[recs[i].FullName]
		if !ok {
			continue
		}
		m.byID[id] = &recs[i]
		if k := recs[i].OauthConfig.ConsumerKey; k != "" && k == c.cfg.ConsumerKey {
			c.setSelfApp(id)
		}
	}
	return nil
}

// fail records err for the apps of batch; it returns err when it ends the scan.
func (m *metadataReads) fail(ids map[string]string, batch []string, err error) error {
	if err == nil {
		return nil
	}
	if fatal(err) {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range batch {
		m.errs[ids[n]] = err
	}
	return nil
}

// get returns the component of an app, or the error of reading it; both nil when the
// Metadata API does not list the app.
func (m *metadataReads) get(appID string) (*appMetadata, error) {
	if m == nil {
		return nil, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byID[appID], m.errs[appID]
}

// setSelfApp records the ConnectedApplication ID of nhi's own connected app.
func (c *Connector) setSelfApp(id string) {
	c.selfMu.Lock()
	defer c.selfMu.Unlock()
	c.selfApp = id
}

// selfAppID returns the ConnectedApplication ID of nhi's own connected app, "" while
// unknown.
func (c *Connector) selfAppID() string {
	c.selfMu.Lock()
	defer c.selfMu.Unlock()
	return c.selfApp
}
