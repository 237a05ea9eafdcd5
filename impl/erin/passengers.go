package erin

import (
	"context"
	"fmt"
	"strconv"

	"github.com/paxkit/paxkit/gen/erin"
	"github.com/paxkit/paxkit/internal/store"
)

// recordKind is what the five passenger stores differ in: which list of the passenger they
// change and how a record is built from the message.
type recordKind struct {
	name  string // for messages: "Address"
	field string // JSON pointer of the record in the request: "/address"
	first int64  // the first id when the customer holds none of the kind
	// ids lists the passenger's ids of the kind.
	ids func(p *erin.PassengerDetail) []int64
	// put stores the record with id in p, replacing the record with that id when replace is
	// set (false when the passenger has none), appending it otherwise.
	put func(c *customer, p *erin.PassengerDetail, id int64, replace bool) bool
	// check finds problems in the record the contract cannot express (nil: none).
	check func() []erin.Error
}

// stored is the outcome of a passenger store: the record's id, or a refusal.
type stored struct {
	id      int64
	refused *refusal
}

// storeRecord adds a record to one of the customer's passengers (recordID nil) or replaces the
// passenger's record with that id, in one transaction. Refused: problems check finds (400), a
// passenger of another customer (403), an unknown passenger or record id (404).
func (s *server) storeRecord(ctx context.Context, passengerID int64, recordID *int64, k recordKind) (stored, error) {
	t, err := tenantOf(ctx)
	if err != nil {
		return stored{}, err
	}
	if k.check != nil {
		if problems := k.check(); len(problems) > 0 {
			return stored{refused: &refusal{400, s.clock.failure(ctx, problems...)}}, nil
		}
	}
	var (
		out        stored
		notOwn     bool
		pid        = strconv.FormatInt(passengerID, 10)
		missingRec bool
	)
	err = s.store.Update(t.ID, func(tx *store.Tx) error {
		c, ok := s.tables.customer(tx, t.ID)
		if !ok {
			notOwn = true
			return nil
		}
		var target *erin.PassengerDetail
		top := k.first
		for _, p := range passengersOf(&c) {
			if deref(p.Id) == passengerID {
				target = p
			}
			for _, id := range k.ids(p) {
				top = max(top, id)
			}
		}
		if target == nil {
			notOwn = true
			return nil
		}
		id, replace := top+1, false
		if recordID != nil {
			id, replace = *recordID, true
		}
		if !k.put(&c, target, id, replace) {
			missingRec = true
			return nil
		}
		out.id = id
		return s.tables.customers.Put(tx, c)
	})
	if err != nil {
		return stored{}, fmt.Errorf("erin: store %s: %w", k.name, err)
	}
	switch {
	case notOwn:
		r, err := s.notOwn(ctx, t.ID, "Passenger "+pid, "does not belong to this customer", "/passengerId",
			func(tx *store.Tx) bool { return len(s.tables.customers.Lookup(tx, byPassenger, pid)) > 0 })
		if err != nil {
			return stored{}, err
		}
		return stored{refused: &r}, nil
	case missingRec:
		return stored{refused: &refusal{404, s.clock.failure(ctx, problem(codeNotFound, k.field+"/id",
			fmt.Sprintf("%s %d of passenger %d does not exist", k.name, *recordID, passengerID)))}}, nil
	}
	return out, nil
}

// upsert replaces the element of list with id (replace) or appends v.
func upsert[T any](list *[]T, idOf func(T) *int64, id int64, v T, replace bool) bool {
	if !replace {
		*list = append(*list, v)
		return true
	}
	for i, x := range *list {
		if p := idOf(x); p != nil && *p == id {
			(*list)[i] = v
			return true
		}
	}
	return false
}

