package risk

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/nhiscope/nhi"
)

// MaxParam is the largest value Options may give a parameter: 36,500 days is a century,
// and keeps every threshold far from overflowing a time.Duration.
const MaxParam = 36500

// Options configure an Engine.
type Options struct {
	// Params overrides parameters by full name, "<signal ID>.<parameter>" (for example
	// "usage.stale.days": 180). "<signal ID>.weight" overrides a signal's weight, from 0
	// (the signal is off) to MaxPoints.
	Params map[string]int
	// Networks is the networks dataset that tells Tor exits and hosting providers by
	// address; nil turns the signals that need it off (they never hit).
	Networks *Networks
}

// Engine scores identities and apps with the signal catalogue. It is immutable and safe
// for concurrent use.
type Engine struct {
	cat   *Catalogue
	index scopeIndex
	intel intelSource
	// networks is Options.Networks.
	networks *Networks
	// signals is the catalogue as configured; identity and app index into it.
	signals       []Signal
	identity, app []compiled
	// evals recycles evaluation state, so that scoring allocates only for hits.
	evals sync.Pool
}

// compiled is a signal ready to evaluate: on, with its parameters in effect.
type compiled struct {
	sig    *Signal
	params []paramValue
}

// NewEngine returns an engine over the permission catalogue and the threat intelligence
// pack (nil: no pack), with the signals' parameters and weights overridden by o. Every
// unknown name or bad value is reported at once, in an *nhi.Error with CodeInvalid.
func NewEngine(cat *Catalogue, intel *Intel, o Options) (*Engine, error) {
	if cat == nil {
		return nil, nhi.Errorf(nhi.CodeInvalid, "risk: no permission catalogue")
	}
	sigs := Signals()
	if err := configure(sigs, o); err != nil {
		return nil, err
	}
	e := &Engine{cat: cat, index: newScopeIndex(cat), signals: sigs, networks: o.Networks}
	if intel != nil {
		e.intel = intel
	}
	for i := range sigs {
		s := &sigs[i]
		if s.Weight == 0 {
			continue
		}
		c := compiled{sig: s}
		for _, p := range s.Params {
			c.params = append(c.params, paramValue{p.Name, p.Value})
		}
		if s.Subject == nhi.SubjectApp {
			e.app = append(e.app, c)
		} else {
			e.identity = append(e.identity, c)
		}
	}
	return e, nil
}

// configure applies the overrides of o to sigs, reporting every problem.
func configure(sigs []Signal, o Options) error {
	byID := make(map[string]*Signal, len(sigs))
	for i := range sigs {
		byID[sigs[i].ID] = &sigs[i]
	}
	names := make([]string, 0, len(o.Params))
	for name := range o.Params {
		names = append(names, name)
	}
	sort.Strings(names)
	var problems []string
	for _, name := range names {
		if msg := set(byID, name, o.Params[name]); msg != "" {
			problems = append(problems, msg)
		}
	}
	if problems != nil {
		return nhi.Errorf(nhi.CodeInvalid, "risk: bad signal parameters: %s", strings.Join(problems, "; "))
	}
	return nil
}

// set applies one override and returns what is wrong with it, or "".
func set(byID map[string]*Signal, name string, v int) string {
	id, param, ok := cutLast(name, ".")
	s := byID[id]
	if !ok || s == nil {
		return strconv.Quote(name) + ": no such signal parameter"
	}
	if param == "weight" {
		if v < 0 || v > MaxPoints {
			return strconv.Quote(name) + ": weight " + strconv.Itoa(v) + " outside 0.." + strconv.Itoa(MaxPoints)
		}
		s.Weight = v
		return ""
	}
	for i := range s.Params {
		p := &s.Params[i]
		if p.Name != param {
			continue
		}
		if v < p.Min || v > MaxParam {
			return strconv.Quote(name) + ": " + strconv.Itoa(v) + " outside " + strconv.Itoa(p.Min) + ".." + strconv.Itoa(MaxParam)
		}
		p.Value = v
		return ""
	}
	return strconv.Quote(name) + ": no such signal parameter"
}

// cutLast slices s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// Signals returns the engine's signals with their parameters and weights in effect,
// including those turned off (weight 0), in catalogue order. The slices are copies; the
// examples' inputs are shared and must not be modified.
func (e *Engine) Signals() []Signal {
	out := slices.Clone(e.signals)
	for i := range out {
		out[i].Params = slices.Clone(out[i].Params)
		out[i].OWASP = slices.Clone(out[i].OWASP)
	}
	return out
}

// Signal returns the engine's signal with the given ID.
func (e *Engine) Signal(id string) (Signal, bool) {
	for _, s := range e.Signals() {
		if s.ID == id {
			return s, true
		}
	}
	return Signal{}, false
}

// ScoreIdentity evaluates every identity signal on in.
func (e *Engine) ScoreIdentity(in *IdentityInput) Score {
	if in == nil {
		return Score{Severity: nhi.SeverityInfo}
	}
	x := e.eval()
	x.Identity = in
	defer e.done(x)
	return evaluate(x, e.identity)
}

// ScoreApp evaluates every app signal on in.
func (e *Engine) ScoreApp(in *AppInput) Score {
	if in == nil {
		return Score{Severity: nhi.SeverityInfo}
	}
	x := e.eval()
	x.App = in
	defer e.done(x)
	return evaluate(x, e.app)
}

// eval returns clean evaluation state.
func (e *Engine) eval() *Eval {
	x, _ := e.evals.Get().(*Eval)
	if x == nil {
		x = new(Eval)
	}
	*x = Eval{index: e.index, intel: e.intel, networks: e.networks}
	return x
}

// done recycles x, dropping its references to the subject.
func (e *Engine) done(x *Eval) {
	*x = Eval{}
	e.evals.Put(x)
}

// evaluate runs sigs on x and adds up the hits.
func evaluate(x *Eval, sigs []compiled) Score {
	var s Score
	for i := range sigs {
		c := &sigs[i]
		x.signal, x.params = c.sig.ID, c.params
		ev, hit := c.sig.Match(x)
		if !hit {
			continue
		}
		if s.Contributions == nil {
			s.Contributions = make([]Contribution, 0, 4)
		}
		s.Contributions = append(s.Contributions, Contribution{Signal: c.sig.ID, Title: c.sig.Title,
			Severity: c.sig.Severity, Points: c.sig.Weight, OWASP: c.sig.OWASP, Evidence: ev})
		s.Points += c.sig.Weight
	}
	s.finish()
	return s
}

// Catalogue returns the permission catalogue the engine rates scopes with.
func (e *Engine) Catalogue() *Catalogue { return e.cat }
