package main

import (
	"sort"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
)

// platform is what the CLI knows of one platform: how to check its settings and how to
// build its connector. The list below is the one place platforms are wired in.
type platform struct {
	name nhi.Platform
	// check validates a connector entry's settings, recording every problem.
	check func(c connectorConfig, path string, probs *problems)
	// build makes the connector; it resolves secrets, so it runs only for a scan.
	build func(c connectorConfig, env connector.Env) (connector.Connector, error)
}

// platforms lists every platform nhi can scan, explicitly: no init-time registration.
func platforms() []platform {
	return []platform{
		{name: nhi.PlatformGoogleWorkspace, check: checkGoogle, build: buildGoogle},
		{name: nhi.PlatformEntra, check: checkEntra, build: buildEntra},
		{name: nhi.PlatformGitHub, check: checkGitHub, build: buildGitHub},
		{name: nhi.PlatformSlack, check: checkSlack, build: buildSlack},
		{name: nhi.PlatformSalesforce, check: checkSalesforce, build: buildSalesforce},
		{name: nhi.PlatformOkta, check: checkOkta, build: buildOkta},
	}
}

func platformByName(n nhi.Platform) (platform, bool) {
	for _, p := range platforms() {
		if p.name == n {
			return p, true
		}
	}
	return platform{}, false
}

func platformNames() []string {
	var out []string
	for _, p := range platforms() {
		out = append(out, string(p.name))
	}
	sort.Strings(out)
	return out
}

// googleKeys are the settings of a google_workspace connector.
func googleKeys() []string {
	return []string{"customer", "admin_email", "credentials", "base_url", "token_url", "concurrency"}
}

// googleConfig decodes a google_workspace entry.
func googleConfig(c connectorConfig, path string, probs *problems) googleworkspace.Config {
	unknownSettings(c, path, googleKeys(), probs)
	cfg := googleworkspace.Config{Name: c.Name}
	setting(c, "customer", path, &cfg.Customer, probs)
	setting(c, "admin_email", path, &cfg.AdminEmail, probs)
	setting(c, "base_url", path, &cfg.BaseURL, probs)
	setting(c, "token_url", path, &cfg.TokenURL, probs)
	setting(c, "concurrency", path, &cfg.Concurrency, probs)
	cfg.Credentials = secretSetting(c, "credentials", path, probs)
	return cfg
}

func checkGoogle(c connectorConfig, path string, probs *problems) {
	cfg := googleConfig(c, path, probs)
	for _, err := range cfg.Validate() {
		probs.add(c.Line, path, "%s", nhi.ErrorMessage(err))
	}
}

func buildGoogle(c connectorConfig, env connector.Env) (connector.Connector, error) {
	probs := &problems{}
	cfg := googleConfig(c, "", probs)
	if err := probs.asError(); err != nil {
		return nil, err
	}
	return googleworkspace.New(cfg, env)
}
