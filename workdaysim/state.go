package workdaysim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	connectors "github.com/xlr8/connectors"
)

// store is the simulator's in-memory state. Every read takes the read lock
// and every write the write lock, for the whole of one operation, so that an
// operation sees and leaves a consistent state (balances, request statuses
// and transactions move together). Nothing outside this file and the
// operation files touches its fields; the capability handlers, the entity
// reader and (later) the HTTP handler go through its methods.
type store struct {
	mu sync.RWMutex

	emps    map[string]*employee
	ids     []string            // every employee id, sorted
	reports map[string][]string // manager id -> direct report ids, sorted (terminated included)
	orgs    []OrganizationRecord
	orgIdx  map[string]int

	balances    map[string][]*BalanceRecord // employee id -> balances in fixture order
	balanceKeys []balanceKey                // every balance, by employee id then fixture order

	requests    map[string]*RequestRecord
	reqOrder    []string            // request ids in creation order
	reqByEmp    map[string][]string // employee id -> request ids in creation order
	nextRequest int

	txns     map[string]*Transaction
	txnOrder []string
	txnSeq   map[string]int // YYYYMMDD -> transactions created that day
	flowSeq  int
	due      Date // earliest effective date of a pending transaction; zero: none
}

type employee struct {
	EmployeeRecord
	// view is get_employee's rendered result (views.go): every change to
	// the record must drop it (apply does, under the write lock).
	view viewCache
}

type balanceKey struct {
	emp string
	i   int
}

// Transaction is an update or a termination: it waits (PENDING_APPROVAL)
// until the simulated clock reaches its effective date, then takes effect
// (COMPLETED).
type Transaction struct {
	TransactionID string     `json:"transaction_id"`
	Kind          string     `json:"kind"` // UPDATE or TERMINATION
	EmployeeID    string     `json:"employee_id"`
	Status        string     `json:"status"`
	EffectiveDate Date       `json:"effective_date"`
	Changes       []Change   `json:"changes,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	ReasonCode    string     `json:"reason_code,omitempty"`
	Notes         string     `json:"notes,omitempty"`
	FlowID        string     `json:"offboarding_flow_id,omitempty"`
	CreatedBy     string     `json:"created_by,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	CompletedAt   *time.Time `json:"completed_at,omitempty"`
}

// Transaction kinds.
const (
	TxnUpdate      = "UPDATE"
	TxnTermination = "TERMINATION"
)

func (t *Transaction) clone() Transaction {
	c := *t
	c.Changes = append([]Change(nil), t.Changes...)
	c.CompletedAt = cloneTime(t.CompletedAt)
	return c
}

// newStore builds the state from validated fixtures (it copies them).
func newStore(f *Fixtures) *store {
	f = f.Clone()
	s := &store{
		emps:     make(map[string]*employee, len(f.Employees)),
		reports:  map[string][]string{},
		orgs:     f.Organizations,
		orgIdx:   make(map[string]int, len(f.Organizations)),
		balances: make(map[string][]*BalanceRecord, len(f.Employees)),
		requests: make(map[string]*RequestRecord, len(f.Requests)),
		reqByEmp: map[string][]string{},
		txns:     map[string]*Transaction{},
		txnSeq:   map[string]int{},
	}
	for i, o := range f.Organizations {
		s.orgIdx[o.OrganizationID] = i
	}
	s.ids = make([]string, 0, len(f.Employees))
	for i := range f.Employees {
		e := &employee{EmployeeRecord: f.Employees[i]}
		e.src = ""
		if e.Status == "" {
			e.Status = StatusActive
		}
		if e.Name.Display == "" {
			e.Name.Display = e.Name.First + " " + e.Name.Last
		}
		if e.Compensation.Currency == "" {
			e.Compensation.Currency = "USD"
		}
		s.emps[e.EmployeeID] = e
		s.ids = append(s.ids, e.EmployeeID)
		if e.ManagerID != "" {
			s.reports[e.ManagerID] = append(s.reports[e.ManagerID], e.EmployeeID)
		}
	}
	sort.Strings(s.ids)
	for _, r := range s.reports {
		sort.Strings(r)
	}
	for i := range f.Balances {
		b := &f.Balances[i]
		b.src = ""
		s.balances[b.EmployeeID] = append(s.balances[b.EmployeeID], b)
	}
	for _, id := range s.ids {
		for i := range s.balances[id] {
			s.balanceKeys = append(s.balanceKeys, balanceKey{id, i})
		}
	}
	for i := range f.Requests {
		r := &f.Requests[i]
		r.src = ""
		s.addRequest(r)
		if n, ok := requestNumber(r.RequestID); ok && n >= s.nextRequest {
			s.nextRequest = n + 1
		}
	}
	if s.nextRequest == 0 {
		s.nextRequest = 1
	}
	return s
}

