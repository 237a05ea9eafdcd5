package conformance

import (
	"fmt"
	"net/http"
)

// auth calls every secured operation without credentials and with wrong ones; both must be
// refused with a documented 4xx.
func (r *runner) auth() {
	for i := range r.ops {
		o := &r.ops[i]
		if !r.creds.secured(r.doc, *o) {
			continue
		}
		if !r.profileHasCredentials() {
			r.emit(skipped(o, CheckAuth, "credentials", "the profile holds none of the credentials the spec declares"))
			continue
		}
		// The profile's own credentials must work: otherwise every other case only ever meets
		// the 401 and a run with a wrong profile would look green.
		ok := r.do(r.newCall(o))
		var refused []string
		if ok.resp != nil && ok.resp.status == http.StatusUnauthorized {
			refused = append(refused, "refused the profile's credentials with 401: check the profile (--profile, --header, --query, --body-field)")
		}
		r.emit(result(o, CheckAuth, "with the profile's credentials", []exchangeResult{ok}, refused...))
		for _, tc := range []struct {
			name string
			set  func(c *call)
		}{
			{"without credentials", func(c *call) { c.noCreds = true }},
			{"with wrong credentials", func(c *call) { c.mangleCreds = true }},
		} {
			c := r.newCall(o)
			tc.set(&c)
			ex := r.do(c)
			var extra []string
			if ex.resp != nil && ex.resp.status < 400 {
				extra = append(extra, fmt.Sprintf("accepted a call %s: answered %d, want a documented 4xx", tc.name, ex.resp.status))
			}
			r.emit(result(o, CheckAuth, tc.name, []exchangeResult{ex}, extra...))
		}
	}
}

// profileHasCredentials reports whether the profile supplies any credential the spec declares;
// without one, "without credentials" would be the same request as every other case.
func (r *runner) profileHasCredentials() bool {
	for k := range r.cfg.Profile.Headers {
		if r.isCredentialHeader(k) {
			return true
		}
	}
	for k := range r.cfg.Profile.Query {
		if r.isCredentialQuery(k) {
			return true
		}
	}
	for k := range r.cfg.Profile.Body {
		if r.isCredentialBody(k) {
			return true
		}
	}
	return false
}
