package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// link is a named link of a response, resolved.
type link struct {
	name   string
	link   *openapi3.Link
	target *operation
}

// stateful follows the spec's links from every operation whose successful answers have some:
// the source call (typically a create), then every read link (what was written must be read
// back), every write link (an update) each followed by the reads again (the update must be
// read back, not the old state), and finally a delete link followed by the reads, which must
// then answer 404.
func (r *runner) stateful() {
	for i := range r.ops {
		o := &r.ops[i]
		if !hasSuccessLinks(o) {
			continue
		}
		c, src, links, done := r.startSequence(o)
		if done {
			continue
		}
		lc := r.contextOf(c, src)
		member := identityMember(links)
		var reads, writes, deletes []link
		for _, l := range links {
			switch {
			case l.target == nil:
				r.emit(skipped(o, CheckStateful, o.ID+" → "+l.name, "the link names no operation of this spec by operationId"))
			case isDelete(l.target):
				deletes = append(deletes, l)
			case isRead(l.target):
				reads = append(reads, l)
			default:
				writes = append(writes, l)
			}
		}
		r.readBack(o, lc, reads, o.ID, src.json, member)
		for _, w := range writes {
			ex, ok := r.followStep(o, lc, w, o.ID+" → "+w.name, true)
			if ok {
				r.readBack(o, lc, reads, o.ID+" → "+w.name, ex.json, member)
			}
		}
		for _, d := range deletes {
			if _, ok := r.followStep(o, lc, d, o.ID+" → "+d.name, true); !ok {
				continue
			}
			for _, rd := range reads {
				name := fmt.Sprintf("%s → %s → %s (gone)", o.ID, d.name, rd.name)
				if rd.target.Op.Responses.Status(http.StatusNotFound) == nil {
					r.emit(skipped(o, CheckStateful, name, rd.target.ID+" documents no 404"))
					continue
				}
				ex, skip, err := r.follow(lc, rd)
				if skip != "" || err != nil {
					r.emitFollowSkip(o, rd.target, name, skip, err)
					continue
				}
				var extra []string
				if ex.resp != nil && ex.resp.status != http.StatusNotFound {
					extra = append(extra, fmt.Sprintf("read after delete answered %d, want 404", ex.resp.status))
				}
				r.emit(stepResult(o, rd.target, name, ex, extra))
			}
			break // one delete is enough: the resource is gone
		}
	}
}

// startSequenceAttempts is how many generated bodies a sequence tries when the documented
// example does not start it (the example's customer may exist already, from the examples
// check or an earlier run, and a duplicate is refused).
const startSequenceAttempts = 3

// startSequence sends the source call: the documented example, then generated bodies, until
// an answer has links to follow. done says the sequence ends here (its result is emitted).
func (r *runner) startSequence(o *operation) (call, exchangeResult, []link, bool) {
	name := fmt.Sprintf("%s (start of the sequence)", o.ID)
	tries := []call{r.newCall(o)}
	if o.Body != nil {
		g := r.cfg.NewGenerator(r.cfg.Seed)
		for range startSequenceAttempts {
			v, err := g.RequestValue(o.Body, "")
			if err != nil {
				break
			}
			if v, err = normalise(v); err != nil {
				break
			}
			c := r.newCall(o)
			c.body, c.hasBody = v, true
			tries = append(tries, c)
		}
	}
	var statuses []string
	for i, c := range tries {
		if o.Body != nil && !c.hasBody {
			continue
		}
		src := r.do(c)
		if src.resp == nil || len(src.problems) > 0 {
			r.emit(result(o, CheckStateful, name, []exchangeResult{src}))
			return call{}, exchangeResult{}, nil, true
		}
		if links := r.linksFor(o, src.resp.status); len(links) > 0 {
			if i > 0 {
				name = fmt.Sprintf("%s (start of the sequence, generated body %d)", o.ID, i)
			}
			r.emit(result(o, CheckStateful, name, []exchangeResult{src}))
			return c, src, links, false
		}
		statuses = append(statuses, strconv.Itoa(src.resp.status))
	}
	if len(statuses) == 0 {
		r.emit(skipped(o, CheckStateful, name, "no request body to start the sequence with"))
	} else {
		r.emit(skipped(o, CheckStateful, name, fmt.Sprintf("the example and generated bodies answered %s, none with links to follow", strings.Join(statuses, ", "))))
	}
	return call{}, exchangeResult{}, nil, true
}

