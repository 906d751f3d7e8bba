package risk

import (
	"net/netip"
	"strings"

	"github.com/nhiscope/nhi"
)

// The attributes a connector sets on a webhook identity (nhi.KindWebhook).
const (
	// AttrDestinationHost is the host (and port, if any) deliveries go to; connectors
	// keep only the host, never the path, query or user info, which can hold secrets.
	AttrDestinationHost = "destination_host"
	// AttrDestinationScheme is the URL scheme of the destination, "https" or "http".
	AttrDestinationScheme = "destination_scheme"
	// AttrInsecureSSL is "true" when TLS certificate checks of deliveries are off.
	AttrInsecureSSL = "insecure_ssl"
	// AttrHasSecret is "false" when deliveries are not signed with a shared secret.
	AttrHasSecret = "has_secret"
)

// knownReceivers are the webhook receivers of well-known services, as host suffixes,
// each from the service's documentation of its webhook or events endpoint. A
// destination under one of them is a known service (which may still deserve review);
// anything else is unknown until someone vouches for it (suppress the finding).
var knownReceivers = []struct{ suffix, service, source string }{
	{"hooks.slack.com", "Slack incoming webhooks", "https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks"},
	{"events.pagerduty.com", "PagerDuty Events API", "https://developer.pagerduty.com/docs/events-api-v2-overview"},
	{"events.eu.pagerduty.com", "PagerDuty Events API (EU)", "https://developer.pagerduty.com/docs/events-api-v2-overview"},
	{"api.opsgenie.com", "Opsgenie", "https://support.atlassian.com/opsgenie/docs/integrate-opsgenie-with-github/"},
	{"webhook.office.com", "Microsoft Teams incoming webhooks", "https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook"},
	{"discord.com", "Discord webhooks", "https://discord.com/developers/docs/resources/webhook"},
	{"hooks.zapier.com", "Zapier catch hooks", "https://help.zapier.com/hc/en-us/articles/8496288690317"},
	{"circleci.com", "CircleCI", "https://circleci.com/docs/webhooks/"},
	{"atlassian.net", "Jira Cloud", "https://support.atlassian.com/jira-cloud-administration/docs/integrate-with-github/"},
	{"api.netlify.com", "Netlify", "https://docs.netlify.com/git/repo-permissions-linking/"},
	{"sentry.io", "Sentry", "https://docs.sentry.io/organization/integrations/source-code-mgmt/github/"},
	{"app.datadoghq.com", "Datadog", "https://docs.datadoghq.com/integrations/github/"},
	{"codecov.io", "Codecov", "https://docs.codecov.com/docs/github-integration"},
	{"sonarcloud.io", "SonarCloud", "https://docs.sonarsource.com/sonarqube-cloud/"},
}

