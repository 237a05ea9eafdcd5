package domain

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/paxkit/paxkit/internal/store"
)

// Table names (the keys of a fixtures document's "state").
const (
	CustomersTable    = "mews.customers"
	FilesTable        = "mews.files"
	OpenItemsTable    = "mews.openItems"
	EnterprisesTable  = "mews.enterprises"
	ReservationsTable = "mews.reservations"
)

// Index names.
const (
	byEmail    = "email"
	byNewest   = "newest"
	byCustomer = "customer"
	byResource = "resource"
	byNumber   = "number"
	byNameGram = "nameGram"
)

// tables are the domain's tables on the shared store.
type tables struct {
	customers    *store.Table[Customer]
	files        *store.Table[File]
	openItems    *store.Table[OpenItem]
	enterprises  *store.Table[Enterprise]
	reservations *store.Table[Reservation]
}

// Checks validate fixture records against the contracts.
type Checks struct {
	Customer    func(Customer) error
	Reservation func(Reservation) error
}

func newTables(st *store.Store, checks Checks) tables {
	return tables{
		customers: store.NewTable(st, store.Config[Customer]{
			Name:     CustomersTable,
			ID:       func(c Customer) string { return c.ID },
			Clone:    cloneCustomer,
			Validate: checks.Customer,
			// Emails are not unique: a merged (inactive) profile keeps its email, and Mews
			// only refuses a taken email among the active profiles.
			Multi: []store.Index[Customer]{{Name: byEmail, Keys: func(c Customer) []string {
				if k := emailKey(deref(c.Email)); k != "" {
					return []string{k}
				}
				return nil
			}}, {Name: byNameGram, Keys: nameGrams, Unordered: true}}, // Search sorts its candidates
			// byNumber keeps the next customer number O(log n): a scan for the highest
			// Number made every add O(n), quadratic when a suite adds many customers.
			Ordered: []store.Order[Customer]{{Name: byNewest, Key: newestKey}, {Name: byNumber, Key: numberKey}},
		}),
		files: store.NewTable(st, store.Config[File]{
			Name:  FilesTable,
			ID:    func(f File) string { return f.ID },
			Clone: func(f File) File { f.Data = slices.Clone(f.Data); return f },
			Validate: func(f File) error {
				return required(map[string]string{"Id": f.ID, "CustomerId": f.CustomerID, "Name": f.Name, "Type": f.Type})
			},
			Multi: []store.Index[File]{{Name: byCustomer, Keys: func(f File) []string { return []string{f.CustomerID} }}},
		}),
		openItems: store.NewTable(st, store.Config[OpenItem]{
			Name:     OpenItemsTable,
			ID:       func(i OpenItem) string { return i.ID },
			Clone:    cloneItem,
			Validate: checkItem,
			Multi:    []store.Index[OpenItem]{{Name: byCustomer, Keys: func(i OpenItem) []string { return []string{i.CustomerID} }}},
		}),
		enterprises: store.NewTable(st, store.Config[Enterprise]{
			Name: EnterprisesTable,
			ID:   func(e Enterprise) string { return e.ID },
			Clone: func(e Enterprise) Enterprise {
				e.Rates = cloneMap(e.Rates)
				return e
			},
			Validate: checkEnterprise,
		}),
		reservations: store.NewTable(st, store.Config[Reservation]{
			Name: ReservationsTable,
			ID:   func(r Reservation) string { return r.ID },
			Clone: func(r Reservation) Reservation {
				r.CustomerIDs = slices.Clone(r.CustomerIDs)
				r.Current, r.Legacy = slices.Clone(r.Current), slices.Clone(r.Legacy)
				return r
			},
			Validate: checks.Reservation,
			Multi: []store.Index[Reservation]{
				{Name: byCustomer, Keys: func(r Reservation) []string { return r.CustomerIDs }},
				{Name: byResource, Keys: func(r Reservation) []string {
					if r.ResourceID == nil {
						return nil
					}
					return []string{*r.ResourceID}
				}},
			},
		}),
	}
}

// newestKey orders customers newest first: the ordered index ascends, so the key is the
// creation time counted backwards, zero-padded to sort as text.
func newestKey(c Customer) string {
	return fmt.Sprintf("%019d", math.MaxInt64-c.CreatedUtc.UnixNano())
}

