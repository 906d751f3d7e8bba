package googleworkspace

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/nhiscope/nhi/connector"
)

// The two listings that make up nearly all of a scan's bytes, the token audit log and the
// users' tokens, are requested here rather than through Google's clients and decoded by
// auditPage and tokenList: encoding/json's reflection over the clients' structs cost more
// CPU than the rest of the scan. The requests are the ones the clients send, over the same
// HTTP client (authentication, pacing, retries), and error answers are read by Google's own
// googleapi.CheckResponse, so failures map as before. Fuzz tests hold both decoders to
// encoding/json over the clients' types; users.list still goes through the Directory client.

// Paths of the listings, below the base URL.
const (
	activitiesPath = "admin/reports/v1/activity/users/all/applications/token"
	usersPath      = "admin/directory/v1/users/"
)

// query returns the encoded query of a listing: q and the parameters every request has.
func query(q url.Values) string {
	q.Set("alt", "json")
	q.Set("prettyPrint", "false")
	return q.Encode()
}

// get sends a GET for path?query and reads a successful answer into *body, reusing its
// memory.
func (s *scan) get(ctx context.Context, path, query string, body *[]byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.c.cfg.BaseURL+path+"?"+query, nil)
	if err != nil {
		return err
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := googleapi.CheckResponse(resp); err != nil {
		return err
	}
	buf := bytes.NewBuffer((*body)[:0])
	_, err = buf.ReadFrom(resp.Body)
	*body = buf.Bytes()
	return err
}

// fetchActivities reads one page of token audit events in [start, end) into p.
func (s *scan) fetchActivities(ctx context.Context, start, end int64, token string, p *auditPage) error {
	q := url.Values{"fields": {activityFields}, "maxResults": {strconv.Itoa(activitiesPageSize)}}
	if cust := s.c.cfg.Customer; cust != DefaultCustomer {
		q.Set("customerId", cust)
	}
	if start != noStart {
		q.Set("startTime", googleTime(start))
	}
	if end != noEnd {
		q.Set("endTime", googleTime(end))
	}
	if token != "" {
		q.Set("pageToken", token)
	}
	if err := s.get(ctx, activitiesPath, query(q), &p.body); err != nil {
		return err
	}
	s.rep.progress(connector.Progress{Kind: connector.ProgressPage, Resource: resActivities})
	return p.decode()
}

// tokensQuery is the query of tokens.list: query(url.Values{"fields": {tokenFields}}).
const tokensQuery = "alt=json&fields=items%28clientId%2CdisplayText%2Canonymous%2CnativeApp%2Cscopes%29&prettyPrint=false"

// fetchTokens lists one user's tokens (tokens.list is not paged) into l.
func (s *scan) fetchTokens(ctx context.Context, userID string, l *tokenList) error {
	if err := s.get(ctx, usersPath+url.PathEscape(userID)+"/tokens", tokensQuery, &l.body); err != nil {
		return err
	}
	return l.decode(&s.strs)
}

// googleTime formats Unix milliseconds as the Admin SDK writes times.
func googleTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

// maxInterned bounds the strings an interner keeps.
const maxInterned = 1 << 16

// interner hands out one copy of each string it is given: the tokens of a tenant repeat a
// few hundred client IDs, app names and scopes tens of thousands of times. It is safe for
// concurrent use.
type interner struct {
	mu sync.Mutex
	m  map[string]string
}

// str returns b as a string, shared with earlier calls for the same bytes.
func (in *interner) str(b []byte) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = map[string]string{}
	}
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}
