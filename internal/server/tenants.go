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
// without an id, duplicate ids, credentials the API's authenticator would not read (or would
// miss), two tenants with the same identifying credential (a request would belong to both) and
// malformed properties. identity maps each tenancy to its API's TenantIdentity.
func checkTenants(identity map[string]func(apidef.Tenant) (string, error), sets map[string][]apidef.Tenant) error {
	names := make([]string, 0, len(sets))
	for name := range sets {
		names = append(names, name)
	}
	sort.Strings(names)
	var problems []string
	for _, name := range names {
		identify, known := identity[name]
		if !known {
			problems = append(problems, fmt.Sprintf("tenants.%s: no API uses this tenancy", name))
			continue
		}
		ids := map[string]bool{}
		owners := map[string]string{}
		for i, tn := range sets[name] {
			at := fmt.Sprintf("tenants.%s[%d]", name, i)
			if tn.ID == "" {
				problems = append(problems, at+": id is empty")
			} else if ids[tn.ID] {
				problems = append(problems, fmt.Sprintf("%s: duplicate id %q", at, tn.ID))
			}
			ids[tn.ID] = true
			if err := tn.CheckProperties(); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", at, err))
			}
			if len(tn.Credentials) == 0 {
				problems = append(problems, at+": credentials are empty")
				continue
			}
			key, err := identify(tn)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", at, err))
				continue
			}
			if other, ok := owners[key]; ok {
				problems = append(problems, fmt.Sprintf("%s: same credentials as tenant %q", at, other))
			}
			owners[key] = tn.ID
		}
	}
	if len(problems) > 0 {
		return &FixtureError{Problems: problems}
	}
	return nil
}
