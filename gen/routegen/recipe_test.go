package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The README's routegen recipe lies between these two lines.
const (
	recipeBegin = "<!-- begin routegen recipe -->"
	recipeEnd   = "<!-- end routegen recipe -->"
)

// recipe is the README's recipe: the files it shows (a fenced block whose
// first line names the file, "# routes.txt" or "// api.go") and the
// commands of its sh blocks, in order.
type recipe struct {
	files    map[string]string
	commands [][]string
}

// readRecipe extracts the recipe from the README text between the
// markers. For
//
//	```sh
//	go mod tidy
//	```
//	```
//	# routes.txt
//	GET /x
//	```
//
// it returns the command [go mod tidy] and the file routes.txt holding
// "# routes.txt\nGET /x\n".
func readRecipe(readme string) (*recipe, error) {
	_, rest, ok := strings.Cut(readme, recipeBegin)
	if !ok {
		return nil, fmt.Errorf("README has no %q line", recipeBegin)
	}
	body, _, ok := strings.Cut(rest, recipeEnd)
	if !ok {
		return nil, fmt.Errorf("README has no %q line after the beginning", recipeEnd)
	}
	r := &recipe{files: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(body))
	var block []string
	info, inBlock := "", false
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "```") {
			if inBlock {
				block = append(block, line)
			}
			continue
		}
		if !inBlock {
			info, inBlock, block = strings.TrimPrefix(line, "```"), true, nil
			continue
		}
		inBlock = false
		if err := r.add(info, block); err != nil {
			return nil, err
		}
	}
	if inBlock {
		return nil, fmt.Errorf("unterminated ``` block in the recipe")
	}
	if len(r.files) == 0 || len(r.commands) == 0 {
		return nil, fmt.Errorf("recipe has %d files and %d commands", len(r.files), len(r.commands))
	}
	return r, nil
}

// add records one fenced block of the recipe.
func (r *recipe) add(info string, lines []string) error {
	if info == "sh" {
		for _, line := range lines {
			if i := strings.Index(line, "#"); i >= 0 {
				line = line[:i]
			}
			if strings.ContainsAny(line, "|&;<>$`'\"\\*?") {
				return fmt.Errorf("recipe command %q needs a shell; keep the recipe to plain commands", line)
			}
			if args := strings.Fields(line); len(args) > 0 {
				r.commands = append(r.commands, args)
			}
		}
		return nil
	}
	if len(lines) == 0 {
		return fmt.Errorf("empty ``` block in the recipe")
	}
	name := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(lines[0], "//"), "#"))
	if name == "" || strings.ContainsAny(name, " /\\") {
		return fmt.Errorf("recipe block starts with %q, not a file name comment", lines[0])
	}
	if _, dup := r.files[name]; dup {
		return fmt.Errorf("recipe shows %s twice", name)
	}
	r.files[name] = strings.Join(lines, "\n") + "\n"
	return nil
}

// TestREADMERecipe follows the README's routegen recipe in a fresh module,
// as a new user would: the module sits next to a clone of this one (a
// symbolic link to the checkout, named as the recipe's replace names it),
// gets the recipe's files word for word and runs its commands, ending with
// go generate and go build. It works from the module cache and GOPROXY as
// the environment sets them; a README edit that breaks the recipe fails
// here.
func TestREADMERecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := readRecipe(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(root, filepath.Join(dir, "wsgiref")); err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(dir, "api")
	if err := os.Mkdir(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range r.files {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	env := append(os.Environ(),
		"GOFLAGS=-mod=mod", // the temp module may record what it needs
		"GOWORK=off",       // no workspace of the checkout's
		"GOTOOLCHAIN=local",
		"PATH="+filepath.Dir(gobin)+string(os.PathListSeparator)+os.Getenv("PATH"),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(args ...string) {
		t.Helper()
		if args[0] == "go" {
			args[0] = gobin
		}
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Dir, cmd.Env = mod, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("go", "mod", "init", "example.com/api") // the user's module
	for _, args := range r.commands {
		run(args...)
	}
	generated, err := os.ReadFile(filepath.Join(mod, "router_gen.go"))
	if err != nil {
		t.Fatalf("the recipe's go generate wrote no router_gen.go: %v", err)
	}
	if !strings.Contains(string(generated), "DO NOT EDIT") || !strings.Contains(string(generated), "package api") {
		t.Errorf("router_gen.go is not routegen's output for package api:\n%.400s", generated)
	}
	gomod, err := os.ReadFile(filepath.Join(mod, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(gomod), "\ntool github.com/gowsgi/wsgiref/gen/routegen\n") {
		t.Errorf("go.mod lacks the tool directive after the recipe:\n%s", gomod)
	}
}

// TestReadRecipeRefuses: an incomplete or shell-dependent recipe is an
// error that names the problem, not a silent pass.
func TestReadRecipeRefuses(t *testing.T) {
	fence := "```"
	for _, tc := range []struct{ name, readme, want string }{
		{"no markers", "text", "no \"" + recipeBegin},
		{"no end", recipeBegin + "\n", "no \"" + recipeEnd},
		{"no commands", recipeBegin + "\n" + fence + "\n# routes.txt\n" + fence + "\n" + recipeEnd, "0 commands"},
		{"no files", recipeBegin + "\n" + fence + "sh\ngo build\n" + fence + "\n" + recipeEnd, "0 files"},
		{"shell", recipeBegin + "\n" + fence + "sh\ngo generate && go build\n" + fence + "\n" + recipeEnd, "needs a shell"},
		{"unnamed block", recipeBegin + "\n" + fence + "go\npackage api\n" + fence + "\n" + recipeEnd, "not a file name"},
		{"unterminated", recipeBegin + "\n" + fence + "sh\ngo build\n" + recipeEnd, "unterminated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readRecipe(tc.readme)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("readRecipe: %v, want an error with %q", err, tc.want)
			}
		})
	}
}
