package robustness

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paxkit/paxkit/impl/erin"
	"github.com/paxkit/paxkit/impl/intrepid"
	"github.com/paxkit/paxkit/impl/mews"
	"github.com/paxkit/paxkit/impl/tomp"
	"github.com/paxkit/paxkit/internal/servertest"
)

// soakClients is the number of concurrent clients of issue 11.
const soakClients = 64

// soakDuration is how long the clients run: PAXKIT_SOAK_DURATION (a Go duration; `make soak`
// sets it), else 3 s, short enough for every CI run.
func soakDuration(t *testing.T) time.Duration {
	t.Helper()
	if v := os.Getenv("PAXKIT_SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("PAXKIT_SOAK_DURATION=%q is not a positive duration: %v", v, err)
		}
		return d
	}
	return 3 * time.Second
}

// soakTenant is one tenant of one API, as a client addresses it.
type soakTenant struct {
	// credential is what the client sends (token, key, AccessToken, email); password is
	// Erin's; home is the Intrepid trip or the Erin passenger and booking of the tenant.
	credential, password string
	home, booking        int
}

var (
	tompTenants = []soakTenant{{credential: tomp.DemoToken}, {credential: tomp.OtherDemoToken}}
	// Intrepid adds customers to a booking (the trip endpoint refuses adds); 6001001 is
	// demo-2's booking in impl/intrepid/demo.json.
	intrepidTenants = []soakTenant{{credential: intrepid.DemoAPIKey, home: intrepid.DemoBooking}, {credential: intrepid.OtherDemoAPIKey, home: 6001001}}
	mewsTenants     = []soakTenant{{credential: mews.DemoAccessToken}, {credential: mews.DemoNetAccessToken}}
	erinTenants     = []soakTenant{
		{credential: erin.DemoEmail, password: erin.DemoPassword, home: erin.DemoPassengerID, booking: erin.DemoBookingID},
		{credential: erin.OtherDemoEmail, password: erin.OtherDemoPassword, home: erin.OtherDemoPassengerID, booking: erin.OtherDemoBookingID},
	}
)

// acked is the content the server acknowledged last for one record a client owns.
type acked struct {
	api, tenant, id string
	// value is the field the client writes (last name, note body); deleted says the
	// deletion was acknowledged.
	value   string
	deleted bool
	// fixed is a value the API lets set only once (Intrepid's surname).
	fixed string
	// revision is the Mews revision the record was written through.
	revision string
}

// soakLedger is what every client recorded; only the Mews email race and the counters are
// shared while the clients run.
type soakLedger struct {
	mu sync.Mutex
	// records by api/tenant/id.
	records map[string]*acked
	// created and deleted count acknowledged creations and deletions by api/tenant.
	created, deleted map[string]int
	// raceWins counts acknowledged adds of each contested Mews email by tenant/email.
	raceWins map[string]int
	// payments sums acknowledged Erin payments (in pence) by tenant.
	payments map[string]int

	ops, refusedAsExpected, unexpected, fivexx atomic.Int64
	opsByAPI                                   sync.Map // api -> *atomic.Int64
}

func (l *soakLedger) count(api string) {
	l.ops.Add(1)
	n, _ := l.opsByAPI.LoadOrStore(api, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
}

func (l *soakLedger) put(a acked, created, deleted bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := a.api + "/" + a.tenant
	l.records[key+"/"+a.id] = &a
	if created {
		l.created[key]++
	}
	if deleted {
		l.deleted[key]++
	}
}

// soakClient is one of the concurrent clients; it only updates, reads and deletes records
// it created itself, so the last acknowledged content of each record is known exactly.
type soakClient struct {
	t      *testing.T
	n      int
	rng    *rand.Rand
	srv    *servertest.Server
	http   *http.Client
	ledger *soakLedger
	seq    int
	own    map[string][]*acked // by api
}

// call sends one request, counts it, and reports a transport error or a 5xx.
func (c *soakClient) call(api, method, path, contentType string, header map[string]string, body any) (int, map[string]any, bool) {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			c.t.Errorf("encode: %v", err)
			return 0, nil, false
		}
	}
	c.ledger.count(api)
	status, answer, err := send(c.http, c.srv.URL, method, path, contentType, header, raw)
	if err != nil {
		c.ledger.unexpected.Add(1)
		c.t.Errorf("client %d: %v", c.n, err)
		return 0, nil, false
	}
	if status >= 500 {
		c.ledger.fivexx.Add(1)
		c.ledger.unexpected.Add(1)
		c.t.Errorf("client %d: %s %s answered %d: %s", c.n, method, path, status, answer)
		return status, nil, false
	}
	var v map[string]any
	if len(answer) > 0 {
		_ = json.Unmarshal(answer, &v)
	}
	return status, v, true
}

