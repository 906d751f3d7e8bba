package main

import (
	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/slack"
)

// slackKeys are the settings of a slack connector.
func slackKeys() []string {
	return []string{"enterprise_id", "team_id", "app_id", "token", "api_url", "audit_url"}
}

// slackConfig decodes a slack entry.
func slackConfig(c connectorConfig, path string, probs *problems) slack.Config {
	unknownSettings(c, path, slackKeys(), probs)
	cfg := slack.Config{Name: c.Name}
	setting(c, "enterprise_id", path, &cfg.EnterpriseID, probs)
	setting(c, "team_id", path, &cfg.TeamID, probs)
	setting(c, "app_id", path, &cfg.AppID, probs)
	setting(c, "api_url", path, &cfg.APIURL, probs)
	setting(c, "audit_url", path, &cfg.AuditURL, probs)
	cfg.Token = secretSetting(c, "token", path, probs)
	return cfg
}

func checkSlack(c connectorConfig, path string, probs *problems) {
	cfg := slackConfig(c, path, probs)
	for _, err := range cfg.Validate() {
		probs.add(c.Line, path, "%s", nhi.ErrorMessage(err))
	}
}

func buildSlack(c connectorConfig, env connector.Env) (connector.Connector, error) {
	probs := &problems{}
	cfg := slackConfig(c, "", probs)
	if err := probs.asError(); err != nil {
		return nil, err
	}
	return slack.New(cfg, env)
}
