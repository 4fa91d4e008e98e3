package main

import (
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// builderNames gives each route the name of its builders, after the Path
// or URL prefix: the handler's name when the handler serves that route
// alone, else the name derived from the method and the path (two routes
// sharing a Mount handler get GetMount and PostMount), with the line
// number added if that is taken too.
func builderNames(routes []*route) map[*route]string {
	serves := map[string]int{}
	for _, r := range routes {
		serves[r.handler]++
	}
	taken := map[string]bool{}
	for _, r := range routes {
		if serves[r.handler] == 1 {
			taken[r.handler] = true
		}
	}
	names := map[*route]string{}
	for _, r := range routes {
		name := r.handler
		if serves[r.handler] > 1 {
			name = deriveName(r)
			if taken[name] || !isGoName(name) {
				name = fmt.Sprintf("%sLine%d", name, r.line)
			}
			taken[name] = true
		}
		names[r] = name
	}
	return names
}

func isGoName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return !('0' <= s[0] && s[0] <= '9')
}

// routeParams are the names of a route's parameters in path order, and
// their Go variables.
func routeParams(r *route) (names, ids []string) {
	for _, s := range r.segs {
		if s.kind != static {
			names = append(names, s.text)
			ids = append(ids, paramIdent(s.text))
		}
	}
	return names, ids
}

// pattern returns the package variable holding the routing.Pattern of
// r, declaring it the first time; routes of the same shape share one.
func (g *gen) pattern(r *route) string {
	names, _ := routeParams(r)
	pieces := []string{""}
	rest := false
	for _, s := range r.segs {
		last := &pieces[len(pieces)-1]
		switch s.kind {
		case static:
			*last += "/" + wsgiutil.Quote(s.text, "/;=,")
		case param:
			*last += "/"
			pieces = append(pieces, "")
		case catchAll:
			pieces = append(pieces, "")
			rest = true
		}
	}
	key := fmt.Sprintf("%q %q %v", pieces, names, rest)
	if v, ok := g.patterns[key]; ok {
		return v
	}
	v := fmt.Sprintf("%sPattern%d", g.n.lower, len(g.patterns))
	g.patterns[key] = v
	var lits []jen.Code
	for _, p := range pieces {
		lits = append(lits, jen.Lit(p))
	}
	fields := jen.Dict{jen.Id("Pieces"): jen.Index().String().Values(lits...)}
	if len(names) > 0 {
		fields[jen.Id("Names")] = jen.Id(g.argVarOf(names))
	}
	if rest {
		fields[jen.Id("Rest")] = jen.True()
	}
	g.patternDecl = append(g.patternDecl, jen.Id(v).Op("=").Qual(routingPath, "Pattern").Values(fields))
	g.patternPath[v] = pieces[0]
	return v
}

// tableEntry is the route's element of the Routes table.
func (g *gen) tableEntry(r *route) jen.Code {
	return jen.Values(
		jen.Id("Method").Op(":").Lit(r.method),
		jen.Id("Path").Op(":").Lit(r.path),
		jen.Id("Handler").Op(":").Lit(r.handler),
		jen.Id("Line").Op(":").Lit(r.line),
		jen.Id("Pattern").Op(":").Op("&").Id(g.pattern(r)),
	)
}

