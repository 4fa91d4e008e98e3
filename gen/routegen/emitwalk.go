package main

import (
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"
)

// splitMin is the size, in routes, of a subtree under a static segment
// that gets a method of its own. The compiler stops inlining into very
// large functions, and the walk's Next must inline; small routers stay in
// one function.
const splitMin = 8

// maxInline is the most routes one function holds inline: past it, every
// further subtree goes to a method of its own, so that no function grows
// with the route file and the compile time stays linear in the routes
// (the compiler's cost per function grows faster than its size).
const maxInline = 128

// capture is a parameter on the way down: its name and the variable
// holding its value in the generated code.
type capture struct {
	name string
	val  jen.Code
	id   string // the variable holding val, for a parameter ("" for a catch-all)
}

func with(caps []capture, c capture) []capture {
	return append(caps[:len(caps):len(caps)], c)
}

// node writes the code of one tree node at depth d. The position before
// the node's segment is in i<d>; the segment after it goes to s<d+1> and
// the position after it to i<d+1>. A branch that matches returns; one that
// does not falls through to the next alternative, which is how the switch
// tree backtracks from a static segment to a parameter to a catch-all.
// where is the derived name of the path so far, for split-off methods.
//
// The code of a node with routes ending there and children:
//
//	if s2, i2, ok := p.Next(i1); !ok {
//		switch m { ... }           // the routes ending here
//		allow |= routerGetHead
//	} else {
//		switch s2 { case "keys": ... }
//		if user := s2; user != "" { ... }
//	}
func (g *gen) node(n *node, d int, caps []capture, where string) []jen.Code {
	if tail, depth, end := g.chain(n); end != nil {
		// A chain of static segments to one route's end: one Tail call.
		pos := fmt.Sprintf("i%d", d+depth)
		return []jen.Code{jen.If(
			jen.List(jen.Id(pos), jen.Id("ok")).Op(":=").Id("p").Dot("Tail").Call(jen.Id(fmt.Sprintf("i%d", d)), jen.Lit(tail)),
			jen.Id("ok"),
		).Block(g.methods(end.leaf, jen.Id(pos), caps)...)}
	}
	g.load += len(n.leaf) + len(n.rest) // written into this function
	var out []jen.Code
	iv := jen.Id(fmt.Sprintf("i%d", d))
	sv, nv := fmt.Sprintf("s%d", d+1), fmt.Sprintf("i%d", d+1)
	hasLeaf := len(n.leaf) > 0
	hasKids := len(n.statics) > 0 || n.param != nil || g.dropsSlash(n)
	// With -redirect-slash, the end of the path at a node with no route
	// here but a "/x/" route below asks for the slash.
	var addSlash []jen.Code
	if g.c.redirectSlash {
		if c := n.statics[""]; c != nil && len(c.leaf) > 0 {
			addSlash = g.probe(c.leaf, n.leaf, "SlashAdd")
		}
	}
	if hasKids || hasLeaf || len(addSlash) > 0 {
		segVar := jen.Id(sv)
		if !hasKids {
			segVar = jen.Id("_")
		}
		next := jen.List(segVar, jen.Id(nv), jen.Id("ok")).Op(":=").Id("p").Dot("Next").Call(iv)
		var end []jen.Code
		if hasLeaf {
			end = g.methods(n.leaf, jen.Id(nv), caps)
		}
		end = append(end, addSlash...)
		var kids []jen.Code
		if hasKids {
			kids = g.kids(n, d, caps, where)
		}
		switch {
		case len(end) > 0 && len(kids) == 1 && n.param != nil && len(n.statics) == 0 && !g.dropsSlash(n):
			// Only a parameter below: else if.
			out = append(out, jen.If(next, jen.Op("!").Id("ok")).Block(end...).Else().Add(kids[0]))
		case len(end) > 0 && len(kids) > 0:
			out = append(out, jen.If(next, jen.Op("!").Id("ok")).Block(end...).Else().Block(kids...))
		case len(end) > 0:
			out = append(out, jen.If(next, jen.Op("!").Id("ok")).Block(end...))
		default:
			out = append(out, jen.If(next, jen.Id("ok")).Block(kids...))
		}
	}
	if len(n.rest) > 0 {
		rest := jen.Id("p").Dot("Rest").Call(iv)
		out = append(out, g.methods(n.rest, iv, with(caps, capture{n.rname, rest, ""}))...)
	}
	return out
}

