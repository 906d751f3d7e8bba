package main

import (
	"context"
	"fmt"
	"os"
	"os/user"

	"github.com/nhiscope/nhi"
	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store"
)

// executor returns the remediation executor acting as by: every configured connector
// that can remediate, mapped to the tenant of its latest scan that recorded one, and the
// configured notification channels. Without a configuration file it can create, approve
// and preview plans but acts on nothing; required (a command about to change tenants)
// makes a missing configuration an error instead.
func (a *app) executor(ctx context.Context, db store.Store, by string, required bool) (*remediate.Executor, error) {
	x := &remediate.Executor{Store: db, Actor: by, Logger: a.logger(), Targets: remediate.Targets{}}
	if _, err := os.Stat(a.cfgPath); err != nil {
		if required {
			return nil, nhi.WrapError(nhi.CodeInvalid, err, "no configuration at "+a.cfgPath+
				": nhi acts on tenants only through the connectors configured there (--config)")
		}
		return x, nil
	}
	cfg, err := loadConfig(a.cfgPath)
	if err != nil {
		return nil, err
	}
	notifier, err := buildNotifier(cfg)
	if err != nil {
		return nil, err
	}
	if notifier != nil {
		x.Notifier = notifier
	}
	conns, err := buildAll(cfg, connector.Env{Logger: a.logger()})
	if err != nil {
		return nil, err
	}
	for _, c := range conns {
		rem, ok := c.(connector.Remediator)
		if !ok {
			continue
		}
		info := c.Info()
		tenant, err := scannedTenant(ctx, db, info)
		if err != nil {
			return nil, err
		}
		x.Targets[remediate.Tenant{Platform: info.Platform, Tenant: tenant}] = rem
	}
	return x, nil
}

// defaultActor is who a command acts as without --by: $NHI_ACTOR, else the login name.
func defaultActor() string {
	if s := os.Getenv("NHI_ACTOR"); s != "" {
		return s
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// scannedTenant is the tenant a connector's latest finished scan recorded (a running or
// failed scan may not know it yet), else the configured one.
func scannedTenant(ctx context.Context, db store.Store, info connector.Info) (string, error) {
	scans, err := db.ListScans(ctx, store.ScanFilter{Connector: info.Name, Limit: 50})
	if err != nil {
		return "", fmt.Errorf("scans of %s: %w", info.Name, err)
	}
	for _, s := range scans {
		if s.Tenant != "" && (s.Status == nhi.ScanSucceeded || s.Status == nhi.ScanPartial) {
			return s.Tenant, nil
		}
	}
	return info.Tenant, nil
}
