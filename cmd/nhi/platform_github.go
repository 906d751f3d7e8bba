package main

import (
	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/github"
)

// githubKeys are the settings of a github connector. One entry scans one organization:
// its scans, cursors and findings are that organization's.
func githubKeys() []string {
	return []string{"organization", "app_id", "client_id", "private_key", "installation_id", "token", "api_url",
		"concurrency", "max_wait"}
}

// githubConfig decodes a github entry.
func githubConfig(c connectorConfig, path string, probs *problems) github.Config {
	unknownSettings(c, path, githubKeys(), probs)
	cfg := github.Config{Name: c.Name}
	var org string
	var installation int64
	setting(c, "organization", path, &org, probs)
	if org == "" {
		probs.add(c.Line, path+".organization", "required: the login of the organization to scan (one per connector)")
	} else {
		cfg.Organizations = []string{org}
	}
	setting(c, "app_id", path, &cfg.AppID, probs)
	setting(c, "client_id", path, &cfg.ClientID, probs)
	setting(c, "installation_id", path, &installation, probs)
	if installation != 0 && org != "" {
		cfg.InstallationIDs = map[string]int64{org: installation}
	}
	setting(c, "api_url", path, &cfg.APIURL, probs)
	setting(c, "concurrency", path, &cfg.Concurrency, probs)
	setting(c, "max_wait", path, &cfg.MaxWait, probs)
	if _, ok := c.Settings["private_key"]; ok {
		cfg.PrivateKey = secretSetting(c, "private_key", path, probs)
	}
	if _, ok := c.Settings["token"]; ok {
		cfg.Token = secretSetting(c, "token", path, probs)
	}
	return cfg
}

func checkGitHub(c connectorConfig, path string, probs *problems) {
	cfg := githubConfig(c, path, probs)
	for _, err := range cfg.Validate() {
		probs.add(c.Line, path, "%s", nhi.ErrorMessage(err))
	}
}

func buildGitHub(c connectorConfig, env connector.Env) (connector.Connector, error) {
	probs := &problems{}
	cfg := githubConfig(c, "", probs)
	if err := probs.asError(); err != nil {
		return nil, err
	}
	return github.New(cfg, env)
}