// builder writes the two builders of a route, PathX and URLX:
//
//	// PathGetReposByOwnerByRepo returns the path of GET /repos/:owner/:repo ...
//	func PathGetReposByOwnerByRepo(owner, repo string) (string, error) {
//		return routerPath2(&routerPattern7, owner, repo)
//	}
//
// A route without parameters cannot fail: its builders return the path
// alone. The escaping is routing.Pattern's, shared by every builder, so
// that a builder is one line and a big route file compiles fast; the
// call goes through a helper per parameter count (builderHelpers).
func (g *gen) builder(f *jen.File, r *route) {
	_, ids := routeParams(r)
	pathFunc, urlFunc := g.n.path+g.builders[r], g.n.url+g.builders[r]
	where := fmt.Sprintf("%s %s (%s:%d)", r.method, r.path, g.c.source, r.line)
	pat := g.pattern(r)
	env := jen.Id("env").Op("*").Qual(wsgirefPath, "Environ")
	if len(ids) == 0 {
		path := g.patternPath[pat]
		f.Commentf("%s returns the path of %s.", pathFunc, where)
		f.Func().Id(pathFunc).Params().String().Block(jen.Return(jen.Lit(path)))
		f.Commentf("%s returns the absolute URL of %s under env's", urlFunc, where)
		f.Comment("application root (routing.AbsoluteURL): env's SCRIPT_NAME is the router's mount point.")
		f.Func().Id(urlFunc).Params(env).String().Block(
			jen.Return(jen.Qual(routingPath, "AbsoluteURL").Call(jen.Id("env"), jen.Lit(path))))
		return
	}
	var list []jen.Code
	for _, id := range ids {
		list = append(list, jen.Id(id))
	}
	f.Commentf("%s returns the path of %s, the values", pathFunc, where)
	f.Comment("percent-encoded so that a request for it routes back to them; a value no")
	f.Comment("request path can carry is a *routing.BuildError (see routing.Segment and routing.Rest).")
	ref := jen.Op("&").Id(pat)
	f.Func().Id(pathFunc).Params(jen.List(list...).String()).Params(jen.String(), jen.Error()).Block(
		jen.Return(jen.Id(g.helper("Path", len(ids))).Call(append([]jen.Code{ref}, list...)...)))
	f.Commentf("%s returns the absolute URL of %s under env's", urlFunc, where)
	f.Comment("application root (routing.AbsoluteURL): env's SCRIPT_NAME is the router's mount point.")
	f.Func().Id(urlFunc).Params(env, jen.List(list...).String()).Params(jen.String(), jen.Error()).Block(
		jen.Return(jen.Id(g.helper("URL", len(ids))).Call(append([]jen.Code{jen.Op("&").Id(pat), jen.Id("env")}, list...)...)))
}

// helper is the name of the builder helper of kind Path or URL for n
// parameters, noting that the file needs it.
func (g *gen) helper(kind string, n int) string {
	if g.arities == nil {
		g.arities = map[int]bool{}
	}
	g.arities[n] = true
	return fmt.Sprintf("%s%s%d", g.n.lower, kind, n)
}

// builderHelpers writes the helpers the builders call, two per parameter
// count, which pass the values on to routing.Pattern's variadic methods:
//
//	//go:noinline
//	func routerPath2(p *routing.Pattern, v0, v1 string) (string, error) {
//		return p.Path(v0, v1)
//	}
//
// A builder that made the variadic call itself would build the slice of
// values in its own body, which costs the compiler about a fifth of a
// millisecond a builder (1 CPU-s for 5,000 routes); noinline keeps the
// slice here, once.
func (g *gen) builderHelpers(f *jen.File) {
	var counts []int
	for n := range g.arities {
		counts = append(counts, n)
	}
	sort.Ints(counts)
	for _, n := range counts {
		var params, vals []jen.Code
		for i := range n {
			v := fmt.Sprintf("v%d", i)
			params, vals = append(params, jen.Id(v)), append(vals, jen.Id(v))
		}
		p := jen.Id("p").Op("*").Qual(routingPath, "Pattern")
		env := jen.Id("env").Op("*").Qual(wsgirefPath, "Environ")
		path, url := g.helper("Path", n), g.helper("URL", n)
		what := fmt.Sprintf("%d parameters", n)
		if n == 1 {
			what = "1 parameter"
		}
		f.Commentf("%s builds the path of a route of %s; see builderHelpers in", path, what)
		f.Comment("routegen for why the builders call it.")
		f.Comment("//go:noinline")
		f.Func().Id(path).Params(p, jen.List(params...).String()).Params(jen.String(), jen.Error()).Block(
			jen.Return(jen.Id("p").Dot("Path").Call(vals...)))
		f.Commentf("%s builds the absolute URL of a route of %s.", url, what)
		f.Comment("//go:noinline")
		f.Func().Id(url).Params(p, env, jen.List(params...).String()).Params(jen.String(), jen.Error()).Block(
			jen.Return(jen.Id("p").Dot("URL").Call(append([]jen.Code{jen.Id("env")}, vals...)...)))
	}
}
