package main

import (
	"fmt"
	"strings"

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

// tableEntry is the route's element of the Routes table.
func (g *gen) tableEntry(r *route) jen.Code {
	names, _ := routeParams(r)
	pathFunc := g.n.path + g.builders[r]
	fields := []jen.Code{
		jen.Id("Method").Op(":").Lit(r.method),
		jen.Id("Path").Op(":").Lit(r.path),
		jen.Id("Handler").Op(":").Lit(r.handler),
		jen.Id("Line").Op(":").Lit(r.line),
	}
	var build jen.Code
	if len(names) > 0 {
		fields = append(fields, jen.Id("Params").Op(":").Id(g.argVarOf(names)))
		var vals []jen.Code
		for i := range names {
			vals = append(vals, jen.Id("v").Index(jen.Lit(i)))
		}
		build = jen.Func().Params(jen.Id("v").Index().String()).Params(jen.String(), jen.Error()).Block(
			jen.Return(jen.Id(pathFunc).Call(vals...)))
	} else {
		build = jen.Func().Params(jen.Index().String()).Params(jen.String(), jen.Error()).Block(
			jen.Return(jen.Id(pathFunc).Call(), jen.Nil()))
	}
	return jen.Values(append(fields, jen.Id("Build").Op(":").Add(build))...)
}

// builder writes the two builders of a route:
//
//	// PathGetReposByOwnerByRepo builds the path of GET /repos/:owner/:repo ...
//	func PathGetReposByOwnerByRepo(owner, repo string) (path string, err error) {
//		if owner, err = routing.Segment("owner", owner); err != nil {
//			return "", err
//		}
//		...
//		return "/repos/" + owner + "/" + repo, nil
//	}
//
// and URLGetReposByOwnerByRepo(env, owner, repo), the absolute form. A
// route without parameters cannot fail: its builders return the path
// alone.
func (g *gen) builder(f *jen.File, r *route) {
	names, ids := routeParams(r)
	pathFunc, urlFunc := g.n.path+g.builders[r], g.n.url+g.builders[r]
	where := fmt.Sprintf("%s %s (%s:%d)", r.method, r.path, g.c.source, r.line)

	// The path expression: the static text quoted now, the values quoted
	// by the checks before it.
	var expr *jen.Statement
	lit := ""
	k := 0
	for _, s := range r.segs {
		switch s.kind {
		case static:
			lit += "/" + wsgiutil.Quote(s.text, "/;=,")
			continue
		case param:
			lit += "/"
		}
		part := jen.Id(ids[k])
		k++
		if lit != "" {
			part = jen.Lit(lit).Op("+").Add(part)
			lit = ""
		}
		if expr == nil {
			expr = part
		} else {
			expr = expr.Op("+").Add(part)
		}
	}
	switch {
	case expr == nil:
		expr = jen.Lit(lit)
	case lit != "":
		expr = expr.Op("+").Lit(lit)
	}

	var params []jen.Code
	if len(ids) > 0 {
		var list []jen.Code
		for _, id := range ids {
			list = append(list, jen.Id(id))
		}
		params = []jen.Code{jen.List(list...).String()}
	}
	urlParams := append([]jen.Code{jen.Id("env").Op("*").Qual(wsgirefPath, "Environ")}, params...)
	var args []jen.Code
	for _, id := range ids {
		args = append(args, jen.Id(id))
	}

	if len(ids) == 0 {
		f.Commentf("%s returns the path of %s.", pathFunc, where)
		f.Func().Id(pathFunc).Params().String().Block(jen.Return(expr))
		f.Commentf("%s returns the absolute URL of %s under the", urlFunc, where)
		f.Comment("application root of env (routing.AbsoluteURL): env's SCRIPT_NAME is the router's mount point.")
		f.Func().Id(urlFunc).Params(urlParams...).String().Block(
			jen.Return(jen.Qual(routingPath, "AbsoluteURL").Call(jen.Id("env"), jen.Id(pathFunc).Call())))
		return
	}
	var body []jen.Code
	for i, id := range ids {
		check := "Segment"
		if r.segs[len(r.segs)-1].kind == catchAll && i == len(ids)-1 {
			check = "Rest"
		}
		body = append(body, jen.If(
			jen.List(jen.Id(id), jen.Id("err")).Op("=").Qual(routingPath, check).Call(jen.Lit(names[i]), jen.Id(id)),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Lit(""), jen.Err())))
	}
	body = append(body, jen.Return(expr, jen.Nil()))
	f.Commentf("%s returns the path of %s with %s, each", pathFunc, where, strings.Join(ids, ", "))
	f.Comment("percent-encoded so that the request for it routes back to the same values")
	f.Comment("(routing.Segment, routing.Rest); a value no request path can carry is a *routing.BuildError.")
	f.Func().Id(pathFunc).Params(params...).Params(jen.Id("path").String(), jen.Err().Error()).Block(body...)
	f.Commentf("%s returns the absolute URL of %s under the", urlFunc, where)
	f.Comment("application root of env (routing.AbsoluteURL): env's SCRIPT_NAME is the router's mount point.")
	f.Func().Id(urlFunc).Params(urlParams...).Params(jen.String(), jen.Error()).Block(
		jen.List(jen.Id("path"), jen.Err()).Op(":=").Id(pathFunc).Call(args...),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(""), jen.Err())),
		jen.Return(jen.Qual(routingPath, "AbsoluteURL").Call(jen.Id("env"), jen.Id("path")), jen.Nil()),
	)
}
