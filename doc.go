// Package nhi holds the domain vocabulary of nhi, the self-hosted security platform for
// non-human identities (NHIs) in SaaS: identities of several kinds, the people who own them,
// the third-party apps and vendors behind them, their permissions and credentials, scans,
// cursors and error codes.
//
// The package depends on the standard library only. Every other package of the module builds
// on it; it imports none of them.
package nhi
