package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/cluster"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/monitor"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store"
	"github.com/nhiscope/nhi/web"
	"github.com/nhiscope/nhi/web/ui"
)

// serveFlags are the flags of nhi serve.
type serveFlags struct {
	listen string
	sched  monitor.Schedule
	grace  time.Duration
	// The secrets of the push receivers, as env:NAME or file:PATH references.
	githubSecret, slackSecret, oktaAuth string
	// networks is the path of the offline IP-to-ASN and provider dataset.
	networks string
	// console serves the web console and REST API; selfApproval lets an approver
	// approve their own plans (single-administrator installs).
	console, selfApproval bool
	// oidc configures single sign-on: issuer, client ID, client secret reference,
	// redirect URL, role claim and "value=role,..." mapping.
	oidcIssuer, oidcClient, oidcSecret, oidcRedirect, oidcClaim, oidcRoles string
	// instance names this process among the instances sharing a PostgreSQL database;
	// rescueAfter is how long their jobs may run before another instance takes them.
	instance    string
	rescueAfter time.Duration
	parts       int
}

func (a *app) serveCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve --config nhi.yaml",
		Short: "Watch the configured tenants continuously: scheduled scans, audit events, behavioural detection",
		Long: "serve runs until interrupted. For each connector it runs full scans, incremental scans and\n" +
			"audit-event polls on their intervals (with jitter, and backoff after failures), keeping\n" +
			"cursors in the database so a restart resumes with no event lost or read twice. Events go\n" +
			"through the behavioural detector (new network or client, volume spikes, recon then bulk\n" +
			"export, export jobs deleted, dormant identities waking, use after the owner left); its\n" +
			"detections become findings. It serves /healthz, /readyz (every connector scanned once)\n" +
			"and Prometheus /metrics on --listen. SIGINT or SIGTERM stops it after running work\n" +
			"finishes (--grace at most).\n\n" +
			"With a PostgreSQL database (--db postgres://...) several instances share the work: scans and\n" +
			"plan runs are jobs on River that any instance runs, one instance at a time is elected to run\n" +
			"the schedule and judge events, and when an instance dies its jobs and, if it led, its duties\n" +
			"pass to the others.",
		Example: "  nhi serve --config nhi.yaml --listen 127.0.0.1:9090 --scan-every 30m",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:9090", "address of the health and metrics endpoints")
	fl.DurationVar(&f.sched.Full, "full-every", 24*time.Hour, "interval between full scans")
	fl.DurationVar(&f.sched.Scan, "scan-every", time.Hour, "interval between incremental scans")
	fl.DurationVar(&f.sched.Events, "events-every", 5*time.Minute, "interval between audit-event polls")
	fl.DurationVar(&f.grace, "grace", monitor.DefaultGrace, "how long running work may finish after a stop signal")
	fl.BoolVar(&f.console, "console", true, "serve the web console and REST API (/, /api/v1) on --listen")
	fl.BoolVar(&f.selfApproval, "allow-self-approval", false, "let an approver approve a plan they proposed (for an install with one administrator)")
	fl.StringVar(&f.oidcIssuer, "oidc-issuer", "", "single sign-on: the OpenID Connect provider's issuer URL")
	fl.StringVar(&f.oidcClient, "oidc-client-id", "", "single sign-on: nhi's client ID at the provider")
	fl.StringVar(&f.oidcSecret, "oidc-client-secret", "", "single sign-on: the client secret (env:NAME or file:PATH)")
	fl.StringVar(&f.oidcRedirect, "oidc-redirect-url", "", "single sign-on: this server's callback, https://HOST/auth/oidc/callback")
	fl.StringVar(&f.oidcClaim, "oidc-role-claim", "groups", "single sign-on: the ID token claim that carries roles")
	fl.StringVar(&f.oidcRoles, "oidc-roles", "", "single sign-on: claim values to roles, such as nhi-admins=admin,secops=approver,it=viewer")
	fl.StringVar(&f.instance, "instance", "", "with PostgreSQL: this instance's name among those sharing the database (default host-pid)")
	fl.DurationVar(&f.rescueAfter, "rescue-after", cluster.DefaultRescueAfter, "with PostgreSQL: how long a job may run before another instance takes it over (its instance may have died); longer than the longest scan")
	fl.IntVar(&f.parts, "scan-parts", 0, "with PostgreSQL: split each full scan of a connector that fans out (Google Workspace, by user) into this many parts that the instances run at once (0: whole scans)")
	fl.StringVar(&f.networks, "networks", "", "offline IP-to-ASN and provider dataset (CSV cidr,asn,org,kind with kind hosting, tor or isp; default: the one nhi intel networks installed): a first use from a hosting provider or Tor exit weighs more, and apps whose tokens are used from Tor exits are findings; replace the file and restart to refresh it")
	fl.StringVar(&f.githubSecret, "github-webhook-secret", "", "receive GitHub organization webhooks on POST /hooks/github, signed with this secret (env:NAME or file:PATH)")
	fl.StringVar(&f.slackSecret, "slack-signing-secret", "", "receive Slack Events API deliveries on POST /hooks/slack, signed with this signing secret (env:NAME or file:PATH)")
	fl.StringVar(&f.oktaAuth, "okta-hook-authorization", "", "receive Okta event hooks on /hooks/okta with this Authorization header value (env:NAME or file:PATH)")
	return cmd
}

