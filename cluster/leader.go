package cluster

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nhiscope/nhi"
)

// leaderLock is the advisory lock whose holder leads the cluster.
var leaderLock = lockKey("nhi:leader")

// lead takes part in the election until ctx ends: it tries the leader's lock every Poll
// on a connection of its own, and while it holds it runs the leader's duties (the
// service's schedule and event judging), checking the connection every Poll. A lost
// connection loses the lock (PostgreSQL releases a session's locks when it ends), so the
// duties stop and the election starts again.
func (n *Node) lead(ctx context.Context) {
	for ctx.Err() == nil {
		if !n.term(ctx) {
			select {
			case <-ctx.Done():
			case <-time.After(n.cfg.Poll):
			}
		}
	}
}

// term tries to become the leader and, if it does, leads until ctx ends or the
// connection fails. It reports whether it led.
func (n *Node) term(ctx context.Context) bool {
	conn, err := pgx.Connect(ctx, n.cfg.DSN)
	if err != nil {
		n.cfg.Logger.Warn("cluster: election: connect", "err", nhi.ErrorMessage(err))
		return false
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, leaderLock).Scan(&got); err != nil || !got {
		return false
	}
	n.leader.Store(true)
	defer n.leader.Store(false)
	n.cfg.Logger.Info("cluster: this instance leads: it runs the schedule and judges events", "instance", n.cfg.ID)
	duties, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := n.cfg.Service.Run(duties); err != nil {
			n.cfg.Logger.Error("cluster: leader's duties", "err", err)
		}
	}()
	t := time.NewTicker(n.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			stop()
			<-done
			return true
		case <-done:
			stop()
			return true
		case <-t.C:
			check, cancel := context.WithTimeout(ctx, n.cfg.Poll)
			err := conn.Ping(check)
			cancel()
			if err != nil && ctx.Err() == nil {
				n.cfg.Logger.Warn("cluster: lost the leader's connection: stepping down", "err", nhi.ErrorMessage(err))
				stop()
				<-done
				return true
			}
		}
	}
}
