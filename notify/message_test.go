package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nhiscope/nhi"
)

func TestMessageValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Message)
		want []string // substrings of the error; nil means valid
	}{
		{"complete", func(*Message) {}, nil},
		{"app-wide notice without action", func(m *Message) { m.IdentityID, m.Action = "", "" }, nil},
		{"caller ID", func(m *Message) { m.ID = "evt:2026-03.01_a-b" }, nil},
		{"ID with a newline", func(m *Message) { m.ID = "a\r\nX-Evil: 1" }, []string{"id must be"}},
		{"ID too long", func(m *Message) { m.ID = strings.Repeat("a", maxIDLen+1) }, []string{"id must be"}},
		{"unknown action", func(m *Message) { m.Action = "explode" }, []string{`unknown action "explode"`}},
		{"no target", func(m *Message) { m.IdentityID, m.AppID = "", "" }, []string{"neither identity_id nor app_id"}},
		{"javascript justify URL", func(m *Message) { m.JustifyURL = "javascript:alert(1)" }, []string{"justify URL"}},
		{"relative justify URL", func(m *Message) { m.JustifyURL = "/justify/1" }, []string{"justify URL"}},
		{"every problem at once", func(m *Message) { m.Platform, m.IdentityID, m.AppID, m.Action = "", "", "", "x" },
			[]string{"platform is empty", "neither identity_id", "unknown action"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := sampleMessage()
			tt.edit(&m)
			err := m.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if nhi.ErrorCode(err) != nhi.CodeInvalid {
				t.Fatalf("Validate = %v, want a CodeInvalid error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestDeliveryID(t *testing.T) {
	t.Parallel()
	base := sampleMessage()
	id := base.DeliveryID()
	if !strings.HasPrefix(id, "ntf_") || len(id) != 4+32 || !validID(id) {
		t.Fatalf("DeliveryID = %q, want ntf_ and 32 hex digits", id)
	}
	same := base
	same.Reason, same.IdentityName, same.JustifyURL = "other words", "renamed", ""
	if got := same.DeliveryID(); got != id {
		t.Errorf("changing only the wording changed the ID: %q != %q", got, id)
	}
	changes := map[string]func(*Message){
		"plan":     func(m *Message) { m.PlanID = "pln_other" },
		"action":   func(m *Message) { m.ActionID = "2" },
		"identity": func(m *Message) { m.IdentityID = "gws_other" },
		"owner":    func(m *Message) { m.OwnerEmail = "bob@example.com" },
		"deadline": func(m *Message) { m.Deadline = m.Deadline.Add(time.Hour) },
		"type":     func(m *Message) { m.Action = nhi.ActionUninstallApp },
	}
	for name, edit := range changes {
		m := base
		edit(&m)
		if m.DeliveryID() == id {
			t.Errorf("changing the %s kept the ID", name)
		}
	}
	base.ID = "given"
	if got := base.DeliveryID(); got != "given" {
		t.Errorf("DeliveryID with ID set = %q, want %q", got, "given")
	}
}

func TestFromAction(t *testing.T) {
	t.Parallel()
	plan := nhi.Plan{ID: "pln_1", Reason: nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "plan-policy", Text: "plan text"}}
	action := nhi.Action{ID: "3", Type: nhi.ActionNotifyOwner, Platform: nhi.PlatformGoogleWorkspace, Tenant: "C1",
		IdentityID: "gws_x", Kind: nhi.KindOAuthGrant, ExternalID: "u/c", Name: "Acme", AppID: "c", OwnerID: "u"}
	tests := []struct {
		name   string
		reason nhi.Reason
		text   string
		want   Message
	}{
		{"reason of the plan", nhi.Reason{}, "", Message{Policy: "plan-policy", Reason: "plan text"}},
		{"reason of the action", nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "p", Text: "t"}, "", Message{Policy: "p", Reason: "t"}},
		{"message of the action", nhi.Reason{Kind: nhi.ReasonPolicy, Policy: "p", Text: "t"}, "please justify",
			Message{Policy: "p", Reason: "please justify"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := action
			a.Reason, a.Message = tt.reason, tt.text
			want := tt.want
			want.Action, want.PlanID, want.ActionID = nhi.ActionNotifyOwner, "pln_1", "3"
			want.Platform, want.Tenant, want.IdentityID, want.IdentityName = nhi.PlatformGoogleWorkspace, "C1", "gws_x", "Acme"
			want.Kind, want.AppID = nhi.KindOAuthGrant, "c"
			if diff := cmp.Diff(want, FromAction(plan, a)); diff != "" {
				t.Errorf("FromAction mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCleaned(t *testing.T) {
	t.Parallel()
	m := sampleMessage()
	m.IdentityName = "Acme\u202e moc.evil\x1b[31m\tCRM"
	m.Reason = strings.Repeat("word\u200f ", 1000)
	got := m.cleaned()
	if got.IdentityName != "Acme moc.evil[31m CRM" {
		t.Errorf("IdentityName = %q", got.IdentityName)
	}
	if n := len([]rune(got.Reason)); n > maxReasonLen || n < maxReasonLen-5 {
		t.Errorf("Reason has %d runes, want just under %d", n, maxReasonLen)
	}
	if strings.ContainsRune(got.Reason, '\u200f') || strings.HasSuffix(got.Reason, " ") {
		t.Errorf("Reason not cleaned: %q...", got.Reason[:20])
	}
}
