package estate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nhiscope/nhi"
)

// The defaults of Options.
const (
	DefaultPeople = 200
	DefaultDomain = "example.com"
)

// DefaultNow returns the default Options.Now, 2026-11-01T00:00:00Z.
func DefaultNow() time.Time { return time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC) }

// History is how far back the company goes: people were created within History before
// Options.Now.
const History = 6 * 365 * 24 * time.Hour

// The PCG streams of the generator's phases: each phase draws from its own stream, so a
// change to one phase leaves the others' output alone.
const (
	streamCompany = iota + 1
	streamPeople
	streamGrants
	streamMicrosoft
	streamGitHub
)

// streamSlack is the PCG stream of the Slack organization, fixed apart from the block above
// so that phases added there cannot shift it.
const streamSlack = 101

// streamSalesforce is the PCG stream of the Salesforce org, fixed like streamSlack.
const streamSalesforce = 103

// streamOkta is the PCG stream of the Okta org, fixed like streamSlack.
const streamOkta = 104

// Generate builds the estate the options describe. The same options always give the
// same estate. It returns an *nhi.Error with code nhi.CodeInvalid, listing every
// problem, when the options are invalid.
func Generate(o Options) (*Estate, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Estate{
		Options:    o,
		CustomerID: customerID(newRand(o.Seed, streamCompany)),
		Vendors:    catalogue(),
	}
	e.People = genPeople(newRand(o.Seed, streamPeople), o)
	e.EmailOrder = emailOrder(e.People)
	e.Grants, e.Revoked = genGrants(newRand(o.Seed, streamGrants), o.Now, e.People, e.Vendors)
	markTorGrants(e.Vendors, e.Grants)
	e.Labels = computeLabels(o.Now, e.People, e.Vendors, e.Grants)
	e.Microsoft = genMicrosoft(newRand(o.Seed, streamMicrosoft), o, e.People, e.Vendors, e.Grants)
	e.GitHub = genGitHub(newRand(o.Seed, streamGitHub), o, e.People, e.Vendors)
	e.Labels = append(e.Labels, e.GitHub.Labels...)
	e.Slack = genSlack(newRand(o.Seed, streamSlack), e)
	e.Salesforce = genSalesforce(newRand(o.Seed, streamSalesforce), o, e.People, e.Vendors)
	e.Labels = append(e.Labels, e.Salesforce.Labels...)
	e.Okta = genOkta(newRand(o.Seed, streamOkta), e)
	return e, nil
}

// newRand returns the generator of one phase of the estate of seed.
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// withDefaults validates o and returns it with the defaults filled in, Now in UTC and the
// domain in lowercase.
func (o Options) withDefaults() (Options, error) {
	if o.People == 0 {
		o.People = DefaultPeople
	}
	if o.Domain == "" {
		o.Domain = DefaultDomain
	}
	if o.Now.IsZero() {
		o.Now = DefaultNow()
	}
	o.Now = o.Now.UTC()
	o.Domain = strings.ToLower(o.Domain)

	// The estate needs its History before Now, and timestamps must keep four-digit years.
	minNow := time.Date(2010, time.January, 1, 0, 0, 0, 0, time.UTC)
	maxNow := time.Date(9000, time.January, 1, 0, 0, 0, 0, time.UTC)
	var problems []string
	if o.People < MinPeople || o.People > MaxPeople {
		problems = append(problems, fmt.Sprintf("people must be from %d to %d, not %d", MinPeople, MaxPeople, o.People))
	}
	if err := checkDomain(o.Domain); err != nil {
		problems = append(problems, err.Error())
	}
	if o.Now.Before(minNow) || !o.Now.Before(maxNow) {
		problems = append(problems, fmt.Sprintf("now must be from %s to before %s, not %s",
			minNow.Format(time.DateOnly), maxNow.Format(time.DateOnly), o.Now.Format(time.RFC3339)))
	}
	if len(problems) > 0 {
		return o, nhi.Errorf(nhi.CodeInvalid, "estate: invalid options: %s", strings.Join(problems, "; "))
	}
	return o, nil
}

// checkDomain reports why d is not a usable DNS domain name for e-mail addresses: at least
// two labels of letters, digits and inner hyphens, at most 63 characters each and 253 in
// all, with an alphabetic top-level label.
func checkDomain(d string) error {
	if len(d) > 253 {
		return fmt.Errorf("domain %q is longer than 253 characters", d)
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return fmt.Errorf("domain %q needs at least two labels (like example.com)", d)
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("domain %q has an empty, too long or hyphen-edged label", d)
		}
		for _, c := range []byte(l) {
			if !isLower(c) && !isDigit(c) && c != '-' {
				return fmt.Errorf("domain %q may hold only letters, digits, hyphens and dots", d)
			}
		}
	}
	for _, c := range []byte(labels[len(labels)-1]) {
		if !isLower(c) {
			return fmt.Errorf("domain %q must end in an alphabetic top-level label", d)
		}
	}
	return nil
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// customerID returns a Google Workspace customer ID: "C0" and seven lowercase letters and
// digits.
func customerID(r *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte("C0xxxxxxx")
	for i := 2; i < len(b); i++ {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}
