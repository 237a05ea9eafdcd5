package robustness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/paxkit/paxkit/impl/erin"
	"github.com/paxkit/paxkit/impl/intrepid"
	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/servertest"
)

// credentials are one tenant's credentials the way a client sends them; tenant is the
// tenant id they identify (as in the export).
type credentials struct {
	tenant string
	header map[string]string
	body   map[string]any
}

// probeTenants are, per API, the tenant whose data is probed (owner) and the other one.
func probeTenants(apiID string) (owner, other credentials) {
	mewsCreds := func(tenant, token string, current bool) credentials {
		b := map[string]any{"ClientToken": mews.DemoClientToken, "AccessToken": token}
		if current {
			b["Client"] = mews.DemoClient
		}
		return credentials{tenant: tenant, body: b}
	}
	erinCreds := func(tenant, email, password string) credentials {
		return credentials{tenant: tenant, body: map[string]any{"authenticate": map[string]any{"email": email, "password": password, "type": "B2C"}}}
	}
	switch apiID {
	case tomp.ID:
		return credentials{tenant: "demo", header: map[string]string{"Authorization": "Bearer " + tomp.DemoToken, "Accept-Language": "en"}},
			credentials{tenant: "demo-2", header: map[string]string{"Authorization": "Bearer " + tomp.OtherDemoToken, "Accept-Language": "en"}}
	case intrepid.ID:
		return credentials{tenant: "demo", header: map[string]string{"X-Api-Key": intrepid.DemoAPIKey}},
			credentials{tenant: "demo-2", header: map[string]string{"X-Api-Key": intrepid.OtherDemoAPIKey}}
	case erin.ID:
		return erinCreds(erin.DemoCustomerReference, erin.DemoEmail, erin.DemoPassword),
			erinCreds(erin.OtherDemoCustomerReference, erin.OtherDemoEmail, erin.OtherDemoPassword)
	default:
		current := apiID == mews.ID
		return mewsCreds("gross-uk", mews.DemoAccessToken, current), mewsCreds("net-us", mews.DemoNetAccessToken, current)
	}
}

// missingAndWrong are the refused credentials of an API: none at all, and wrong ones.
func missingAndWrong(apiID string, owner credentials) map[string]credentials {
	out := map[string]credentials{"missing": {header: map[string]string{}, body: map[string]any{}}}
	switch apiID {
	case tomp.ID:
		out["wrong token"] = credentials{header: map[string]string{"Authorization": "Bearer paxkit-wrong-token", "Accept-Language": "en"}}
		out["token without Bearer"] = credentials{header: map[string]string{"Authorization": tomp.DemoToken, "Accept-Language": "en"}}
	case intrepid.ID:
		out["wrong key"] = credentials{header: map[string]string{"X-Api-Key": "paxkit-wrong-key"}}
		out["key in another header"] = credentials{header: map[string]string{"Authorization": "Bearer " + intrepid.DemoAPIKey}}
	case erin.ID:
		out["wrong password"] = credentials{body: map[string]any{"authenticate": map[string]any{"email": erin.DemoEmail, "password": "wrong", "type": "B2C"}}}
		out["unknown email"] = credentials{body: map[string]any{"authenticate": map[string]any{"email": "nobody@example.com", "password": erin.DemoPassword, "type": "B2C"}}}
		out["other customer's password"] = credentials{body: map[string]any{"authenticate": map[string]any{"email": erin.DemoEmail, "password": erin.OtherDemoPassword, "type": "B2C"}}}
	default:
		wrong := func(client, access string) credentials {
			b := map[string]any{}
			for k, v := range owner.body {
				b[k] = v
			}
			b["ClientToken"], b["AccessToken"] = client, access
			return credentials{body: b}
		}
		out["wrong AccessToken"] = wrong(mews.DemoClientToken, "C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453E")
		out["wrong ClientToken"] = wrong("E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1E", mews.DemoAccessToken)
		out["AccessToken in lower case"] = wrong(mews.DemoClientToken, strings.ToLower(mews.DemoAccessToken))
	}
	return out
}

// request is the operation's valid request with the given credentials in place of the
// demo ones.
func (o operation) request(c credentials) (header map[string]string, body []byte) {
	header = c.header
	if o.contentType == "" {
		return header, nil
	}
	obj := map[string]any{}
	for k, v := range o.example {
		if _, cred := o.api.DemoCredentials.Body[k]; !cred {
			obj[k] = v
		}
	}
	for k, v := range c.body {
		obj[k] = v
	}
	body, err := json.Marshal(obj)
	if err != nil {
		panic(err)
	}
	return header, body
}

// exported is the server's whole state, by table and tenant.
type exported map[string]map[string][]json.RawMessage

func exportState(t *testing.T, srv *servertest.Server) exported {
	t.Helper()
	resp := srv.Do("GET", "/_paxkit/export", nil, nil)
	var f struct {
		State exported `json:"state"`
	}
	if err := json.Unmarshal(resp.Body, &f); err != nil {
		t.Fatalf("export: %v", err)
	}
	return f.State
}

// of is the tenant's records of every table of the API (tables are prefixed by the API's
// tenancy: both Mews revisions share mews.*).
func (e exported) of(apiID, tenant string) string {
	prefix := strings.TrimSuffix(apiID, "-legacy") + "."
	names := make([]string, 0, len(e))
	for name := range e {
		if strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		if name == "erin.loginFailures" {
			continue // counts wrong passwords, which the probes send on purpose
		}
		data, _ := json.Marshal(e[name][tenant])
		fmt.Fprintf(&b, "%s=%s\n", name, data)
	}
	return b.String()
}