// webhookSignals are the signals about where a webhook sends the platform's events.
func webhookSignals() []Signal {
	return []Signal{
		{
			ID:    "webhook.unknown_destination",
			Title: "Webhook sends events to an unknown host",
			Rationale: "Every event the webhook subscribes to (pushes, pull requests, membership " +
				"changes) leaves for a host nobody vouched for: a bare IP address or a domain of no " +
				"known service. Attackers who gain admin rights add such hooks to watch code and " +
				"people quietly. Confirm who runs the host; remove the hook otherwise.",
			OWASP: []string{nhi3}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityHigh, Weight: 35,
			Match: matchUnknownDestination,
			Hits: []Example{{Name: "IP address", Identity: exHook("203.0.113.7:8443")},
				{Name: "unknown domain", Identity: exHook("gh-events.example-collector.net")},
				{Name: "look-alike suffix is not the service", Identity: exHook("hooks.slack.com.evil.net")}},
			Misses: []Example{{Name: "Slack", Identity: exHook("hooks.slack.com")},
				{Name: "sub-domain of a known service", Identity: exHook("acme.atlassian.net")},
				{Name: "not a webhook", Identity: exGrant(attr(AttrDestinationHost, "203.0.113.7"))}},
		},
		{
			ID:    "webhook.unverified_delivery",
			Title: "Webhook deliveries can be forged or read",
			Rationale: "The webhook's deliveries go without TLS, skip certificate checks, or are not " +
				"signed with a secret: anyone on the path can read them, and the receiver cannot tell " +
				"real deliveries from forged ones. Use https, keep certificate checks on, set a secret.",
			OWASP: []string{nhi4}, Subject: nhi.SubjectIdentity, Severity: nhi.SeverityMedium, Weight: 15,
			Match: matchUnverifiedDelivery,
			Hits: []Example{{Name: "certificate checks off", Identity: exHook("hooks.slack.com", attr(AttrInsecureSSL, "true"))},
				{Name: "no secret", Identity: exHook("hooks.slack.com", attr(AttrHasSecret, "false"))},
				{Name: "plain http", Identity: exHook("hooks.slack.com", attr(AttrDestinationScheme, "http"))}},
			Misses: []Example{{Name: "https, checked, signed", Identity: exHook("hooks.slack.com")},
				{Name: "not a webhook", Identity: exGrant(attr(AttrInsecureSSL, "true"))}},
		},
	}
}

// exHook returns an active organization webhook delivering to host over https, checked
// and signed, changed by mods.
func exHook(host string, mods ...func(*IdentityInput)) *IdentityInput {
	in := exGrant(func(in *IdentityInput) {
		in.Identity.Platform, in.Identity.Tenant, in.Identity.Kind = nhi.PlatformGitHub, "acme", nhi.KindWebhook
		in.Identity.ExternalID, in.Identity.Name, in.Identity.AppID, in.Identity.OwnerID = "hook/1", host, "", ""
		in.Identity.Permissions, in.Owner, in.App = nil, nil, nil
		in.Identity.Attributes = map[string]string{AttrDestinationHost: host, AttrDestinationScheme: "https",
			AttrInsecureSSL: "false", AttrHasSecret: "true", "active": "true"}
	})
	for _, m := range mods {
		m(in)
	}
	return in
}

// receiverHost returns the destination host of a webhook identity without its port, in
// lower case; ok is false for other identities.
func receiverHost(x *Eval) (string, bool) {
	id := &x.Identity.Identity
	if id.Kind != nhi.KindWebhook {
		return "", false
	}
	h := strings.ToLower(strings.TrimSpace(id.Attributes[AttrDestinationHost]))
	if ap, err := netip.ParseAddrPort(h); err == nil {
		return ap.Addr().String(), true
	}
	if i := strings.LastIndexByte(h, ':'); i > 0 && !strings.Contains(h[:i], ":") {
		h = h[:i]
	}
	return strings.Trim(h, "[]."), h != ""
}

func matchUnknownDestination(x *Eval) ([]string, bool) {
	h, ok := receiverHost(x)
	if !ok {
		return nil, false
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return []string{"delivers to the bare IP address " + nhi.CleanText(h)}, true
	}
	for _, r := range knownReceivers {
		if h == r.suffix || strings.HasSuffix(h, "."+r.suffix) {
			return nil, false
		}
	}
	return []string{"delivers to " + nhi.CleanText(h) + ", a host of no known service"}, true
}

func matchUnverifiedDelivery(x *Eval) ([]string, bool) {
	if _, ok := receiverHost(x); !ok {
		return nil, false
	}
	a := x.Identity.Identity.Attributes
	var ev []string
	if strings.EqualFold(a[AttrDestinationScheme], "http") {
		ev = append(ev, "deliveries go over plain http")
	}
	if a[AttrInsecureSSL] == "true" {
		ev = append(ev, "TLS certificate checks are off (insecure_ssl)")
	}
	if a[AttrHasSecret] == "false" {
		ev = append(ev, "deliveries are not signed with a secret")
	}
	return ev, len(ev) > 0
}
