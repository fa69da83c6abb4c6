package redistest

import (
	"strings"
	"testing"
)

// recordTB records Fatal and Skip instead of ending the test.
type recordTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordTB) Helper()           {}
func (r *recordTB) Fatal(args ...any) { r.fatal = args[0].(string) }
func (r *recordTB) Skip(args ...any)  { r.skip = args[0].(string) }

// A missing binary skips with how to install it, and fails under CI=true.
func TestMissingBinary(t *testing.T) {
	t.Setenv("HOOKGEN_REDIS_SERVER", "hookgen-no-such-redis-server")
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recordTB{TB: t}
		if bin := Binary(r); bin != "" {
			t.Fatalf("CI=%q: Binary = %q", ci, bin)
		}
		got, other := r.skip, r.fatal
		if ci == "true" {
			got, other = r.fatal, r.skip
		}
		if !strings.Contains(got, "apt-get install redis-server") || other != "" {
			t.Errorf("CI=%q: skip %q, fatal %q; want one of them saying apt-get install redis-server", ci, r.skip, r.fatal)
		}
	}
}

// A started server answers, stops and comes back on its address.
func TestStartStopRestart(t *testing.T) {
	s := Start(t)
	if err := ping(s.Addr); err != nil {
		t.Fatal(err)
	}
	s.Stop()
	if err := ping(s.Addr); err == nil {
		t.Fatal("PING answered after Stop")
	}
	s.Restart()
	if err := ping(s.Addr); err != nil {
		t.Fatal(err)
	}
}

// A started cluster is ok on every node, its slots split among them.
func TestStartCluster(t *testing.T) {
	c := StartCluster(t, 3)
	for _, addr := range c.Addrs {
		info, err := command(addr, "CLUSTER", "INFO")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"cluster_state:ok", "cluster_slots_assigned:16384", "cluster_known_nodes:3", "cluster_size:3"} {
			if !strings.Contains(info, want+"\r\n") {
				t.Errorf("%s: CLUSTER INFO lacks %s:\n%s", addr, want, info)
			}
		}
	}
}
