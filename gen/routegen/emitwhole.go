package main

import (
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"
)

// A static route (no parameter, no catch-all) matches one PATH_INFO, its
// literal path, so the switch tree's ServeWSGI first compares the whole
// PATH_INFO with the literals of the static routes and serves a match
// without cutting the path into segments (see routing/whole.go for why
// that is what the walk would do):
//
//	m, path, base := env.MethodPath()
//	switch routing.WholePath(path, base) {
//	case "/user/repos":
//		switch m {
//		case "GET", "HEAD":
//			// GET /user/repos (routes.txt:1)
//			return routing.ServeWhole(env, path, r.h.GetUserRepos, "GetUserRepos", start)
//		}
//	}
//
// A method the route does not take falls through to the walk. Past
// maxInline static routes there is no such switch: it would make
// ServeWSGI too big for the compiler to inline the walk into it, and a
// route file that big is a table (see -shape) anyway.

// wholeRoute is a node that static routes end at, with its literal path
// as PATH_INFO holds it.
type wholeRoute struct {
	path string
	n    *node
}

// wholeRoutes returns the nodes below n that static routes end at, the
// segments in sorted order at each node; prefix is the path of n.
func wholeRoutes(n *node, prefix string) []wholeRoute {
	var out []wholeRoute
	if len(n.leaf) > 0 && prefix != "" {
		out = append(out, wholeRoute{prefix, n})
	}
	for _, k := range n.staticKeys() {
		out = append(out, wholeRoutes(n.statics[k], prefix+"/"+k)...)
	}
	return out
}

// whole writes the switch on the whole PATH_INFO, or nothing when the
// route file has no static route or too many.
func (g *gen) whole(root *node) []jen.Code {
	routes := wholeRoutes(root, "")
	count := 0
	for _, w := range routes {
		count += len(w.n.leaf)
	}
	if count == 0 || count > maxInline {
		return nil
	}
	var cases []jen.Code
	for _, w := range routes {
		cases = append(cases, jen.Case(jen.Lit(w.path)).Block(g.wholeMethods(w.n.leaf)...))
	}
	return []jen.Code{jen.Switch(jen.Qual(routingPath, "WholePath").Call(jen.Id("path"), jen.Id("base"))).Block(cases...)}
}

// wholeMethods is the method switch of a static route's node in the whole
// switch: as in the walk's, without the Allow set, which the walk builds
// when no method matches.
func (g *gen) wholeMethods(routes map[string]*route) []jen.Code {
	var ms []string
	for m := range routes {
		if m != anyMethod {
			ms = append(ms, m)
		}
	}
	sort.Strings(ms)
	if len(ms) == 0 {
		return g.serveWhole(routes[anyMethod])
	}
	var cases []jen.Code
	for _, m := range ms {
		labels := []jen.Code{jen.Lit(m)}
		if m == "GET" && routes["HEAD"] == nil {
			labels = append(labels, jen.Lit("HEAD"))
		}
		cases = append(cases, jen.Case(labels...).Block(g.serveWhole(routes[m])...))
	}
	if r := routes[anyMethod]; r != nil {
		cases = append(cases, jen.Default().Block(g.serveWhole(r)...))
	}
	return []jen.Code{jen.Switch(jen.Id("m")).Block(cases...)}
}

// serveWhole is the end of a static route matched whole.
func (g *gen) serveWhole(r *route) []jen.Code {
	return []jen.Code{
		jen.Comment(fmt.Sprintf("%s %s (%s:%d)", r.method, r.path, g.c.source, r.line)),
		jen.Return(jen.Qual(routingPath, "ServeWhole").Call(
			jen.Id("env"), jen.Id("path"), jen.Id("r").Dot("h").Dot(r.handler), jen.Lit(r.handler), jen.Id("start"))),
	}
}
