package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// randomRouteFile writes a route file of n routes drawn with a fixed seed,
// so that the same n always gives the same file: the input of the build
// cost test. The routes look like a REST API's: a first segment from a
// few dozen resources, then up to five more segments, each a word or a
// parameter, and a method from the usual five. Parameters at the same
// position share their name (routegen refuses two names there), and a
// route already drawn is drawn again.
func randomRouteFile(seed uint64, n int) string {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	words := []string{
		"users", "repos", "orgs", "teams", "issues", "pulls", "comments", "labels",
		"milestones", "events", "hooks", "keys", "releases", "assets", "commits",
		"branches", "tags", "trees", "blobs", "refs", "stats", "search", "gists",
		"projects", "columns", "cards", "packages", "versions", "runs", "jobs",
		"artifacts", "secrets", "variables", "environments", "deployments",
		"statuses", "checks", "suites", "alerts", "invitations", "members",
		"settings", "billing", "audit", "logs", "reactions", "threads", "votes",
	}
	methods := []string{"GET", "GET", "GET", "POST", "PUT", "PATCH", "DELETE"}
	seen := map[string]bool{}
	var b strings.Builder
	fmt.Fprintf(&b, "# %d routes drawn by randomRouteFile(seed %d); do not edit\n", n, seed)
	for len(seen) < n {
		depth := 1 + rng.IntN(6)
		segs := make([]string, depth)
		for i := range segs {
			switch {
			case i > 0 && rng.IntN(3) == 0:
				segs[i] = fmt.Sprintf(":p%d", i) // one name per position
			case i == 0:
				segs[i] = words[rng.IntN(len(words))] + fmt.Sprint(rng.IntN(n/40+1))
			default:
				segs[i] = words[rng.IntN(len(words))]
			}
		}
		route := methods[rng.IntN(len(methods))] + " /" + strings.Join(segs, "/")
		if seen[route] {
			continue
		}
		seen[route] = true
		b.WriteString(route + "\n")
	}
	return b.String()
}

// buildCost is what generating and compiling one route file costs.
type buildCost struct {
	routes, lines   int
	generate, build time.Duration
	cpu             time.Duration // user + system time of the go build and the compiler
	peakRSS         int64         // bytes, the largest process of the go build
	load            string        // the machine's load average before the build
}

// measureBuild generates a router from src into a fresh package of a
// temporary module and builds it with go build, the dependencies already
// in the build cache, so that the figure is the generated package's own
// compile. A comment with the time makes the source new to the cache.
func measureBuild(t *testing.T, src string, routes int) buildCost {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": fmt.Sprintf("module bigroutes\n\ngo 1.26\n\nrequire github.com/gowsgi/wsgiref v0.0.0\n\nreplace github.com/gowsgi/wsgiref => %s\n", root),
		"go.sum": string(sum),
		// A package the module's dependencies are built for, first, so
		// that the timed build compiles the router alone.
		"warm/warm.go": "package warm\n\nimport (\n\t_ \"github.com/gowsgi/wsgiref\"\n\t_ \"github.com/gowsgi/wsgiref/routing\"\n)\n",
	}
	start := time.Now()
	code, err := generate(config{pkg: "api", source: "big.txt"}, src)
	gen := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	files["api/router_gen.go"] = string(code) + fmt.Sprintf("\n// measured at %d\n", time.Now().UnixNano())
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := func(pkg string) (time.Duration, time.Duration, int64) {
		cmd := exec.Command("go", "build", "-o", os.DevNull, pkg)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
		// wait4's ru_maxrss covers the go command and the compiler it ran.
		wall := time.Since(start)
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss << 10
		}
		return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss
	}
	build("./warm")
	load := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], "/")
	}
	d, cpu, rss := build("./api")
	return buildCost{routes: routes, lines: bytes.Count(code, []byte("\n")), generate: gen, build: d, cpu: cpu, peakRSS: rss, load: load}
}

// TestRouteFileBuildCost generates a router from a random route file of
// 1,000 routes and builds it, printing the time, the peak memory and the
// lines: the cost must grow linearly with the routes. ROUTEGEN_SIZES
// ("1000,5000") chooses other sizes; the benchmark report runs 5,000. It
// asserts no timing (the machine is shared): the figures are for the
// report. It fails when a route file does not generate or build.
func TestRouteFileBuildCost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large generated package")
	}
	if _, err := exec.LookPath("go"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no go command on PATH")
		}
		t.Skip("no go command on PATH")
	}
	sizes := []int{1000}
	if s := os.Getenv("ROUTEGEN_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				t.Fatalf("ROUTEGEN_SIZES=%q: %q is not a route count", s, f)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		src := randomRouteFile(1, n)
		c := measureBuild(t, src, n)
		// One line the report parses.
		t.Logf("routefile routes=%d lines=%d generate=%.3fs build=%.3fs cpu=%.3fs peak_rss_mib=%.0f load=%s",
			c.routes, c.lines, c.generate.Seconds(), c.build.Seconds(), c.cpu.Seconds(), float64(c.peakRSS)/(1<<20), c.load)
	}
}
