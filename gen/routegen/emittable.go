package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"
	"github.com/gowsgi/wsgiref/routing"
)

// tableMin is the number of routes from which the router is a
// routing.Table rather than a switch tree. The switch tree is the faster
// walk, but the compiler spends about 3 ms of CPU on each route it
// writes out (5,000 routes: 17 s and 1.5 GB), while a table is data
// that compiles in no time at any size. The GitHub API's 203 routes stay
// a switch tree.
const tableMin = 500

// The shapes of the generated router, for -shape.
const (
	shapeAuto   = ""       // a switch tree below tableMin routes, else a table
	shapeSwitch = "switch" // nested switches, split into methods
	shapeTable  = "table"  // a routing.Table walked by routing
)

// useTable says whether the router of these routes is a table.
func (c *config) useTable(routes int) bool {
	switch c.shape {
	case shapeTable:
		return true
	case shapeSwitch:
		return false
	}
	return routes >= tableMin
}

// tableOf is the tree as a routing.Table over the method table methods:
// the nodes numbered depth first (the root is 0), a route known by its
// index in routes. It returns each node's path too, for the comments. The
// routes carry their handler and parameter names, what a walk needs, so
// that the tests serve requests through the table itself.
func tableOf(routes []*route, root *node, methods []string) (routing.Table, []string) {
	index := map[*route]int32{}
	t := routing.Table{Methods: methods}
	for i, r := range routes {
		index[r] = int32(i)
		names, _ := routeParams(r)
		t.Routes = append(t.Routes, routing.Route{Method: r.method, Path: r.path, Handler: r.handler, Line: r.line,
			Pattern: &routing.Pattern{Names: names}})
	}
	leaves := func(rs map[string]*route) []routing.Leaf {
		ms := make([]string, 0, len(rs))
		for m := range rs {
			ms = append(ms, m)
		}
		sort.Strings(ms) // "ANY" sorts first: the walk's rule does not depend on the order
		var out []routing.Leaf
		for _, m := range ms {
			out = append(out, routing.Leaf{Method: m, Route: index[rs[m]]})
		}
		return out
	}
	var paths []string
	var number func(n *node, path string) int32
	number = func(n *node, path string) int32 {
		id := int32(len(t.Nodes))
		t.Nodes = append(t.Nodes, routing.Node{})
		paths = append(paths, path)
		var nd routing.Node
		for _, k := range n.staticKeys() {
			nd.Statics = append(nd.Statics, routing.Static{Segment: k, Node: number(n.statics[k], path+"/"+k)})
		}
		if n.param != nil {
			nd.Param = number(n.param, path+"/:"+n.pname)
		}
		if len(n.leaf) > 0 {
			nd.Leaf, nd.LeafAllow = leaves(n.leaf), routing.MethodSet(allowed(n.leaf, methods))
		}
		if len(n.rest) > 0 {
			nd.Rest, nd.RestAllow = leaves(n.rest), routing.MethodSet(allowed(n.rest, methods))
			path += " (and /*" + n.rname + ")"
		}
		if path == "" {
			path = "the root"
		}
		t.Nodes[id], paths[id] = nd, path
		return id
	}
	number(root, "")
	return t, paths
}

// tableNodes writes the nodes of the table of the tree, each with a
// comment naming its path and the handlers of its routes:
//
//	// 1: /users, GET GetUsers
//	{Statics: []routing.Static{{Segment: "keys", Node: 2}}, Param: 3, Leaf: []routing.Leaf{{Method: "GET", Route: 0}}, LeafAllow: routerGetHead},
func (g *gen) tableNodes(routes []*route, root *node) []jen.Code {
	t, paths := tableOf(routes, root, g.table)
	leaves := func(ls []routing.Leaf) (jen.Code, string) {
		var out []jen.Code
		var what []string
		for _, l := range ls {
			out = append(out, jen.Values(jen.Id("Method").Op(":").Lit(l.Method), jen.Id("Route").Op(":").Lit(int(l.Route))))
			what = append(what, l.Method+" "+routes[l.Route].handler)
		}
		return jen.Index().Qual(routingPath, "Leaf").Values(out...), strings.Join(what, ", ")
	}
	var out []jen.Code
	for i, nd := range t.Nodes {
		var fields []jen.Code
		comment := fmt.Sprintf("%d: %s", i, paths[i])
		if len(nd.Statics) > 0 {
			// One segment a line past a few, so that a wide node reads
			// down the page.
			wide := len(nd.Statics) > 4
			var kids []jen.Code
			for _, st := range nd.Statics {
				kid := jen.Values(jen.Id("Segment").Op(":").Lit(st.Segment), jen.Id("Node").Op(":").Lit(int(st.Node)))
				if wide {
					kid = jen.Line().Add(kid)
				}
				kids = append(kids, kid)
			}
			if wide {
				kids = append(kids, jen.Line())
			}
			fields = append(fields, jen.Id("Statics").Op(":").Index().Qual(routingPath, "Static").Values(kids...))
		}
		if nd.Param != 0 {
			fields = append(fields, jen.Id("Param").Op(":").Lit(int(nd.Param)))
		}
		if len(nd.Leaf) > 0 {
			code, what := leaves(nd.Leaf)
			fields = append(fields, jen.Id("Leaf").Op(":").Add(code))
			if nd.LeafAllow != 0 {
				fields = append(fields, jen.Id("LeafAllow").Op(":").Id(g.setName(uint64(nd.LeafAllow))))
			}
			comment += ", " + what
		}
		if len(nd.Rest) > 0 {
			code, what := leaves(nd.Rest)
			fields = append(fields, jen.Id("Rest").Op(":").Add(code))
			if nd.RestAllow != 0 {
				fields = append(fields, jen.Id("RestAllow").Op(":").Id(g.setName(uint64(nd.RestAllow))))
			}
			comment += ", mounted " + what
		}
		out = append(out, jen.Line().Comment(comment).Line().Values(fields...))
	}
	return append(out, jen.Line())
}

// tableServe writes the table of the nodes and the ServeWSGI that walks
// it.
func (g *gen) tableServe(f *jen.File, nodes []jen.Code) {
	n := g.n
	f.Commentf("%s is the route tree of %s as data, walked by routing.Table.Serve;", n.table, g.c.source)
	f.Comment("each node's comment is its path, a Route its index in " + n.routes + ".")
	fields := jen.Dict{
		jen.Id("Routes"):  jen.Id(n.routes),
		jen.Id("Methods"): jen.Id(n.methods),
		jen.Id("Nodes"):   jen.Index().Qual(routingPath, "Node").Values(nodes...),
	}
	if g.c.redirectSlash {
		fields[jen.Id("RedirectSlash")] = jen.True()
	}
	f.Var().Id(n.table).Op("=").Qual(routingPath, "Table").Values(fields)
	f.Comment("ServeWSGI routes the request; see the type's documentation.")
	f.Func().Params(jen.Id("r").Op("*").Id(n.router)).Id("ServeWSGI").Params(
		jen.Id("env").Op("*").Qual(wsgirefPath, "Environ"),
		jen.Id("start").Qual(wsgirefPath, "StartResponse"),
	).Params(jen.Qual(wsgirefPath, "Body"), jen.Error()).Block(
		jen.Return(jen.Id(n.table).Dot("Serve").Call(jen.Id("env"), jen.Id("start"), jen.Id("r").Dot("apps"), jen.Op("&").Id("r").Dot("args"), jen.Id("r").Dot("NotFound"))),
	)
}
