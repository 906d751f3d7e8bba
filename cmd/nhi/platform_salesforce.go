package main

import (
	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/salesforce"
)

// salesforceKeys are the settings of a salesforce connector.
func salesforceKeys() []string {
	return []string{"login_url", "consumer_key", "username", "private_key", "instance_url", "api_version", "concurrency",
		"api_reserve_percent"}
}

// salesforceConfig decodes a salesforce entry.
func salesforceConfig(c connectorConfig, path string, probs *problems) salesforce.Config {
	unknownSettings(c, path, salesforceKeys(), probs)
	cfg := salesforce.Config{Name: c.Name}
	setting(c, "login_url", path, &cfg.LoginURL, probs)
	setting(c, "consumer_key", path, &cfg.ConsumerKey, probs)
	setting(c, "username", path, &cfg.Username, probs)
	setting(c, "instance_url", path, &cfg.InstanceURL, probs)
	setting(c, "api_version", path, &cfg.APIVersion, probs)
	setting(c, "concurrency", path, &cfg.Concurrency, probs)
	setting(c, "api_reserve_percent", path, &cfg.APIReservePercent, probs)
	cfg.PrivateKey = secretSetting(c, "private_key", path, probs)
	return cfg
}

func checkSalesforce(c connectorConfig, path string, probs *problems) {
	cfg := salesforceConfig(c, path, probs)
	for _, err := range cfg.Validate() {
		probs.add(c.Line, path, "%s", nhi.ErrorMessage(err))
	}
}

func buildSalesforce(c connectorConfig, env connector.Env) (connector.Connector, error) {
	probs := &problems{}
	cfg := salesforceConfig(c, "", probs)
	if err := probs.asError(); err != nil {
		return nil, err
	}
	return salesforce.New(cfg, env)
}
