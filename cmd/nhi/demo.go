package main

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/entra/entrasim"
	"github.com/nhiscope/nhi/connector/github/githubsim"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/connector/okta/oktasim"
	"github.com/nhiscope/nhi/connector/salesforce/salesforcesim"
	"github.com/nhiscope/nhi/connector/slack/slacksim"
	"github.com/nhiscope/nhi/estate"
)

type demoFlags struct {
	people int
	seed   int64
	serve  bool
	addr   string
	quota  int
	attack bool
}

func (a *app) demoCmd() *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Scan a simulated company on loopback and show what nhi finds",
		Long: "demo generates a synthetic company, serves its Google Workspace admin API and its\n" +
			"Microsoft Graph from simulators on loopback, scans them with the real connectors into a\n" +
			"SQLite database and prints what a security engineer looks at first. No credentials,\n" +
			"no internet.\n\n" +
			"--db PATH keeps the database (otherwise it is deleted at exit);\n" +
			"--serve keeps the simulators running so you can scan them again with nhi scan;\n" +
			"--attack then replays a stolen vendor token on Salesforce and shows nhi detect and contain it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runDemo(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.people, "people", 500, fmt.Sprintf("people in the simulated company (%d to %d)", estate.MinPeople, estate.MaxPeople))
	fl.BoolVar(&f.attack, "attack", false, "after the scan, replay the estate's stolen-token attack on Salesforce live: detection, alert and automatic containment as they happen")
	fl.Int64Var(&f.seed, "seed", 42, "seed of the simulated company (the same seed gives the same company)")
	fl.BoolVar(&f.serve, "serve", false, "keep the simulator running after the scan, until interrupted")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "loopback address for the simulator")
	fl.IntVar(&f.quota, "quota", 0, "simulated API quota in requests per minute (0 = unlimited)")
	return cmd
}

// installDemoNetworks installs the simulated company's networks dataset (its vendors'
// clouds, Tor exits, its people's access networks) beside the database, unless one is
// installed there already; it says so when the database is the user's (keep).
func (a *app) installDemoNetworks(dbPath string, keep bool) error {
	dest := networksFile(dbPath)
	if dest == "" { // PostgreSQL: nowhere beside it
		return nil
	}
	if _, err := os.Stat(dest); err == nil || !os.IsNotExist(err) {
		return err
	}
	if err := installFile(dest, estate.NetworksCSV()); err != nil {
		return err
	}
	if keep {
		fmt.Fprintf(a.stdout, "Installed the simulated company's networks dataset at %s (nhi intel networks --file replaces it).\n\n", dest)
	}
	return nil
}

// demoEnv is a running simulated estate: one simulator per platform, each on its own
// loopback port, and a configuration that points the real connectors at them.
type demoEnv struct {
	est   *estate.Estate
	sim   *googleworkspacesim.Server
	msSim *entrasim.Server
	ghSim *githubsim.Server
	slSim *slacksim.Server
	sfSim *salesforcesim.Server
	okSim *oktasim.Server
	srvs  []*http.Server
	url   string
	msURL string
	ghURL string
	slURL string
	sfURL string
	okURL string
	// sfConsumer is the consumer key of nhi's connected app in the Salesforce simulator.
	sfConsumer string
	dir        string
	cfgPath    string
	cfg        *fileConfig
}

func (a *app) runDemo(ctx context.Context, f demoFlags) error {
	if err := checkLoopback(f.addr); err != nil {
		return err
	}
	env, err := startDemo(f)
	if err != nil {
		return err
	}
	defer env.close()
	dbPath, keep := a.dbPath, a.dbPath != ""
	if !keep {
		dbPath = filepath.Join(env.dir, "nhi-demo.db")
	}
	fmt.Fprintf(a.stdout, "Simulated company %s: %s people. Simulated APIs on loopback: Google Workspace %s, Microsoft Graph %s, GitHub %s, Slack %s, Salesforce %s, Okta %s\n\n",
		env.est.Options.Domain, count(int64(len(env.est.People))), env.url, env.msURL, env.ghURL, env.slURL, env.sfURL, env.okURL)
	db, err := a.openStore(ctx, dbPath, false)
	if err != nil {
		return err
	}
	defer db.Close()
	conns, err := buildAll(env.cfg, connector.Env{Logger: a.logger()})
	if err != nil {
		return err
	}
	if err := a.installDemoNetworks(dbPath, keep); err != nil {
		return err
	}
	engine, err := a.newEngine(dbPath)
	if err != nil {
		return err
	}
	policies, err := a.scanPolicies(env.cfg, dbPath)
	if err != nil {
		return err
	}
	if err := a.reportScans(a.scanAll(ctx, db, engine, policies, conns, true)); err != nil {
		return err
	}
	if err := a.summarize(ctx, db, dbPath, keep); err != nil {
		return err
	}
	if f.attack {
		if err := a.replayAttack(ctx, env.est, env.dir); err != nil {
			return err
		}
	}
	if f.serve {
		return a.serveDemo(ctx, env, dbPath)
	}
	return nil
}

