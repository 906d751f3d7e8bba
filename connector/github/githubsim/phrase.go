package githubsim

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// phrase is the subset of the audit log's search phrase the simulator takes:
// action:<action or category> (several are alternatives), actor:<login> (several are
// alternatives) and created:<op><time> with op one of >=, >, <=, < or none (a whole day),
// time an RFC 3339 instant or a YYYY-MM-DD date (UTC). Terms of different keys must all
// hold.
type phrase struct {
	actions, actors []string
	// from and until bound the event time: from inclusive, until exclusive; zero is
	// unbounded.
	from, until time.Time
}

// maxPhrase caps the length of a phrase.
const maxPhrase = 1024

// parsePhrase parses a phrase; an error names the first term it does not take.
func parsePhrase(s string) (phrase, error) {
	var p phrase
	if len(s) > maxPhrase {
		return p, errors.New("phrase is too long")
	}
	for _, term := range strings.Fields(s) {
		key, val, ok := strings.Cut(term, ":")
		if !ok || val == "" {
			return p, fmt.Errorf("unsupported search term %q", term)
		}
		var err error
		switch strings.ToLower(key) {
		case "action":
			err = checkWord(val, "abcdefghijklmnopqrstuvwxyz0123456789_.")
			p.actions = append(p.actions, val)
		case "actor":
			err = checkWord(val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-[]")
			p.actors = append(p.actors, strings.ToLower(val))
		case "created":
			err = p.created(val)
		default:
			err = errors.New("unsupported qualifier")
		}
		if err != nil {
			return phrase{}, fmt.Errorf("search term %q: %w", term, err)
		}
	}
	return p, nil
}

// checkWord reports a value with a character outside allowed.
func checkWord(v, allowed string) error {
	if strings.Trim(v, allowed) != "" || strings.Trim(v, ".") == "" {
		return errors.New("invalid value")
	}
	return nil
}

// created narrows the time bounds by one created: term.
func (p *phrase) created(val string) error {
	op := ""
	for _, o := range []string{">=", "<=", ">", "<"} {
		if rest, ok := strings.CutPrefix(val, o); ok {
			op, val = o, rest
			break
		}
	}
	t, day, err := parseWhen(val)
	if err != nil {
		return err
	}
	next := t
	if day {
		next = t.AddDate(0, 0, 1)
	}
	switch op {
	case ">=":
		p.raiseFrom(t)
	case ">":
		if !day {
			next = t.Add(time.Nanosecond)
		}
		p.raiseFrom(next)
	case "<=":
		if !day {
			next = t.Add(time.Nanosecond)
		}
		p.lowerUntil(next)
	case "<":
		p.lowerUntil(t)
	default:
		if !day {
			return errors.New("an exact time needs an operator (>=, >, <=, <)")
		}
		p.raiseFrom(t)
		p.lowerUntil(next)
	}
	return nil
}

// parseWhen parses an RFC 3339 instant or a date; day says it was a date.
func parseWhen(v string) (time.Time, bool, error) {
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, true, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, false, errors.New("time must be RFC 3339 or YYYY-MM-DD")
	}
	return t.UTC(), false, nil
}

// raiseFrom and lowerUntil intersect the bounds with [t, ...) and [..., t).
func (p *phrase) raiseFrom(t time.Time) {
	if p.from.IsZero() || t.After(p.from) {
		p.from = t
	}
}

func (p *phrase) lowerUntil(t time.Time) {
	if p.until.IsZero() || t.Before(p.until) {
		p.until = t
	}
}

// matchAction reports whether an action matches the phrase's action terms: an exact
// action, or a category ("hook" matches "hook.create").
func (p *phrase) matchAction(action string) bool {
	if len(p.actions) == 0 {
		return true
	}
	for _, a := range p.actions {
		if action == a || (strings.HasPrefix(action, a) && strings.HasSuffix(a, ".")) ||
			(strings.HasPrefix(action, a+".") && !strings.Contains(a, ".")) {
			return true
		}
	}
	return false
}

// matchTime reports whether t is within the bounds.
func (p *phrase) matchTime(t time.Time) bool {
	return (p.from.IsZero() || !t.Before(p.from)) && (p.until.IsZero() || t.Before(p.until))
}
