package monitor

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nhiscope/nhi"
)

// maxDelivery bounds the body of one pushed delivery (GitHub sends at most 25 MB; the
// events nhi takes are far smaller).
const maxDelivery = 5 << 20

// Receiver takes pushed deliveries of one platform (webhooks, event hooks): it checks
// each one's signature or shared secret, refuses replays, decodes the events and hands
// them to Deliver, the same pipeline polling feeds. Refusals are counted in Metrics.
type Receiver struct {
	// Source names the platform in metrics and logs ("github", "slack", "okta").
	Source string
	// Verify checks a delivery's authenticity and returns its replay key (a delivery ID,
	// or the signature with its timestamp), or an error for a delivery to refuse.
	Verify func(h http.Header, body []byte) (replayKey string, err error)
	// Decode turns a verified delivery into events; a delivery of no interest gives none.
	Decode func(h http.Header, body []byte) ([]nhi.Event, error)
	// Deliver takes the events.
	Deliver func(ctx context.Context, evs []nhi.Event) error
	// Handshake, if set, answers the platform's verification request (Slack's
	// url_verification, Okta's one-time GET); handled reports whether it did.
	Handshake func(w http.ResponseWriter, r *http.Request, body []byte) (handled bool)
	Metrics   *Metrics
	// ReplayWindow is how long replay keys are remembered (default 24 h).
	ReplayWindow time.Duration

	mu   sync.Mutex
	seen map[string]time.Time
	now  func() time.Time
}

// errReplay refuses a delivery already taken.
var errReplay = errors.New("delivery already received (replay)")

// ServeHTTP takes one delivery.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxDelivery+1))
	if err != nil || len(body) > maxDelivery {
		rc.refuse(w, http.StatusRequestEntityTooLarge, "delivery too large or unreadable")
		return
	}
	if r.Method == http.MethodGet && rc.Handshake != nil && rc.Handshake(w, r, nil) {
		return
	}
	if r.Method != http.MethodPost {
		rc.refuse(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	key, err := rc.Verify(r.Header, body)
	if err != nil {
		rc.refuse(w, http.StatusUnauthorized, err.Error())
		return
	}
	if rc.Handshake != nil && rc.Handshake(w, r, body) {
		rc.Metrics.Delivery(rc.Source, true)
		return
	}
	if err := rc.remember(key); err != nil {
		rc.refuse(w, http.StatusConflict, err.Error())
		return
	}
	evs, err := rc.Decode(r.Header, body)
	if err != nil {
		rc.refuse(w, http.StatusBadRequest, "undecodable delivery: "+err.Error())
		return
	}
	if len(evs) > 0 {
		if err := rc.Deliver(r.Context(), evs); err != nil {
			rc.forget(key) // let the platform's retry through
			http.Error(w, "could not take the delivery now", http.StatusServiceUnavailable)
			return
		}
	}
	rc.Metrics.Delivery(rc.Source, true)
	w.WriteHeader(http.StatusNoContent)
}

// refuse answers a refused delivery and counts it.
func (rc *Receiver) refuse(w http.ResponseWriter, status int, msg string) {
	rc.Metrics.Delivery(rc.Source, false)
	http.Error(w, nhi.CleanText(msg), status)
}

// remember records a replay key, refusing one already seen within the window.
func (rc *Receiver) remember(key string) error {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	now := rc.clock()
	window := rc.ReplayWindow
	if window <= 0 {
		window = 24 * time.Hour
	}
	if rc.seen == nil {
		rc.seen = map[string]time.Time{}
	}
	if len(rc.seen) > 100_000 {
		for k, at := range rc.seen {
			if now.Sub(at) > window {
				delete(rc.seen, k)
			}
		}
	}
	if at, ok := rc.seen[key]; ok && now.Sub(at) <= window {
		return errReplay
	}
	rc.seen[key] = now
	return nil
}

// forget drops a replay key.
func (rc *Receiver) forget(key string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	delete(rc.seen, key)
}

func (rc *Receiver) clock() time.Time {
	if rc.now != nil {
		return rc.now()
	}
	return time.Now()
}

// hmacHex returns the hex HMAC-SHA256 of parts under secret.
func hmacHex(secret []byte, parts ...[]byte) string {
	m := hmac.New(sha256.New, secret)
	for _, p := range parts {
		m.Write(p)
	}
	return hex.EncodeToString(m.Sum(nil))
}

// GitHubVerifier checks GitHub's X-Hub-Signature-256 ("sha256=" and the HMAC-SHA256 of
// the body under the webhook's secret); the replay key is X-GitHub-Delivery, the
// delivery's GUID, which GitHub keeps on redelivery only when asked to redeliver.
func GitHubVerifier(secret []byte) func(http.Header, []byte) (string, error) {
	return func(h http.Header, body []byte) (string, error) {
		sig, ok := strings.CutPrefix(h.Get("X-Hub-Signature-256"), "sha256=")
		if !ok || !hmac.Equal([]byte(sig), []byte(hmacHex(secret, body))) {
			return "", errors.New("missing or wrong X-Hub-Signature-256")
		}
		id := h.Get("X-GitHub-Delivery")
		if id == "" || len(id) > 128 {
			return "", errors.New("missing X-GitHub-Delivery")
		}
		return "github:" + id, nil
	}
}

// SlackVerifier checks Slack's request signing: X-Slack-Signature is "v0=" and the
// HMAC-SHA256 of "v0:<X-Slack-Request-Timestamp>:<body>" under the signing secret, and
// the timestamp is within five minutes of now. The replay key is the signature.
func SlackVerifier(secret []byte, now func() time.Time) func(http.Header, []byte) (string, error) {
	return func(h http.Header, body []byte) (string, error) {
		ts := h.Get("X-Slack-Request-Timestamp")
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return "", errors.New("missing or bad X-Slack-Request-Timestamp")
		}
		if d := now().Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
			return "", errors.New("X-Slack-Request-Timestamp is more than five minutes off: refused as a possible replay")
		}
		sig, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
		if !ok || !hmac.Equal([]byte(sig), []byte(hmacHex(secret, []byte("v0:"+ts+":"), body))) {
			return "", errors.New("missing or wrong X-Slack-Signature")
		}
		return "slack:" + sig, nil
	}
}

