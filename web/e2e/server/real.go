package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/nhiscope/nhi/connector"
	"github.com/nhiscope/nhi/connector/googleworkspace"
	"github.com/nhiscope/nhi/connector/googleworkspace/googleworkspacesim"
	"github.com/nhiscope/nhi/estate"
	"github.com/nhiscope/nhi/policy"
	"github.com/nhiscope/nhi/risk"
	"github.com/nhiscope/nhi/scan"
	"github.com/nhiscope/nhi/store/sqlite"
	"github.com/nhiscope/nhi/web"
)

// realHandler builds the demo-like world (a synthetic company whose most popular app is
// renamed to hostileApp, served by the Google Workspace simulator and scanned twice with
// the real connector into SQLite), creates one user per role, and returns the real API
// with ui as its console. closeAll stops the simulator and closes the stores.
func realHandler(ctx context.Context, ui http.Handler) (http.Handler, func(), error) {
	dir, err := os.MkdirTemp("", "nhi-e2e-server-")
	if err != nil {
		return nil, nil, err
	}
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
		_ = os.RemoveAll(dir)
	}
	h, err := buildReal(ctx, dir, ui, &closers)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return h, closeAll, nil
}

func buildReal(ctx context.Context, dir string, ui http.Handler, closers *[]func()) (http.Handler, error) {
	conn, err := startSimulator(dir, closers)
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "nhi.db"))
	if err != nil {
		return nil, err
	}
	*closers = append(*closers, func() { _ = db.Close() })
	cat, err := risk.DefaultCatalogue()
	if err != nil {
		return nil, err
	}
	engine, err := risk.NewEngine(cat, nil, risk.Options{})
	if err != nil {
		return nil, err
	}
	runner := &scan.Runner{Store: db, Engine: engine}
	for range 2 { // two scans, so the dashboard has a trend
		if rec, err := runner.Run(ctx, conn, scan.Options{Full: true}); err != nil {
			return nil, fmt.Errorf("scan: %w (%v)", err, rec.Errors)
		}
	}
	auth, err := web.OpenSQLiteAuth(ctx, filepath.Join(dir, "auth.db"))
	if err != nil {
		return nil, err
	}
	*closers = append(*closers, func() { _ = auth.Close() })
	for _, role := range web.Roles() {
		u := web.User{Name: string(role), Email: string(role) + "@example.com", Role: role}
		if err := web.CreateUser(ctx, auth, db, "e2e", u, string(role)+passwordSuffix, time.Now()); err != nil {
			return nil, err
		}
	}
	pack, err := policy.DefaultPack()
	if err != nil {
		return nil, err
	}
	policies, err := policy.Compile(policy.Options{Catalogue: cat}, pack...)
	if err != nil {
		return nil, err
	}
	srv, err := web.New(web.Config{Store: db, Auth: auth, Engine: engine, Policies: policies,
		Connectors: []connector.Connector{conn}, UI: ui,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return nil, err
	}
	return srv.Handler(), nil
}

// startSimulator serves a synthetic company's Google Workspace on loopback and returns the
// real connector pointed at it.
func startSimulator(dir string, closers *[]func()) (*googleworkspace.Connector, error) {
	est, err := estate.Generate(estate.Options{Seed: 7, People: 60})
	if err != nil {
		return nil, err
	}
	if len(est.Grants) == 0 {
		return nil, errors.New("estate has no grants")
	}
	v := &est.Vendors[est.Grants[0].Vendor] // a string field: scopes stay shared and untouched
	v.Company, v.Product = hostileApp, hostileApp
	sim, err := googleworkspacesim.New(est, googleworkspacesim.Options{Now: time.Now})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: sim, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	*closers = append(*closers, func() { _ = hs.Close() })
	base := "http://" + ln.Addr().String()
	key := filepath.Join(dir, "key.json")
	if err := os.WriteFile(key, sim.ServiceAccountKey(base), 0o600); err != nil {
		return nil, err
	}
	return googleworkspace.New(googleworkspace.Config{Name: "google-e2e", AdminEmail: est.FirstAdmin().Email,
		Credentials: connector.SecretRef("file:" + key), BaseURL: base + "/", Concurrency: 8}, connector.Env{})
}
