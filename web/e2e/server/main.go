// Command server is the browser tests' server under test: it builds a demo-like store
// (a synthetic company scanned from its simulator), creates one user per role with a
// known password, and serves the API with the console on a loopback port, which it
// prints as "listening on http://127.0.0.1:PORT" once ready.
//
// The real world needs the build tag e2e (go build -tags e2e ./web/e2e/server): it
// imports connector and store implementations, which the module's dependency test allows
// only in composition roots. With -fake it serves an in-memory stand-in of the API
// instead (see fake.go), which the console was first built against.
//
// Users: viewer, analyst, approver and admin, each with the password "<name>-password-e2e".
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/nhiscope/nhi/web/ui"
)

// passwordSuffix makes each test user's password: the role name followed by it.
const passwordSuffix = "-password-e2e"

func main() {
	fake := flag.Bool("fake", false, "serve the in-memory fake API instead of the real one")
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	flag.Parse()
	if err := run(*fake, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

func run(fake bool, addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var h http.Handler
	if fake {
		h = newFakeAPI(time.Now).handler(ui.Handler())
	} else {
		real, closeAll, err := realHandler(ctx, ui.Handler())
		if err != nil {
			return err
		}
		defer closeAll()
		h = real
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
