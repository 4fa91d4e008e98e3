package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// runGoBench runs the micro-benchmarks of the benchmarks package and
// parses them. The raw output goes to the log so a failed parse can be
// seen.
//
// BenchmarkServerFields runs apart, in cfg.count rounds of one run each
// rather than cfg.count runs in a row, like the load cells: its per-field
// cost at 10 is a difference of two figures ((ns_10 − ns_0) ÷ 10) that a
// burst of other work on the machine can swing by tens of percent, and
// runs in a row all fall into the same burst. Spread over the rounds, each
// size's fastest run (parseBenchOutput) comes from a quieter moment. It
// costs the rounds' start-up, a few seconds.
func runGoBench(ctx context.Context, cfg *config) ([]Bench, error) {
	var out bytes.Buffer
	err := goTestBench(ctx, cfg, &out, cfg.bench, "^"+fieldsBench+"$", cfg.count)
	if pattern, ok := fieldsPattern(cfg.bench); ok && err == nil {
		for round := 1; round <= cfg.count && err == nil; round++ {
			logf("%s round %d of %d", fieldsBench, round, cfg.count)
			err = goTestBench(ctx, cfg, &out, pattern, "", 1)
		}
	}
	benches := parseBenchOutput(out.String())
	if err != nil {
		return benches, err
	}
	if len(benches) == 0 {
		return nil, fmt.Errorf("go test -bench printed no results:\n%s", tail(out.String(), 2000))
	}
	return benches, nil
}

// fieldsBench is the benchmark runGoBench runs in rounds.
const fieldsBench = "BenchmarkServerFields"

// fieldsPattern returns the -bench pattern of the fieldsBench rounds for
// the report's -bench pattern, and whether that selects fieldsBench at
// all: "." gives "^BenchmarkServerFields$", "ServerFields/Known" gives
// "^BenchmarkServerFields$/Known", "Router" nothing.
func fieldsPattern(bench string) (string, bool) {
	top, sub, hasSub := strings.Cut(bench, "/")
	re, err := regexp.Compile(top)
	if err != nil || !re.MatchString(fieldsBench) {
		return "", false
	}
	pattern := "^" + fieldsBench + "$"
	if hasSub {
		pattern += "/" + sub
	}
	return pattern, true
}

// goTestBench runs go test -bench on the benchmarks package, skipping the
// benchmarks that skip matches, and appends its output to out.
func goTestBench(ctx context.Context, cfg *config, out *bytes.Buffer, bench, skip string, count int) error {
	args := []string{"test", "-run", "^$", "-bench", bench, "-benchmem",
		"-benchtime", cfg.benchtime, "-count", fmt.Sprint(count)}
	if skip != "" {
		args = append(args, "-skip", skip)
	}
	args = append(args, ".")
	logf("go %s", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = cfg.dir
	start := out.Len()
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go test -bench: %v\n%s", err, tail(out.String()[start:], 2000))
	}
	return nil
}

// pythonTimeit is the output of python/wsgiref_timeit.py.
type pythonTimeit struct {
	Python  string             `json:"python"`
	Results map[string]float64 `json:"results"`
}

// runPythonTimeit times CPython's wsgiref on the same fixtures.
func runPythonTimeit(ctx context.Context, cfg *config) (string, []Bench, error) {
	py, err := exec.LookPath(cfg.python)
	if err != nil {
		return "", nil, fmt.Errorf("no %s on PATH: the CPython column is empty", cfg.python)
	}
	args := []string{filepath.Join(cfg.dir, "python", "wsgiref_timeit.py")}
	if cfg.quick {
		args = append(args, "--quick")
	}
	args = append(args, filepath.Join(cfg.dir, "testdata", "fixtures.json"))
	logf("%s %s", py, strings.Join(args, " "))
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", nil, fmt.Errorf("CPython timeit script: %v\n%s", err, tail(errOut.String(), 2000))
	}
	var res pythonTimeit
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return "", nil, fmt.Errorf("CPython timeit script printed no JSON: %v\n%s", err, tail(out.String(), 500))
	}
	var benches []Bench
	for name, ns := range res.Results {
		b := Bench{Name: name, NsPerOp: ns, Source: "python", Runs: 1}
		b.Group, b.Op, b.Who = splitName(name)
		benches = append(benches, b)
	}
	return res.Python, benches, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