func hasSuccessLinks(o *operation) bool {
	for code, resp := range o.Op.Responses.Map() {
		if strings.HasPrefix(code, "2") && resp.Value != nil && len(resp.Value.Links) > 0 {
			return true
		}
	}
	return false
}

func (r *runner) linksFor(o *operation, status int) []link {
	resp := o.Op.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return nil
	}
	var out []link
	for _, name := range sortedKeys(resp.Value.Links) {
		ref := resp.Value.Links[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		l := link{name: name, link: ref.Value}
		if ref.Value.OperationID != "" {
			l.target = r.byID[ref.Value.OperationID]
		}
		out = append(out, l)
	}
	return out
}

// isRead and isDelete classify a link's target. HTTP methods decide where the API is
// RESTful; RPC-style APIs (Mews, Erin) POST everything, so their operation ids decide.
func isRead(o *operation) bool {
	if o.Method == http.MethodGet || o.Method == http.MethodHead {
		return true
	}
	if o.Method != http.MethodPost {
		return false
	}
	id := strings.ToLower(o.ID)
	for _, verb := range []string{"get", "search", "list", "find", "read"} {
		if strings.Contains(id, verb) {
			return true
		}
	}
	return false
}

func isDelete(o *operation) bool {
	if o.Method == http.MethodDelete {
		return true
	}
	id := strings.ToLower(o.ID)
	return o.Method == http.MethodPost && (strings.Contains(id, "delete") || strings.Contains(id, "remove"))
}

// identityMember is the member X of the source answer that links pass on as
// `$response.body#/X` (TOMP's id, Mews' Id): reads are matched to the resource written by it.
func identityMember(links []link) string {
	var found string
	var visit func(v any)
	visit = func(v any) {
		switch x := v.(type) {
		case string:
			if m, ok := responseMember(x); ok && (found == "" || m < found) {
				found = m
			}
		case map[string]any:
			for _, e := range x {
				visit(e)
			}
		case []any:
			for _, e := range x {
				visit(e)
			}
		}
	}
	for _, l := range links {
		visit(l.link.Parameters)
		visit(l.link.RequestBody)
	}
	return found
}

func (r *runner) contextOf(c call, ex exchangeResult) linkContext {
	lc := linkContext{method: ex.out.method, pathParams: c.params["path"], reqHeader: ex.out.header,
		status: ex.resp.status, respHeader: ex.resp.header, respBody: ex.json}
	lc.url, _ = url.Parse(ex.out.url)
	if ex.out.hasBody {
		var v any
		if json.Unmarshal(ex.out.body, &v) == nil {
			lc.reqBody = v
		}
	}
	return lc
}

// follow builds the link's request: the target's usual call, with the parameters and body the
// link computes. skip says why it cannot be followed (a value the link needs is absent).
func (r *runner) follow(lc linkContext, l link) (exchangeResult, string, error) {
	c := r.newCall(l.target)
	for _, name := range sortedKeys(l.link.Parameters) {
		v, err := lc.evalValue(l.link.Parameters[name])
		if err != nil {
			var absent errAbsent
			if errors.As(err, &absent) {
				return exchangeResult{}, fmt.Sprintf("link %s: parameter %s: %v", l.name, name, err), nil
			}
			return exchangeResult{}, "", fmt.Errorf("link %s: parameter %s: %w", l.name, name, err)
		}
		in, pname, qualified := strings.Cut(name, ".")
		if !qualified {
			in, pname = "", name
		}
		p := findParam(l.target, in, pname)
		if p == nil {
			return exchangeResult{}, "", fmt.Errorf("link %s: %s has no parameter %s", l.name, l.target.ID, name)
		}
		key := p.Name
		if p.In == openapi3.ParameterInHeader {
			key = http.CanonicalHeaderKey(key)
		}
		put(c.params, p.In, key, paramString(v))
	}
	if l.link.RequestBody != nil {
		v, err := lc.evalValue(l.link.RequestBody)
		if err != nil {
			var absent errAbsent
			if errors.As(err, &absent) {
				return exchangeResult{}, fmt.Sprintf("link %s: request body: %v", l.name, err), nil
			}
			return exchangeResult{}, "", fmt.Errorf("link %s: request body: %w", l.name, err)
		}
		c.body, c.hasBody = v, true
	}
	return r.do(c), "", nil
}

func findParam(o *operation, in, name string) *openapi3.Parameter {
	for _, ref := range o.Params {
		if ref.Value.Name == name && (in == "" || ref.Value.In == in) {
			return ref.Value
		}
	}
	return nil
}