// serve runs the monitor service and its HTTP endpoints until ctx ends.
func (a *app) serve(ctx context.Context, f serveFlags) error {
	for _, d := range []time.Duration{f.sched.Full, f.sched.Scan, f.sched.Events, f.grace, f.rescueAfter} {
		if d <= 0 {
			return nhi.Errorf(nhi.CodeInvalid, "intervals and --grace must be positive")
		}
	}
	if f.parts < 0 || f.parts > 64 {
		return nhi.Errorf(nhi.CodeInvalid, "--scan-parts %d: want 0 to 64", f.parts)
	}
	cfg, err := loadConfig(a.cfgPath)
	if err != nil {
		return err
	}
	conns, err := buildAll(cfg, connector.Env{Logger: a.logger()})
	if err != nil {
		return err
	}
	path := a.database(cfg.Database)
	nets, netsFrom := (*risk.Networks)(nil), f.networks
	if f.networks != "" {
		nets, err = readNetworks(f.networks, false)
	} else {
		nets, netsFrom, err = networksFor(cfg, path)
	}
	if err != nil {
		return err
	}
	if nets != nil {
		fmt.Fprintf(a.stderr, "nhi serve: %d network ranges from %s\n", nets.Len(), netsFrom)
	}
	engine, err := newEngineWith(path, nets)
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx, path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	policies, err := a.scanPolicies(cfg, path)
	if err != nil {
		return err
	}
	alerts, err := buildRouter(cfg, db)
	if err != nil {
		return err
	}
	if alerts != nil {
		alerts.Logger = a.logger()
	}
	detect := monitor.Config{Networks: nets}
	metrics := monitor.NewMetrics()
	svc := &monitor.Service{Store: db, Scanner: &scan.Runner{Store: db, Logger: a.logger(), Engine: engine, Policies: policies},
		Connectors: conns, Schedule: f.sched, Metrics: metrics, Logger: a.logger(), Grace: f.grace, Alerts: alerts,
		Detect: detect}
	var node *cluster.Node
	if isPostgres(path) {
		node, err = cluster.Open(ctx, cluster.Config{DSN: path, ID: f.instance, Service: svc, RescueAfter: f.rescueAfter, Parts: f.parts,
			Logger: a.logger(), Executor: func(ctx context.Context, actor string) (*remediate.Executor, error) {
				return a.executor(ctx, db, actor, false)
			}})
		if err != nil {
			return err
		}
		defer node.Close()
		fmt.Fprintf(a.stderr, "nhi serve: instance %s, sharing the work with the others on this PostgreSQL database\n", node.ID())
	}
	svc.OnFindings = a.containment(db, policies, node)
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return nhi.WrapError(nhi.CodeInvalid, err, fmt.Sprintf("--listen %s: %v", f.listen, err))
	}
	mux := serveMux(svc, metrics)
	deliver := svc.Ingest
	if node != nil {
		deliver = node.Deliver
	}
	if err := mountReceivers(mux, f, deliver, metrics, conns); err != nil {
		return err
	}
	if f.console {
		console, err := a.console(ctx, db, path, engine, policies, conns, f, ln.Addr(), node)
		if err != nil {
			return err
		}
		if console != nil {
			mux.Handle("/", console)
		}
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger().Error("http server", "err", err)
		}
	}()
	fmt.Fprintf(a.stderr, "nhi serve: %d connector(s); health and metrics on http://%s\n", len(conns), ln.Addr())
	var runErr error
	if node != nil {
		runErr = node.Run(ctx, f.grace)
	} else {
		runErr = svc.Run(ctx)
	}
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		a.logger().Warn("http shutdown", "err", err)
	}
	return runErr
}