func (s *store) addRequest(r *RequestRecord) {
	s.requests[r.RequestID] = r
	s.reqOrder = append(s.reqOrder, r.RequestID)
	s.reqByEmp[r.EmployeeID] = append(s.reqByEmp[r.EmployeeID], r.RequestID)
}

func requestNumber(id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, "TOR-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 0
}

// read runs fn under the read lock, after letting the transactions due by
// today take effect.
func (s *store) read(today Date, fn func()) {
	s.mu.RLock()
	if !s.due.IsZero() && !today.Before(s.due) {
		s.mu.RUnlock()
		s.mu.Lock()
		s.settle(today)
		s.mu.Unlock()
		s.mu.RLock()
	}
	defer s.mu.RUnlock()
	fn()
}

// write runs fn under the write lock, after letting the transactions due by
// today take effect.
func (s *store) write(today Date, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(today)
	fn()
}

// settle applies the pending transactions whose effective date has come,
// in effective-date then creation order. The write lock is held.
func (s *store) settle(today Date) {
	if s.due.IsZero() || today.Before(s.due) {
		return
	}
	var next Date
	for _, id := range s.txnOrder {
		t := s.txns[id]
		if t.Status != TxnPendingApproval {
			continue
		}
		if t.EffectiveDate.After(today) {
			if next.IsZero() || t.EffectiveDate.Before(next) {
				next = t.EffectiveDate
			}
			continue
		}
		s.apply(t)
	}
	s.due = next
}

func (s *store) apply(t *Transaction) {
	e := s.emps[t.EmployeeID]
	e.view.invalidate()
	switch t.Kind {
	case TxnUpdate:
		for _, c := range t.Changes {
			if f := employeeField(c.Field); f != nil {
				*f.ptr(&e.EmployeeRecord) = c.NewValue
			}
		}
		e.Name.Display = e.Name.First + " " + e.Name.Last
	case TxnTermination:
		d := t.EffectiveDate
		e.Status, e.TerminationDate = StatusTerminated, &d
	}
	at := t.EffectiveDate.Time()
	t.Status, t.CompletedAt = TxnCompleted, &at
}

// newTransaction records a transaction; the write lock is held.
func (s *store) newTransaction(now time.Time, t *Transaction) {
	day := now.Format("20060102")
	s.txnSeq[day]++
	t.TransactionID = fmt.Sprintf("TXN-%s-%03d", day, s.txnSeq[day])
	t.Status = TxnPendingApproval
	t.CreatedAt = now
	s.txns[t.TransactionID] = t
	s.txnOrder = append(s.txnOrder, t.TransactionID)
	if s.due.IsZero() || t.EffectiveDate.Before(s.due) {
		s.due = t.EffectiveDate
	}
	s.settle(connectors.DateOf(now))
}

// pendingTermination returns the employee's pending termination, if any.
func (s *store) pendingTermination(id string) *Transaction {
	for _, tid := range s.txnOrder {
		t := s.txns[tid]
		if t.EmployeeID == id && t.Kind == TxnTermination && t.Status == TxnPendingApproval {
			return t
		}
	}
	return nil
}

func (s *store) ref(id string) *EmployeeRef {
	e, ok := s.emps[id]
	if !ok {
		return nil
	}
	return &EmployeeRef{EmployeeID: id, DisplayName: e.Name.Display}
}

// lookup returns an employee, or EMPLOYEE_NOT_FOUND.
func (s *store) lookup(id string) (*employee, error) {
	e, ok := s.emps[id]
	if !ok {
		return nil, employeeNotFound(id)
	}
	return e, nil
}

// lookupActive returns an active employee, or EMPLOYEE_NOT_FOUND or
// EMPLOYEE_INACTIVE.
func (s *store) lookupActive(id string) (*employee, error) {
	e, err := s.lookup(id)
	if err != nil {
		return nil, err
	}
	if e.Status == StatusTerminated {
		var d Date
		if e.TerminationDate != nil {
			d = *e.TerminationDate
		}
		return nil, employeeInactive(id, d)
	}
	return e, nil
}

// inChain reports whether manager is in id's manager chain.
func (s *store) inChain(id, manager string) bool {
	seen := 0
	for e := s.emps[id]; e != nil && e.ManagerID != "" && seen <= len(s.emps); seen++ {
		if e.ManagerID == manager {
			return true
		}
		e = s.emps[e.ManagerID]
	}
	return false
}

func (s *store) balance(emp, typ string) *BalanceRecord {
	for _, b := range s.balances[emp] {
		if b.Type == typ {
			return b
		}
	}
	return nil
}

// employeeFieldSpec is one updatable string field of an employee.
type employeeFieldSpec struct {
	path string
	ptr  func(*EmployeeRecord) *string
}

