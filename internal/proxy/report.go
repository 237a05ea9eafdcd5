package proxy

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Report is what `paxkit proxy --report json` writes at exit.
type Report struct {
	Requests         int         `json:"requests"`
	Responses        int         `json:"responses"`
	InvalidRequests  int         `json:"invalidRequests"`
	InvalidResponses int         `json:"invalidResponses"`
	Blocked          int         `json:"blocked"`
	Unchecked        int         `json:"unchecked"`
	UpstreamFailures int         `json:"upstreamFailures"`
	Dropped          int         `json:"dropped"`
	Violations       []Violation `json:"violations"`
}

// Report summarises what the proxy saw so far.
func (p *Proxy) Report() Report {
	s := p.Stats()
	v := p.Violations()
	if v == nil {
		v = []Violation{}
	}
	return Report{Requests: s.Requests, Responses: s.Responses, InvalidRequests: s.InvalidRequests,
		InvalidResponses: s.InvalidResponses, Blocked: s.Blocked, Unchecked: s.Unchecked,
		UpstreamFailures: s.UpstreamFailures, Dropped: s.Dropped, Violations: v}
}

// WriteJSON writes the report as indented JSON.
func (p *Proxy) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p.Report()); err != nil {
		return fmt.Errorf("proxy: write JSON report: %w", err)
	}
	return nil
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Failures  []junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML, for CI systems that show test results: one test
// case per operation and direction ("createCustomer request"), failing with one failure per
// exchange that broke the contract (the kept ones) when any did.
func (p *Proxy) WriteJUnit(w io.Writer, suite string) error {
	s := p.Stats()
	failures := map[string][]junitFailure{}
	for _, v := range p.Violations() {
		key := caseName(v.Operation, v.Method, v.Path, v.Direction)
		msg := fmt.Sprintf("%s %s", v.Method, v.Path)
		if v.Status != 0 {
			msg += fmt.Sprintf(" answered %d", v.Status)
		}
		lines := make([]string, len(v.Problems))
		for i, pr := range v.Problems {
			lines[i] = Where(pr) + ": " + pr.Message
		}
		failures[key] = append(failures[key], junitFailure{Message: msg, Type: "contract violation " + string(v.Direction), Text: strings.Join(lines, "\n")})
	}
	var cases []junitCase
	ops := make([]string, 0, len(s.ByOperation))
	for op := range s.ByOperation {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		o := s.ByOperation[op]
		for _, d := range []struct {
			dir     Direction
			checked int
		}{{Request, o.Requests}, {Response, o.Responses}} {
			if d.checked == 0 {
				continue
			}
			name := op + " " + string(d.dir)
			cases = append(cases, junitCase{Name: name, Classname: suite, Failures: failures[name]})
		}
	}
	out := junitSuites{Suites: []junitSuite{{Name: suite, Cases: cases}}}
	for _, c := range cases {
		out.Tests++
		if len(c.Failures) > 0 {
			out.Failures++
		}
	}
	out.Suites[0].Tests, out.Suites[0].Failures = out.Tests, out.Failures
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("proxy: write JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("proxy: write JUnit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseName matches the keys of Stats.ByOperation: the operation id, or "METHOD path" for a
// request the contract has no operation for.
func caseName(operation, method, path string, d Direction) string {
	if operation == "" {
		operation = method + " " + strings.SplitN(path, "?", 2)[0]
	}
	return operation + " " + string(d)
}