// OktaVerifier checks the Authorization header Okta sends with each event hook delivery
// against the value configured for the hook; the replay key is the delivery's
// eventId.
func OktaVerifier(authorization string) func(http.Header, []byte) (string, error) {
	return func(h http.Header, body []byte) (string, error) {
		got := h.Get("Authorization")
		if authorization == "" || subtle.ConstantTimeCompare([]byte(got), []byte(authorization)) != 1 {
			return "", errors.New("missing or wrong Authorization")
		}
		var d struct {
			EventID string `json:"eventId"`
		}
		if err := json.Unmarshal(body, &d); err != nil || d.EventID == "" || len(d.EventID) > 128 {
			return "", fmt.Errorf("delivery without an eventId")
		}
		return "okta:" + d.EventID, nil
	}
}

// OktaHandshake answers Okta's one-time verification: a GET with
// X-Okta-Verification-Challenge, echoed as {"verification": ...}. Okta sends the hook's
// Authorization header with it, which auth must match.
func OktaHandshake(authorization string) func(http.ResponseWriter, *http.Request, []byte) bool {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		ch := r.Header.Get("X-Okta-Verification-Challenge")
		if r.Method != http.MethodGet || ch == "" {
			return false
		}
		if authorization == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(authorization)) != 1 {
			http.Error(w, "missing or wrong Authorization", http.StatusUnauthorized)
			return true
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"verification": ch})
		return true
	}
}

// SlackHandshake answers Slack's url_verification request (after its signature was
// checked) with its challenge.
func SlackHandshake(w http.ResponseWriter, _ *http.Request, body []byte) bool {
	var v struct {
		Type, Challenge string
	}
	if body == nil || json.Unmarshal(body, &v) != nil || v.Type != "url_verification" {
		return false
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, v.Challenge)
	return true
}
