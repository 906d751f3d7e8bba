package main

import (
	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/okta"
)

// oktaKeys are the settings of an okta connector.
func oktaKeys() []string {
	return []string{"org_url", "token", "client_id", "private_key", "key_id", "scopes"}
}

// oktaConfig decodes an okta entry: an SSWS API token, or an OAuth service app's client
// ID and private key.
func oktaConfig(c connectorConfig, path string, probs *problems) okta.Config {
	unknownSettings(c, path, oktaKeys(), probs)
	cfg := okta.Config{Name: c.Name}
	setting(c, "org_url", path, &cfg.OrgURL, probs)
	setting(c, "client_id", path, &cfg.ClientID, probs)
	setting(c, "key_id", path, &cfg.KeyID, probs)
	setting(c, "scopes", path, &cfg.Scopes, probs)
	if _, ok := c.Settings["token"]; ok {
		cfg.Token = secretSetting(c, "token", path, probs)
	}
	if _, ok := c.Settings["private_key"]; ok {
		cfg.PrivateKey = secretSetting(c, "private_key", path, probs)
	}
	return cfg
}

func checkOkta(c connectorConfig, path string, probs *problems) {
	cfg := oktaConfig(c, path, probs)
	for _, err := range cfg.Validate() {
		probs.add(c.Line, path, "%s", nhi.ErrorMessage(err))
	}
}

func buildOkta(c connectorConfig, env connector.Env) (connector.Connector, error) {
	probs := &problems{}
	cfg := oktaConfig(c, "", probs)
	if err := probs.asError(); err != nil {
		return nil, err
	}
	return okta.New(cfg, env)
}
