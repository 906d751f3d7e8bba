package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/store"
)

func (a *app) findingsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "findings",
		Short: "List, inspect and suppress risk findings",
	}
	cmd.AddCommand(a.findingsListCmd(), a.findingsShowCmd(), a.findingsSuppressCmd())
	return cmd
}

type findingFlags struct {
	severity, signal, owasp, platform, app, owner, status, output string
	limit                                                         int
}

func (a *app) findingsListCmd() *cobra.Command {
	var f findingFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List findings, most severe first",
		Example: "  nhi findings list --severity high\n" +
			"  nhi findings list --owasp NHI1 --output csv\n" +
			"  nhi findings list --signal owner.suspended --app 123-abc.apps.googleusercontent.com",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.listFindings(cmd.Context(), f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.severity, "severity", "", "only findings at least this severe: info, low, medium, high, critical")
	fl.StringVar(&f.signal, "signal", "", "only this signal (see docs/signals.md)")
	fl.StringVar(&f.owasp, "owasp", "", "only this OWASP NHI Top 10 item (NHI1 ... NHI10)")
	fl.StringVar(&f.platform, "platform", "", "only this platform")
	fl.StringVar(&f.app, "app", "", "only findings about this app (its client ID)")
	fl.StringVar(&f.owner, "owner", "", "only findings about identities of this person (email or ID)")
	fl.StringVar(&f.status, "status", "", "open, suppressed or resolved (default: open and suppressed)")
	fl.StringVarP(&f.output, "output", "o", formatTable, "output format: table, json or csv")
	fl.IntVar(&f.limit, "limit", -1, "at most this many rows; 0 for all (default: 100 for table, all otherwise)")
	return cmd
}

// filter turns the flags into a store filter, reporting every bad flag at once.
func (f findingFlags) filter() (store.FindingFilter, error) {
	var errs []string
	flt := store.FindingFilter{Signal: f.signal, OWASP: strings.ToUpper(f.owasp), Platform: nhi.Platform(f.platform),
		AppID: f.app, Owner: f.owner, Status: nhi.FindingStatus(f.status)}
	if f.severity != "" {
		s, err := nhi.ParseSeverity(f.severity)
		if err != nil {
			errs = append(errs, "--severity: "+nhi.ErrorMessage(err))
		}
		flt.MinSeverity = s
	}
	switch flt.Status {
	case "", nhi.FindingOpen, nhi.FindingSuppressed, nhi.FindingResolved:
	default:
		errs = append(errs, fmt.Sprintf("--status %q: want open, suppressed or resolved", f.status))
	}
	if err := checkFormat(f.output); err != nil {
		errs = append(errs, nhi.ErrorMessage(err))
	}
	if len(errs) > 0 {
		return flt, nhi.Errorf(nhi.CodeInvalid, "%s", strings.Join(errs, "; "))
	}
	return flt, nil
}

func (a *app) listFindings(ctx context.Context, f findingFlags) error {
	flt, err := f.filter()
	if err != nil {
		return err
	}
	db, err := a.openInventory(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	out := newListOutput(a, f.output, "no findings match", findingHeader, findingRow)
	return printList(a, out, rowLimit(f.limit, f.output), func(lim int, after string) (store.Page[nhi.Finding], error) {
		flt.Limit, flt.After = lim, after
		return db.ListFindings(ctx, flt)
	})
}

func findingHeader(csv bool) []string {
	if csv {
		return []string{"id", "severity", "signal", "owasp", "status", "subject_kind", "subject_id",
			"platform", "tenant", "app_id", "owner_id", "evidence", "first_seen", "last_seen"}
	}
	return []string{"ID", "SEVERITY", "SIGNAL", "OWASP", "SUBJECT", "EVIDENCE"}
}

func findingRow(f nhi.Finding, csv bool) ([]string, error) {
	if csv {
		return []string{f.ID, string(f.Severity), f.Signal, strings.Join(f.OWASP, " "), string(f.Status),
			string(f.SubjectKind), f.SubjectID, string(f.Platform), f.Tenant, f.AppID, f.OwnerID,
			strings.Join(f.Evidence, "; "), stamp(f.FirstSeen), stamp(f.LastSeen)}, nil
	}
	ev := ""
	if len(f.Evidence) > 0 {
		ev = f.Evidence[0]
	}
	return []string{f.ID, strings.ToUpper(string(f.Severity)), f.Signal, strings.Join(owaspShort(f.OWASP), ","),
		string(f.SubjectKind) + " " + f.SubjectID, ev}, nil
}

// owaspShort drops the ":2025" edition suffix for tables.
func owaspShort(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i], _, _ = strings.Cut(id, ":")
	}
	return out
}

