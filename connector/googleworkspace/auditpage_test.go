package googleworkspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	reports "google.golang.org/api/admin/reports/v1"

	"github.com/nhiscope/nhi"
)

// decodedActivity is what the audit log takes from one activity, for comparisons.
type decodedActivity struct {
	At, Qual int64
	User, IP string
	Events   []decodedEvent
}

// decodedEvent is what the audit log takes from one event.
type decodedEvent struct {
	Name               uint8
	Client, ClientType string
}

// project returns the activities of a page decoded by auditPage.decode.
func project(p *auditPage) []decodedActivity {
	var out []decodedActivity
	for _, a := range p.acts {
		d := decodedActivity{At: a.at, Qual: a.qual, User: string(p.str(a.user)), IP: string(p.str(a.ip))}
		for _, ev := range p.events[a.ev0:a.ev1] {
			d.Events = append(d.Events, decodedEvent{Name: ev.name, Client: string(p.str(ev.client)),
				ClientType: string(p.str(ev.clientType))})
		}
		if a.at == badTime {
			d.Qual = 0
		}
		out = append(out, d)
	}
	return out
}

// projectReference returns the same of a page decoded by encoding/json into the Reports
// client's types: the reference auditPage.decode must agree with.
func projectReference(page *reports.Activities) []decodedActivity {
	var out []decodedActivity
	for _, a := range page.Items {
		if a == nil {
			continue
		}
		d := decodedActivity{At: badTime}
		if a.Id != nil {
			if t, err := time.Parse(time.RFC3339Nano, a.Id.Time); err == nil {
				d.At, d.Qual = t.UnixMilli(), a.Id.UniqueQualifier
			}
		}
		if a.Actor != nil {
			d.User = a.Actor.ProfileId
		}
		d.IP = a.IpAddress
		for _, ev := range a.Events {
			if ev == nil {
				continue
			}
			e := decodedEvent{Name: eventName([]byte(ev.Name))}
			e.Client, _ = firstParam(ev, "client_id")
			e.ClientType, _ = firstParam(ev, "client_type")
			d.Events = append(d.Events, e)
		}
		out = append(out, d)
	}
	return out
}

// firstParam returns the value of the first parameter named name.
func firstParam(ev *reports.ActivityEvents, name string) (string, bool) {
	for _, p := range ev.Parameters {
		if p != nil && p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// hasDuplicateKeys reports whether an object of the document repeats a key (in any case):
// encoding/json merges such members in ways the audit log need not copy.
func hasDuplicateKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		keys   []string
		object bool
		key    bool // the next token is a key
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].key {
			k, _ := tok.(string)
			for _, seen := range stack[n-1].keys {
				if strings.EqualFold(seen, k) {
					return true
				}
			}
			stack[n-1].keys, stack[n-1].key = append(stack[n-1].keys, k), false
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, frame{object: tok == json.Delim('{'), key: tok == json.Delim('{')})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].key = true
		}
	}
}

// FuzzDecodeActivities holds auditPage.decode to encoding/json: whatever encoding/json
// decodes into the Reports client's types, decode reads alike (it may accept more: it does
// not check the types of members it skips); and the audit log takes any page without a
// panic, recording only valid user IDs and known client types.
func FuzzDecodeActivities(f *testing.F) {
	for _, s := range append([]string{seedActivities}, hostileSeeds...) {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(`{"items":[{"id":{"time":"2025-08-12T10:01:02.123+02:00","uniqueQualifier":"-9223372036854775808"},`+
		`"actor":{"profileId":"1\u0031"},"events":[{"name":"activity","parameters":[{"name":"client_type","value":"WEB"},`+
		`{"name":"client_id"},{"name":"client_id","value":"x"}]}]}],"ITEMS2":{"a":[1.5e3,-0,true,null]}}`), true)
	f.Fuzz(func(t *testing.T, body []byte, incremental bool) {
		p := &auditPage{body: body}
		err := p.decode()
		var ref reports.Activities
		refErr := json.Unmarshal(body, &ref)
		if err != nil && !errors.Is(err, errJSON) {
			t.Fatalf("decode error %v is not errJSON", err)
		}
		if refErr == nil && !hasDuplicateKeys(body) {
			if err != nil {
				t.Fatalf("encoding/json decodes %q, decode fails: %v", body, err)
			}
			if p.null {
				return
			}
			if diff := cmp.Diff(projectReference(&ref), project(p)); diff != "" || p.next != ref.NextPageToken {
				t.Fatalf("decode differs from encoding/json on %q (-want +got):\n%s\nnext %q, want %q", body, diff, p.next, ref.NextPageToken)
			}
		}
		if err != nil {
			return
		}
		a := newAuditLog(cursor{at: 1754992862123, quals: []int64{1}}, incremental)
		a.addPage(p, noStart, noEnd)
		for u := range a.changed {
			if !validID(u) {
				t.Errorf("changed user %q is no valid ID", u)
			}
		}
		for _, ct := range a.clientTypes {
			if clientType([]byte(ct)) != ct {
				t.Errorf("client type %q is not a known one", ct)
			}
		}
		if _, err := parseCursor(nhi.Cursor(a.next.String())); err != nil {
			t.Errorf("next cursor %q does not parse: %v", a.next, err)
		}
	})
}

