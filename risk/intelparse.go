package risk

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/nhiscope/nhi"
)

// intelProblems collects everything wrong with a pack, each with its line.
type intelProblems struct {
	name string
	list []intelProblem
}

type intelProblem struct {
	line int
	msg  string
}

func (p *intelProblems) add(n *yaml.Node, format string, args ...any) {
	p.list = append(p.list, intelProblem{line: n.Line, msg: fmt.Sprintf(format, args...)})
}

func (p *intelProblems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool { return p.list[i].line < p.list[j].line })
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s) in the threat intelligence pack", p.name, len(p.list))
	for _, q := range p.list {
		fmt.Fprintf(&b, "\n  %s:%d: %s", p.name, q.line, q.msg)
	}
	return &nhi.Error{Code: nhi.CodeInvalid, Message: b.String(), Err: errors.New("risk: invalid intel pack")}
}

// ParseIntel parses a pack (the embedded format), reporting every problem with its line.
// name is used in messages only. A pack lists incidents, each with the apps it names;
// an app is keyed by platform and app ID, and a pair may appear only once.
func ParseIntel(name string, data []byte) (*Intel, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &nhi.Error{Code: nhi.CodeInvalid, Err: err,
			Message: name + ": not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	probs := &intelProblems{name: name}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		probs.list = append(probs.list, intelProblem{line: max(doc.Line, 1),
			msg: "want a mapping with keys version, generated and incidents"})
		return nil, probs.err()
	}
	in := &Intel{byKey: make(map[intelKey]IntelEntry)}
	p := intelParser{probs: probs, intel: in, lines: make(map[intelKey]int), ids: make(map[string]int)}
	p.root(doc.Content[0])
	if err := probs.err(); err != nil {
		return nil, err
	}
	return in, nil
}

// intelParser walks a pack's YAML tree into an Intel.
type intelParser struct {
	probs *intelProblems
	intel *Intel
	lines map[intelKey]int // line of each app already seen
	ids   map[string]int   // line of each incident ID already seen
}

func (p *intelParser) root(root *yaml.Node) {
	fields := p.fields(root, "version", "generated", "incidents")
	if n := fields["version"]; n == nil {
		p.probs.add(root, "version: missing")
	} else if err := n.Decode(&p.intel.version); err != nil || n.Tag != "!!int" || p.intel.version < 1 {
		p.probs.add(n, "version: want a positive integer, got %q", n.Value)
	}
	p.intel.generated = p.date(root, fields["generated"], "generated")
	inc := fields["incidents"]
	if inc == nil || inc.Kind != yaml.SequenceNode {
		p.probs.add(root, "incidents: want a list of incidents")
		return
	}
	for i, n := range inc.Content {
		p.incident(fmt.Sprintf("incidents[%d]", i), n)
	}
}

var incidentID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

func (p *intelParser) incident(path string, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.probs.add(n, "%s: want a mapping", path)
		return
	}
	f := p.fields(n, "id", "vendor", "kind", "title", "date", "sources", "note", "apps")
	inc := IntelIncident{
		ID: p.text(n, f["id"], path+".id"), Vendor: p.text(n, f["vendor"], path+".vendor"),
		Kind: IntelKind(p.text(n, f["kind"], path+".kind")), Title: p.text(n, f["title"], path+".title"),
		Date: p.date(n, f["date"], path+".date"), Note: p.optional(f["note"], path+".note"),
	}
	p.checkIncident(path, n, f, inc)
	inc.Sources = p.sources(n, f["sources"], path+".sources")
	if apps := f["apps"]; apps != nil {
		if apps.Kind != yaml.SequenceNode {
			p.probs.add(apps, "%s.apps: want a list", path)
		} else {
			for i, a := range apps.Content {
				if e, ok := p.app(fmt.Sprintf("%s.apps[%d]", path, i), a, inc); ok {
					inc.Apps = append(inc.Apps, e)
				}
			}
		}
	}
	if len(inc.Apps) == 0 && inc.Note == "" {
		p.probs.add(n, "%s: an incident without apps needs a note saying why", path)
	}
	p.intel.incidents = append(p.intel.incidents, inc)
}

func (p *intelParser) checkIncident(path string, n *yaml.Node, f map[string]*yaml.Node, inc IntelIncident) {
	if id := f["id"]; inc.ID != "" {
		if !incidentID.MatchString(inc.ID) {
			p.probs.add(id, "%s.id: %q is not lowercase letters, digits and dashes", path, inc.ID)
		} else if first, dup := p.ids[inc.ID]; dup {
			p.probs.add(id, "%s.id: duplicate incident %q (first on line %d)", path, inc.ID, first)
		} else {
			p.ids[inc.ID] = id.Line
		}
	}
	if k := f["kind"]; k != nil && inc.Kind != "" && !inc.Kind.valid() {
		p.probs.add(k, "%s.kind: unknown kind %q (want malicious, breached or abused)", path, inc.Kind)
	}
}

func (p *intelParser) app(path string, n *yaml.Node, inc IntelIncident) (IntelEntry, bool) {
	if n.Kind != yaml.MappingNode {
		p.probs.add(n, "%s: want a mapping", path)
		return IntelEntry{}, false
	}
	f := p.fields(n, "platform", "app_id", "app", "source")
	e := IntelEntry{
		Platform: nhi.Platform(p.text(n, f["platform"], path+".platform")),
		AppID:    p.text(n, f["app_id"], path+".app_id"),
		App:      p.text(n, f["app"], path+".app"),
		Vendor:   inc.Vendor, Kind: inc.Kind, Incident: inc.Title, Date: inc.Date,
	}
	e.Source = p.optional(f["source"], path+".source")
	if e.Source != "" && !isHTTPS(e.Source) {
		p.probs.add(f["source"], "%s.source: want an https URL", path)
	}
	if e.Source == "" && len(inc.Sources) > 0 {
		e.Source = inc.Sources[0]
	}
	if e.Platform == "" || e.AppID == "" {
		return IntelEntry{}, false
	}
	if msg := checkAppID(e.Platform, e.AppID); msg != "" {
		p.probs.add(f["app_id"], "%s.app_id: %s", path, msg)
		return IntelEntry{}, false
	}
	k := intelKey{e.Platform, e.AppID}
	if first, dup := p.lines[k]; dup {
		p.probs.add(f["app_id"], "%s.app_id: duplicate app %s/%s (first on line %d)", path, e.Platform, e.AppID, first)
		return IntelEntry{}, false
	}
	p.lines[k] = f["app_id"].Line
	p.intel.byKey[k] = e
	return e, true
}

var (
	platformName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	entraAppID   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	googleClient = regexp.MustCompile(`^([0-9]+|[0-9]+-[0-9a-z]+\.apps\.googleusercontent\.com)$`)
)

// checkAppID returns what is wrong with an app ID, or "".
func checkAppID(p nhi.Platform, id string) string {
	switch {
	case !platformName.MatchString(string(p)):
		return fmt.Sprintf("platform %q is not a platform name", p)
	case len(id) > 256 || strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		return "an app ID is at most 256 printable characters without spaces"
	case p == "microsoft_entra" && !entraAppID.MatchString(id):
		return fmt.Sprintf("%q is not an Entra appId (a lowercase GUID, as Graph returns it)", id)
	case p == nhi.PlatformGoogleWorkspace && !googleClient.MatchString(id):
		return fmt.Sprintf("%q is not a Google OAuth client ID", id)
	}
	return ""
}

func isHTTPS(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}
