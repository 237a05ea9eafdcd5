package server

import (
	"fmt"
	"sort"
	"sync/atomic"

	"github.com/paxkit/paxkit/internal/apidef"
)

// tenantSets maps a tenancy name (see apidef.API.Tenancy) to the tenants it accepts. Requests
// read it on every call and admins replace it rarely, so it is an immutable map behind an
// atomic pointer: readers never lock.
type tenantSets struct {
	p atomic.Pointer[map[string][]apidef.Tenant]
}

func newTenantSets() *tenantSets {
	t := &tenantSets{}
	empty := map[string][]apidef.Tenant{}
	t.p.Store(&empty)
	return t
}

func (t *tenantSets) get(tenancy string) []apidef.Tenant { return (*t.p.Load())[tenancy] }

func (t *tenantSets) all() map[string][]apidef.Tenant { return *t.p.Load() }

func (t *tenantSets) replace(m map[string][]apidef.Tenant) { t.p.Store(&m) }

// checkTenants refuses tenant lists a server could not use: unknown tenancies, tenants
// without an id or credentials, duplicate ids, and credentials two tenants share (a request
// would then belong to both).
func checkTenants(known map[string]bool, sets map[string][]apidef.Tenant) error {
	names := make([]string, 0, len(sets))
	for name := range sets {
		names = append(names, name)
	}
	sort.Strings(names)
	var problems []string
	for _, name := range names {
		if !known[name] {
			problems = append(problems, fmt.Sprintf("tenants.%s: no API uses this tenancy", name))
			continue
		}
		ids := map[string]bool{}
		creds := map[string]string{}
		for i, tn := range sets[name] {
			at := fmt.Sprintf("tenants.%s[%d]", name, i)
			if tn.ID == "" {
				problems = append(problems, at+": id is empty")
			} else if ids[tn.ID] {
				problems = append(problems, fmt.Sprintf("%s: duplicate id %q", at, tn.ID))
			}
			ids[tn.ID] = true
			if len(tn.Credentials) == 0 {
				problems = append(problems, at+": credentials are empty")
			}
			keys := make([]string, 0, len(tn.Credentials))
			for k := range tn.Credentials {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			sig := ""
			for _, k := range keys {
				sig += k + "=" + tn.Credentials[k] + "\x00"
			}
			if other, ok := creds[sig]; ok && sig != "" {
				problems = append(problems, fmt.Sprintf("%s: same credentials as tenant %q", at, other))
			}
			creds[sig] = tn.ID
		}
	}
	if len(problems) > 0 {
		return &FixtureError{Problems: problems}
	}
	return nil
}
