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

// recipeMarkers returns the lines that delimit the README's recipe of that
// name: "<!-- begin routegen recipe -->" and "<!-- end routegen recipe -->".
func recipeMarkers(name string) (begin, end string) {
	return "<!-- begin " + name + " recipe -->", "<!-- end " + name + " recipe -->"
}

// recipe is the README's recipe: the files it shows (a fenced block whose
// first line names the file, "# routes.txt" or "// api.go") and the
// commands of its sh blocks, in order.
type recipe struct {
	files    map[string]string
	commands [][]string
}

// readRecipe extracts the recipe called name from the README text,
// between its markers (see recipeMarkers). For
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
// "# routes.txt\nGET /x\n". A recipe needs at least one command; its files
// may come from another recipe.
func readRecipe(readme, name string) (*recipe, error) {
	recipeBegin, recipeEnd := recipeMarkers(name)
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
	if len(r.commands) == 0 {
		return nil, fmt.Errorf("recipe %s has no commands", name)
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

// userModule makes a fresh module example.com/api in a temporary
// directory, next to a link "wsgiref" to this checkout (where a clone
// would be), with the given files, and returns its directory.
func userModule(t *testing.T, files map[string]string) string {
	t.Helper()
	root, err := filepath.Abs("../..")
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
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCommand(t, mod, false, "go", "mod", "init", "example.com/api") // the user's module
	return mod
}

// goCommand runs a recipe command in the module dir, go being this test's
// toolchain. Outside a workspace the module may record what it needs
// (GOFLAGS=-mod=mod), and no go.work of the checkout's applies; GOPROXY
// and the module cache are the environment's.
func goCommand(t *testing.T, dir string, workspace bool, args ...string) {
	t.Helper()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOWORK=") && !strings.HasPrefix(kv, "GOFLAGS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOTOOLCHAIN=local", "PATH="+filepath.Dir(gobin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	if !workspace {
		env = append(env, "GOFLAGS=-mod=mod", "GOWORK=off")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if args[0] == "go" {
		args[0] = gobin
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// readmeRecipe reads the recipe called name from this checkout's README.
func readmeRecipe(t *testing.T, name string) *recipe {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	r, err := readRecipe(string(readme), name)
	if err != nil {
		t.Fatal(err)
	}
	return r
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
	r := readmeRecipe(t, "routegen")
	if len(r.files) == 0 {
		t.Fatal("the routegen recipe shows no files")
	}
	mod := userModule(t, r.files)
	for _, args := range r.commands {
		goCommand(t, mod, false, args...)
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

// TestREADMEBeforePublication follows the README's two ways of using a
// clone before the module is published, with the README's program: a
// replace directive, and a go.work that leaves go.mod as it was.
func TestREADMEBeforePublication(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	program := readmeRecipe(t, "replace")
	if len(program.files) == 0 {
		t.Fatal("the replace recipe shows no program")
	}
	for _, tc := range []struct {
		recipe    string
		workspace bool
	}{
		{"replace", false},
		{"workspace", true},
	} {
		t.Run(tc.recipe, func(t *testing.T) {
			r := readmeRecipe(t, tc.recipe)
			mod := userModule(t, program.files)
			before, err := os.ReadFile(filepath.Join(mod, "go.mod"))
			if err != nil {
				t.Fatal(err)
			}
			for _, args := range r.commands {
				goCommand(t, mod, tc.workspace, args...)
			}
			after, err := os.ReadFile(filepath.Join(mod, "go.mod"))
			if err != nil {
				t.Fatal(err)
			}
			if tc.workspace && string(after) != string(before) {
				t.Errorf("the workspace recipe changed go.mod:\n%s", after)
			}
			if !tc.workspace && !strings.Contains(string(after), "github.com/gowsgi/wsgiref => ../wsgiref") {
				t.Errorf("go.mod has no replace after the recipe:\n%s", after)
			}
		})
	}
}

// TestReadRecipeRefuses: an incomplete or shell-dependent recipe is an
// error that names the problem, not a silent pass.
func TestReadRecipeRefuses(t *testing.T) {
	fence := "```"
	recipeBegin, recipeEnd := recipeMarkers("x")
	for _, tc := range []struct{ name, readme, want string }{
		{"no markers", "text", "no \"" + recipeBegin},
		{"other recipe's markers", "<!-- begin y recipe -->\n<!-- end y recipe -->", "no \"" + recipeBegin},
		{"no end", recipeBegin + "\n", "no \"" + recipeEnd},
		{"no commands", recipeBegin + "\n" + fence + "\n# routes.txt\n" + fence + "\n" + recipeEnd, "no commands"},
		{"shell", recipeBegin + "\n" + fence + "sh\ngo generate && go build\n" + fence + "\n" + recipeEnd, "needs a shell"},
		{"unnamed block", recipeBegin + "\n" + fence + "go\npackage api\n" + fence + "\n" + recipeEnd, "not a file name"},
		{"unterminated", recipeBegin + "\n" + fence + "sh\ngo build\n" + recipeEnd, "unterminated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readRecipe(tc.readme, "x")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("readRecipe: %v, want an error with %q", err, tc.want)
			}
		})
	}
}
