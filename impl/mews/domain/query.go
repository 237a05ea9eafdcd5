package domain

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paxkit/paxkit/internal/store"
)

// Interval is a time interval, inclusive at both ends (Mews' serialization rule).
type Interval struct {
	Start, End time.Time
}

func (i *Interval) contains(t time.Time) bool {
	return i == nil || (!t.Before(i.Start) && !t.After(i.End))
}

// Activity states.
const (
	Active  = "Active"
	Deleted = "Deleted"
)

// Filter selects customers. A nil slice does not filter; the values of one slice are
// alternatives (OR) and the filters combine with AND. Emails and names match ignoring case.
type Filter struct {
	IDs, Emails, FirstNames, LastNames, LoyaltyCodes, CompanyIDs, ChainIDs []string
	Created, Updated, Deleted                                              *Interval
	// States are the activity states returned; nil returns every customer.
	States []string
}

// Page asks for at most Count customers after the customer Cursor (newest first).
type Page struct {
	Count  int
	Cursor *string
}

func (f Filter) matches(c Customer) bool {
	state := Active
	if !c.IsActive {
		state = Deleted
	}
	switch {
	case f.States != nil && !slices.Contains(f.States, state):
		return false
	case f.IDs != nil && !slices.Contains(f.IDs, c.ID):
		return false
	case f.Emails != nil && !containsFold(f.Emails, deref(c.Email)):
		return false
	case f.FirstNames != nil && !containsFold(f.FirstNames, deref(c.FirstName)):
		return false
	case f.LastNames != nil && !containsFold(f.LastNames, c.LastName):
		return false
	case f.LoyaltyCodes != nil && !slices.Contains(f.LoyaltyCodes, deref(c.LoyaltyCode)):
		return false
	case f.CompanyIDs != nil && !slices.Contains(f.CompanyIDs, deref(c.CompanyID)):
		return false
	case f.ChainIDs != nil && len(f.ChainIDs) > 0 && !slices.Contains(f.ChainIDs, c.ChainID):
		return false
	case !f.Created.contains(c.CreatedUtc), !f.Updated.contains(c.UpdatedUtc):
		return false
	case f.Deleted != nil && (c.IsActive || !f.Deleted.contains(c.UpdatedUtc)):
		// A deleted (merged) profile's last update is its deletion.
		return false
	}
	return true
}

func containsFold(list []string, v string) bool {
	if v == "" {
		return false
	}
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(v)) {
			return true
		}
	}
	return false
}

// Find returns the matching customers newest first (by CreatedUtc, then Id). With a page, at
// most Count of them, strictly after the customer named by the cursor, and the cursor of the
// last one returned (nil when none); a cursor naming no customer is refused.
//
// The cost does not grow with the tenant's size: CustomerIds and Emails go through the id and
// email indexes, and every other filter walks the newest-first index in bounded batches from
// the cursor (only the CreatedUtc range of it, when given) and stops when the page is full.
//
// The customers share memory with the store (store.ViewShared: no deep copy per customer, the
// bulk of a page's cost): callers read them, to answer, and must not change them.
func (s *Service) Find(tenant string, f Filter, p *Page) ([]Customer, *string, error) {
	var (
		out  []Customer
		next *string
	)
	err := s.st.ViewShared(tenant, func(tx *store.Tx) error {
		var after *store.Position
		if p != nil && p.Cursor != nil {
			c, ok := s.t.customers.Get(tx, *p.Cursor)
			if !ok {
				return invalid("Invalid Limitation.Cursor: it names no customer.")
			}
			after = &store.Position{Key: newestKey(c), ID: c.ID}
		}
		limit := 0
		if p != nil {
			limit = p.Count
		}
		if cands, ok := s.candidates(tx, f); ok {
			out = page(cands, f, after, limit)
		} else {
			out = s.scan(tx, f, after, limit)
		}
		if p != nil && len(out) > 0 {
			id := out[len(out)-1].ID
			next = &id
		}
		return nil
	})
	return out, next, err
}

// candidates returns the customers an id or email filter can hold, through the indexes, or
// false when the filter has neither.
func (s *Service) candidates(tx *store.Tx, f Filter) ([]Customer, bool) {
	var out []Customer
	seen := map[string]bool{}
	switch {
	case f.IDs != nil:
		for _, id := range f.IDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			if c, ok := s.t.customers.Get(tx, id); ok {
				out = append(out, c)
			}
		}
	case f.Emails != nil:
		for _, e := range f.Emails {
			for _, c := range s.t.customers.Lookup(tx, byEmail, emailKey(e)) {
				if !seen[c.ID] {
					seen[c.ID] = true
					out = append(out, c)
				}
			}
		}
	default:
		return nil, false
	}
	return out, true
}

