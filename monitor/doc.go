// Package monitor watches what non-human identities do, from the audit events the
// connectors deliver (connector.EventSource).
//
// Detector is the behavioural part: it reads events in time order, keeps a compact
// baseline per subject (one token: an app acting as one user, or one actor) and reports
// the patterns that a stolen or abused token shows:
//
//   - behavior.new_network: first use from a network prefix (and, with a Networks
//     dataset, a hosting provider or autonomous system) the subject never used before;
//   - behavior.new_client: first use of a user-agent family the subject never used;
//   - behavior.volume_spike: far more requests in a day than the subject's own baseline,
//     judged by median and median absolute deviation, not by a fixed number;
//   - behavior.recon_then_export: several distinct objects queried, then a bulk export,
//     within a window (the 2025 Salesloft Drift pattern);
//   - behavior.export_deleted: an export job deleted right after it ran, which hides it;
//   - behavior.dormant_wakeup: the first use after a long silence;
//   - behavior.owner_gone: use of a token whose owner has left or is suspended.
//
// Every Detection names its signal, the OWASP NHI item, a confidence between 0 and 1, the
// events that are its evidence and a line of evidence text. Detection is pure: no I/O,
// no clock but the events' times.
package monitor