func idsOf[T any](list *[]T, idOf func(T) *int64) []int64 {
	if list == nil {
		return nil
	}
	var out []int64
	for _, x := range *list {
		if p := idOf(x); p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// listOf returns the list a pointer field holds, creating it when absent.
func listOf[T any](field **[]T) *[]T {
	if *field == nil {
		*field = &[]T{}
	}
	return *field
}

func addressID(a erin.Address) *int64                    { return a.Id }
func documentID(d erin.PassengerDocument) *int64         { return d.Id }
func loyaltyID(l erin.LoyaltyCard) *int64                { return l.Id }
func medicalID(m erin.MedicalDetail) *int64              { return m.Id }
func noteID(n erin.Note) *int64                          { return n.Id }
func passengerAddresses(p *erin.PassengerDetail) []int64 { return idsOf(p.Addresses, addressID) }

// StorePassengerAddress adds or replaces an address. paxkit decision: a passenger has one
// preferred address, so storing one with preferred true clears the flag on the others.
func (s *server) StorePassengerAddress(ctx context.Context, req erin.StorePassengerAddressRequestObject) (erin.StorePassengerAddressResponseObject, error) {
	in := req.Body.Address
	out, err := s.storeRecord(ctx, req.Body.PassengerId, in.Id, recordKind{
		name: "Address", field: "/address", first: firstAddressID, ids: passengerAddresses,
		put: func(_ *customer, p *erin.PassengerDetail, id int64, replace bool) bool {
			a := erin.Address{Id: &id, Addr1: ptr(in.Addr1), Addr2: in.Addr2, City: in.City, PostCode: in.PostCode,
				Country: ptr(in.Country), Preferred: in.Preferred}
			list := listOf(&p.Addresses)
			if !upsert(list, addressID, id, a, replace) {
				return false
			}
			if deref(in.Preferred) {
				for i := range *list {
					if deref((*list)[i].Id) != id && (*list)[i].Preferred != nil {
						(*list)[i].Preferred = ptr(false)
					}
				}
			}
			return true
		},
	})
	switch {
	case err != nil:
		return nil, err
	case out.refused == nil:
		return erin.StorePassengerAddress200JSONResponse(s.affected(ctx, out.id)), nil
	case out.refused.status == 400:
		return erin.StorePassengerAddress400JSONResponse{BadRequestJSONResponse: erin.BadRequestJSONResponse(out.refused.body)}, nil
	case out.refused.status == 403:
		return erin.StorePassengerAddress403JSONResponse{ForbiddenPassengerJSONResponse: erin.ForbiddenPassengerJSONResponse(out.refused.body)}, nil
	default:
		return erin.StorePassengerAddress404JSONResponse{NotFoundPassengerJSONResponse: erin.NotFoundPassengerJSONResponse(out.refused.body)}, nil
	}
}

// StorePassengerDocument adds or replaces an APIS travel document. Refused (400): an expiry
// date before the issue date.
func (s *server) StorePassengerDocument(ctx context.Context, req erin.StorePassengerDocumentRequestObject) (erin.StorePassengerDocumentResponseObject, error) {
	in := req.Body.Document
	out, err := s.storeRecord(ctx, req.Body.PassengerId, in.Id, recordKind{
		name: "Document", field: "/document", first: firstDocumentID,
		ids: func(p *erin.PassengerDetail) []int64 { return idsOf(p.Documents, documentID) },
		check: func() []erin.Error {
			if in.IssueDate != nil && in.ExpiryDate != nil && in.ExpiryDate.Before(in.IssueDate.Time) {
				return []erin.Error{problem(codeInvalid, "/document/expiryDate", "expiryDate must not be before issueDate")}
			}
			return nil
		},
		put: func(_ *customer, p *erin.PassengerDetail, id int64, replace bool) bool {
			typ := in.Type
			d := erin.PassengerDocument{Id: &id, Type: &typ, Number: ptr(in.Number), IssuingCountry: ptr(in.IssuingCountry),
				Nationality: in.Nationality, IssueDate: in.IssueDate, ExpiryDate: in.ExpiryDate, GivenName: in.GivenName,
				FamilyName: in.FamilyName, DateOfBirth: in.DateOfBirth, Gender: in.Gender}
			return upsert(listOf(&p.Documents), documentID, id, d, replace)
		},
	})
	switch {
	case err != nil:
		return nil, err
	case out.refused == nil:
		return erin.StorePassengerDocument200JSONResponse(s.affected(ctx, out.id)), nil
	case out.refused.status == 400:
		return erin.StorePassengerDocument400JSONResponse{BadRequestJSONResponse: erin.BadRequestJSONResponse(out.refused.body)}, nil
	case out.refused.status == 403:
		return erin.StorePassengerDocument403JSONResponse{ForbiddenPassengerJSONResponse: erin.ForbiddenPassengerJSONResponse(out.refused.body)}, nil
	default:
		return erin.StorePassengerDocument404JSONResponse{NotFoundPassengerJSONResponse: erin.NotFoundPassengerJSONResponse(out.refused.body)}, nil
	}
}

// StorePassengerLoyalty adds or replaces a loyalty card.
func (s *server) StorePassengerLoyalty(ctx context.Context, req erin.StorePassengerLoyaltyRequestObject) (erin.StorePassengerLoyaltyResponseObject, error) {
	in := req.Body.LoyaltyCard
	out, err := s.storeRecord(ctx, req.Body.PassengerId, in.Id, recordKind{
		name: "Loyalty card", field: "/loyaltyCard", first: firstLoyaltyID,
		ids: func(p *erin.PassengerDetail) []int64 { return idsOf(p.LoyaltyCards, loyaltyID) },
		put: func(_ *customer, p *erin.PassengerDetail, id int64, replace bool) bool {
			l := erin.LoyaltyCard{Id: &id, Supplier: ptr(in.Supplier), Number: ptr(in.Number)}
			return upsert(listOf(&p.LoyaltyCards), loyaltyID, id, l, replace)
		},
	})
	switch {
	case err != nil:
		return nil, err
	case out.refused == nil:
		return erin.StorePassengerLoyalty200JSONResponse(s.affected(ctx, out.id)), nil
	case out.refused.status == 400:
		return erin.StorePassengerLoyalty400JSONResponse{BadRequestJSONResponse: erin.BadRequestJSONResponse(out.refused.body)}, nil
	case out.refused.status == 403:
		return erin.StorePassengerLoyalty403JSONResponse{ForbiddenPassengerJSONResponse: erin.ForbiddenPassengerJSONResponse(out.refused.body)}, nil
	default:
		return erin.StorePassengerLoyalty404JSONResponse{NotFoundPassengerJSONResponse: erin.NotFoundPassengerJSONResponse(out.refused.body)}, nil
	}
}

// StorePassengerMedical adds or replaces a medical information entry.
func (s *server) StorePassengerMedical(ctx context.Context, req erin.StorePassengerMedicalRequestObject) (erin.StorePassengerMedicalResponseObject, error) {
	in := req.Body.MedicalDetail
	out, err := s.storeRecord(ctx, req.Body.PassengerId, in.Id, recordKind{
		name: "Medical detail", field: "/medicalDetail", first: firstMedicalID,
		ids: func(p *erin.PassengerDetail) []int64 { return idsOf(p.MedicalDetails, medicalID) },
		put: func(_ *customer, p *erin.PassengerDetail, id int64, replace bool) bool {
			m := erin.MedicalDetail{Id: &id, MedicalInformation: ptr(in.MedicalInformation)}
			return upsert(listOf(&p.MedicalDetails), medicalID, id, m, replace)
		},
	})
	switch {
	case err != nil:
		return nil, err
	case out.refused == nil:
		return erin.StorePassengerMedical200JSONResponse(s.affected(ctx, out.id)), nil
	case out.refused.status == 400:
		return erin.StorePassengerMedical400JSONResponse{BadRequestJSONResponse: erin.BadRequestJSONResponse(out.refused.body)}, nil
	case out.refused.status == 403:
		return erin.StorePassengerMedical403JSONResponse{ForbiddenPassengerJSONResponse: erin.ForbiddenPassengerJSONResponse(out.refused.body)}, nil
	default:
		return erin.StorePassengerMedical404JSONResponse{NotFoundPassengerJSONResponse: erin.NotFoundPassengerJSONResponse(out.refused.body)}, nil
	}
}

// StorePassengerNotes adds or replaces a note. Erin sets creationDateTime and createdBy: a new
// note gets the server's time and the customer's name (the customer writes it on the
// website); a replaced note keeps those of the original. type defaults to INTERNAL, html and
// mandatory to false.
func (s *server) StorePassengerNotes(ctx context.Context, req erin.StorePassengerNotesRequestObject) (erin.StorePassengerNotesResponseObject, error) {
	in := req.Body.Note
	out, err := s.storeRecord(ctx, req.Body.PassengerId, in.Id, recordKind{
		name: "Note", field: "/note", first: firstNoteID,
		ids: func(p *erin.PassengerDetail) []int64 { return idsOf(p.Notes, noteID) },
		put: func(c *customer, p *erin.PassengerDetail, id int64, replace bool) bool {
			typ := erin.NoteTypeINTERNAL
			if in.Type != nil {
				typ = *in.Type
			}
			n := erin.Note{Id: &id, Body: ptr(in.Body), Type: &typ, Html: ptr(deref(in.Html)), Mandatory: ptr(deref(in.Mandatory)),
				CreationDateTime: ptr(s.clock.localTime()), CreatedBy: c.Name}
			list := listOf(&p.Notes)
			if replace {
				for _, old := range *list {
					if deref(old.Id) == id {
						n.CreationDateTime, n.CreatedBy = old.CreationDateTime, old.CreatedBy
					}
				}
			}
			return upsert(list, noteID, id, n, replace)
		},
	})
	switch {
	case err != nil:
		return nil, err
	case out.refused == nil:
		return erin.StorePassengerNotes200JSONResponse(s.affected(ctx, out.id)), nil
	case out.refused.status == 400:
		return erin.StorePassengerNotes400JSONResponse{BadRequestJSONResponse: erin.BadRequestJSONResponse(out.refused.body)}, nil
	case out.refused.status == 403:
		return erin.StorePassengerNotes403JSONResponse{ForbiddenPassengerJSONResponse: erin.ForbiddenPassengerJSONResponse(out.refused.body)}, nil
	default:
		return erin.StorePassengerNotes404JSONResponse{NotFoundPassengerJSONResponse: erin.NotFoundPassengerJSONResponse(out.refused.body)}, nil
	}
}