// page keeps the candidates that match f, newest first, strictly after the position after,
// at most limit of them (0: all).
func page(cands []Customer, f Filter, after *store.Position, limit int) []Customer {
	out := cands[:0]
	for _, c := range cands {
		if f.matches(c) && (after == nil || afterPos(newestKey(c), c.ID, after)) {
			out = append(out, c)
		}
	}
	sortNewest(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func afterPos(key, id string, p *store.Position) bool {
	return key > p.Key || key == p.Key && id > p.ID
}

// scanBatch is how many customers one step of an unlimited scan reads; a paged scan reads a
// page's worth per step, so that a full page clones no customer it does not return.
const scanBatch = 256

// scan walks the newest-first index from after, in batches, keeping the customers that match
// f until limit (0: all) are found.
func (s *Service) scan(tx *store.Tx, f Filter, after *store.Position, limit int) []Customer {
	q := store.Query{After: after, Limit: limit}
	if limit <= 0 {
		q.Limit = scanBatch
	}
	if f.Created != nil {
		q.From, q.To = createdRange(*f.Created)
	}
	var out []Customer
	for {
		pg := s.t.customers.Scan(tx, byNewest, q)
		// The matching customers are kept in the batch's own slice (the first batch becomes
		// the answer, so that a page whose first batch fills it copies no customer again).
		kept := pg.Items[:0]
		for _, c := range pg.Items {
			if f.matches(c) {
				kept = append(kept, c)
			}
		}
		if out == nil {
			out = kept
		} else {
			out = append(out, kept...)
		}
		if limit > 0 && len(out) >= limit {
			return out[:limit]
		}
		if pg.Next == nil {
			return out
		}
		q.After = pg.Next
	}
}

// createdRange is the part of the newest-first index that holds the customers created in iv
// ([From, To) of the keys), or the whole index ("", "") when iv reaches outside the years
// newestKey orders correctly (1970 to 2262); Filter.matches checks the interval either way.
func createdRange(iv Interval) (from, to string) {
	lo, hi := time.Unix(0, 1), time.Unix(0, math.MaxInt64-1)
	if iv.Start.Before(lo) || iv.End.After(hi) || iv.End.Before(iv.Start) {
		return "", ""
	}
	// Newest first: the interval's end has the smaller key; the key of the nanosecond before
	// the start is the first one past the range.
	return newestKey(Customer{CreatedUtc: iv.End}), newestKey(Customer{CreatedUtc: iv.Start.Add(-time.Nanosecond)})
}

// Found is a search result: a customer and the reservation of its current stay, if any.
type Found struct {
	Customer    Customer
	Reservation *Reservation
}

// Search returns the active customers whose first, last or full name contains name (ignoring
// case); with resourceID, only those staying on a reservation assigned to that resource.
// Reservations come from fixtures only. The answer is newest first.
//
// The candidates come from the narrowest source at hand: the reservations on the resource,
// else the rarest trigram of a name of three or more characters (see nameGrams), else the
// whole tenant; each candidate is then checked in full, so the source only changes the cost.
// Like Find's, the customers and reservations share memory with the store: read them only.
func (s *Service) Search(tenant string, name, resourceID *string) ([]Found, error) {
	var out []Found
	err := s.st.ViewShared(tenant, func(tx *store.Tx) error {
		needle := strings.ToLower(strings.TrimSpace(deref(name)))
		var cands []Customer
		switch grams := trigrams(needle); {
		case resourceID != nil:
			seen := map[string]bool{}
			for _, r := range s.t.reservations.Lookup(tx, byResource, *resourceID) {
				for _, id := range r.CustomerIDs {
					if seen[id] {
						continue
					}
					seen[id] = true
					if c, ok := s.t.customers.Get(tx, id); ok {
						cands = append(cands, c)
					}
				}
			}
			sortNewest(cands)
		case len(grams) > 0:
			rarest, least := "", -1
			for _, g := range grams {
				if n := s.t.customers.Count(tx, byNameGram, g); least < 0 || n < least {
					rarest, least = g, n
				}
			}
			cands = s.t.customers.Lookup(tx, byNameGram, rarest)
			sortNewest(cands)
		default:
			cands = s.t.customers.Scan(tx, byNewest, store.Query{}).Items
		}
		for _, c := range cands {
			if !c.IsActive {
				continue
			}
			first, last, full := searchNames(c)
			if needle != "" && !strings.Contains(first, needle) && !strings.Contains(last, needle) && !strings.Contains(full, needle) {
				continue
			}
			f := Found{Customer: c}
			if rs := s.t.reservations.Lookup(tx, byCustomer, c.ID); len(rs) > 0 {
				f.Reservation = &rs[0]
			}
			out = append(out, f)
		}
		return nil
	})
	return out, err
}

// sortNewest sorts customers as the newest-first index orders them.
func sortNewest(cs []Customer) {
	slices.SortFunc(cs, func(a, b Customer) int {
		if c := strings.Compare(newestKey(a), newestKey(b)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// OpenItems returns the open items of each customer, converted to currency when it is given
// (with the enterprise's exchange rates). Unknown customers and currencies are refused.
func (s *Service) OpenItems(tenant string, ids []string, currency *string) (map[string][]OpenItem, error) {
	out := map[string][]OpenItem{}
	err := s.st.View(tenant, func(tx *store.Tx) error {
		ent := s.enterprise(tx)
		for _, id := range ids {
			if _, ok := s.t.customers.Get(tx, id); !ok {
				return invalid("Invalid CustomerIds: %s is not a customer of the enterprise.", id)
			}
			items := []OpenItem{}
			for _, it := range s.t.openItems.Lookup(tx, byCustomer, id) {
				if it.AccountingState != "Open" {
					continue
				}
				orig := it.Amount
				it.Original = &orig
				if currency != nil {
					conv, err := convert(ent, it.Amount, strings.ToUpper(*currency))
					if err != nil {
						return err
					}
					it.Amount = conv
				}
				items = append(items, it)
			}
			out[id] = items
		}
		return nil
	})
	return out, err
}

// convert converts an amount with the enterprise's rates (units of each currency per unit
// of the accounting currency), rounding to cents.
func convert(ent Enterprise, a Amount, to string) (Amount, error) {
	rate := func(code string) (float64, bool) {
		if code == ent.Currency {
			return 1, true
		}
		r, ok := ent.Rates[code]
		return r, ok
	}
	rt, ok := rate(to)
	if !ok {
		return a, invalid("Invalid Currency: %s has no exchange rate in the enterprise.", to)
	}
	rf, ok := rate(a.Currency)
	if !ok {
		return a, invalid("Invalid Currency: the item currency %s has no exchange rate in the enterprise.", a.Currency)
	}
	f := rt / rf
	out := Amount{Currency: to, NetValue: scaled(a.NetValue, f), GrossValue: scaled(a.GrossValue, f)}
	for _, t := range a.TaxValues {
		out.TaxValues = append(out.TaxValues, TaxValue{Code: t.Code, Value: cents(t.Value * f)})
	}
	return out, nil
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

func scaled(v *float64, f float64) *float64 {
	if v == nil {
		return nil
	}
	return ptr(cents(*v * f))
}

// Merge merges source into target: the source's files and open items move to the target, the
// target's empty profile fields are filled from the source (never overwritten), and the
// source becomes inactive with MergeTargetId. Merging the same pair again changes nothing.
func (s *Service) Merge(tenant, sourceID, targetID string) error {
	return s.st.Update(tenant, func(tx *store.Tx) error {
		src, ok := s.t.customers.Get(tx, sourceID)
		if !ok {
			return invalid("Invalid SourceCustomerId.")
		}
		tgt, ok := s.t.customers.Get(tx, targetID)
		if !ok {
			return invalid("Invalid TargetCustomerId.")
		}
		if src.ID == tgt.ID {
			return refused("A customer cannot be merged into itself.")
		}
		if deref(src.MergeTargetID) == tgt.ID {
			return nil
		}
		if !src.IsActive {
			return refused("The source customer was already merged or deleted.")
		}
		if !tgt.IsActive {
			return refused("The target customer was merged or deleted.")
		}
		now := s.now()
		for _, f := range s.t.files.Lookup(tx, byCustomer, src.ID) {
			f.CustomerID = tgt.ID
			if err := s.t.files.Put(tx, f); err != nil {
				return err
			}
		}
		for _, it := range s.t.openItems.Lookup(tx, byCustomer, src.ID) {
			it.CustomerID = tgt.ID
			if err := s.t.openItems.Put(tx, it); err != nil {
				return err
			}
		}
		fillEmpty(&tgt, src)
		tgt.UpdatedUtc = now
		src.IsActive = false
		src.ActivityState = ptr(Deleted)
		src.MergeTargetID = ptr(tgt.ID)
		src.UpdatedUtc = now
		if err := s.t.customers.Put(tx, tgt); err != nil {
			return err
		}
		return s.t.customers.Put(tx, src)
	})
}

// fillEmpty fills the target's empty fields from the source.
func fillEmpty(t *Customer, s Customer) {
	for _, f := range []struct{ dst, src **string }{
		{&t.Title, &s.Title}, {&t.Sex, &s.Sex}, {&t.FirstName, &s.FirstName}, {&t.SecondLastName, &s.SecondLastName},
		{&t.NationalityCode, &s.NationalityCode}, {&t.PreferredLanguageCode, &s.PreferredLanguageCode},
		{&t.LanguageCode, &s.LanguageCode}, {&t.BirthDate, &s.BirthDate}, {&t.BirthPlace, &s.BirthPlace},
		{&t.Occupation, &s.Occupation}, {&t.Email, &s.Email}, {&t.Phone, &s.Phone},
		{&t.TaxIdentificationNumber, &s.TaxIdentificationNumber}, {&t.LoyaltyCode, &s.LoyaltyCode},
		{&t.AccountingCode, &s.AccountingCode}, {&t.BillingCode, &s.BillingCode}, {&t.Notes, &s.Notes},
		{&t.CarRegistrationNumber, &s.CarRegistrationNumber}, {&t.DietaryRequirements, &s.DietaryRequirements},
		{&t.ItalianDestinationCode, &s.ItalianDestinationCode}, {&t.ItalianFiscalCode, &s.ItalianFiscalCode},
		{&t.CompanyID, &s.CompanyID},
	} {
		if blankToNil(*f.dst) == nil && blankToNil(*f.src) != nil {
			*f.dst = *f.src
		}
	}
	for _, d := range []struct{ dst, src **IdentityDocument }{
		{&t.Passport, &s.Passport}, {&t.IdentityCard, &s.IdentityCard}, {&t.Visa, &s.Visa}, {&t.DriversLicense, &s.DriversLicense},
	} {
		if *d.dst == nil && *d.src != nil {
			doc := **d.src
			doc.CustomerID = t.ID
			*d.dst = &doc
		}
	}
	if t.Address == nil && s.Address != nil {
		a := *s.Address
		t.Address = &a
		t.AddressID = &a.ID
	}
	if len(t.Classifications) == 0 {
		t.Classifications = slices.Clone(s.Classifications)
	}
	if len(t.Options) == 0 {
		t.Options = slices.Clone(s.Options)
	}
	if len(t.PreferredSpaceFeatures) == 0 {
		t.PreferredSpaceFeatures = slices.Clone(s.PreferredSpaceFeatures)
	}
}

// FileInput is customers/addFile.
type FileInput struct {
	CustomerID string
	Name, Type string
	Data       []byte
	// CheckType refuses MIME types outside the allowed list (the current revision documents
	// the list; the legacy one does not).
	CheckType bool
}

// AddFile keeps a file on the customer and returns its id.
func (s *Service) AddFile(tenant string, in FileInput) (string, error) {
	var id string
	err := s.st.Update(tenant, func(tx *store.Tx) error {
		if _, ok := s.t.customers.Get(tx, in.CustomerID); !ok {
			return invalid("Invalid CustomerId.")
		}
		if in.CheckType && !allowedFileType(in.Type) {
			return refused("File type %s is not allowed.", in.Type)
		}
		if len(in.Data) > MaxFileSize {
			return refused("The file is too large: at most %d bytes are accepted.", MaxFileSize)
		}
		id = s.newID()
		return s.t.files.Put(tx, File{ID: id, CustomerID: in.CustomerID, Name: in.Name, Type: in.Type, Data: in.Data, CreatedUtc: s.now()})
	})
	return id, err
}

// Files returns the files attached to a customer.
func (s *Service) Files(tenant, customerID string) ([]File, error) {
	var out []File
	err := s.st.View(tenant, func(tx *store.Tx) error {
		out = s.t.files.Lookup(tx, byCustomer, customerID)
		return nil
	})
	return out, err
}