func (a *app) findingsShowCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one finding with its evidence",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != formatTable && output != formatJSON {
				return nhi.Errorf(nhi.CodeInvalid, "--output %q: want table or json", output)
			}
			db, err := a.openInventory(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			f, err := db.Finding(cmd.Context(), args[0])
			if nhi.ErrorCode(err) == nhi.CodeNotFound {
				return nhi.WrapError(nhi.CodeNotFound, err, fmt.Sprintf("no finding %q (list them with: nhi findings list)", nhi.CleanText(args[0])))
			}
			if err != nil {
				return err
			}
			if output == formatJSON {
				arr := newJSONArray(a.stdout)
				return arr.enc.Encode(f)
			}
			return writeFinding(a, f)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", formatTable, "output format: table or json")
	return cmd
}

func writeFinding(a *app, f nhi.Finding) error {
	t := newTable(a.stdout)
	t.row("ID", f.ID)
	t.row("Signal", f.Signal+" ("+f.Title+")")
	t.row("Severity", fmt.Sprintf("%s, %d points", f.Severity, f.Points))
	t.row("OWASP", strings.Join(f.OWASP, ", "))
	t.row("Status", string(f.Status))
	t.row("Subject", string(f.SubjectKind)+" "+f.SubjectID)
	t.row("Platform", string(f.Platform)+" (tenant "+f.Tenant+")")
	if f.AppID != "" {
		t.row("App", f.AppID)
	}
	if f.OwnerID != "" {
		t.row("Owner", f.OwnerID)
	}
	t.row("First seen", stamp(f.FirstSeen))
	t.row("Last seen", stamp(f.LastSeen))
	if !f.ResolvedAt.IsZero() {
		t.row("Resolved", stamp(f.ResolvedAt))
	}
	if s := f.Suppression; s != nil {
		t.row("Suppressed", fmt.Sprintf("by %s at %s until %s: %s", s.Author, stamp(s.At), stampOr(s.Until, "lifted by hand"), s.Reason))
	}
	if err := t.flush(); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\nEvidence:")
	ev := newIndentedTable(a.stdout)
	for _, e := range f.Evidence {
		ev.row(e)
	}
	return ev.flush()
}

func (a *app) findingsSuppressCmd() *cobra.Command {
	var reason, author, until string
	var lift bool
	cmd := &cobra.Command{
		Use:   "suppress ID --reason TEXT [--until 2027-01-31|90d]",
		Short: "Accept a finding for a while, with a reason; --lift ends a suppression",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := suppression(reason, author, until, lift, time.Now())
			if err != nil {
				return err
			}
			db, err := a.openInventory(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			f, err := db.SuppressFinding(cmd.Context(), args[0], s)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s is %s\n", f.ID, f.Status)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why the finding is accepted (required)")
	cmd.Flags().StringVar(&author, "author", "", "who accepts it (default: $USER)")
	cmd.Flags().StringVar(&until, "until", "90d", "when the suppression lapses: a date, or a duration from now such as 30d; never for no end")
	cmd.Flags().BoolVar(&lift, "lift", false, "end the suppression now")
	return cmd
}

// suppression builds the suppression the flags describe.
func suppression(reason, author, until string, lift bool, now time.Time) (nhi.Suppression, error) {
	if lift {
		return nhi.Suppression{}, nil
	}
	if strings.TrimSpace(reason) == "" {
		return nhi.Suppression{}, nhi.Errorf(nhi.CodeInvalid, "--reason is required: say why the finding is accepted")
	}
	if author == "" {
		author = os.Getenv("USER")
	}
	if author == "" {
		return nhi.Suppression{}, nhi.Errorf(nhi.CodeInvalid, "--author is required when $USER is not set")
	}
	s := nhi.Suppression{Reason: nhi.CleanText(reason), Author: nhi.CleanText(author), At: now.UTC()}
	if until == "never" {
		return s, nil
	}
	end, err := parseUntil(until, now)
	if err != nil {
		return s, err
	}
	s.Until = end
	return s, nil
}

// parseUntil reads a future time: a date, an RFC 3339 time or a duration from now (30d, 12h).
func parseUntil(s string, now time.Time) (time.Time, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && days > 0 && fmt.Sprint(days) == n {
			return now.Add(time.Duration(days) * 24 * time.Hour).UTC(), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d).UTC(), nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			if !t.After(now) {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, nhi.Errorf(nhi.CodeInvalid, "--until %q: want a future date (2027-01-31), a duration (90d, 36h) or never", s)
}