func (c *soakClient) expect(what string, got, want int, body map[string]any) bool {
	if got == want {
		return true
	}
	if got != 0 && got < 500 {
		c.ledger.unexpected.Add(1)
		c.t.Errorf("client %d: %s answered %d, want %d: %v", c.n, what, got, want, body)
	}
	return false
}

func (c *soakClient) name() string {
	c.seq++
	return fmt.Sprintf("Soak%dx%d", c.n, c.seq)
}

func (c *soakClient) pick(api string) *acked {
	list := c.own[api]
	live := list[:0:0]
	for _, a := range list {
		if !a.deleted {
			live = append(live, a)
		}
	}
	if len(live) == 0 {
		return nil
	}
	return live[c.rng.IntN(len(live))]
}

func (c *soakClient) record(a acked, created, deleted bool) {
	c.ledger.put(a, created, deleted)
	if created {
		cp := a
		c.own[a.api] = append(c.own[a.api], &cp)
		return
	}
	for _, o := range c.own[a.api] {
		if o.id == a.id {
			*o = a
		}
	}
}

// step runs one create, read, update or delete on one API, chosen at random; every client
// uses one tenant of each API (by its number), so both tenants of every API are busy.
func (c *soakClient) step() {
	switch c.rng.IntN(5) {
	case 0:
		c.tomp(tompTenants[c.n%2])
	case 1:
		c.intrepid(intrepidTenants[c.n%2])
	case 2:
		c.mews(mewsTenants[c.n%2], "mews-legacy")
	case 3:
		c.mews(mewsTenants[c.n%2], "mews")
	default:
		c.erin(erinTenants[c.n%2])
	}
}

func (c *soakClient) tomp(tn soakTenant) {
	h := map[string]string{"Authorization": "Bearer " + tn.credential, "Accept-Language": "en"}
	const base = "/tomp/collections/customers/items"
	a := c.pick("tomp")
	switch op := c.rng.IntN(4); {
	case a == nil || op == 0:
		last := c.name()
		status, v, ok := c.call("tomp", "POST", base, "application/json", h,
			map[string]any{"id": fmt.Sprintf("soak-%d-%d", c.n, c.seq), "firstName": "Soak", "lastName": last})
		if ok && c.expect("tomp create", status, 201, v) {
			c.record(acked{api: "tomp", tenant: tn.credential, id: fmt.Sprint(v["id"]), value: last}, true, false)
		}
	case op == 1:
		status, v, ok := c.call("tomp", "GET", base+"/"+a.id, "", h, nil)
		if ok && c.expect("tomp get", status, 200, v) {
			if got := nested(v, "customer", "lastName"); got != a.value {
				c.t.Errorf("client %d: tomp %s reads lastName %q, acknowledged %q", c.n, a.id, got, a.value)
			}
		}
	case op == 2:
		last := c.name()
		status, v, ok := c.call("tomp", "PATCH", base+"/"+a.id, "application/merge-patch+json", h, map[string]any{"lastName": last})
		if ok && c.expect("tomp patch", status, 200, v) {
			c.record(acked{api: "tomp", tenant: tn.credential, id: a.id, value: last}, false, false)
		}
	default:
		status, v, ok := c.call("tomp", "DELETE", base+"/"+a.id, "", h, nil)
		if ok && status == 204 {
			status = 200 // TOMP allows both
		}
		if ok && c.expect("tomp delete", status, 200, v) {
			c.record(acked{api: "tomp", tenant: tn.credential, id: a.id, value: a.value, deleted: true}, false, true)
		}
	}
}

