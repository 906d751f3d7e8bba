package policy

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/nhiscope/nhi"
)

// template is a compiled notify_owner message: literal text and expressions.
type template struct {
	parts []templatePart
}

// templatePart is literal text, or an expression when prg is set.
type templatePart struct {
	text string
	prg  *program
}

// rawPart is a part of a message before compilation; line (from 1) and col (from 0) are
// where its text starts in the message.
type rawPart struct {
	text      string
	expr      bool
	line, col int
}

// templateTypes are the types a message's expressions may have.
var templateTypes = []*cel.Type{cel.StringType, cel.IntType, cel.UintType, cel.DoubleType, cel.BoolType,
	cel.TimestampType, cel.DurationType}

// template compiles a message; it returns nil after recording the problems when it cannot.
func (c *compiler) template(file, what, src string, at pos) *template {
	raw, bad := splitTemplate(src)
	if strings.TrimSpace(src) == "" && !c.quiet {
		bad = &rawPart{text: "the message is empty"}
	}
	if bad != nil {
		line, col := at.place(bad.line, bad.col)
		c.ps.add(file, line, col, "%s: %s", what, bad.text)
		return nil
	}
	t := &template{}
	ok := true
	for _, p := range raw {
		if !p.expr {
			t.parts = append(t.parts, templatePart{text: p.text})
			continue
		}
		prg := c.templateExpr(file, what, p, at)
		ok = ok && prg != nil
		t.parts = append(t.parts, templatePart{prg: prg})
	}
	if !ok {
		return nil
	}
	return t
}

// templateExpr compiles one ${expression} of a message.
func (c *compiler) templateExpr(file, what string, p rawPart, at pos) *program {
	ast, iss := c.env.Compile(p.text)
	if iss.Err() != nil {
		for _, e := range iss.Errors() {
			line, col := e.Location.Line(), e.Location.Column()
			if line == 1 {
				col += p.col
			}
			line, col = at.place(p.line+line-1, col)
			c.ps.add(file, line, col, "%s: ${%s}: %s", what, p.text, e.Message)
		}
		return nil
	}
	got := ast.OutputType()
	for _, want := range templateTypes {
		if got.IsExactType(want) {
			prg, err := newProgram(c.env, ast)
			if err != nil {
				break
			}
			return prg
		}
	}
	line, col := at.place(p.line, p.col)
	c.ps.add(file, line, col, "%s: ${%s} is a %s; a message can show a string, number, bool, timestamp or duration",
		what, p.text, got)
	return nil
}

// splitTemplate splits a message into literal text and ${expression} parts. "$$" is a
// literal "$". An expression ends at the first "}" outside braces and quotes.
func splitTemplate(s string) ([]rawPart, *rawPart) {
	var parts []rawPart
	var lit strings.Builder
	line, col := 1, 0
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "$$"):
			lit.WriteByte('$')
			i, col = i+2, col+2
			continue
		case strings.HasPrefix(s[i:], "${"):
			n := exprEnd(s[i+2:])
			if n < 0 {
				return nil, &rawPart{text: "unterminated ${ (close it with })", line: line, col: col}
			}
			expr := s[i+2 : i+2+n]
			if strings.TrimSpace(expr) == "" {
				return nil, &rawPart{text: "empty ${}", line: line, col: col}
			}
			if lit.Len() > 0 {
				parts = append(parts, rawPart{text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, rawPart{text: expr, expr: true, line: line, col: col + 2})
			line, col = advance(s[i:i+3+n], line, col)
			i += 3 + n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		lit.WriteRune(r)
		line, col = advance(s[i:i+size], line, col)
		i += size
	}
	if lit.Len() > 0 {
		parts = append(parts, rawPart{text: lit.String()})
	}
	return parts, nil
}

// advance moves a line and column past text.
func advance(text string, line, col int) (int, int) {
	for _, r := range text {
		if r == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
	}
	return line, col
}

// exprEnd returns the length of the expression at the start of s, up to its closing "}",
// or -1 when there is none.
func exprEnd(s string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0 && ch == '\\':
			i++
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '{':
			depth++
		case ch == '}' && depth == 0:
			return i
		case ch == '}':
			depth--
		}
	}
	return -1
}

// render evaluates a message on an activation.
func (t *template) render(act *activation) (string, error) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.prg == nil {
			b.WriteString(p.text)
			continue
		}
		v, err := p.prg.eval(act)
		if err != nil {
			return "", err
		}
		b.WriteString(format(v))
	}
	return cut(b.String(), MaxMessageSize), nil
}

// format writes a value of a message: tenant text cleaned, times in RFC 3339.
func format(v ref.Val) string {
	switch x := v.(type) {
	case types.String:
		return nhi.CleanText(string(x))
	case types.Timestamp:
		return x.UTC().Format(time.RFC3339)
	case types.Duration:
		return x.String()
	}
	return fmt.Sprint(v.Value())
}

// cut shortens s to at most n bytes on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
