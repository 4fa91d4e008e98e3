package main

import (
	"fmt"
	"go/token"
	"regexp"
	"strings"
)

// The generated code names a parameter's variable after the parameter
// ("owner", "repo"), in the walk, in the split-off methods and in the
// builders. These names are taken by the generated code itself, or are
// Go's: a parameter of that name gets the suffix "Arg" ("type" becomes
// typeArg).
var takenIdents = map[string]bool{
	"_": true, "env": true, "start": true, "p": true, "m": true, "r": true,
	"allow": true, "slash": true, "ok": true, "done": true, "body": true,
	"err": true, "path": true, "v": true, "wsgiref": true, "routing": true,
	// predeclared identifiers
	"any": true, "append": true, "bool": true, "byte": true, "cap": true,
	"clear": true, "close": true, "comparable": true, "complex": true,
	"complex128": true, "complex64": true, "copy": true, "delete": true,
	"error": true, "false": true, "float32": true, "float64": true,
	"imag": true, "int": true, "int16": true, "int32": true, "int64": true,
	"int8": true, "iota": true, "len": true, "make": true, "max": true,
	"min": true, "new": true, "nil": true, "panic": true, "print": true,
	"println": true, "real": true, "recover": true, "rune": true,
	"string": true, "true": true, "uint": true, "uint16": true,
	"uint32": true, "uint64": true, "uint8": true, "uintptr": true,
}

// walkVar matches the walk's own variables: s1 (a segment), i1 (a
// position).
var walkVar = regexp.MustCompile(`^[si][0-9]+$`)

// paramIdent is the Go variable of parameter name.
func paramIdent(name string) string {
	if takenIdents[name] || token.IsKeyword(name) || walkVar.MatchString(name) {
		return name + "Arg"
	}
	return name
}

// checkIdents refuses a route whose parameters map to one variable
// ("type" and "typeArg"): the builder could not take both.
func (g *gen) checkIdents(routes []*route) error {
	e := &errs{file: g.c.source}
	for _, r := range routes {
		seen := map[string]string{}
		for _, s := range r.segs {
			if s.kind == static {
				continue
			}
			id := paramIdent(s.text)
			if other, dup := seen[id]; dup {
				e.add(r.line, "%s %s: parameters %q and %q are both the Go variable %s: rename one", r.method, r.path, other, s.text, id)
			}
			seen[id] = s.text
		}
	}
	return e.err()
}

// setName returns the constant that names a method set in the generated
// code, declaring it the first time: GET, HEAD and POST is getHeadPost
// (with the router's prefix), so that a reader sees allow |= getHeadPost
// rather than a mask.
func (g *gen) setName(mask uint64) string {
	if name, ok := g.sets[mask]; ok {
		return name
	}
	var b strings.Builder
	var spelled []string
	for i, m := range g.table {
		if mask&(1<<i) != 0 {
			b.WriteString(camel(strings.ToLower(m)))
			spelled = append(spelled, m)
		}
	}
	name := g.n.lower + b.String()
	if !token.IsIdentifier(name) || g.setNames[name] {
		name = fmt.Sprintf("%sSet%d", g.n.lower, len(g.sets))
	}
	g.sets[mask] = name
	g.setNames[name] = true
	g.setDecl = append(g.setDecl, setDecl{name, mask, strings.Join(spelled, ", ")})
	return name
}

// setDecl is one method-set constant.
type setDecl struct {
	name    string
	mask    uint64
	methods string
}