// chain finds the static segments below n that lead, one child at a time,
// to a node with routes and nothing else: "/stats/punch_card" below
// "/repos/:owner/:repo". It returns them as a path, their number and the
// end node, or a nil node when n does not start such a chain.
//
// With -redirect-slash the walk goes a segment at a time, to see the
// trailing slash on the way.
func (g *gen) chain(n *node) (tail string, depth int, end *node) {
	if g.c.redirectSlash {
		return "", 0, nil
	}
	for len(n.leaf) == 0 && len(n.rest) == 0 && n.param == nil && len(n.statics) == 1 {
		for k, c := range n.statics {
			tail += "/" + k
			n = c
		}
		depth++
	}
	if depth == 0 || len(n.leaf) == 0 || len(n.rest) > 0 || n.param != nil || len(n.statics) > 0 {
		return "", 0, nil
	}
	return tail, depth, n
}

// kids writes the children of a node: the static segments in a switch,
// then the parameter for any other non-empty segment. A child too big to
// stay in the function goes to a method of its own.
func (g *gen) kids(n *node, d int, caps []capture, where string) []jen.Code {
	var out []jen.Code
	sv := fmt.Sprintf("s%d", d+1)
	if len(n.statics) > 0 || g.dropsSlash(n) {
		var cases []jen.Code
		// The small children that do not fit in this function go to chunk
		// methods, several to one, so that a wide node (a thousand first
		// segments) makes a few functions, not a thousand.
		var chunk []string
		chunkLoad := 0
		flush := func() {
			if len(chunk) > 0 {
				cases = append(cases, g.chunk(n, d, caps, where, chunk))
				chunk, chunkLoad = nil, 0
			}
		}
		for _, k := range n.staticKeys() {
			child := n.statics[k]
			c := countRoutes(child)
			switch {
			case c >= splitMin:
				cases = append(cases, jen.Case(jen.Lit(k)).Block(g.caseBody(n, d, caps, where, k)...))
			case g.load+c <= maxInline:
				cases = append(cases, jen.Case(jen.Lit(k)).Block(g.caseBody(n, d, caps, where, k)...))
			default:
				if chunkLoad+c > maxInline {
					flush()
				}
				chunk = append(chunk, k)
				chunkLoad += c
			}
		}
		flush()
		if _, ok := n.statics[""]; !ok && g.dropsSlash(n) {
			cases = append(cases, jen.Case(jen.Lit("")).Block(g.dropSlash(n, d+1)...))
		}
		out = append(out, jen.Switch(jen.Id(sv)).Block(cases...))
	}
	if n.param != nil {
		id := paramIdent(n.pname)
		c := capture{n.pname, jen.Id(id), id}
		name := where + "By" + camel(n.pname)
		var body []jen.Code
		if g.load+countRoutes(n.param) > maxInline {
			body = g.split(n.param, d+1, with(caps, c), name, fmt.Sprintf("the parameter :%s", n.pname))
		} else {
			// A parameter's subtree stays in the function while it fits:
			// a call per parameter would cost every request that passes.
			body = g.node(n.param, d+1, with(caps, c), name)
		}
		out = append(out, jen.If(jen.Id(id).Op(":=").Id(sv), jen.Id(id).Op("!=").Lit("")).Block(body...))
	}
	return out
}

