package mews

import (
	"context"
	"fmt"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/paxkit/paxkit/gen/mews"
	"github.com/paxkit/paxkit/impl/mews/domain"
)

// currentServer adapts the current revision (gen/mews) to the domain.
type currentServer struct {
	svc *domain.Service
}

var _ mews.StrictServerInterface = (*currentServer)(nil)

func currentError(ctx context.Context, msg string) mews.Error {
	return mews.Error{Message: msg, RequestId: nullable.NewNullableWithValue(requestID(ctx))}
}

func (s *currentServer) CustomersAdd(ctx context.Context, req mews.CustomersAddRequestObject) (mews.CustomersAddResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var in domain.AddInput // a missing body is the zero input, as recode made it
	if req.Body != nil {
		in = addInput(req.Body)
	}
	c, err := s.svc.Add(tenant, in)
	if msg, fail := outcome(err); fail != nil {
		return nil, fail
	} else if msg != "" {
		return mews.CustomersAdd403JSONResponse{Body: currentError(ctx, msg), Headers: mews.CustomersAdd403ResponseHeaders{RequestId: requestID(ctx)}}, nil
	}
	body, err := customerBody(&c)
	if err != nil {
		return nil, err
	}
	return customersAddAnswer{jsonAnswer{body: body, requestID: requestID(ctx)}}, nil
}

func (s *currentServer) CustomersUpdate(ctx context.Context, req mews.CustomersUpdateRequestObject) (mews.CustomersUpdateResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var in domain.UpdateInput // a missing body is the zero input, as recode made it
	if req.Body != nil {
		in = updateInput(req.Body)
	}
	c, err := s.svc.Update(tenant, in)
	if msg, fail := outcome(err); fail != nil {
		return nil, fail
	} else if msg != "" {
		return mews.CustomersUpdate403JSONResponse{Body: currentError(ctx, msg), Headers: mews.CustomersUpdate403ResponseHeaders{RequestId: requestID(ctx)}}, nil
	}
	body, err := customerBody(&c)
	if err != nil {
		return nil, err
	}
	return customersUpdateAnswer{jsonAnswer{body: body, requestID: requestID(ctx)}}, nil
}

// maxInterval is how long each getAll time filter may be (Mews: "max length 3 months").
func intervalOf(name string, in *mews.TimeInterval) (*domain.Interval, error) {
	if in == nil {
		return nil, nil
	}
	start, end := in.StartUtc.UTC(), in.EndUtc.UTC()
	if end.Before(start) {
		return nil, invalidf("The %s interval must not end before it starts.", name)
	}
	if end.After(start.AddDate(0, 3, 0)) {
		return nil, invalidf("The %s interval must not be longer than 3 months.", name)
	}
	return &domain.Interval{Start: start, End: end}, nil
}

func strs[T ~string](p *[]T) []string {
	if p == nil {
		return nil
	}
	out := make([]string, len(*p))
	for i, v := range *p {
		out[i] = string(v)
	}
	return out
}

func uuids[T fmt.Stringer](p *[]T) []string {
	if p == nil {
		return nil
	}
	out := make([]string, len(*p))
	for i, v := range *p {
		out[i] = v.String()
	}
	return out
}

func (s *currentServer) CustomersGetAll(ctx context.Context, req mews.CustomersGetAllRequestObject) (mews.CustomersGetAllResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	f := domain.Filter{
		IDs: uuids(b.CustomerIds), Emails: strs(b.Emails), FirstNames: strs(b.FirstNames),
		LastNames: strs(b.LastNames), LoyaltyCodes: strs(b.LoyaltyCodes), CompanyIDs: uuids(b.CompanyIds),
		ChainIDs: uuids(b.ChainIds), States: strs(b.ActivityStates),
	}
	if f.IDs == nil && f.Emails == nil && f.FirstNames == nil && f.LastNames == nil && f.LoyaltyCodes == nil &&
		f.CompanyIDs == nil && b.CreatedUtc == nil && b.UpdatedUtc == nil && b.DeletedUtc == nil {
		return nil, invalidf("At least one filter must be provided (for example CustomerIds).")
	}
	for _, iv := range []struct {
		name string
		in   *mews.TimeInterval
		dst  **domain.Interval
	}{{"CreatedUtc", b.CreatedUtc, &f.Created}, {"UpdatedUtc", b.UpdatedUtc, &f.Updated}, {"DeletedUtc", b.DeletedUtc, &f.Deleted}} {
		if *iv.dst, err = intervalOf(iv.name, iv.in); err != nil {
			return nil, err
		}
	}
	if f.States == nil {
		f.States = []string{domain.Active}
	}
	page := &domain.Page{Count: int(b.Limitation.Count)}
	if cur, err := b.Limitation.Cursor.Get(); err == nil {
		page.Cursor = ptr(cur.String())
	}
	found, cursor, err := s.svc.Find(tenant, f, page)
	if _, fail := outcome(err); fail != nil {
		return nil, fail
	}
	if b.Extent.Customers == nil || !*b.Extent.Customers {
		found = nil
	}
	body, err := getAllBody(found, cursor)
	if err != nil {
		return nil, err
	}
	return customersGetAllAnswer{jsonAnswer{body: body, requestID: requestID(ctx)}}, nil
}

