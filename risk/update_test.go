package risk

import "flag"

// update makes the tests of generated files (docs/permissions.md) rewrite them instead of
// failing when they are stale: go test ./risk -run TestDocs -update. Every test of this
// package that checks a generated file shares this one flag.
var update = flag.Bool("update", false, "rewrite generated files instead of comparing them")