// caseBody is the code of the static child k of node n: its own method
// when it is big, else inline.
func (g *gen) caseBody(n *node, d int, caps []capture, where, k string) []jen.Code {
	child := n.statics[k]
	name := where + segName(k)
	var body []jen.Code
	if countRoutes(child) >= splitMin {
		body = g.split(child, d+1, caps, name, fmt.Sprintf("the segment %q", k))
	} else {
		body = g.node(child, d+1, caps, name)
	}
	if k == "" {
		body = append(body, g.dropSlash(n, d+1)...)
	}
	return body
}

// chunk writes the static children keys of node n as one method that
// switches on the segment itself, and returns the caller's case for them.
func (g *gen) chunk(n *node, d int, caps []capture, where string, keys []string) jen.Code {
	sv, pos := fmt.Sprintf("s%d", d+1), fmt.Sprintf("i%d", d+1)
	name := g.funcNameFor("route" + where + segName(keys[0]) + "To" + segName(keys[len(keys)-1]))
	params, args := g.walkParams(caps, sv, pos)
	outerSub, outerLoad := g.sub, g.load
	g.sub, g.load = true, 0
	var cases []jen.Code
	for _, k := range keys {
		cases = append(cases, jen.Case(jen.Lit(k)).Block(g.caseBody(n, d, caps, where, k)...))
	}
	g.sub, g.load = outerSub, outerLoad
	g.addFunc(name, fmt.Sprintf("the segments %q to %q at depth %d", keys[0], keys[len(keys)-1], d+1), params,
		[]jen.Code{jen.Switch(jen.Id(sv)).Block(cases...), jen.Return(jen.False(), jen.Nil(), jen.Nil())})
	var labels []jen.Code
	for _, k := range keys {
		labels = append(labels, jen.Lit(k))
	}
	return jen.Case(labels...).Block(g.callFunc(name, args)...)
}

// segName is a static segment in a method name: "git" is Git, "" (a
// trailing slash) is Slash.
func segName(s string) string {
	if s == "" {
		return "Slash"
	}
	return camel(s)
}

// split writes the subtree of child, at depth d, as a method of the
// router, and returns the code that calls it. The method gets the walk,
// the position after child's segment and the parameters captured on the
// way, under their own names.
func (g *gen) split(child *node, d int, caps []capture, where, what string) []jen.Code {
	name := g.funcNameFor("route" + where)
	pos := fmt.Sprintf("i%d", d)
	params, args := g.walkParams(caps, "", pos)
	outerSub, outerLoad := g.sub, g.load
	g.sub, g.load = true, 0
	body := g.node(child, d, caps, where)
	g.sub, g.load = outerSub, outerLoad
	if child.rest[anyMethod] == nil {
		body = append(body, jen.Return(jen.False(), jen.Nil(), jen.Nil()))
	}
	g.addFunc(name, fmt.Sprintf("%s at depth %d", what, d), params, body)
	return g.callFunc(name, args)
}

// funcNameFor returns name, made unique among the split-off methods.
func (g *gen) funcNameFor(name string) string {
	if g.funcName == nil {
		g.funcName = map[string]bool{}
	}
	for g.funcName[name] {
		name += "_"
	}
	g.funcName[name] = true
	return name
}

// walkParams are the parameters of a split-off method and the caller's
// arguments for them: the environ, start, the walk, the method, the
// segment (for a chunk) and the position given, the parameters captured so far under
// their own names, and the walk's state (the Allow set, the slash found).
func (g *gen) walkParams(caps []capture, seg, pos string) (params, args []jen.Code) {
	params = []jen.Code{
		jen.Id("env").Op("*").Qual(wsgirefPath, "Environ"),
		jen.Id("start").Qual(wsgirefPath, "StartResponse"),
		jen.Id("p").Op("*").Qual(routingPath, "Path"),
		jen.Id("m").String(),
	}
	args = []jen.Code{jen.Id("env"), jen.Id("start"), jen.Op("&").Id("p"), jen.Id("m")}
	if g.sub {
		args[2] = jen.Id("p")
	}
	if seg != "" {
		params = append(params, jen.Id(seg).String())
		args = append(args, jen.Id(seg))
	}
	params = append(params, jen.Id(pos).Int())
	args = append(args, jen.Id(pos))
	var ids []jen.Code
	for _, c := range caps {
		ids = append(ids, jen.Id(c.id))
		args = append(args, jen.Id(c.id))
	}
	if len(ids) > 0 {
		params = append(params, jen.List(ids...).String())
	}
	state := []string{"allow"}
	if g.c.redirectSlash {
		state = append(state, "slash")
	}
	for _, s := range state {
		typ := map[string]string{"allow": "MethodSet", "slash": "Slash"}[s]
		params = append(params, jen.Id(s).Op("*").Qual(routingPath, typ))
		if g.sub {
			args = append(args, jen.Id(s))
		} else {
			args = append(args, jen.Op("&").Id(s))
		}
	}
	return params, args
}