// console returns the web console and REST API over db, creating the first
// administrator on first start (its password is printed once). The users, sessions and API
// tokens live beside the inventory: in its SQLite file, or in its PostgreSQL database,
// where every instance serving the console shares them.
func (a *app) console(ctx context.Context, db store.Store, path string, engine *risk.Engine, policies *policy.Set,
	conns []connector.Connector, f serveFlags, addr net.Addr, node *cluster.Node) (http.Handler, error) {
	var auth web.AuthStore
	var err error
	if isPostgres(path) {
		auth, err = web.OpenPostgresAuth(ctx, path)
	} else {
		auth, err = web.OpenSQLiteAuth(ctx, path)
	}
	if err != nil {
		return nil, err
	}
	password, err := web.Bootstrap(ctx, auth, db, time.Now())
	if err != nil {
		return nil, err
	}
	if password != "" {
		fmt.Fprintf(a.stderr, "nhi serve: first start: sign in as admin with password %s (shown once; it is stored hashed)\n", password)
	}
	host, _, _ := net.SplitHostPort(addr.String())
	ip := net.ParseIP(host)
	oidc, err := f.oidcConfig()
	if err != nil {
		return nil, err
	}
	cfg := web.Config{Store: db, Auth: auth, Engine: engine, Policies: policies, Connectors: conns, UI: ui.Handler(), OIDC: oidc,
		Logger: a.logger(), Secure: ip == nil || !ip.IsLoopback(), AllowSelfApproval: f.selfApproval}
	if node != nil {
		cfg.QueuePlan = node.QueuePlan
	}
	srv, err := web.New(cfg)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stderr, "nhi serve: web console on http://%s/\n", addr)
	return srv.Handler(), nil
}

// oidcConfig returns the single sign-on configuration of the flags, nil without an
// issuer.
func (f serveFlags) oidcConfig() (*web.OIDCConfig, error) {
	if f.oidcIssuer == "" {
		return nil, nil
	}
	c := &web.OIDCConfig{Issuer: f.oidcIssuer, ClientID: f.oidcClient, ClientSecret: connector.SecretRef(f.oidcSecret),
		RedirectURL: f.oidcRedirect, RoleClaim: f.oidcClaim, Roles: map[string]web.Role{}}
	for _, pair := range strings.Split(f.oidcRoles, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		value, role, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, nhi.Errorf(nhi.CodeInvalid, "--oidc-roles %q: want value=role pairs", pair)
		}
		c.Roles[strings.TrimSpace(value)] = web.Role(strings.TrimSpace(role))
	}
	if err := c.Validate(); err != nil {
		return nil, nhi.WrapError(nhi.CodeInvalid, err, "single sign-on: "+err.Error())
	}
	return c, nil
}

