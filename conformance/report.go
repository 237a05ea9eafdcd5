package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Check names a family of checks; reports group results by operation and check.
type Check string

const (
	// CheckExamples sends every documented request example.
	CheckExamples Check = "examples"
	// CheckPositive sends requests generated from the schemas.
	CheckPositive Check = "positive"
	// CheckNegative sends requests that break the contract; each must be refused with a 4xx.
	CheckNegative Check = "negative"
	// CheckAuth calls secured operations without and with wrong credentials.
	CheckAuth Check = "auth"
	// CheckStateful follows the spec's links: write, read back, update, read, delete, read.
	CheckStateful Check = "stateful"
)

// Checks lists every check in the order a run performs them.
func Checks() []Check {
	return []Check{CheckExamples, CheckPositive, CheckNegative, CheckAuth, CheckStateful}
}

// Status is the outcome of one case.
type Status string

const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
)

// Result is the outcome of one case: a request (or, for stateful sequences, one step) and
// every problem found with the answer.
type Result struct {
	Operation string   `json:"operation"`
	Method    string   `json:"method"`
	Path      string   `json:"path"`
	Check     Check    `json:"check"`
	Name      string   `json:"name"`
	Status    Status   `json:"status"`
	Problems  []string `json:"problems,omitempty"`
	// Reason says why a case was skipped.
	Reason string `json:"reason,omitempty"`
	// Exchanges are the requests that broke the contract with their answers (failures only).
	Exchanges []Exchange `json:"exchanges,omitempty"`
}

// Summary counts results.
type Summary struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// Report is the outcome of a run.
type Report struct {
	Title   string   `json:"title"`
	Version string   `json:"version"`
	BaseURL string   `json:"baseUrl"`
	Summary Summary  `json:"summary"`
	Results []Result `json:"results"`
}

// OK reports whether every case passed or was skipped.
func (r *Report) OK() bool { return r.Summary.Failed == 0 }

func (r *Report) add(res Result) {
	r.Results = append(r.Results, res)
	r.Summary.Total++
	switch res.Status {
	case Passed:
		r.Summary.Passed++
	case Failed:
		r.Summary.Failed++
	case Skipped:
		r.Summary.Skipped++
	}
}

// WriteJSON writes the report as indented JSON (the `--report json` format).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML: one testsuite per operation, one testcase per
// case, which CI systems and JUnit viewers display as they display unit tests.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junitSuites{Name: "paxkit check: " + r.Title, Tests: r.Summary.Total, Failures: r.Summary.Failed, Skipped: r.Summary.Skipped}
	index := map[string]int{}
	for _, res := range r.Results {
		i, ok := index[res.Operation]
		if !ok {
			i = len(out.Suites)
			index[res.Operation] = i
			out.Suites = append(out.Suites, junitSuite{Name: res.Operation})
		}
		s := &out.Suites[i]
		c := junitCase{Name: string(res.Check) + ": " + res.Name, Classname: res.Operation}
		s.Tests++
		switch res.Status {
		case Failed:
			s.Failures++
			c.Failure = &junitFailure{Message: firstLine(res.Problems), Type: string(res.Check), Text: xmlText(failureText(res))}
		case Skipped:
			s.Skipped++
			c.Skipped = &junitSkipped{Message: res.Reason}
		}
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	return nil
}

func firstLine(problems []string) string {
	if len(problems) == 0 {
		return ""
	}
	return problems[0]
}

// failureText is a failure the way a person reads it: the problems, then each request as
// curl with the answer it got.
func failureText(res Result) string {
	var b strings.Builder
	for _, p := range res.Problems {
		fmt.Fprintf(&b, "- %s\n", p)
	}
	for _, ex := range res.Exchanges {
		fmt.Fprintf(&b, "\n  %s\n", ex.Curl)
		if ex.Response == nil {
			b.WriteString("  (no response)\n")
			continue
		}
		fmt.Fprintf(&b, "  -> %d in %d ms", ex.Response.Status, ex.Response.DurationMS)
		if ct := ex.Response.Header["Content-Type"]; ct != "" {
			fmt.Fprintf(&b, ", Content-Type: %s", ct)
		}
		b.WriteString("\n")
		if ex.Response.Body != "" {
			fmt.Fprintf(&b, "  %s\n", indent(ex.Response.Body))
		}
	}
	return b.String()
}

func indent(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

// ProgressLine is the one line a human sees for each case as it finishes.
func ProgressLine(res Result) string {
	mark := map[Status]string{Passed: "ok  ", Failed: "FAIL", Skipped: "skip"}[res.Status]
	line := fmt.Sprintf("%s %-28s %-9s %s", mark, res.Operation, res.Check, res.Name)
	if res.Status == Skipped && res.Reason != "" {
		line += " (" + res.Reason + ")"
	}
	if res.Status == Failed && len(res.Problems) > 0 {
		line += ": " + res.Problems[0]
	}
	return line
}

// WriteText writes the human summary: a table by operation and check, then every failure
// with the request that broke it as curl and the answer.
func (r *Report) WriteText(w io.Writer) error {
	var ops []string
	cells := map[string]map[Check]*tally{}
	for _, res := range r.Results {
		if cells[res.Operation] == nil {
			ops = append(ops, res.Operation)
			cells[res.Operation] = map[Check]*tally{}
		}
		c := cells[res.Operation][res.Check]
		if c == nil {
			c = &tally{}
			cells[res.Operation][res.Check] = c
		}
		switch res.Status {
		case Passed:
			c.passed++
		case Failed:
			c.failed++
		case Skipped:
			c.skipped++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\npaxkit check: %s %s at %s\n\n", r.Title, r.Version, r.BaseURL)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	header := "operation"
	for _, c := range Checks() {
		header += "\t" + string(c)
	}
	fmt.Fprintln(tw, header)
	for _, op := range ops {
		line := op
		for _, check := range Checks() {
			line += "\t" + cellText(cells[op][check])
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintln(&b, "\n(cells: passed/run; FAIL n = n failed; +n skipped)")
	failures := 0
	for _, res := range r.Results {
		if res.Status != Failed {
			continue
		}
		failures++
		fmt.Fprintf(&b, "\nFAIL %d: %s %s — %s: %s\n", failures, res.Operation, res.Method+" "+res.Path, res.Check, res.Name)
		b.WriteString(failureText(res))
	}
	fmt.Fprintf(&b, "\n%d cases: %d passed, %d failed, %d skipped\n", r.Summary.Total, r.Summary.Passed, r.Summary.Failed, r.Summary.Skipped)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// tally counts the results of one operation and check.
type tally struct{ passed, failed, skipped int }

func cellText(c *tally) string {
	if c == nil {
		return "-"
	}
	run := c.passed + c.failed
	var s string
	switch {
	case c.failed > 0:
		s = fmt.Sprintf("FAIL %d of %d", c.failed, run)
	case run > 0:
		s = fmt.Sprintf("%d/%d", c.passed, run)
	}
	if c.skipped > 0 {
		if s != "" {
			s += " "
		}
		s += fmt.Sprintf("+%d skipped", c.skipped)
	}
	return s
}

// xmlText replaces what XML 1.0 cannot hold (control characters a response body may contain)
// with U+FFFD: CDATA sections are written as is, and one such byte would make the whole
// report unreadable to JUnit viewers.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