func (c *soakClient) intrepid(tn soakTenant) {
	h := map[string]string{"X-Api-Key": tn.credential}
	ctx := fmt.Sprintf("/intrepid/bookings/%d/Customers", tn.home)
	a := c.pick("intrepid")
	switch op := c.rng.IntN(3); {
	case a == nil || op == 0:
		// Names are set once (Intrepid refuses to override them), so the value a client
		// keeps rewriting is the dietary note.
		last := c.name()
		status, v, ok := c.call("intrepid", "POST", ctx, "application/json", h,
			map[string]any{"title": "Mr", "firstName": "Soak", "surname": last, "dateOfBirth": "1980-01-01", "dietaryNote": last})
		if ok && c.expect("intrepid add", status, 201, v) {
			c.record(acked{api: "intrepid", tenant: tn.credential, id: idString(v["id"]), value: last, fixed: last}, true, false)
		}
	case op == 1:
		status, v, ok := c.call("intrepid", "GET", ctx+"/"+a.id, "", h, nil)
		if ok && c.expect("intrepid get", status, 200, v) && v["dietaryNote"] != a.value {
			c.t.Errorf("client %d: intrepid %s reads dietaryNote %v, acknowledged %q", c.n, a.id, v["dietaryNote"], a.value)
		}
	default:
		last := c.name()
		status, v, ok := c.call("intrepid", "PATCH", "/intrepid/Customers/"+a.id, "application/json", h,
			map[string]any{"title": "Mr", "firstName": "Soak", "surname": a.fixed, "dietaryNote": last})
		if ok && c.expect("intrepid patch", status, 200, v) {
			c.record(acked{api: "intrepid", tenant: tn.credential, id: a.id, value: last, fixed: a.fixed}, false, false)
		}
	}
}

func mewsBody(rev, token string, fields map[string]any) map[string]any {
	fields["ClientToken"] = mews.DemoClientToken
	fields["AccessToken"] = token
	if rev == "mews" {
		fields["Client"] = mews.DemoClient
	}
	return fields
}

// raceEmails are the emails every Mews client keeps adding, on both revisions and both
// tenants: per tenant, only one add of each may ever succeed.
const raceEmails = 8

func (c *soakClient) mews(tn soakTenant, rev string) {
	base := "/" + rev + "/api/connector/v1/customers/"
	a := c.pick("mews")
	switch op := c.rng.IntN(4); {
	case a == nil || op == 0:
		last := c.name()
		email := strings.ToLower(last) + "@soak.example"
		status, v, ok := c.call(rev, "POST", base+"add", "application/json", nil,
			mewsBody(rev, tn.credential, map[string]any{"OverwriteExisting": false, "Title": "Mister", "FirstName": "Soak", "LastName": last, "Email": email}))
		if ok && c.expect(rev+" add", status, 200, v) {
			c.record(acked{api: "mews", tenant: tn.credential, id: fmt.Sprint(v["Id"]), value: last, revision: rev}, true, false)
		}
	case op == 1:
		email := fmt.Sprintf("race%d@soak.example", c.rng.IntN(raceEmails))
		if c.rng.IntN(2) == 0 {
			email = strings.ToUpper(email) // Mews compares emails ignoring case
		}
		status, v, ok := c.call(rev, "POST", base+"add", "application/json", nil,
			mewsBody(rev, tn.credential, map[string]any{"OverwriteExisting": false, "Title": "Miss", "LastName": "Racer", "Email": email}))
		switch {
		case !ok:
		case status == 200:
			c.ledger.mu.Lock()
			c.ledger.raceWins[tn.credential+"/"+strings.ToLower(email)]++
			c.ledger.created["mews/"+tn.credential]++
			c.ledger.mu.Unlock()
		case status == 403 || status == 400:
			c.ledger.refusedAsExpected.Add(1)
		default:
			c.expect(rev+" racing add", status, 200, v)
		}
	case op == 2:
		status, v, ok := c.mewsRead(rev, tn.credential, a.id)
		if ok && c.expect(rev+" read", status, 200, v) {
			if got := customerLastName(v, a.id); got != a.value {
				c.t.Errorf("client %d: %s %s reads LastName %q, acknowledged %q", c.n, rev, a.id, got, a.value)
			}
		}
	default:
		last := c.name()
		status, v, ok := c.call(rev, "POST", base+"update", "application/json", nil,
			mewsBody(rev, tn.credential, map[string]any{"CustomerId": a.id, "Title": "Mister", "LastName": last}))
		if ok && c.expect(rev+" update", status, 200, v) {
			c.record(acked{api: "mews", tenant: tn.credential, id: a.id, value: last, revision: rev}, false, false)
		}
	}
}

