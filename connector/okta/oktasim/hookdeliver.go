package oktasim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// hookDelivery is the body of an event hook call, as Okta documents it: a CloudEvents
// envelope whose data.events are System Log events, as GET /api/v1/logs renders them.
type hookDelivery struct {
	EventType          string `json:"eventType"`
	EventTypeVersion   string `json:"eventTypeVersion"`
	CloudEventsVersion string `json:"cloudEventsVersion"`
	Source             string `json:"source"`
	EventID            string `json:"eventId"`
	Data               struct {
		Events []eventJSON `json:"events"`
	} `json:"data"`
	EventTime   string `json:"eventTime"`
	ContentType string `json:"contentType"`
}

// deliver POSTs batch to k's URI with its Authorization header, retrying once after a
// timeout or an answer other than 2xx; it reports whether an attempt was answered 2xx.
// A retry carries the same eventId.
func (s *Server) deliver(k *hook, eventID string, batch []eventJSON) bool {
	d := hookDelivery{EventType: "com.okta.event_hook", EventTypeVersion: "1.0", CloudEventsVersion: "0.1",
		Source: strings.TrimSuffix(k.def.OrgURL, "/") + "/api/v1/eventHooks/" + k.id, EventID: eventID,
		EventTime: ts(s.now()), ContentType: "application/json"}
	d.Data.Events = batch
	body, err := json.Marshal(d)
	if err != nil {
		return false
	}
	for range hookAttempts {
		if s.post(k, body) {
			return true
		}
	}
	return false
}

// post makes one delivery attempt.
func (s *Server) post(k *hook, body []byte) bool {
	ctx, cancel := context.WithTimeout(context.Background(), hookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.def.URI, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if k.def.Authorization != "" {
		req.Header.Set("Authorization", k.def.Authorization)
	}
	resp, err := s.hooks.client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}