func (s *currentServer) CustomersSearch(ctx context.Context, req mews.CustomersSearchRequestObject) (mews.CustomersSearchResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	var resource *string
	if r, err := req.Body.ResourceId.Get(); err == nil {
		resource = ptr(r.String())
	}
	found, err := s.svc.Search(tenant, req.Body.Name, resource)
	if err != nil {
		return nil, err
	}
	if e := req.Body.Extent; e != nil && e.Customers != nil && !*e.Customers {
		found = nil
	}
	body, err := searchBody(found)
	if err != nil {
		return nil, err
	}
	return customersSearchAnswer{jsonAnswer{body: body, requestID: requestID(ctx)}}, nil
}

func (s *currentServer) CustomersGetOpenItems(ctx context.Context, req mews.CustomersGetOpenItemsRequestObject) (mews.CustomersGetOpenItemsResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	ids := uuids(&req.Body.CustomerIds)
	items, err := s.svc.OpenItems(tenant, ids, req.Body.Currency)
	if _, fail := outcome(err); fail != nil {
		return nil, fail
	}
	out := make([]mews.CustomerItems, 0, len(ids))
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		ci := mews.CustomerItems{CustomerId: req.Body.CustomerIds[i], OrderItems: []mews.OrderItem{}, PaymentItems: []mews.PaymentItem{}}
		for _, it := range items[id] {
			if err := appendCurrentItem(&ci, it); err != nil {
				return nil, err
			}
		}
		out = append(out, ci)
	}
	dep, _ := deprecatedSince("customersGetOpenItems")
	return mews.CustomersGetOpenItems200JSONResponse{
		Body:    mews.CustomerItemResult{Customers: nullable.NewNullableWithValue(out)},
		Headers: mews.CustomersGetOpenItems200ResponseHeaders{RequestId: requestID(ctx), Deprecation: &dep},
	}, nil
}

// currentAmount is an amount in the current revision's shape; an amount with one tax rate
// also carries its breakdown, as the seed's example shows.
func currentAmount(a domain.Amount) map[string]any {
	out := map[string]any{"Currency": a.Currency, "NetValue": a.NetValue, "GrossValue": a.GrossValue, "TaxValues": a.TaxValues}
	if len(a.TaxValues) == 1 && a.NetValue != nil {
		out["Breakdown"] = map[string]any{"Items": []map[string]any{{
			"TaxRateCode": a.TaxValues[0].Code, "NetValue": *a.NetValue, "TaxValue": a.TaxValues[0].Value,
		}}}
	}
	return out
}

func appendCurrentItem(ci *mews.CustomerItems, it domain.OpenItem) error {
	original := it.Amount
	if it.Original != nil {
		original = *it.Original
	}
	common := map[string]any{
		"Id": it.ID, "AccountId": it.CustomerID, "BillId": it.BillID, "AccountingCategoryId": it.AccountingCategoryID,
		"Amount": currentAmount(it.Amount), "OriginalAmount": currentAmount(original),
		"ConsumedUtc": it.ConsumedUtc.Format(time.RFC3339), "ClosedUtc": it.ClosedUtc, "AccountingState": it.AccountingState,
		"Data": it.Data,
	}
	if it.Kind == domain.KindPayment {
		common["State"] = it.State
		common["Notes"] = it.Notes
		var p mews.PaymentItem
		if err := recode(common, &p); err != nil {
			return err
		}
		ci.PaymentItems = append(ci.PaymentItems, p)
		return nil
	}
	common["OrderId"] = it.OrderID
	common["RevenueType"] = it.RevenueType
	var o mews.OrderItem
	if err := recode(common, &o); err != nil {
		return err
	}
	ci.OrderItems = append(ci.OrderItems, o)
	return nil
}

func (s *currentServer) CustomersMerge(ctx context.Context, req mews.CustomersMergeRequestObject) (mews.CustomersMergeResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	dep, _ := deprecatedSince("customersMerge")
	err = s.svc.Merge(tenant, req.Body.SourceCustomerId.String(), req.Body.TargetCustomerId.String())
	if msg, fail := outcome(err); fail != nil {
		return nil, fail
	} else if msg != "" {
		return mews.CustomersMerge403JSONResponse{Body: currentError(ctx, msg), Headers: mews.CustomersMerge403ResponseHeaders{RequestId: requestID(ctx), Deprecation: &dep}}, nil
	}
	return mews.CustomersMerge200JSONResponse{Body: mews.EmptyResult{}, Headers: mews.CustomersMerge200ResponseHeaders{RequestId: requestID(ctx), Deprecation: &dep}}, nil
}

func (s *currentServer) CustomersAddFile(ctx context.Context, req mews.CustomersAddFileRequestObject) (mews.CustomersAddFileResponseObject, error) {
	tenant, err := tenantOf(ctx)
	if err != nil {
		return nil, err
	}
	b := req.Body
	id, err := s.svc.AddFile(tenant, domain.FileInput{CustomerID: b.CustomerId.String(), Name: b.Name, Type: b.Type, Data: b.Data, CheckType: true})
	if msg, fail := outcome(err); fail != nil {
		return nil, fail
	} else if msg != "" {
		return mews.CustomersAddFile403JSONResponse{Body: currentError(ctx, msg), Headers: mews.CustomersAddFile403ResponseHeaders{RequestId: requestID(ctx)}}, nil
	}
	var result mews.CustomerAddFileResult
	if err := recode(map[string]string{"FileId": id}, &result); err != nil {
		return nil, err
	}
	return mews.CustomersAddFile200JSONResponse{Body: result, Headers: mews.CustomersAddFile200ResponseHeaders{RequestId: requestID(ctx)}}, nil
}
