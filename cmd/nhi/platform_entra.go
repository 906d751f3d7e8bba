package main

import (
	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/entra"
)

// entraKeys are the settings of a microsoft_entra connector.
func entraKeys() []string {
	return []string{"tenant_id", "client_id", "client_secret", "graph_url", "token_url", "concurrency", "full_scan_interval"}
}

// entraConfig decodes a microsoft_entra entry.
func entraConfig(c connectorConfig, path string, probs *problems) entra.Config {
	unknownSettings(c, path, entraKeys(), probs)
	cfg := entra.Config{Name: c.Name}
	setting(c, "tenant_id", path, &cfg.TenantID, probs)
	setting(c, "client_id", path, &cfg.ClientID, probs)
	setting(c, "graph_url", path, &cfg.GraphURL, probs)
	setting(c, "token_url", path, &cfg.TokenURL, probs)
	setting(c, "concurrency", path, &cfg.Concurrency, probs)
	setting(c, "full_scan_interval", path, &cfg.FullScanInterval, probs)
	cfg.ClientSecret = secretSetting(c, "client_secret", path, probs)
	return cfg
}

func checkEntra(c connectorConfig, path string, probs *problems) {
	cfg := entraConfig(c, path, probs)
	for _, err := range cfg.Validate() {
		probs.add(c.Line, path, "%s", nhi.ErrorMessage(err))
	}
}

func buildEntra(c connectorConfig, env connector.Env) (connector.Connector, error) {
	probs := &problems{}
	cfg := entraConfig(c, "", probs)
	if err := probs.asError(); err != nil {
		return nil, err
	}
	return entra.New(cfg, env)
}
