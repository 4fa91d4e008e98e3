package main

import (
	"fmt"
	"strings"
)

const (
	wsgirefPath = "github.com/gowsgi/wsgiref"
	routingPath = "github.com/gowsgi/wsgiref/routing"
)

// config is what the command line asks for.
type config struct {
	pkg           string // the package of the generated file
	name          string // prefix of the generated names, "" for Router, Handlers, ...
	source        string // the route file's base name, for comments
	redirectSlash bool   // answer 301/308 where the path with its trailing slash changed matches
	shape         string // shapeAuto, shapeSwitch or shapeTable
}

// names are the identifiers of one generated router.
type names struct {
	router, handlers, newFunc, routes, methods, args string
	table                                            string // the routing.Table of the table shape
	lower                                            string // the lower-case prefix of unexported names
	path, url                                        string // prefixes of the builders
}

func (c *config) names() names {
	lower := strings.ToLower(c.name[:min(1, len(c.name))]) + c.name[min(1, len(c.name)):]
	if lower == "" {
		lower = "router"
	} else {
		lower += "Router"
	}
	return names{
		router:   c.name + "Router",
		handlers: c.name + "Handlers",
		newFunc:  "New" + c.name + "Router",
		routes:   c.name + "Routes",
		methods:  lower + "Methods",
		args:     lower + "Args",
		table:    lower + "Table",
		lower:    lower,
		path:     c.name + "Path",
		url:      c.name + "URL",
	}
}

// generate parses a route file and writes the Go source of its router.
func generate(c config, src string) ([]byte, error) {
	// The tree checks run on the lines that parsed, so one run reports the
	// malformed lines and the duplicates and conflicts together.
	routes, perr := parseRoutes(c.source, src)
	root, terr := buildTree(c.source, routes)
	if err := joinErrors(perr, terr); err != nil {
		return nil, err
	}
	table, err := methodTable(routes)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", c.source, err)
	}
	g := &gen{c: c, n: c.names(), table: table, argVars: map[string]string{}, sets: map[uint64]string{}, setNames: map[string]bool{}}
	if err := g.checkIdents(routes); err != nil {
		return nil, err
	}
	f := g.file(routes, root)
	var b strings.Builder
	if err := f.Render(&b); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// joinErrors merges the error lists of the passes in line order.
func joinErrors(passes ...error) error {
	var all errorList
	for _, err := range passes {
		if l, ok := err.(errorList); ok {
			all = append(all, l...)
		}
	}
	if len(all) == 0 {
		return nil
	}
	e := &errs{list: all}
	return e.err()
}
