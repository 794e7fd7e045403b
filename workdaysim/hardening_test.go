package workdaysim_test

import (
	"testing"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/workdaysim"
)

// TestHardening11_10_TimeOffRounding: request+cancel pairs must leave the
// balance exactly where it was. Hours finer than a hundredth are refused
// (a validation error that changes nothing); hundredths round-trip exactly.
func TestHardening11_10_TimeOffRounding(t *testing.T) {
	day := workdaysim.Date{Year: 2026, Month: 6, Day: 1}
	for _, tc := range []struct {
		name    string
		hours   float64
		refused bool
	}{
		{"thousandths refused", 0.015, true},
		{"a third of an hour refused", 1.0 / 3, true},
		{"hundredths exact", 0.01, false},
		{"quarter hours exact", 0.25, false},
		{"odd hundredths exact", 7.37, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := newSim(t)
			start := pto(t, sim, "EMP001")
			refused := 0
			for i := 0; i < 100; i++ {
				h := tc.hours
				sub, err := sim.RequestTimeOff(as("EMP001"), workdaysim.RequestTimeOffRequest{EmployeeID: "EMP001", Type: "PTO",
					StartDate: day, EndDate: day, Hours: &h})
				if err != nil {
					if !tc.refused || connectors.CodeOf(err) != connectors.CodeInvalidArgument {
						t.Fatalf("pair %d: %v (code %s)", i, err, connectors.CodeOf(err))
					}
					refused++
					continue
				}
				if _, err := sim.CancelTimeOff(as("EMP001"), workdaysim.CancelTimeOffRequest{RequestID: sub.RequestID}); err != nil {
					t.Fatalf("pair %d: cancel: %v", i, err)
				}
			}
			if tc.refused && refused != 100 {
				t.Errorf("%d of 100 requests of %v h refused, want all", refused, tc.hours)
			}
			if b := pto(t, sim, "EMP001"); b != start {
				t.Errorf("after 100 request+cancel pairs of %v h: available %v pending %v used %v, want %v %v %v",
					tc.hours, b.AvailableHours, b.PendingHours, b.UsedHours, start.AvailableHours, start.PendingHours, start.UsedHours)
			}
		})
	}
}
