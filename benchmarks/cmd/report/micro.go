package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// runGoBench runs the micro-benchmarks of the benchmarks package and
// parses them. The raw output goes to the log so a failed parse can be
// seen.
func runGoBench(ctx context.Context, cfg *config) ([]Bench, error) {
	args := []string{"test", "-run", "^$", "-bench", cfg.bench, "-benchmem",
		"-benchtime", cfg.benchtime, "-count", fmt.Sprint(cfg.count), "."}
	logf("go %s", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = cfg.dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	benches := parseBenchOutput(out.String())
	if err != nil {
		return benches, fmt.Errorf("go test -bench: %v\n%s", err, tail(out.String(), 2000))
	}
	if len(benches) == 0 {
		return nil, fmt.Errorf("go test -bench printed no results:\n%s", tail(out.String(), 2000))
	}
	return benches, nil
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
