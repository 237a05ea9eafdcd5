package tomp

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/paxkit/paxkit/gen/tomp"
	"github.com/paxkit/paxkit/internal/store"
	"github.com/paxkit/paxkit/internal/validate"
)

// Index names of the accounts table.
const (
	byMPCustomerID = "customer.id"
	byEmail        = "email"
	byPhone        = "phone"
)

// An account is stored in TOMP's own CustomerAccount shape, so that exports and fixtures read
// exactly like the API's answers.
type account = tomp.CustomerAccount

func newAccountTable(st *store.Store, doc *openapi3.T) *store.Table[account] {
	return store.NewTable(st, store.Config[account]{
		Name:  "tomp.accounts",
		ID:    func(a account) string { return deref(a.Id) },
		Clone: cloneAccount,
		Validate: func(a account) error {
			return checkAccount(doc, a)
		},
		// customer.id is the MP's own identifier: one account per MP customer. Email and
		// phone are only used to find known customers on create, and two accounts may share
		// them (an update may set an address another account has), so they are not unique.
		Unique: []store.Index[account]{{Name: byMPCustomerID, Keys: func(a account) []string {
			if a.Customer == nil {
				return nil
			}
			return []string{a.Customer.Id}
		}}},
		Multi: []store.Index[account]{
			{Name: byEmail, Keys: func(a account) []string {
				return customerKey(a, func(c tomp.Customer) *string { return c.Email }, emailKey)
			}},
			{Name: byPhone, Keys: func(a account) []string {
				return customerKey(a, func(c tomp.Customer) *string { return c.PhoneNumber }, phoneKey)
			}},
		},
	})
}

// checkAccount refuses fixture records a TO could not have answered: a record must be a valid
// CustomerAccount with its id, customer, dates and status.
func checkAccount(doc *openapi3.T, a account) error {
	var missing []string
	if deref(a.Id) == "" {
		missing = append(missing, "id")
	}
	if a.Customer == nil {
		missing = append(missing, "customer")
	}
	if a.CreationDate == nil {
		missing = append(missing, "creationDate")
	}
	if a.ModificationDate == nil {
		missing = append(missing, "modificationDate")
	}
	if a.Status == nil {
		missing = append(missing, "status")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	vs, err := validate.Schema(doc, "CustomerAccount", a, "")
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		parts := make([]string, len(vs))
		for i, x := range vs {
			parts[i] = x.Pointer + ": " + x.Message
		}
		return fmt.Errorf("not a valid CustomerAccount: %s", strings.Join(parts, "; "))
	}
	return nil
}

// customerKey returns the normalised value of one customer field as an index key (none when
// the field is absent or normalises to nothing).
func customerKey(a account, field func(tomp.Customer) *string, norm func(string) string) []string {
	if a.Customer == nil {
		return nil
	}
	p := field(*a.Customer)
	if p == nil {
		return nil
	}
	if k := norm(*p); k != "" {
		return []string{k}
	}
	return nil
}

// emailKey normalises an email address for matching: TOMP matches known customers on email,
// and addresses differ in case only by accident.
func emailKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// phoneKey normalises a phone number for matching: only the digits count (and a leading +),
// so "+31 6 1234 5678" and "+31612345678" are the same number.
func phoneKey(s string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		if unicode.IsDigit(r) || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || b.String() == "+" {
		return ""
	}
	return b.String()
}

func cloneAccount(a account) account {
	if a.Customer != nil {
		c := cloneCustomer(*a.Customer)
		a.Customer = &c
	}
	return a
}

// cloneCustomer copies what could be shared: the address, the custom fields map and the photo
// bytes. Pointers to strings and times are shared; paxkit never writes through them.
func cloneCustomer(c tomp.Customer) tomp.Customer {
	if c.Address != nil {
		addr := *c.Address
		c.Address = &addr
	}
	if c.CustomFields != nil {
		m := maps.Clone(*c.CustomFields)
		c.CustomFields = &m
	}
	if c.Photo != nil {
		p := slices.Clone(*c.Photo)
		c.Photo = &p
	}
	return c
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
