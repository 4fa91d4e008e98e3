package handlers_test

import (
	"bufio"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The API's documentation as a user meets it: every exported field
// documented, and every example and snippet written as code in another
// module must be (go vet flags unkeyed literals of another module's struct
// types, which it lets pass inside this module).

// moduleRoot is the checkout holding this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	return root
}

// libraryFiles returns the non-test Go files of the module's public
// library packages: not internal/, not commands, examples or benchmarks.
func libraryFiles(t *testing.T, root string) map[string][]*ast.File {
	t.Helper()
	pkgs := map[string][]*ast.File{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch d.Name() {
			case "internal", "testdata", "examples", "benchmarks", "gen":
				return filepath.SkipDir
			}
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Name.Name != "main" {
			pkgs[filepath.Dir(rel)] = append(pkgs[filepath.Dir(rel)], f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// undocumentedFields returns "Type.Field" for each exported field of an
// exported struct type that has no doc comment. A field in a run of
// fields written on consecutive lines under one comment shares it, as in
// net/http ("// ErrorStatus, ErrorHeaders and ErrorBody make ...").
func undocumentedFields(fset *token.FileSet, f *ast.File) []string {
	var missing []string
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || !ts.Name.IsExported() {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return true
		}
		documented, lastLine := false, -1
		for _, field := range st.Fields.List {
			line := fset.Position(field.Pos()).Line
			switch {
			case field.Doc != nil || field.Comment != nil:
				documented = true
			case line != lastLine+1:
				documented = false
			}
			lastLine = fset.Position(field.End()).Line
			names := []string{}
			for _, name := range field.Names {
				names = append(names, name.Name)
			}
			if len(field.Names) == 0 { // embedded: named by its type
				names = append(names, strings.TrimPrefix(types(field.Type), "*"))
			}
			for _, name := range names {
				if ast.IsExported(name) && !documented {
					missing = append(missing, ts.Name.Name+"."+name)
				}
			}
		}
		return true
	})
	return missing
}

// types names an embedded field's type expression ("Body", "*bufio.Writer").
func types(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + types(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// TestExportedFieldsDocumented: every exported field of the public
// packages has a doc comment (headers.Field, headers.Param,
// ClosingBody.CloseFunc, HopByHopError and validate.Error had none).
func TestExportedFieldsDocumented(t *testing.T) {
	root := moduleRoot(t)
	for dir := range libraryFiles(t, root) {
		fset := token.NewFileSet()
		paths, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		for _, path := range paths {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range undocumentedFields(fset, f) {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s: exported field %s has no doc comment", rel, name)
			}
		}
	}
}

// structTypes maps each public package's name to its exported struct
// types that have fields: {"headers": {"Field", "Param"}, ...}.
func structTypes(pkgs map[string][]*ast.File) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, files := range pkgs {
		for _, f := range files {
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, spec := range gd.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					if st, isStruct := ts.Type.(*ast.StructType); isStruct && ts.Name.IsExported() && len(st.Fields.List) > 0 {
						if out[f.Name.Name] == nil {
							out[f.Name.Name] = map[string]bool{}
						}
						out[f.Name.Name][ts.Name.Name] = true
					}
				}
			}
		}
	}
	return out
}

// unkeyed parses a Go snippet (a file, declarations or statements) and
// returns each literal of one of the module's struct types written without
// field names: headers.Param{"filename", "bud.gif"} is one,
// headers.Param{Name: "filename"} is not. A snippet that is not Go (a
// grammar, a sample response) gives nothing.
func unkeyed(snippet string, structs map[string]map[string]bool) []string {
	var f *ast.File
	for _, wrap := range []string{"%s", "package p\n%s", "package p\nfunc _() {\n%s\n}"} {
		var err error
		if f, err = parser.ParseFile(token.NewFileSet(), "", fmt.Sprintf(wrap, snippet), 0); err == nil {
			break
		}
	}
	if f == nil {
		return nil
	}
	var found []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || len(lit.Elts) == 0 {
			return true
		}
		sel, ok := lit.Type.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || !structs[pkg.Name][sel.Sel.Name] {
			return true
		}
		if _, keyed := lit.Elts[0].(*ast.KeyValueExpr); !keyed {
			found = append(found, pkg.Name+"."+sel.Sel.Name+"{...}")
		}
		return true
	})
	return found
}