// nameGrams are the trigrams of an active customer's searchable names (first, last and full
// name, lowercased as Search compares them). Search by a name of three or more characters
// reads only the customers holding its rarest trigram instead of scanning the tenant: any
// string containing the needle holds every trigram of it. Inactive customers are never found
// by Search, so they are not indexed.
func nameGrams(c Customer) []string {
	if !c.IsActive {
		return nil
	}
	first, last, full := searchNames(c)
	out := append(trigrams(first), trigrams(last)...)
	// The full name's other trigrams are the first or last name's: only those across the
	// space are its own. (Listing them all doubled the keys the store sorts and dedups on
	// every add and update.) When trimming made full something else, all of its are listed.
	if full == first+" "+last {
		return append(out, trigrams(lastRunes(first, 2)+" "+firstRunes(last, 2))...)
	}
	return append(out, trigrams(full)...)
}

// lastRunes is the last n runes of s (all of s if it has fewer).
func lastRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

// firstRunes is the first n runes of s (all of s if it has fewer).
func firstRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// searchNames are the lowercased first, last and full name Search matches.
func searchNames(c Customer) (first, last, full string) {
	first = strings.ToLower(deref(c.FirstName))
	last = strings.ToLower(c.LastName)
	return first, last, strings.TrimSpace(first + " " + last)
}

// trigrams returns the runs of three characters (runes) of s, with repeats.
func trigrams(s string) []string {
	var starts []int
	for i := range s {
		starts = append(starts, i)
	}
	if len(starts) < 3 {
		return nil
	}
	starts = append(starts, len(s))
	out := make([]string, 0, len(starts)-3)
	for i := 0; i+3 < len(starts); i++ {
		out = append(out, s[starts[i]:starts[i+3]])
	}
	return out
}

// numberKey orders customers by numeric Number, highest first (counted backwards from
// MaxInt64, zero-padded); a Number that is not a positive integer sorts after every number
// ("~" follows the digits), so the first record of the index holds the highest number if any.
func numberKey(c Customer) string {
	n, err := strconv.ParseInt(c.Number, 10, 64)
	if err != nil || n <= 0 {
		return "~"
	}
	return fmt.Sprintf("%019d", math.MaxInt64-n)
}

func required(fields map[string]string) error {
	var missing []string
	for k, v := range fields {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return nil
}

func checkItem(i OpenItem) error {
	if err := required(map[string]string{"Id": i.ID, "CustomerId": i.CustomerID, "Kind": i.Kind,
		"Amount.Currency": i.Amount.Currency, "AccountingState": i.AccountingState, "Data.Discriminator": i.Data.Discriminator}); err != nil {
		return err
	}
	switch i.Kind {
	case KindOrder:
		if i.RevenueType == nil || i.OrderID == nil {
			return errors.New("an order item needs a RevenueType and an OrderId")
		}
	case KindPayment:
		if i.State == nil {
			return errors.New("a payment item needs a State")
		}
	default:
		return fmt.Errorf("Kind %q is neither %s nor %s", i.Kind, KindOrder, KindPayment)
	}
	return nil
}

func checkEnterprise(e Enterprise) error {
	if e.ID != enterpriseID {
		return fmt.Errorf("Id must be %q (one enterprise record per tenant)", enterpriseID)
	}
	if _, err := uuid.Parse(e.ChainID); err != nil {
		return fmt.Errorf("ChainId: %w", err)
	}
	if len(e.Currency) != 3 {
		return fmt.Errorf("Currency %q is not an ISO 4217 code", e.Currency)
	}
	for code, r := range e.Rates {
		if len(code) != 3 || !(r > 0) {
			return fmt.Errorf("Rates.%s: want a 3-letter code with a positive rate", code)
		}
	}
	return nil
}

func cloneCustomer(c Customer) Customer {
	c.Classifications = slices.Clone(c.Classifications)
	c.Options = slices.Clone(c.Options)
	c.PreferredSpaceFeatures = slices.Clone(c.PreferredSpaceFeatures)
	for _, d := range []**IdentityDocument{&c.Passport, &c.IdentityCard, &c.Visa, &c.DriversLicense} {
		if *d != nil {
			cp := **d
			*d = &cp
		}
	}
	if c.Address != nil {
		a := *c.Address
		c.Address = &a
	}
	return c
}

func cloneItem(i OpenItem) OpenItem {
	i.Amount.TaxValues = slices.Clone(i.Amount.TaxValues)
	i.Data.Value = slices.Clone(i.Data.Value)
	return i
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// emailKey normalises an email for matching: Mews addresses differ in case only by accident.
func emailKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