// addFunc adds a split-off method of the router.
func (g *gen) addFunc(name, what string, params, body []jen.Code) {
	g.funcs = append(g.funcs,
		jen.Commentf("%s routes the paths past %s: done", name, what),
		jen.Comment("is false when none matches, and the search goes on in the caller."),
		jen.Func().Params(jen.Id("r").Op("*").Id(g.n.router)).Id(name).Params(params...).
			Params(jen.Id("done").Bool(), jen.Id("body").Qual(wsgirefPath, "Body"), jen.Id("err").Error()).Block(body...),
		jen.Line(),
	)
}

// callFunc is the call of a split-off method: return what it served.
func (g *gen) callFunc(name string, args []jen.Code) []jen.Code {
	ret := jen.Return(jen.Id("body"), jen.Id("err"))
	if g.sub {
		ret = jen.Return(jen.True(), jen.Id("body"), jen.Id("err"))
	}
	return []jen.Code{jen.If(
		jen.List(jen.Id("done"), jen.Id("body"), jen.Id("err")).Op(":=").Id("r").Dot(name).Call(args...),
		jen.Id("done"),
	).Block(ret)}
}

// methods writes the method switch of a node's routes, committing the
// walk at position pos. A method no route takes adds the node's methods to
// the Allow set and falls through.
func (g *gen) methods(routes map[string]*route, pos jen.Code, caps []capture) []jen.Code {
	var ms []string
	for m := range routes {
		if m != anyMethod {
			ms = append(ms, m)
		}
	}
	sort.Strings(ms)
	if len(ms) == 0 {
		return g.serve(routes[anyMethod], pos, caps)
	}
	var cases []jen.Code
	for _, m := range ms {
		labels := []jen.Code{jen.Lit(m)}
		if m == "GET" && routes["HEAD"] == nil {
			labels = append(labels, jen.Lit("HEAD"))
		}
		cases = append(cases, jen.Case(labels...).Block(g.serve(routes[m], pos, caps)...))
	}
	if r := routes[anyMethod]; r != nil {
		cases = append(cases, jen.Default().Block(g.serve(r, pos, caps)...))
	}
	out := []jen.Code{jen.Switch(jen.Id("m")).Block(cases...)}
	if mask := allowed(routes, g.table); mask != 0 {
		out = append(out, g.deref("allow").Op("|=").Id(g.setName(mask)))
	}
	return out
}

// deref is a walk state variable: the variable itself in ServeWSGI, what
// its pointer points to in a split-off method.
func (g *gen) deref(name string) *jen.Statement {
	if g.sub {
		return jen.Op("*").Id(name)
	}
	return jen.Id(name)
}

// probe writes, for -redirect-slash, the code that notes fix when the
// method has a route in there but none in here (here takes precedence,
// and its own switch ran just before).
func (g *gen) probe(there, here map[string]*route, fix string) []jen.Code {
	set := jen.If(g.deref("slash").Op("==").Qual(routingPath, "SlashNone")).Block(
		g.deref("slash").Op("=").Qual(routingPath, fix))
	if there[anyMethod] != nil {
		if here[anyMethod] != nil {
			return nil
		}
		return []jen.Code{set}
	}
	var labels []jen.Code
	for _, m := range g.table {
		if choose(there, m) != nil && choose(here, m) == nil {
			labels = append(labels, jen.Lit(m))
		}
	}
	if len(labels) == 0 {
		return nil
	}
	return []jen.Code{jen.Switch(jen.Id("m")).Block(jen.Case(labels...).Block(set))}
}