func (c *soakClient) mewsRead(rev, token, id string) (int, map[string]any, bool) {
	base := "/" + rev + "/api/connector/v1/customers/"
	if rev == "mews-legacy" {
		return c.call(rev, "POST", base+"getAllByIds", "application/json", nil,
			mewsBody(rev, token, map[string]any{"CustomerIds": []string{id}}))
	}
	return c.call(rev, "POST", base+"getAll", "application/json", nil,
		mewsBody(rev, token, map[string]any{"CustomerIds": []string{id}, "Extent": map[string]any{"Customers": true}, "Limitation": map[string]any{"Count": 10}}))
}

func customerLastName(v map[string]any, id string) string {
	list, _ := v["Customers"].([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		if m["Id"] == id {
			s, _ := m["LastName"].(string)
			return s
		}
	}
	return "<missing>"
}

func erinBody(tn soakTenant, fields map[string]any) map[string]any {
	fields["authenticate"] = map[string]any{"email": tn.credential, "password": tn.password, "type": "B2C"}
	return fields
}

func (c *soakClient) erin(tn soakTenant) {
	a := c.pick("erin")
	switch op := c.rng.IntN(4); {
	case a == nil || op == 0:
		text := c.name()
		status, v, ok := c.call("erin", "POST", "/erin/api/passenger/notes/store", "application/json", nil, erinBody(tn, map[string]any{
			"passengerId": tn.home, "note": map[string]any{"body": text, "type": "EXTERNAL", "html": false, "mandatory": false}}))
		if ok && c.expect("erin store note", status, 200, v) {
			ids, _ := v["affectedIds"].([]any)
			if len(ids) != 1 {
				c.t.Errorf("client %d: erin note stored with affectedIds %v", c.n, v["affectedIds"])
				return
			}
			c.record(acked{api: "erin", tenant: tn.credential, id: idString(ids[0]), value: text}, true, false)
		}
	case op == 1:
		text := c.name()
		id := json.Number(a.id)
		status, v, ok := c.call("erin", "POST", "/erin/api/passenger/notes/store", "application/json", nil, erinBody(tn, map[string]any{
			"passengerId": tn.home, "note": map[string]any{"id": id, "body": text}}))
		if ok && c.expect("erin update note", status, 200, v) {
			c.record(acked{api: "erin", tenant: tn.credential, id: a.id, value: text}, false, false)
		}
	case op == 2:
		status, v, ok := c.call("erin", "POST", "/erin/api/customer/payment", "application/json", nil, erinBody(tn, map[string]any{
			"transactionType": "STORE",
			"customerPaymentDetails": map[string]any{"paymentType": "CARD", "currencyCode": "GBP",
				"items": map[string]any{"bookingId": tn.booking, "amount": 1.25}},
		}))
		if ok && c.expect("erin payment", status, 200, v) {
			c.ledger.mu.Lock()
			c.ledger.payments[tn.credential] += 125
			c.ledger.mu.Unlock()
		}
	default:
		notes, ok := c.erinNotes(tn)
		if ok && notes[a.id] != a.value {
			c.t.Errorf("client %d: erin note %s reads %q, acknowledged %q", c.n, a.id, notes[a.id], a.value)
		}
	}
}

// erinNotes reads the notes of the tenant's primary passenger by id.
func (c *soakClient) erinNotes(tn soakTenant) (map[string]string, bool) {
	status, v, ok := c.call("erin", "POST", "/erin/api/customer/details", "application/json", nil, erinBody(tn, map[string]any{"includeNotes": true}))
	if !ok || !c.expect("erin details", status, 200, v) {
		return nil, false
	}
	out := map[string]string{}
	list, _ := v["customerDetails"].([]any)
	for _, cust := range list {
		notes, _ := nestedAny(cust, "primaryDetail", "notes").([]any)
		for _, n := range notes {
			m, _ := n.(map[string]any)
			s, _ := m["body"].(string)
			out[idString(m["id"])] = s
		}
	}
	return out, true
}

// erinPaid is the sum of the tenant's statement payments, in pence.
func (c *soakClient) erinPaid(tn soakTenant) int {
	status, v, ok := c.call("erin", "POST", "/erin/api/customer/statement", "application/json", nil, erinBody(tn, map[string]any{}))
	if !ok || !c.expect("erin statement", status, 200, v) {
		return -1
	}
	total := 0.0
	list, _ := v["customerStatementDetails"].([]any)
	for _, s := range list {
		m, _ := s.(map[string]any)
		f, _ := m["totalPayment"].(float64)
		total += f
	}
	return int(total*100 + 0.5)
}

// idString writes a JSON id as the client sends it back: numbers without exponent.
func idString(v any) string {
	if f, ok := v.(float64); ok {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprint(v)
}

func nestedAny(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func nested(v map[string]any, keys ...string) string {
	s, _ := nestedAny(v, keys...).(string)
	return s
}

// exportCounts counts the records of table per tenant credential, reading the tenants'
// credentials from the same export.
func exportCounts(t *testing.T, srv *servertest.Server, table string) map[string]int {
	t.Helper()
	resp := srv.Do("GET", "/_paxkit/export", nil, nil)
	var state struct {
		Tenants map[string][]struct {
			ID          string            `json:"id"`
			Credentials map[string]string `json:"credentials"`
		} `json:"tenants"`
		State map[string]map[string][]json.RawMessage `json:"state"`
	}
	if err := json.Unmarshal(resp.Body, &state); err != nil {
		t.Fatalf("export: %v", err)
	}
	byID := map[string][]string{}
	for _, list := range state.Tenants {
		for _, tn := range list {
			for _, cred := range tn.Credentials {
				byID[tn.ID] = append(byID[tn.ID], cred)
			}
		}
	}
	out := map[string]int{}
	for tenant, records := range state.State[table] {
		for _, cred := range byID[tenant] {
			out[cred] = len(records)
		}
	}
	return out
}

// TestSoak runs 64 concurrent clients doing creates, reads, updates and deletes on every API
// with writes, for soakDuration, then checks that every acknowledged write reads back with
// the acknowledged content (deleted ones stay deleted), that the record counts match the
// acknowledged creations and deletions, and that no Mews email was given twice although
// every client kept adding the same few.
func TestSoak(t *testing.T) {
	srv, _ := newServer(t)
	d := soakDuration(t)
	tables := map[string]string{"tomp": "tomp.accounts", "intrepid": "intrepid.customers", "mews": "mews.customers"}
	before := map[string]map[string]int{}
	for api, table := range tables {
		before[api] = exportCounts(t, srv, table)
	}
	ledger := &soakLedger{records: map[string]*acked{}, created: map[string]int{}, deleted: map[string]int{},
		raceWins: map[string]int{}, payments: map[string]int{}}
	transport := &http.Transport{MaxIdleConnsPerHost: soakClients}
	t.Cleanup(transport.CloseIdleConnections)
	httpClient := &http.Client{Transport: transport, Timeout: time.Minute}
	probe := &soakClient{t: t, n: -1, srv: srv, http: httpClient, ledger: ledger}
	paidBefore := map[string]int{}
	notesBefore := map[string]int{}
	for _, tn := range erinTenants {
		paidBefore[tn.credential] = probe.erinPaid(tn)
		notes, _ := probe.erinNotes(tn)
		notesBefore[tn.credential] = len(notes)
	}

	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for n := range soakClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &soakClient{t: t, n: n, rng: rand.New(rand.NewPCG(uint64(n), 11)), srv: srv, http: httpClient, ledger: ledger, own: map[string][]*acked{}}
			for time.Now().Before(deadline) && !t.Failed() {
				c.step()
			}
		}()
	}
	wg.Wait()
	runOps := ledger.ops.Load()

	// Every acknowledged write, read back.
	lost := 0
	keys := make([]string, 0, len(ledger.records))
	for k := range ledger.records {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	erinNotes := map[string]map[string]string{}
	for _, tn := range erinTenants {
		erinNotes[tn.credential], _ = probe.erinNotes(tn)
	}
	for _, k := range keys {
		a := ledger.records[k]
		got := "<unread>"
		switch a.api {
		case "tomp":
			status, v, _ := probe.call("tomp", "GET", "/tomp/collections/customers/items/"+a.id, "", map[string]string{"Authorization": "Bearer " + a.tenant, "Accept-Language": "en"}, nil)
			switch {
			case a.deleted && status == 404:
				continue
			case status == 200:
				got = nested(v, "customer", "lastName")
				if a.deleted {
					got = "<not deleted>"
				}
			}
		case "intrepid":
			home := intrepidTenants[0].home
			if a.tenant == intrepidTenants[1].credential {
				home = intrepidTenants[1].home
			}
			status, v, _ := probe.call("intrepid", "GET", fmt.Sprintf("/intrepid/bookings/%d/Customers/%s", home, a.id), "", map[string]string{"X-Api-Key": a.tenant}, nil)
			if status == 200 {
				got, _ = v["dietaryNote"].(string)
			}
		case "mews":
			// Read through the other revision than the one that wrote: one domain.
			rev := "mews"
			if a.revision == "mews" {
				rev = "mews-legacy"
			}
			status, v, _ := probe.mewsRead(rev, a.tenant, a.id)
			if status == 200 {
				got = customerLastName(v, a.id)
			}
		case "erin":
			if s, ok := erinNotes[a.tenant][a.id]; ok {
				got = s
			}
		}
		if got != a.value {
			lost++
			t.Errorf("%s %s of %s: reads %q, acknowledged %q", a.api, a.id, a.tenant, got, a.value)
		}
	}

	// Counts.
	for api, table := range tables {
		after := exportCounts(t, srv, table)
		tenants := map[string][]soakTenant{"tomp": tompTenants, "intrepid": intrepidTenants, "mews": mewsTenants}[api]
		for _, tn := range tenants {
			key := api + "/" + tn.credential
			want := before[api][tn.credential] + ledger.created[key] - ledger.deleted[key]
			if after[tn.credential] != want {
				t.Errorf("%s tenant %s holds %d records, want %d before + %d created - %d deleted = %d",
					api, tn.credential, after[tn.credential], before[api][tn.credential], ledger.created[key], ledger.deleted[key], want)
			}
		}
	}
	for _, tn := range erinTenants {
		key := "erin/" + tn.credential
		if got, want := len(erinNotes[tn.credential]), notesBefore[tn.credential]+ledger.created[key]; got != want {
			t.Errorf("erin %s has %d notes, want %d", tn.credential, got, want)
		}
		if got, want := probe.erinPaid(tn), paidBefore[tn.credential]+ledger.payments[tn.credential]; got != want {
			t.Errorf("erin %s paid %d pence in all, want %d", tn.credential, got, want)
		}
	}

	// Mews email uniqueness: at most one add of each contested email was acknowledged per
	// tenant, and the tenant holds exactly that many active customers with it.
	races := 0
	for _, tn := range mewsTenants {
		for i := range raceEmails {
			email := fmt.Sprintf("race%d@soak.example", i)
			wins := ledger.raceWins[tn.credential+"/"+email]
			races += wins
			if wins > 1 {
				t.Errorf("mews tenant %s: %d adds of %s acknowledged", tn.credential, wins, email)
			}
			status, v, _ := probe.call("mews-legacy", "POST", "/mews-legacy/api/connector/v1/customers/getAllByEmails", "application/json", nil,
				mewsBody("mews-legacy", tn.credential, map[string]any{"Emails": []string{email}}))
			list, _ := v["Customers"].([]any)
			if status != 200 || len(list) != wins {
				t.Errorf("mews tenant %s: %d customers with %s (status %d), want %d", tn.credential, len(list), email, status, wins)
			}
		}
	}
	var perAPI []string
	ledger.opsByAPI.Range(func(k, v any) bool {
		perAPI = append(perAPI, fmt.Sprintf("%s %d", k, v.(*atomic.Int64).Load()))
		return true
	})
	sort.Strings(perAPI)
	t.Logf("figures: soak %s with %d clients: %d operations (%s), %d acknowledged records checked, %d lost or changed, "+
		"%d unexpected answers, %d 5xx, Mews email race: %d adds refused as duplicates, %d won, 0 duplicates allowed",
		d, soakClients, runOps, strings.Join(perAPI, ", "), len(keys), lost, ledger.unexpected.Load(), ledger.fivexx.Load(),
		ledger.refusedAsExpected.Load(), races)
	if runOps < soakClients {
		t.Errorf("only %d operations in %s", runOps, d)
	}
}
