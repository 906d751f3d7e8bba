// Package remediate turns proposals into plans and plans into changes: it builds plans
// (from policies, from a person's request, or the vendor kill switch), previews them,
// and executes approved ones through connector.Remediator with guards, an audit entry
// written before and after every change, and verification that the access is gone.
//
// It is the only caller of connector.Remediator.
package remediate
