package erin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/paxkit/paxkit/gen/erin"
	"github.com/paxkit/paxkit/internal/apidef"
	"github.com/paxkit/paxkit/internal/store"
)

// server implements erin.StrictServerInterface on the shared store. A handler reads or writes
// only the authenticated login's partition, inside one transaction, so concurrent messages
// never see or make half-applied changes. Other customers' partitions are only read, after
// the transaction, to tell "another customer's" (403) from "does not exist" (404).
type server struct {
	tables *tables
	store  *store.Store
	clock  *clock
}

var _ erin.StrictServerInterface = (*server)(nil)

func tenantOf(ctx context.Context) (apidef.Tenant, error) {
	t, ok := apidef.TenantFrom(ctx)
	if !ok {
		return t, errors.New("erin: request reached a handler without an authenticated tenant")
	}
	return t, nil
}

// heldByOther reports whether a customer other than own holds what found looks for.
func (s *server) heldByOther(own string, found func(tx *store.Tx) bool) (bool, error) {
	for _, tenant := range s.store.Tenants() {
		if tenant == own {
			continue
		}
		var ok bool
		if err := s.store.View(tenant, func(tx *store.Tx) error {
			ok = found(tx)
			return nil
		}); err != nil {
			return false, fmt.Errorf("erin: look for the owner: %w", err)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// refusal is a 403 or 404 for something the customer named in a message.
type refusal struct {
	status int
	body   erin.ErrorResponse
}

// notOwn answers 403 when another customer holds the thing (what, e.g. "Booking 23980") and
// 404 when nobody does. paxkit decision (spec: the 403 and 404 responses): a customer learns
// that the id exists, as the vendor's distinct statuses imply.
func (s *server) notOwn(ctx context.Context, own, what, notYours, field string, found func(tx *store.Tx) bool) (refusal, error) {
	other, err := s.heldByOther(own, found)
	if err != nil {
		return refusal{}, err
	}
	if other {
		return refusal{403, s.clock.failure(ctx, problem(codeForbidden, field, what+" "+notYours))}, nil
	}
	return refusal{404, s.clock.failure(ctx, problem(codeNotFound, field, what+" does not exist"))}, nil
}

func (s *server) affected(ctx context.Context, ids ...int64) erin.AffectedIdsResponse {
	env := s.clock.envelopeOf(ctx)
	return erin.AffectedIdsResponse{
		TimeStamp: &env.TimeStamp, Channel: env.Channel, Currency: env.Currency, Language: env.Language,
		EchoToken: env.EchoToken, TransactionIdentifier: env.TransactionIdentifier,
		Success: true, AffectedIds: &ids,
	}
}

// AuthenticateCustomer answers success: the core has already authenticated the message.
func (s *server) AuthenticateCustomer(ctx context.Context, _ erin.AuthenticateCustomerRequestObject) (erin.AuthenticateCustomerResponseObject, error) {
	env := s.clock.envelopeOf(ctx)
	return erin.AuthenticateCustomer200JSONResponse{
		TimeStamp: &env.TimeStamp, Channel: env.Channel, Currency: env.Currency, Language: env.Language,
		EchoToken: env.EchoToken, TransactionIdentifier: env.TransactionIdentifier, Success: true,
	}, nil
}

// GetCustomerDetails answers the customer with the parts the include flags ask for.
func (s *server) GetCustomerDetails(ctx context.Context, req erin.GetCustomerDetailsRequestObject) (erin.GetCustomerDetailsResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var (
		c     customer
		found bool
		bks   []booking
	)
	if err := s.store.View(t.ID, func(tx *store.Tx) error {
		c, found = s.tables.customer(tx, t.ID)
		bks = s.tables.bookings.Scan(tx, "", store.Query{}).Items
		return nil
	}); err != nil {
		return nil, fmt.Errorf("erin: customer details: %w", err)
	}
	if !found {
		return erin.GetCustomerDetails404JSONResponse(s.clock.failure(ctx,
			problem(codeNotFound, "", "No customer account is held for this login"))), nil
	}
	if ref := req.Body.Reference; ref != nil && *ref != deref(c.Reference) {
		r, err := s.notOwn(ctx, t.ID, "Customer "+*ref, "is not the authenticated customer", "/reference", func(tx *store.Tx) bool {
			return len(s.tables.customers.Lookup(tx, byReference, *ref)) > 0
		})
		if err != nil {
			return nil, err
		}
		if r.status == 403 {
			return erin.GetCustomerDetails403JSONResponse(r.body), nil
		}
		return erin.GetCustomerDetails404JSONResponse(r.body), nil
	}
	detail := detailsOf(c, bks, *req.Body)
	env := s.clock.envelopeOf(ctx)
	return erin.GetCustomerDetails200JSONResponse{
		TimeStamp: &env.TimeStamp, Channel: env.Channel, Currency: env.Currency, Language: env.Language,
		EchoToken: env.EchoToken, TransactionIdentifier: env.TransactionIdentifier, Success: true,
		CustomerDetails: &[]erin.CustomerDetail{detail},
	}, nil
}

// detailsOf shapes a stored customer for getCustomerDetails. noBookings counts bookings, not
// quotes, and only when includeBookingCount asks (0 otherwise, as the seed's nested summary
// shows); bookings, other passengers and discounts appear only when asked for and not empty;
// notes only with includeNotes. The primary passenger carries the account summary.
func detailsOf(c customer, bks []booking, req erin.CustomerDetailsRequest) customer {
	count := int32(0)
	if deref(req.IncludeBookingCount) {
		for _, b := range bks {
			if deref(b.Kind) == erin.BookingKindBOOKING {
				count++
			}
		}
	}
	c.NoBookings = &count
	summary := erin.CustomerSummary{
		Id: c.Id, Reference: c.Reference, Name: c.Name, CustomerType: c.CustomerType, Deleted: c.Deleted,
		NoBookings: ptr(int32(0)), Enabled: c.Enabled, Language: c.Language, Currency: c.Currency,
		Locked: c.Locked, PasswordChangeRequired: c.PasswordChangeRequired,
	}
	if c.PrimaryDetail != nil {
		c.PrimaryDetail.CustomerDetails = &summary
	}
	if !deref(req.IncludePassengers) || c.Passengers == nil || len(*c.Passengers) == 0 {
		c.Passengers = nil
	}
	for _, p := range passengersOf(&c) {
		if !deref(req.IncludeNotes) || (p.Notes != nil && len(*p.Notes) == 0) {
			p.Notes = nil
		}
		if p.Documents != nil && len(*p.Documents) == 0 {
			p.Documents = nil
		}
	}
	c.Bookings = nil
	if deref(req.IncludeBookings) && len(bks) > 0 {
		list := make([]erin.CustomerBooking, 0, len(bks))
		for _, b := range newestFirst(bks) {
			list = append(list, b.CustomerBooking)
		}
		c.Bookings = &list
	}
	if !deref(req.IncludeDiscounts) || c.Discounts == nil || len(*c.Discounts) == 0 {
		c.Discounts = nil
	}
	return c
}

// newestFirst orders bookings by bookingDate, newest first (ties: higher id first).
func newestFirst(bks []booking) []booking {
	out := slices.Clone(bks)
	slices.SortStableFunc(out, func(a, b booking) int {
		if c := cmp.Compare(localKey(deref(b.BookingDate)), localKey(deref(a.BookingDate))); c != 0 {
			return c
		}
		return cmp.Compare(deref(b.BookingId), deref(a.BookingId))
	})
	return out
}

// localKey is the date and time of a LocalDateTime without fraction and zone, for ordering
// values written with and without a zone alike.
func localKey(s string) string {
	if len(s) > 19 {
		return s[:19]
	}
	return s
}

// GetCustomerStatement answers, for each booking of the customer (quotes have no payments),
// its cost, every payment oldest first and their total, refunds deducted.
func (s *server) GetCustomerStatement(ctx context.Context, _ erin.GetCustomerStatementRequestObject) (erin.GetCustomerStatementResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var (
		c   customer
		bks []booking
	)
	if err := s.store.View(t.ID, func(tx *store.Tx) error {
		c, _ = s.tables.customer(tx, t.ID)
		bks = s.tables.bookings.Scan(tx, "", store.Query{}).Items
		return nil
	}); err != nil {
		return nil, fmt.Errorf("erin: statement: %w", err)
	}
	details := []erin.CustomerStatementDetail{}
	ordered := newestFirst(bks)
	slices.Reverse(ordered) // a statement reads oldest booking first
	for _, b := range ordered {
		if deref(b.Kind) != erin.BookingKindBOOKING {
			continue
		}
		details = append(details, statementOf(b))
	}
	env := s.clock.envelopeOf(ctx)
	return erin.GetCustomerStatement200JSONResponse{
		TimeStamp: &env.TimeStamp, Channel: env.Channel, Currency: env.Currency, Language: env.Language,
		EchoToken: env.EchoToken, TransactionIdentifier: env.TransactionIdentifier, Success: true,
		CurrencyCode: c.Currency, CustomerStatementDetails: &details,
	}, nil
}

// statementOf sums a booking's payments in minor units, so that the total is exact (nine
// payments of the seed add up to 2007.37, not 2007.3700000000001).
func statementOf(b booking) erin.CustomerStatementDetail {
	pays := slices.Clone(b.Payments)
	slices.SortStableFunc(pays, func(x, y payment) int {
		return cmp.Compare(localKey(deref(x.TransactionDateTime)), localKey(deref(y.TransactionDateTime)))
	})
	var cents int64
	list := make([]erin.StatementPayment, 0, len(pays))
	for _, p := range pays {
		cents += toCents(deref(p.Amount))
		list = append(list, p.StatementPayment)
	}
	total := float64(cents) / 100
	return erin.CustomerStatementDetail{
		BookingId: b.BookingId, BookingReference: b.BookingReference, BookingDate: b.BookingDate,
		DepartureDate: b.DepartureDate, LeadName: b.LeadName, BookingCost: b.BookingCost,
		TotalPayment: &total, PaymentDetails: &list,
	}
}

func toCents(amount float64) int64 { return int64(math.Round(amount * 100)) }

// maxPayment bounds a payment's amount (PaymentItem.amount maximum in the contract), so that
// amounts stay exact in minor units.
const maxPayment = 1e9

// StoreCustomerPayment lodges a card payment against one of the customer's bookings and
// answers the payment's id. Refused: another customer's booking (403), an unknown one (404);
// a quote, a currency other than the booking's, or an amount with more than two decimals
// (400, every problem listed). paxkit decision: a payment beyond the balance is accepted
// (the card has been charged; the statement then shows a credit).
func (s *server) StoreCustomerPayment(ctx context.Context, req erin.StoreCustomerPaymentRequestObject) (erin.StoreCustomerPaymentResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	d := req.Body.CustomerPaymentDetails
	bookingID := strconv.FormatInt(d.Items.BookingId, 10)
	var (
		id       int64
		notOwn   bool
		problems []erin.Error
	)
	err = s.store.Update(t.ID, func(tx *store.Tx) error {
		b, ok := s.tables.bookings.Get(tx, bookingID)
		if !ok {
			notOwn = true
			return nil
		}
		if deref(b.Kind) != erin.BookingKindBOOKING {
			problems = append(problems, problem(codeInvalid, "/customerPaymentDetails/items/bookingId",
				fmt.Sprintf("%d is a quote; payments are lodged against bookings", d.Items.BookingId)))
		}
		if cur := deref(b.CurrencyCode); d.CurrencyCode != cur {
			problems = append(problems, problem(codeInvalid, "/customerPaymentDetails/currencyCode",
				fmt.Sprintf("booking %d is priced in %s; the payment must be in %s, not %s", d.Items.BookingId, cur, cur, d.CurrencyCode)))
		}
		amount := d.Items.Amount
		if amount > maxPayment || math.Abs(amount*100-math.Round(amount*100)) > 1e-6 {
			problems = append(problems, problem(codeInvalid, "/customerPaymentDetails/items/amount",
				"amount must have at most two decimals and be at most 1000000000"))
		}
		if len(problems) > 0 {
			return nil
		}
		c, _ := s.tables.customer(tx, t.ID)
		id = s.nextPaymentID(tx)
		b.Payments = append(b.Payments, payment{ID: id, StatementPayment: s.paymentOf(req.Body, c)})
		return s.tables.bookings.Put(tx, b)
	})
	if err != nil {
		return nil, fmt.Errorf("erin: store payment: %w", err)
	}
	if notOwn {
		r, err := s.notOwn(ctx, t.ID, "Booking "+bookingID, "does not belong to this customer", "/customerPaymentDetails/items/bookingId",
			func(tx *store.Tx) bool { _, ok := s.tables.bookings.Get(tx, bookingID); return ok })
		if err != nil {
			return nil, err
		}
		if r.status == 403 {
			return erin.StoreCustomerPayment403JSONResponse(r.body), nil
		}
		return erin.StoreCustomerPayment404JSONResponse(r.body), nil
	}
	if len(problems) > 0 {
		return erin.StoreCustomerPayment400JSONResponse{BadRequestJSONResponse: erin.BadRequestJSONResponse(s.clock.failure(ctx, problems...))}, nil
	}
	return erin.StoreCustomerPayment200JSONResponse(s.affected(ctx, id)), nil
}

// paymentOf is the statement line of a card payment: the provider's reference as the
// transaction reference (else the authorisation code), the card in the description, the
// message's (else the customer's) language, and the time the card was charged (else now).
func (s *server) paymentOf(req *erin.CustomerPaymentRequest, c customer) erin.StatementPayment {
	d := req.CustomerPaymentDetails
	amount := float64(toCents(d.Items.Amount)) / 100
	desc := "Card payment"
	if d.CardType != nil && d.CardTrailingDigits != nil {
		desc = fmt.Sprintf("Card payment, %s ending %s", *d.CardType, *d.CardTrailingDigits)
	} else if d.CardType != nil {
		desc = fmt.Sprintf("Card payment, %s", *d.CardType)
	}
	ref := desc
	switch {
	case d.CardPaymentReference != nil && *d.CardPaymentReference != "":
		ref = *d.CardPaymentReference
	case d.CardAuthorisationCode != nil && *d.CardAuthorisationCode != "":
		ref = *d.CardAuthorisationCode
	}
	lang := req.Language
	if lang == nil {
		lang = c.Language
	}
	when := d.TransactionDateTime
	if when == nil {
		when = ptr(s.clock.localTime())
	}
	cur := d.CurrencyCode
	return erin.StatementPayment{
		Amount: &amount, CurrencyCode: &cur, Description: &desc, Language: lang,
		TransactionReference: &ref, TransactionDateTime: when,
	}
}

// First ids of records paxkit adds where the customer holds none of the kind yet; afterwards
// an id is one more than the highest the customer holds. Erin's ids are database ids; these
// floors only make paxkit's look like the seed's.
const (
	firstPaymentID  = 39000
	firstAddressID  = 5060
	firstDocumentID = 910
	firstLoyaltyID  = 650
	firstMedicalID  = 500
	firstNoteID     = 700
)

func (s *server) nextPaymentID(tx *store.Tx) int64 {
	top := int64(firstPaymentID)
	for _, b := range s.tables.bookings.Scan(tx, "", store.Query{}).Items {
		for _, p := range b.Payments {
			top = max(top, p.ID)
		}
	}
	return top + 1
}

// ListCustomerDocuments answers the customer's documents, newest first, optionally of one of
// their bookings.
func (s *server) ListCustomerDocuments(ctx context.Context, req erin.ListCustomerDocumentsRequestObject) (erin.ListCustomerDocumentsResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	filter := req.Body.BookingId
	var (
		docs   []erin.CustomerDocument
		notOwn bool
	)
	if err := s.store.View(t.ID, func(tx *store.Tx) error {
		if filter != nil {
			if _, ok := s.tables.bookings.Get(tx, strconv.FormatInt(*filter, 10)); !ok {
				notOwn = true
				return nil
			}
		}
		for _, d := range s.tables.documents.Scan(tx, "", store.Query{}).Items {
			if filter == nil || (d.BookingId != nil && *d.BookingId == *filter) {
				docs = append(docs, d)
			}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("erin: documents: %w", err)
	}
	if notOwn {
		id := strconv.FormatInt(*filter, 10)
		r, err := s.notOwn(ctx, t.ID, "Booking "+id, "does not belong to this customer", "/bookingId",
			func(tx *store.Tx) bool { _, ok := s.tables.bookings.Get(tx, id); return ok })
		if err != nil {
			return nil, err
		}
		if r.status == 403 {
			return erin.ListCustomerDocuments403JSONResponse(r.body), nil
		}
		return erin.ListCustomerDocuments404JSONResponse(r.body), nil
	}
	slices.SortStableFunc(docs, func(a, b erin.CustomerDocument) int {
		if c := cmp.Compare(localKey(deref(b.CreationDateTime)), localKey(deref(a.CreationDateTime))); c != 0 {
			return c
		}
		return cmp.Compare(deref(b.Id), deref(a.Id))
	})
	if docs == nil {
		docs = []erin.CustomerDocument{}
	}
	env := s.clock.envelopeOf(ctx)
	return erin.ListCustomerDocuments200JSONResponse{
		TimeStamp: &env.TimeStamp, Channel: env.Channel, Currency: env.Currency, Language: env.Language,
		EchoToken: env.EchoToken, TransactionIdentifier: env.TransactionIdentifier, Success: true,
		CustomerDocuments: &docs,
	}, nil
}

// ListCustomerBookings answers the customer's bookings and quotes, newest first, optionally
// of one kind.
func (s *server) ListCustomerBookings(ctx context.Context, req erin.ListCustomerBookingsRequestObject) (erin.ListCustomerBookingsResponseObject, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var bks []booking
	if err := s.store.View(t.ID, func(tx *store.Tx) error {
		bks = s.tables.bookings.Scan(tx, "", store.Query{}).Items
		return nil
	}); err != nil {
		return nil, fmt.Errorf("erin: booking list: %w", err)
	}
	list := []erin.CustomerBooking{}
	for _, b := range newestFirst(bks) {
		if req.Body.Kind == nil || deref(b.Kind) == *req.Body.Kind {
			list = append(list, b.CustomerBooking)
		}
	}
	env := s.clock.envelopeOf(ctx)
	return erin.ListCustomerBookings200JSONResponse{
		TimeStamp: &env.TimeStamp, Channel: env.Channel, Currency: env.Currency, Language: env.Language,
		EchoToken: env.EchoToken, TransactionIdentifier: env.TransactionIdentifier, Success: true,
		CustomerBookings: &list,
	}, nil
}