// docSnippets returns the code blocks of the README (```go fences) and of
// the doc comments of the public packages (tab-indented comment lines),
// each with where it comes from.
func docSnippets(t *testing.T, root string, pkgs map[string][]*ast.File) map[string]string {
	t.Helper()
	snippets := map[string]string{}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var block []string
	in, n := false, 0
	sc := bufio.NewScanner(strings.NewReader(string(readme)))
	for sc.Scan() {
		line := sc.Text()
		n++
		switch {
		case !in && line == "```go":
			in, block = true, nil
		case in && line == "```":
			in = false
			snippets[fmt.Sprintf("README.md:%d", n)] = strings.Join(block, "\n")
		case in:
			block = append(block, line)
		}
	}
	for dir, files := range pkgs {
		for _, f := range files {
			for _, group := range f.Comments {
				var code []string
				flush := func() {
					if len(code) > 0 {
						snippets[fmt.Sprintf("%s (package %s, %q...)", dir, f.Name.Name, code[0])] = strings.Join(code, "\n")
					}
					code = nil
				}
				for _, c := range group.List {
					if text, ok := strings.CutPrefix(c.Text, "//\t"); ok {
						code = append(code, text)
						continue
					}
					flush()
				}
				flush()
			}
		}
	}
	return snippets
}

// TestDocSnippetsKeyed: the README's Go blocks and the code in the doc
// comments write the module's struct literals with field names, as go vet
// wants of code outside the module (the params doc had
// headers.Param{"filename", "bud.gif"}).
func TestDocSnippetsKeyed(t *testing.T) {
	root := moduleRoot(t)
	pkgs := libraryFiles(t, root)
	structs := structTypes(pkgs)
	if !structs["headers"]["Param"] || !structs["headers"]["Field"] {
		t.Fatalf("struct types found: %v; want headers.Param and headers.Field among them", structs)
	}
	snippets := docSnippets(t, root, pkgs)
	if len(snippets) < 10 {
		t.Fatalf("found %d code snippets in the README and doc comments; the extraction is broken", len(snippets))
	}
	for where, code := range snippets {
		for _, lit := range unkeyed(code, structs) {
			t.Errorf("%s: unkeyed literal %s, which go vet refuses in user code", where, lit)
		}
	}
	if got := unkeyed(`h.AddHeader("a", "b", headers.Param{"filename", "bud.gif"})`, structs); len(got) != 1 {
		t.Errorf("the check misses an unkeyed headers.Param: %v", got)
	}
}

// TestExamplesVetInUserModule copies every package's example_test.go into
// a module of its own that requires this one through a replace, as a user
// who pastes an example would, and runs go vet there.
func TestExamplesVetInUserModule(t *testing.T) {
	if testing.Short() {
		t.Skip("vets a module")
	}
	root := moduleRoot(t)
	dir := t.TempDir()
	examples := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "benchmarks" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != "example_test.go" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.PackageClauseOnly)
		if err != nil {
			return err
		}
		if !strings.HasSuffix(f.Name.Name, "_test") {
			return nil // a main package's example runs its own code
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		if err := os.MkdirAll(filepath.Join(dir, rel), 0o755); err != nil {
			return err
		}
		examples++
		return os.WriteFile(filepath.Join(dir, rel, "example_test.go"), src, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if examples < 5 {
		t.Fatalf("found %d example files", examples)
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, args := range [][]string{
		{"mod", "init", "example.com/user"},
		{"mod", "edit", "-require", "github.com/gowsgi/wsgiref@v0.0.0-00010101000000-000000000000", "-replace", "github.com/gowsgi/wsgiref=" + root},
		{"mod", "tidy"},
		{"vet", "./..."},
	} {
		cmd := exec.CommandContext(ctx, gobin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
