package stress

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// FuzzTarget is one fuzz target of the long run.
type FuzzTarget struct {
	Pkg  string // package directory relative to the module root, "./simpleserver"
	Name string // the FuzzXxx function
}

// FuzzTargets are the targets the long run fuzzes at length, the list of
// issue 7. CI fuzzes every target briefly by execution count; these are
// the ones that see hostile bytes.
var FuzzTargets = []FuzzTarget{
	{"./simpleserver", "FuzzServe"},
	{"./simpleserver", "FuzzServerEnviron"},
	{"./simpleserver/internal/http1", "FuzzReadHead"},
	{"./handlers", "FuzzHandlerResponse"},
	{"./handlers", "FuzzStartResponse"},
	{"./wsgiutil", "FuzzShiftPathInfo"},
}

// Results of a fuzz run.
const (
	FuzzOK      = "ok"
	FuzzMissing = "missing" // the target does not exist (yet)
	FuzzFailed  = "FAILED"
)

// FuzzResult is what one fuzz run did.
type FuzzResult struct {
	Target FuzzTarget
	Budget string // -fuzztime: a duration ("2m") or a count ("20000x")
	Execs  int64
	Result string // FuzzOK, FuzzMissing or FuzzFailed
	Detail string // why it failed: go test's lines that say so
	Output string // the tail of go test's output, for a failed run
}

// RunFuzz fuzzes one target for budget (go test's -fuzztime) from the module root, with go test's
// coordinator, and reads the executions from its last progress line.
func RunFuzz(root string, target FuzzTarget, budget string) FuzzResult {
	res := FuzzResult{Target: target, Budget: budget}
	dir := filepath.Join(root, target.Pkg)
	if !hasFuzzFunc(dir, target.Name) {
		res.Result = FuzzMissing
		return res
	}
	corpus := filepath.Join(dir, "testdata", "fuzz", target.Name)
	before := countFiles(corpus)
	cmd := exec.Command(goTool(), "test", "-run=^$", "-fuzz=^"+target.Name+"$", "-fuzztime="+budget, target.Pkg)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	res.Execs = parseExecs(out)
	res.Result = fuzzOutcome(err, out, countFiles(corpus) > before)
	if res.Result != FuzzOK {
		res.Detail, res.Output = failureLines(out), tail(out, 4000)
	}
	return res
}

// fuzzOutcome decides a run's result. Go 1.26's coordinator can end a
// duration-bounded run that found nothing with a spurious "context
// deadline exceeded" failure (golang/go#75804, fixed in Go 1.27): that
// ending counts as success when no crasher was written, since a real
// failure always writes its input to testdata/fuzz.
func fuzzOutcome(err error, out []byte, newCorpus bool) string {
	switch {
	case err == nil:
		return FuzzOK
	case newCorpus || bytes.Contains(out, []byte("Failing input written to")):
		return FuzzFailed
	case bytes.Contains(out, []byte("context deadline exceeded")):
		return FuzzOK
	}
	return FuzzFailed
}

var execsRE = regexp.MustCompile(`execs: (\d+)`)

// parseExecs returns the execution count of the last progress line of go
// test -fuzz's output ("fuzz: elapsed: 1m0s, execs: 123 (2/sec), ..."),
// or 0 when there is none.
func parseExecs(out []byte) int64 {
	m := execsRE.FindAllSubmatch(out, -1)
	if len(m) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(string(m[len(m)-1][1]), 10, 64)
	return n
}

// hasFuzzFunc reports whether a test file of dir declares func name.
func hasFuzzFunc(dir, name string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	decl := []byte("\nfunc " + name + "(")
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, decl) {
			return true
		}
	}
	return false
}

func countFiles(dir string) int {
	entries, _ := os.ReadDir(dir)
	return len(entries)
}

// failureLines picks from go test's output the lines that say why a fuzz
// run failed: the test's own message, the crasher written, the seed entry
// that failed, a build error.
func failureLines(out []byte) string {
	var picked []string
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		switch {
		case strings.Contains(line, "_test.go:"), strings.HasPrefix(line, "Failing input written"),
			strings.HasPrefix(line, "failure while testing seed corpus"), strings.HasPrefix(line, "#"),
			strings.Contains(line, ".go:") && strings.Contains(line, ": "):
			picked = append(picked, line)
		}
	}
	if len(picked) == 0 {
		return tail(out, 300)
	}
	return strings.Join(picked, "; ")
}

func tail(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}

// ModuleRoot returns the directory of the main module's go.mod.
func ModuleRoot() (string, error) {
	out, err := exec.Command(goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside a module")
	}
	return filepath.Dir(mod), nil
}
