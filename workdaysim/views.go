package workdaysim

import (
	"maps"
	"sync/atomic"

	"github.com/xlr8/connectors/internal/connkit"
)

// dirView is an employee's directory view (get_employee's result) rendered
// once, as Execute returns it, so that a read through Execute does not
// render it again: built on the first read after a write (under the read
// lock), dropped by every write to the employee (under the write lock).
// Its maps are never handed out: Execute returns copies.
type dirView struct {
	emp map[string]any // get_employee's result with "manager" nil; its "name" and "job" maps
	ref map[string]any // the employee as a manager (EmployeeRef)
}

// viewCache is an employee's dirView, nil when not built since the last
// write.
type viewCache struct{ p atomic.Pointer[dirView] }

// invalidate drops the view; the write lock is held.
func (c *viewCache) invalidate() { c.p.Store(nil) }

// view returns e's directory view, building it if a write dropped it. The
// read (or write) lock is held, so e does not change meanwhile; two readers
// may both build it, from the same state.
func (s *store) view(e *employee) *dirView {
	if v := e.view.p.Load(); v != nil {
		return v
	}
	d := s.directoryEntry(e)
	d.Manager = nil
	v := &dirView{
		emp: connkit.EncodeMap(d),
		ref: connkit.EncodeMap(&EmployeeRef{EmployeeID: e.EmployeeID, DisplayName: e.Name.Display}),
	}
	e.view.p.Store(v)
	return v
}

// directoryView returns a copy of e's directory view with its manager:
// what rendering getEmployee's result gives (TestDirectoryViewMatchesEncode),
// in maps the caller owns. The read lock is held.
func (s *store) directoryView(e *employee) map[string]any {
	v := s.view(e)
	out := maps.Clone(v.emp)
	out["name"] = maps.Clone(v.emp["name"].(map[string]any))
	out["job"] = maps.Clone(v.emp["job"].(map[string]any))
	if m, ok := s.emps[e.ManagerID]; ok {
		out["manager"] = maps.Clone(s.view(m).ref)
	}
	return out
}