func TestParseMillis(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"2025-08-12T10:01:02.123Z", "2024-02-29T23:59:59.999Z", "2025-02-29T00:00:00.000Z", "2025-04-31T00:00:00.000Z",
		"2025-13-01T00:00:00.000Z", "2025-00-01T00:00:00.000Z", "2025-01-00T00:00:00.000Z", "2025-01-01T24:00:00.000Z",
		"2025-01-01T00:60:00.000Z", "2025-01-01T00:00:60.000Z", "2025-01-01T00:00:00.00xZ", "0000-01-01T00:00:00.000Z",
		"2025-08-12T10:01:02Z", "2025-08-12T10:01:02.123456789+02:00", "2025-08-12t10:01:02.123z", "", "yesterday",
		"2025-08-12T10:01:02.123", "+025-08-12T10:01:02.123Z", "2025-08-12T10:01:02,123Z",
	} {
		want := int64(badTime)
		if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
			want = tm.UnixMilli()
		}
		if got := parseMillis([]byte(s)); got != want {
			t.Errorf("parseMillis(%q) = %d, want %d (time.Parse)", s, got, want)
		}
	}
}

func TestParseInt64(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"-0", 0, true}, {"5153173006988512167", 5153173006988512167, true},
		{"-2817364518273645", -2817364518273645, true}, {"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true}, {"00000000000000000000042", 42, true}, {"null", 0, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775809", 0, false}, {"99999999999999999999", 0, false},
		{"", 0, false}, {"-", 0, false}, {"+1", 0, false}, {"1e3", 0, false}, {" 1", 0, false}, {"0x1", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseInt64([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseInt64(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		``, `{`, `{"items":[}`, `{"items":[{"id":{"time":1}}]}`, `{"items":[{"id":{"uniqueQualifier":"x"}}]}`,
		`{"items":[{"id":{"uniqueQualifier":5}}]}`, `{"items":{}}`, `{"nextPageToken":5}`, `[]`, `{} {}`,
		`{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":tru}`, `{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}",
		`{"a" 1}`, `{"a":1,}`, `{"a":[1,]}`, `{'a':1}`, `{"items":` + strings.Repeat("[", maxJSONDepth+1),
	} {
		p := &auditPage{body: []byte(body)}
		if err := p.decode(); !errors.Is(err, errJSON) {
			t.Errorf("decode(%q) = %v, want a JSON error", body, err)
		}
	}
}

func TestDecodeStrings(t *testing.T) {
	t.Parallel()
	body := `{"nextPageToken":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\ud800x\udc00` + "\xff" + `é"}`
	p := &auditPage{body: []byte(body)}
	if err := p.decode(); err != nil {
		t.Fatal(err)
	}
	var want struct{ NextPageToken string }
	if err := json.Unmarshal([]byte(body), &want); err != nil {
		t.Fatal(err)
	}
	if p.next != want.NextPageToken {
		t.Errorf("next = %q, want %q", p.next, want.NextPageToken)
	}
}

func TestPlainRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		want int
	}{
		{"", 0}, {"short", 0}, {"01234567", 8}, {"0123456789abcdef\"", 16}, {"0123456\"89abcdef", 0},
		{"01234567\\9abcdef", 8}, {"0123456789abcde\x1f", 8}, {"0123456789abcd\u00e9", 8}, {"~~~~~~~~ ~~~~~~~", 16},
	}
	for _, tt := range tests {
		if got := plainRun([]byte(tt.s)); got != tt.want {
			t.Errorf("plainRun(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

// TestParseAddr checks that only plain IP addresses become a last-use address: markup,
// zones, padding and overlong input are dropped; IPv4-mapped addresses read as IPv4.
func TestParseAddr(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"203.0.113.9": "203.0.113.9", "2001:db8::1": "2001:db8::1",
		"::ffff:198.51.100.7": "198.51.100.7", "": "", "<img src=x>": "", "fe80::1%eth0": "", " 203.0.113.9": "",
		"203.0.113.9\n": "", "999.1.1.1": "", strings.Repeat("1", 100): ""} {
		got := ""
		if a := parseAddr([]byte(in)); a.IsValid() {
			got = a.String()
		}
		if got != want {
			t.Errorf("parseAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLastUseAddress feeds the audit log activities of one grant and checks its last-use
// address: the newest activity's, unknown when the newest has none, the greatest on a tie
// whatever the order; and in an incremental scan an activity the cursor names still counts
// (an older one in the overlap must not stand as the last use) without making its user
// changed or counting as an event.
func TestLastUseAddress(t *testing.T) {
	t.Parallel()
	type act struct {
		at int64
		ip string
	}
	page := func(acts ...act) *auditPage {
		var b strings.Builder
		b.WriteString(`{"items":[`)
		for i, a := range acts {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":{"time":%q,"uniqueQualifier":"%d"},"actor":{"profileId":"u1"},"ipAddress":%q,`+
				`"events":[{"name":"activity","parameters":[{"name":"client_id","value":"c1"}]}]}`,
				time.UnixMilli(a.at).UTC().Format("2006-01-02T15:04:05.000Z"), a.at, a.ip)
		}
		b.WriteString(`]}`)
		p := &auditPage{body: []byte(b.String())}
		if err := p.decode(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const t9, t11 = 1_780_000_000_000, 1_780_007_200_000
	for _, tc := range []struct {
		name string
		acts []act
		want string
	}{
		{"newest wins, in either order", []act{{t9, "203.0.113.1"}, {t11, "185.220.101.5"}}, "185.220.101.5"},
		{"newest wins, reversed", []act{{t11, "185.220.101.5"}, {t9, "203.0.113.1"}}, "185.220.101.5"},
		{"newest has no address", []act{{t9, "203.0.113.1"}, {t11, "<b>"}}, ""},
		{"tie: greatest", []act{{t11, "185.220.101.5"}, {t11, "203.0.113.1"}}, "203.0.113.1"},
		{"tie: greatest, reversed", []act{{t11, "203.0.113.1"}, {t11, "185.220.101.5"}}, "203.0.113.1"},
		{"tie with no address keeps the address", []act{{t11, ""}, {t11, "185.220.101.5"}}, "185.220.101.5"},
	} {
		for _, split := range []bool{false, true} {
			log := newAuditLog(cursor{}, false)
			if split { // one page per activity, as parallel slices deliver them
				for _, a := range tc.acts {
					log.addPage(page(a), 0, 1<<62)
				}
			} else {
				log.addPage(page(tc.acts...), 0, 1<<62)
			}
			if g, ip := log.times("u1", "c1"); ip != tc.want || g.used != t11 {
				t.Errorf("%s (split %v): used %d from %q, want %d from %q", tc.name, split, g.used, ip, t11, tc.want)
			}
		}
	}
	// Incremental: the cursor names the 11:00 use (from Tor); the overlap holds a 09:00 one.
	log := newAuditLog(cursor{at: t11, quals: []int64{t11}}, true)
	log.addPage(page(act{t9, "3.210.1.1"}, act{t11, "185.220.101.5"}), 0, 1<<62)
	if g, ip := log.times("u1", "c1"); g.used != t11 || ip != "185.220.101.5" {
		t.Errorf("incremental: used %d from %q, want the cursor's use %d from Tor", g.used, ip, int64(t11))
	}
	if log.events != 1 || log.next.at != t11 {
		t.Errorf("incremental: %d events, cursor at %d; want 1 and %d", log.events, log.next.at, int64(t11))
	}
	// Only the cursor's own event: nothing new, the user is not listed again.
	log = newAuditLog(cursor{at: t11, quals: []int64{t11}}, true)
	log.addPage(page(act{t11, "185.220.101.5"}), 0, 1<<62)
	if _, ok := log.changed["u1"]; ok || log.events != 0 {
		t.Errorf("the cursor's own event made u1 changed (%v) or counted (%d)", ok, log.events)
	}
}

// TestAddrsBounded checks that the audit log keeps at most maxAddrs distinct addresses and
// counts the rest.
func TestAddrsBounded(t *testing.T) {
	t.Parallel()
	log := newAuditLog(cursor{}, false)
	for i := range maxAddrs + 5 {
		log.addr(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
	}
	if len(log.addrs) != maxAddrs+1 || log.addrsDropped != 5 || log.addr(netip.AddrFrom4([4]byte{10, 0, 0, 0})) != 1 {
		t.Errorf("kept %d, dropped %d", len(log.addrs), log.addrsDropped)
	}
}
