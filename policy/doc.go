// Package policy compiles and evaluates nhi's policies as code.
//
// A policy file (Parse) lists policies: a name, a CEL expression `when` over one identity
// and what nhi knows around it (its app, owner, rated permissions and findings, and the
// time), and the actions to propose when it holds (`then`), with a mode (alert, dry_run,
// enforce) and whether a person must approve. Compile type-checks the policies against a
// typed environment, so that a misspelled field fails with its file and line, and
// returns a Set; Set.Evaluate turns one Input into Proposals. Case files (ParseCases,
// Set.Test) pair inputs with the proposals expected for them.
//
// The package is pure: it reads no files but the built-in pack embedded in the binary
// (DefaultPack, DefaultCases), and it never acts on a tenant. docs/policies.md, generated
// by WriteDoc, is the reference of the file format and the CEL environment.
package policy