func (r *runner) emitFollowSkip(o, target *operation, name, skip string, err error) {
	if err != nil {
		res := Result{Operation: o.ID, Method: target.Method, Path: target.Path, Check: CheckStateful, Name: name,
			Status: Failed, Problems: []string{"the spec's link cannot be followed: " + err.Error()}}
		r.emit(res)
		return
	}
	res := skipped(o, CheckStateful, name, skip)
	res.Method, res.Path = target.Method, target.Path
	r.emit(res)
}

func stepResult(o, target *operation, name string, ex exchangeResult, extra []string) Result {
	res := result(o, CheckStateful, name, []exchangeResult{ex}, extra...)
	res.Method, res.Path = target.Method, target.Path
	return res
}

// followStep follows a link whose target must succeed; ok says it did.
func (r *runner) followStep(o *operation, lc linkContext, l link, name string, want2xx bool) (exchangeResult, bool) {
	ex, skip, err := r.follow(lc, l)
	if skip != "" || err != nil {
		r.emitFollowSkip(o, l.target, name, skip, err)
		return ex, false
	}
	var extra []string
	if want2xx && ex.resp != nil && (ex.resp.status < 200 || ex.resp.status > 299) {
		extra = append(extra, fmt.Sprintf("following link %s answered %d, want 2xx", l.name, ex.resp.status))
	}
	res := stepResult(o, l.target, name, ex, extra)
	r.emit(res)
	return ex, res.Status == Passed
}

// readBack follows every read link after a write and checks that the resource written
// (identified by member) is what is read: every value the write answered must be read back
// unchanged where the read shows it.
func (r *runner) readBack(o *operation, lc linkContext, reads []link, after string, written any, member string) {
	for _, rd := range reads {
		name := fmt.Sprintf("%s → %s (read back)", after, rd.name)
		ex, skip, err := r.follow(lc, rd)
		if skip != "" || err != nil {
			r.emitFollowSkip(o, rd.target, name, skip, err)
			continue
		}
		var extra []string
		if ex.resp != nil && (ex.resp.status < 200 || ex.resp.status > 299) {
			extra = append(extra, fmt.Sprintf("reading back after %s answered %d, want 2xx", after, ex.resp.status))
		} else if ex.resp != nil {
			extra = append(extra, compareReadBack(written, ex.json, member)...)
		}
		r.emit(stepResult(o, rd.target, name, ex, extra))
	}
}

// compareReadBack finds the written resource in the read answer (the object, at any depth,
// whose identity member has the written value) and lists every value that differs. Reads
// that do not return the resource at all (open items, a statement) compare nothing.
func compareReadBack(written, read any, member string) []string {
	w, ok := written.(map[string]any)
	if !ok || member == "" {
		return nil
	}
	id, ok := w[member]
	if !ok || id == nil {
		return nil
	}
	var candidates []map[string]any
	hasMember := false
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if got, ok := x[member]; ok {
				hasMember = true
				if sameJSON(got, id) {
					candidates = append(candidates, x)
				}
			}
			for _, k := range sortedKeys(x) {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(read)
	if len(candidates) == 0 {
		if hasMember {
			return []string{fmt.Sprintf("the resource written (%s %s) is not in the answer", member, show(id))}
		}
		return nil
	}
	var best []string
	for i, cand := range candidates {
		var diffs []string
		wl, rl := leaves(w), leaves(cand)
		for _, p := range sortedKeys(wl) {
			got, present := rl[p]
			if !present {
				// A read may show less than the write answered (a summary), but when it shows
				// the member the value belongs to, the value must be there.
				if top := topMember(p); top != "" {
					if _, shown := cand[top]; shown {
						diffs = append(diffs, fmt.Sprintf("read back no %s, but the write answered %s (stale or lost write)", p, show(wl[p])))
					}
				}
				continue
			}
			if !sameJSON(wl[p], got) {
				diffs = append(diffs, fmt.Sprintf("read back %s = %s, but the write answered %s (stale or lost write)", p, show(got), show(wl[p])))
			}
		}
		if len(diffs) == 0 {
			return nil
		}
		if i == 0 {
			best = diffs
		}
	}
	return best
}

// topMember is the first token of a pointer with more than one token ("" otherwise): the
// object member a nested value belongs to.
func topMember(pointer string) string {
	parts := strings.SplitN(strings.TrimPrefix(pointer, "/"), "/", 2)
	if len(parts) < 2 {
		return ""
	}
	return unescapeToken(parts[0])
}