// containment returns what nhi serve does with new behavioural findings: the policies
// are evaluated on their identities at once; plans of enforce-mode policies without
// approval run immediately (verified and audited), the others wait for review. The
// executor is built at each use, so that its targets are the tenants the latest scans
// found.
func (a *app) containment(db store.Store, policies *policy.Set, node *cluster.Node) func(context.Context, []nhi.Finding) {
	if policies == nil {
		return nil
	}
	return func(ctx context.Context, fs []nhi.Finding) {
		x, err := a.executor(ctx, db, monitor.ContainActor, false)
		if err != nil {
			a.logger().Error("containment: no executor", "err", nhi.ErrorMessage(err))
			return
		}
		c := &monitor.Containment{Store: db, Policies: policies, Executor: x, Logger: a.logger()}
		if node != nil {
			c.Queue = func(ctx context.Context, id string) error {
				_, err := node.QueuePlan(ctx, id, monitor.ContainActor, false)
				return err
			}
		}
		if _, err := c.Respond(ctx, fs); err != nil {
			a.logger().Error("containment", "err", nhi.ErrorMessage(err))
		}
	}
}

// serveMux routes the health, readiness and metrics endpoints.
func serveMux(svc *monitor.Service, m *monitor.Metrics) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !svc.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready: waiting for every connector's first scan")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// mountReceivers adds the push receivers whose secrets f names. Each delivers to the
// first connector of its platform, whose scans record the findings.
func mountReceivers(mux *http.ServeMux, f serveFlags, deliver func(context.Context, string, []nhi.Event) error, m *monitor.Metrics,
	conns []connector.Connector) error {
	for _, rcv := range []struct {
		flag, ref string
		platform  nhi.Platform
		build     func(secret []byte) *monitor.Receiver
	}{
		{"--github-webhook-secret", f.githubSecret, nhi.PlatformGitHub, func(s []byte) *monitor.Receiver {
			return &monitor.Receiver{Source: "github", Verify: monitor.GitHubVerifier(s), Decode: monitor.DecodeGitHub(time.Now)}
		}},
		{"--slack-signing-secret", f.slackSecret, nhi.PlatformSlack, func(s []byte) *monitor.Receiver {
			return &monitor.Receiver{Source: "slack", Verify: monitor.SlackVerifier(s, time.Now), Handshake: monitor.SlackHandshake,
				Decode: func(_ http.Header, b []byte) ([]nhi.Event, error) { return monitor.DecodeSlack(b) }}
		}},
		{"--okta-hook-authorization", f.oktaAuth, nhi.PlatformOkta, func(s []byte) *monitor.Receiver {
			auth := strings.TrimSpace(string(s))
			return &monitor.Receiver{Source: "okta", Verify: monitor.OktaVerifier(auth), Handshake: monitor.OktaHandshake(auth),
				Decode: func(_ http.Header, b []byte) ([]nhi.Event, error) { return monitor.DecodeOkta(b) }}
		}},
	} {
		if rcv.ref == "" {
			continue
		}
		ref := connector.SecretRef(rcv.ref)
		if err := ref.Validate(); err != nil {
			return nhi.WrapError(nhi.CodeInvalid, err, rcv.flag+": "+nhi.ErrorMessage(err))
		}
		secret, err := ref.Resolve()
		if err != nil {
			return nhi.WrapError(nhi.CodeInvalid, err, rcv.flag+": "+nhi.ErrorMessage(err))
		}
		name := ""
		for _, c := range conns {
			if c.Info().Platform == rcv.platform {
				name = c.Info().Name
				break
			}
		}
		if name == "" {
			return nhi.Errorf(nhi.CodeInvalid, "%s: no %s connector in the configuration to record its deliveries under", rcv.flag, rcv.platform)
		}
		r := rcv.build(secret)
		r.Metrics = m
		r.Deliver = func(ctx context.Context, evs []nhi.Event) error { return deliver(ctx, name, evs) }
		mux.Handle("/hooks/"+r.Source, r)
	}
	return nil
}
