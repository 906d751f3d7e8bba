package main

import (
	"context"
	"fmt"
	"os"
	"os/user"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/remediate"
	"github.com/nhiscope/nhi/store"
)

// executor returns the remediation executor acting as by. With connectors, it builds
// every configured connector that can remediate and maps it to the tenant its latest
// scan recorded; without, it can create, approve and preview plans but acts on nothing.
func (a *app) executor(ctx context.Context, db store.Store, by string, connectors bool) (*remediate.Executor, error) {
	x := &remediate.Executor{Store: db, Actor: by, Logger: a.logger(), Targets: remediate.Targets{}}
	if !connectors {
		return x, nil
	}
	if _, err := os.Stat(a.cfgPath); err != nil {
		return x, nil // no configuration: nothing to act on; guards say so per action
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
		tenant := info.Tenant
		scans, err := db.ListScans(ctx, store.ScanFilter{Connector: info.Name, Limit: 1})
		if err != nil {
			return nil, fmt.Errorf("scans of %s: %w", info.Name, err)
		}
		if len(scans) > 0 && scans[0].Tenant != "" {
			tenant = scans[0].Tenant
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