// dropsSlash says whether a path ending in a slash right after node n
// needs the -redirect-slash check of dropSlash.
// A path never reaches a slash after a trailing slash: the walk collapses
// "/x//" to "/x/".
func (g *gen) dropsSlash(n *node) bool {
	if !g.c.redirectSlash || len(n.leaf) == 0 || n.trailing {
		return false
	}
	var here map[string]*route
	if c := n.statics[""]; c != nil {
		here = c.leaf
	}
	return len(g.probe(n.leaf, here, "SlashDrop")) > 0
}

// dropSlash writes, for -redirect-slash, the check of a path that ends in
// a slash right after node n, whose own routes would match it without.
func (g *gen) dropSlash(n *node, d int) []jen.Code {
	var here map[string]*route
	if c := n.statics[""]; c != nil {
		here = c.leaf
	}
	probe := g.probe(n.leaf, here, "SlashDrop")
	if !g.dropsSlash(n) {
		return nil
	}
	return []jen.Code{jen.If(jen.List(jen.Id("_"), jen.Id("_"), jen.Id("ok")).Op(":=").Id("p").Dot("Next").Call(jen.Id(fmt.Sprintf("i%d", d))), jen.Op("!").Id("ok")).Block(probe...)}
}

// serve writes the end of a route: the args, then the commit of the
// environ and the call of the application in one Path.Serve call. It is
// written out at each route rather than called through one method: that
// call cost every request a quarter of a static route's time.
func (g *gen) serve(r *route, pos jen.Code, caps []capture) []jen.Code {
	out := []jen.Code{
		jen.Comment(fmt.Sprintf("%s %s (%s:%d)", r.method, r.path, g.c.source, r.line)),
	}
	if len(caps) > 0 {
		args := []jen.Code{jen.Id("env"), jen.Id(g.argVar(caps))}
		for _, c := range caps {
			args = append(args, c.val)
		}
		out = append(out, jen.Id("r").Dot("args").Dot("Capture").Call(args...))
	}
	call := jen.Id("p").Dot("Serve").Call(
		jen.Id("env"), pos, jen.Id("r").Dot("h").Dot(r.handler), jen.Lit(r.handler), jen.Id("start"))
	if g.sub {
		return append(out, jen.List(jen.Id("body"), jen.Id("err")).Op("=").Add(call), jen.Return(jen.True(), jen.Id("body"), jen.Id("err")))
	}
	return append(out, jen.Return(call))
}

// argVar returns the package variable holding the parameter names of
// caps, declaring it the first time.
func (g *gen) argVar(caps []capture) string {
	names := make([]string, len(caps))
	for i, c := range caps {
		names[i] = c.name
	}
	return g.argVarOf(names)
}

func (g *gen) argVarOf(names []string) string {
	key := fmt.Sprint(names)
	if v, ok := g.argVars[key]; ok {
		return v
	}
	v := fmt.Sprintf("%s%d", g.n.args, len(g.argVars))
	g.argVars[key] = v
	lits := make([]jen.Code, len(names))
	for i, n := range names {
		lits[i] = jen.Lit(n)
	}
	g.argDecl = append(g.argDecl, jen.Id(v).Op("=").Index().String().Values(lits...))
	return v
}

// countRoutes is the number of routes in n's subtree, counted once.
func countRoutes(n *node) int {
	if n.count > 0 {
		return n.count
	}
	c := len(n.leaf) + len(n.rest)
	for _, k := range n.statics {
		c += countRoutes(k)
	}
	if n.param != nil {
		c += countRoutes(n.param)
	}
	n.count = c
	return c
}