var employeeFields = []employeeFieldSpec{
	{"name.first", func(e *EmployeeRecord) *string { return &e.Name.First }},
	{"name.last", func(e *EmployeeRecord) *string { return &e.Name.Last }},
	{"name.legal_first", func(e *EmployeeRecord) *string { return &e.Name.LegalFirst }},
	{"name.legal_last", func(e *EmployeeRecord) *string { return &e.Name.LegalLast }},
	{"email", func(e *EmployeeRecord) *string { return &e.Email }},
	{"personal_email", func(e *EmployeeRecord) *string { return &e.PersonalEmail }},
	{"job.title", func(e *EmployeeRecord) *string { return &e.Job.Title }},
	{"job.department", func(e *EmployeeRecord) *string { return &e.Job.Department }},
	{"job.department_id", func(e *EmployeeRecord) *string { return &e.Job.DepartmentID }},
	{"job.location", func(e *EmployeeRecord) *string { return &e.Job.Location }},
	{"job.cost_center", func(e *EmployeeRecord) *string { return &e.Job.CostCenter }},
	{"job.employee_type", func(e *EmployeeRecord) *string { return &e.Job.EmployeeType }},
	{"phone.work", func(e *EmployeeRecord) *string { return &e.Phone.Work }},
	{"phone.mobile", func(e *EmployeeRecord) *string { return &e.Phone.Mobile }},
	{"address.street", func(e *EmployeeRecord) *string { return &e.Address.Street }},
	{"address.city", func(e *EmployeeRecord) *string { return &e.Address.City }},
	{"address.state", func(e *EmployeeRecord) *string { return &e.Address.State }},
	{"address.postal_code", func(e *EmployeeRecord) *string { return &e.Address.PostalCode }},
	{"address.country", func(e *EmployeeRecord) *string { return &e.Address.Country }},
	{"emergency_contact.name", func(e *EmployeeRecord) *string { return &e.EmergencyContact.Name }},
	{"emergency_contact.relationship", func(e *EmployeeRecord) *string { return &e.EmergencyContact.Relationship }},
	{"emergency_contact.phone", func(e *EmployeeRecord) *string { return &e.EmergencyContact.Phone }},
}

func employeeField(path string) *employeeFieldSpec {
	for i := range employeeFields {
		if employeeFields[i].path == path {
			return &employeeFields[i]
		}
	}
	return nil
}

// ---- host-facing snapshots ----

func (s *store) transaction(id string) (Transaction, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.txns[id]
	if !ok {
		return Transaction{}, false
	}
	return t.clone(), true
}

func (s *store) transactions() []Transaction {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Transaction, 0, len(s.txnOrder))
	for _, id := range s.txnOrder {
		out = append(out, s.txns[id].clone())
	}
	return out
}

// Totals are counts and sums over the whole state, for invariant checks.
type Totals struct {
	Employees      int
	Active         int
	Requests       map[string]int // by status
	Transactions   map[string]int // by status
	AvailableHours float64
	PendingHours   float64
	UsedHours      float64
}

func (s *store) totals() Totals {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := Totals{Employees: len(s.emps), Requests: map[string]int{}, Transactions: map[string]int{}}
	for _, e := range s.emps {
		if e.Status == StatusActive {
			t.Active++
		}
	}
	for _, r := range s.requests {
		t.Requests[r.Status]++
	}
	for _, x := range s.txns {
		t.Transactions[x.Status]++
	}
	for _, bs := range s.balances {
		for _, b := range bs {
			t.AvailableHours += b.AvailableHours
			t.PendingHours += b.PendingHours
			t.UsedHours += b.UsedHours
		}
	}
	return t
}

// check verifies the state's invariants: every balance's pending hours equal
// its pending requests' hours, nothing is negative, and every request and
// transaction names an existing employee. Tests call it after concurrent
// runs.
func (s *store) check() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	pending := map[string]float64{}
	for _, r := range s.requests {
		if _, ok := s.emps[r.EmployeeID]; !ok {
			return fmt.Errorf("request %s names unknown employee %s", r.RequestID, r.EmployeeID)
		}
		if r.Status == RequestPending {
			pending[r.EmployeeID+"/"+r.Type] += r.Hours
		}
	}
	for emp, bs := range s.balances {
		for _, b := range bs {
			if b.AvailableHours < -1e-9 || b.PendingHours < -1e-9 || b.UsedHours < -1e-9 {
				return fmt.Errorf("balance %s/%s is negative: %+v", emp, b.Type, *b)
			}
			if d := b.PendingHours - pending[emp+"/"+b.Type]; d > 1e-6 || d < -1e-6 {
				return fmt.Errorf("balance %s/%s pending %v, pending requests %v", emp, b.Type, b.PendingHours, pending[emp+"/"+b.Type])
			}
		}
	}
	for _, t := range s.txns {
		if _, ok := s.emps[t.EmployeeID]; !ok {
			return fmt.Errorf("transaction %s names unknown employee %s", t.TransactionID, t.EmployeeID)
		}
	}
	return nil
}