var notSecret = regexp.MustCompile(`^\d{4}-\d\d-\d\d([T ][0-9:.]+(Z|[+-]\d\d:\d\d)?)?$`)

// secrets are the values in the owner's records that the other tenant's records do not
// hold: ids, names, emails. An answer to the other tenant holding one of them leaks.
func (e exported) secrets(apiID, owner, other string) []string {
	collect := func(tenant string) map[string]bool {
		out := map[string]bool{}
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				if len(x) >= 6 && !notSecret.MatchString(x) {
					out[x] = true
				}
			case float64:
				if x >= 1000 {
					out[fmt.Sprintf("%.0f", x)] = true
				}
			case []any:
				for _, i := range x {
					walk(i)
				}
			case map[string]any:
				for _, i := range x {
					walk(i)
				}
			}
		}
		prefix := strings.TrimSuffix(apiID, "-legacy") + "."
		for name, tenants := range e {
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			for _, rec := range tenants[tenant] {
				var v any
				_ = json.Unmarshal(rec, &v)
				walk(v)
			}
		}
		return out
	}
	mine, theirs := collect(owner), collect(other)
	var out []string
	for s := range mine {
		if !theirs[s] {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// holdsValue reports whether a JSON answer holds v as a whole value (a string, or a number
// not part of a longer one), not merely as a part of another value.
func holdsValue(answer []byte, v string) bool {
	if bytes.Contains(answer, []byte(`"`+v+`"`)) {
		return true
	}
	for i := 0; ; {
		j := bytes.Index(answer[i:], []byte(v))
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(v)
		isNum := func(c byte) bool { return c >= '0' && c <= '9' || c == '.' || c == '-' || c == '"' }
		if (start == 0 || !isNum(answer[start-1])) && (end == len(answer) || !isNum(answer[end])) {
			return true
		}
		i = end
	}
}

// TestTenancyAndAuthProbes sends every operation of every API with missing, wrong and the
// other tenant's credentials, aimed at the first tenant's records (the demo ids of the
// contract examples). Missing and wrong credentials must be refused with 401 (Mews: 400 for
// a body without tokens, as its contract requires them) in the vendor's format and change
// nothing; the other tenant may get an answer about its own data only: the owner's records
// stay exactly as they were, and no answer holds any value of the owner's records.
func TestTenancyAndAuthProbes(t *testing.T) {
	srv, ops := newServer(t)
	client := &http.Client{}
	probes, leaks, fivexx := 0, 0, 0
	for _, o := range ops {
		t.Run(o.api.ID+"/"+o.id, func(t *testing.T) {
			owner, other := probeTenants(o.api.ID)
			for name, creds := range missingAndWrong(o.api.ID, owner) {
				before := exportState(t, srv)
				h, body := o.request(creds)
				status, answer, err := send(client, srv.URL, o.method, o.validPath(), o.contentType, h, body)
				probes++
				if err != nil {
					t.Fatalf("%s credentials: %v", name, err)
				}
				if status >= 500 {
					fivexx++
				}
				ok := status == 401 || (o.api.CredentialsIn == 1 && status == 400 && strings.HasPrefix(o.api.ID, "mews") && name == "missing")
				if !ok {
					t.Errorf("%s credentials: answered %d, want 401: %.300s", name, status, answer)
				} else if p := vendorFormat(o.api.ID, answer); p != "" {
					t.Errorf("%s credentials: %s: %.300s", name, p, answer)
				}
				after := exportState(t, srv)
				for _, tn := range []string{owner.tenant, other.tenant} {
					if before.of(o.api.ID, tn) != after.of(o.api.ID, tn) {
						t.Errorf("%s credentials changed tenant %s's data", name, tn)
					}
				}
			}

			before := exportState(t, srv)
			secrets := before.secrets(o.api.ID, owner.tenant, other.tenant)
			if len(secrets) == 0 {
				t.Fatalf("no values tell tenant %s's data from %s's: the probe could not see a leak", owner.tenant, other.tenant)
			}
			h, body := o.request(other)
			status, answer, err := send(client, srv.URL, o.method, o.validPath(), o.contentType, h, body)
			probes++
			if err != nil {
				t.Fatalf("other tenant: %v", err)
			}
			if status >= 500 {
				fivexx++
				t.Errorf("other tenant: answered %d: %s", status, answer)
			}
			if status >= 400 {
				if p := vendorFormat(o.api.ID, answer); p != "" {
					t.Errorf("other tenant: %s: %.300s", p, answer)
				}
			}
			sent := string(body) + o.validPath()
			for _, s := range secrets {
				if holdsValue(answer, s) && !strings.Contains(sent, s) {
					leaks++
					t.Errorf("other tenant's answer (%d) holds %q of tenant %s: %.400s", status, s, owner.tenant, answer)
					break
				}
			}
			if after := exportState(t, srv); before.of(o.api.ID, owner.tenant) != after.of(o.api.ID, owner.tenant) {
				leaks++
				t.Errorf("other tenant's request (%d) changed tenant %s's data: %.300s", status, owner.tenant, answer)
			}
		})
	}
	t.Logf("figures: tenancy probes: %d operations, %d requests with missing, wrong or other-tenant credentials, %d leaks or cross-tenant changes, %d 5xx",
		len(ops), probes, leaks, fivexx)
}
