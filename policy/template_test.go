package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitTemplate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []rawPart
		bad      *rawPart
	}{
		{"text only", "hello", []rawPart{{text: "hello"}}, nil},
		{"expressions", "a ${x} b ${y}", []rawPart{{text: "a "}, {text: "x", expr: true, line: 1, col: 4},
			{text: " b "}, {text: "y", expr: true, line: 1, col: 11}}, nil},
		{"dollars", "$$5 and $ alone", []rawPart{{text: "$5 and $ alone"}}, nil},
		{"braces and quotes inside", `${ {"a": "}"}["a"] }!`, []rawPart{{text: ` {"a": "}"}["a"] `, expr: true, line: 1, col: 2},
			{text: "!"}}, nil},
		{"escaped quote inside", `${'it\'s}'}`, []rawPart{{text: `'it\'s}'`, expr: true, line: 1, col: 2}}, nil},
		{"second line", "a\nb ${x}", []rawPart{{text: "a\nb "}, {text: "x", expr: true, line: 2, col: 4}}, nil},
		{"multibyte text before", "é ${x}", []rawPart{{text: "é "}, {text: "x", expr: true, line: 1, col: 4}}, nil},
		{"unterminated", "a ${x", nil, &rawPart{text: "unterminated ${ (close it with })", line: 1, col: 2}},
		{"empty", "a ${ }", nil, &rawPart{text: "empty ${}", line: 1, col: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, bad := splitTemplate(tt.in)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(rawPart{})); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.bad, bad, cmp.AllowUnexported(rawPart{})); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCutKeepsRunesWhole(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{{"abc", 5, "abc"}, {"abc", 2, "ab"}, {"aé", 2, "a"}, {"éé", 3, "é"}} {
		if got := cut(tt.in, tt.n); got != tt.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