// checkLoopback refuses a simulator address that is not on loopback: the demo never
// listens on a network others can reach.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nhi.WrapError(nhi.CodeInvalid, err, fmt.Sprintf("--addr %q: want host:port", addr))
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nhi.Errorf(nhi.CodeInvalid, "--addr %q: the simulator listens on loopback only (127.0.0.1, ::1)", addr)
	}
	return nil
}

// startDemo generates the estate, starts the simulators and writes their credentials and
// a configuration file into a private temporary directory.
func startDemo(f demoFlags) (*demoEnv, error) {
	est, err := estate.Generate(estate.Options{Seed: f.seed, People: f.people,
		Now: time.Now().UTC().Truncate(24 * time.Hour)})
	if err != nil {
		return nil, err
	}
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{QuotaPerMinute: f.quota, Now: time.Now})
	if err != nil {
		return nil, fmt.Errorf("demo: simulator: %w", err)
	}
	// The demo's Entra client may also remediate, so that plans can run against it.
	msSim, err := entrasim.New(est, entrasim.Options{Now: time.Now,
		Roles: append(entrasim.ReadRoles(), entrasim.RemediationRoles()...)})
	if err != nil {
		return nil, fmt.Errorf("demo: Entra simulator: %w", err)
	}
	ghSim, err := githubsim.New(est, githubsim.Options{Now: time.Now})
	if err != nil {
		return nil, fmt.Errorf("demo: GitHub simulator: %w", err)
	}
	slSim, err := slacksim.New(est, slacksim.Options{Now: time.Now})
	if err != nil {
		return nil, fmt.Errorf("demo: Slack simulator: %w", err)
	}
	sfSim, err := salesforcesim.New(est, salesforcesim.Options{Now: time.Now})
	if err != nil {
		return nil, fmt.Errorf("demo: Salesforce simulator: %w", err)
	}
	okSim, err := oktasim.New(est, oktasim.Options{Now: time.Now})
	if err != nil {
		return nil, fmt.Errorf("demo: Okta simulator: %w", err)
	}
	env := &demoEnv{est: est, sim: sim, msSim: msSim, ghSim: ghSim, slSim: slSim, sfSim: sfSim, okSim: okSim}
	if env.url, err = env.serve(f.addr, sim); err == nil {
		host, _, _ := net.SplitHostPort(f.addr)
		for _, s := range []struct {
			url *string
			h   http.Handler
		}{{&env.msURL, msSim}, {&env.ghURL, ghSim}, {&env.slURL, slSim}, {&env.sfURL, sfSim}, {&env.okURL, okSim}} {
			if *s.url, err = env.serve(net.JoinHostPort(host, "0"), s.h); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = env.writeConfig()
	}
	if err != nil {
		env.close()
		return nil, err
	}
	return env, nil
}

