package stress

import (
	"errors"
	"flag"
	"os"
	"testing"
)

var (
	flagCGIRequests = flag.Int("stress.cgi.requests", 0, "requests of TestCGIUnderLighttpd (0: 300, 100 under -race)")
	flagCGIClients  = flag.Int("stress.cgi.clients", 24, "concurrent clients of TestCGIUnderLighttpd")
)

// TestCGIUnderLighttpd serves examples/cgi through a real lighttpd to
// concurrent keep-alive clients and requires every response complete and
// byte for byte what the program writes. Without lighttpd it skips, except
// in CI, which installs it.
func TestCGIUnderLighttpd(t *testing.T) {
	n := *flagCGIRequests
	if n <= 0 {
		n = 300
		if raceEnabled {
			n = 100
		}
	}
	f, err := RunCGI(CGIConfig{Requests: n, Clients: *flagCGIClients, Seed: *flagSeed, Dir: t.TempDir()})
	if errors.Is(err, ErrNoLighttpd) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of %d responses complete in %v", f.Complete, n, f.Elapsed)
	for _, p := range f.Problems {
		t.Error(p)
	}
}