// serve starts h on addr and returns its base URL.
func (e *demoEnv) serve(addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nhi.WrapError(nhi.CodeUnavailable, err, "cannot listen on "+addr)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	e.srvs = append(e.srvs, srv)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// writeConfig writes the simulators' credentials (mode 0600) and an nhi.yaml that
// references them.
func (e *demoEnv) writeConfig() error {
	dir, err := os.MkdirTemp("", "nhi-demo-")
	if err != nil {
		return fmt.Errorf("demo: temp dir: %w", err)
	}
	e.dir = dir
	key := filepath.Join(dir, "google-sa-key.json")
	if err := os.WriteFile(key, e.sim.ServiceAccountKey(e.url), 0o600); err != nil {
		return fmt.Errorf("demo: write key: %w", err)
	}
	clientID, secret := e.msSim.ClientCredentials()
	secretFile := filepath.Join(dir, "entra-client-secret")
	if err := os.WriteFile(secretFile, []byte(secret), 0o600); err != nil {
		return fmt.Errorf("demo: write secret: %w", err)
	}
	admin := e.est.FirstAdmin()
	if admin == nil {
		return errors.New("demo: the simulated company has no active admin")
	}
	github, err := e.githubConfig(dir)
	if err != nil {
		return err
	}
	sfKey, sfUser := filepath.Join(dir, "salesforce-key.pem"), ""
	{
		var key *rsa.PrivateKey
		var consumer string
		consumer, key, sfUser = e.sfSim.Client()
		pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		if err := os.WriteFile(sfKey, pemKey, 0o600); err != nil {
			return fmt.Errorf("demo: write Salesforce key: %w", err)
		}
		e.sfConsumer = consumer
	}
	oktaToken := filepath.Join(dir, "okta-token")
	if err := os.WriteFile(oktaToken, []byte(oktasim.DefaultAPIToken), 0o600); err != nil {
		return fmt.Errorf("demo: write Okta token: %w", err)
	}
	slackToken := filepath.Join(dir, "slack-token")
	if err := os.WriteFile(slackToken, []byte(e.slSim.Token()), 0o600); err != nil {
		return fmt.Errorf("demo: write Slack token: %w", err)
	}
	text := fmt.Sprintf(`# nhi configuration for the demo's simulated tenants.
connectors:
  - name: google-demo
    platform: google_workspace
    customer: my_customer
    admin_email: %s
    credentials: file:%s
    base_url: %s/
  - name: entra-demo
    platform: microsoft_entra
    tenant_id: %s
    client_id: %s
    client_secret: file:%s
    graph_url: %s
    token_url: %s
%s  - name: slack-demo
    platform: slack
    enterprise_id: %s
    app_id: A0NHIDEMO1
    token: file:%s
    api_url: %s
    audit_url: %s
  - name: salesforce-demo
    platform: salesforce
    login_url: %s
    consumer_key: %s
    username: %s
    private_key: file:%s
  - name: okta-demo
    platform: okta
    org_url: %s
    token: file:%s
`, admin.Email, key, e.url, e.msSim.TenantID(), clientID, secretFile, e.msSim.GraphURL(e.msURL), e.msSim.TokenURL(e.msURL),
		github, e.slSim.EnterpriseID(), slackToken, e.slSim.APIURL(e.slURL), e.slSim.AuditURL(e.slURL),
		e.sfURL, e.sfConsumer, sfUser, sfKey, e.okSim.OrgURL(e.okURL), oktaToken)
	e.cfgPath = filepath.Join(dir, "nhi.yaml")
	if err := os.WriteFile(e.cfgPath, []byte(text), 0o600); err != nil {
		return fmt.Errorf("demo: write config: %w", err)
	}
	e.cfg, err = parseConfig(e.cfgPath, []byte(text))
	return err
}

// githubConfig writes the GitHub App's key and the owner token of the simulated
// organizations into dir and returns their connector entries, one per organization.
func (e *demoEnv) githubConfig(dir string) (string, error) {
	appID, clientID, key := e.ghSim.App()
	keyFile, tokenFile := filepath.Join(dir, "github-app.pem"), filepath.Join(dir, "github-owner-token")
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(keyFile, pemKey, 0o600); err != nil {
		return "", fmt.Errorf("demo: write GitHub key: %w", err)
	}
	if err := os.WriteFile(tokenFile, []byte(e.ghSim.OwnerToken()), 0o600); err != nil {
		return "", fmt.Errorf("demo: write GitHub token: %w", err)
	}
	var b strings.Builder
	for _, org := range e.est.GitHub.Orgs {
		inst, ok := e.ghSim.InstallationID(org.Login)
		if !ok {
			return "", fmt.Errorf("demo: nhi's app is not installed on %s", org.Login)
		}
		fmt.Fprintf(&b, "  - name: github-%s\n    platform: github\n    organization: %s\n    app_id: %d\n    client_id: %s\n"+
			"    installation_id: %d\n    private_key: file:%s\n    token: file:%s\n    api_url: %s/\n",
			org.Login, org.Login, appID, clientID, inst, keyFile, tokenFile, strings.TrimSuffix(e.ghURL, "/"))
	}
	return b.String(), nil
}

func (e *demoEnv) close() {
	for _, srv := range e.srvs {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		srv.Shutdown(ctx)
		cancel()
	}
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}

// buildAll builds every connector of a configuration.
func buildAll(cfg *fileConfig, env connector.Env) ([]connector.Connector, error) {
	var out []connector.Connector
	for _, c := range cfg.Connectors {
		p, _ := platformByName(c.Platform)
		conn, err := p.build(c, env)
		if err != nil {
			return nil, fmt.Errorf("connector %s: %w", c.Name, err)
		}
		out = append(out, conn)
	}
	return out, nil
}

// serveDemo keeps the simulator up until ctx ends, and says how to use it.
func (a *app) serveDemo(ctx context.Context, env *demoEnv, dbPath string) error {
	fmt.Fprintf(a.stdout, "\nThe simulators keep running at %s (Google Workspace) and %s (Microsoft Graph) until you press Ctrl-C.\n", env.url, env.msURL)
	fmt.Fprintf(a.stdout, "Scan it again (incrementally) with:\n  %s scan --config %s --db %s\n", self(), env.cfgPath, shellQuote(dbPath))
	<-ctx.Done()
	fmt.Fprintln(a.stdout, "\nstopping the simulator")
	return nil
}

// shellQuote quotes a path for a shell when it needs it.
func shellQuote(s string) string {
	if strings.ContainsAny(s, " '\"$`\\!*?&;|<>()") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}
