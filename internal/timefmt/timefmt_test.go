package timefmt

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

// reference is the chain Parse must agree with: time.Parse over Layouts.
func reference(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[10] != 'T' {
		return time.Time{}, false
	}
	for _, layout := range Layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func TestParseMatchesTimeParse(t *testing.T) {
	tests := []struct {
		in   string
		fast bool // read by the fixed layouts, without time.Parse
	}{
		{"2024-01-02T03:04:05.000+0000", true},
		{"2024-01-02T03:04:05.000-0800", true},
		{"2024-01-02T03:04:05.123+0530", true},
		{"2024-01-02T03:04:05.000Z", true},
		{"2024-01-02T03:04:05Z", true},
		{"2024-01-02T03:04:05+00:00", true},
		{"2024-01-02T03:04:05-07:00", true},
		{"2024-01-02T03:04:05.5-07:00", true},
		{"2024-01-02T03:04:05.123456789Z", true},
		{"2024-01-02T03:04:05+0100", true},
		{"2024-02-29T23:59:59.999Z", true},
		{"2000-02-29T00:00:00Z", true},
		{"0000-01-01T00:00:00Z", true},
		{"9999-12-31T23:59:59.999999999-23:59", true},
		// Not fixed: time.Parse decides.
		{"2024-01-02T03:04:05.1234567891Z", false},
		{"2024-01-02T03:04:05,123Z", false},
		{"2024-01-02T03:04:05+24:00", false},
		{"2024-01-02T03:04:05+2400", false},
		{"2024-01-02T03:04:05.000+00:60", false},
		{"2024-01-02T3:04:05.000+0000", false},
		{"2024-01-02t03:04:05Z", false},
		{"2024-01-02T03:04:05z", false},
		{"2023-02-29T00:00:00Z", false},
		{"1900-02-29T00:00:00Z", false},
		{"2024-13-01T00:00:00Z", false},
		{"2024-00-01T00:00:00Z", false},
		{"2024-01-32T00:00:00Z", false},
		{"2024-01-02T24:00:00Z", false},
		{"2024-01-02T23:60:00Z", false},
		{"2024-01-02T23:59:60Z", false},
		{"2024-01-02T03:04:05", false},
		{"2024-01-02T03:04:05.Z", false},
		{"2024-01-02T03:04:05.000", false},
		{"2024-01-02T03:04:05.000+000", false},
		{"2024-01-02T03:04:05.000 +0000", false},
		{"2024-01-02 03:04:05Z", false},
		{"２024-01-02T03:04:05Z", false},
		{"", false},
		{"2024-01-02", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			want, wok := reference(tt.in)
			got, ok := ParseString(tt.in)
			if ok != wok || !got.Equal(want) || got.Location() != time.UTC {
				t.Fatalf("ParseString(%q) = %v, %v; time.Parse chain: %v, %v", tt.in, got, ok, want, wok)
			}
			gotb, okb := Parse([]byte(tt.in))
			if okb != ok || !gotb.Equal(got) {
				t.Fatalf("Parse(%q) = %v, %v; ParseString: %v, %v", tt.in, gotb, okb, got, ok)
			}
			if _, fast := parseFixed(tt.in); fast != tt.fast {
				t.Fatalf("fixed layout read %q: %v, want %v", tt.in, fast, tt.fast)
			}
		})
	}
}

// TestParseFixedDoesNotAllocate: the Bulk CSV form no longer costs a
// time.ParseError per value.
func TestParseFixedDoesNotAllocate(t *testing.T) {
	for _, s := range []string{"2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05.000+0000", "2024-01-02T03:04:05-07:00"} {
		b := []byte(s)
		if n := testing.AllocsPerRun(100, func() { Parse(b) }); n != 0 {
			t.Errorf("Parse(%q): %v allocations", s, n)
		}
		if n := testing.AllocsPerRun(100, func() { ParseString(s) }); n != 0 {
			t.Errorf("ParseString(%q): %v allocations", s, n)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2024-01-02T03:04:05.000+0000", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123456789-07:00",
		"2024-02-29T23:59:59+2400", "2024-01-02T03:04:05,5Z", "0000-01-01T00:00:00.000+0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wok := reference(s)
		got, ok := ParseString(s)
		if ok != wok || (ok && (!got.Equal(want) || got.Location() != time.UTC)) {
			t.Fatalf("ParseString(%q) = %v, %v; time.Parse chain: %v, %v", s, got, ok, want, wok)
		}
		if gb, okb := Parse([]byte(s)); okb != ok || !gb.Equal(got) {
			t.Fatalf("Parse(%q) = %v, %v; ParseString: %v, %v", s, gb, okb, got, ok)
		}
	})
}

func TestParseDateMatchesTimeParse(t *testing.T) {
	for _, s := range []string{"2024-01-02", "2024-02-29", "2023-02-29", "2024-13-01", "2024-1-02", "2024-01-02T", "0000-01-01", "", "abcd-ef-gh"} {
		checkDate(t, s)
	}
}

func checkDate(t *testing.T, s string) {
	t.Helper()
	ref, err := time.Parse(time.DateOnly, s)
	y, m, d, ok := ParseDate(s)
	if ok != (err == nil) || (ok && (y != ref.Year() || m != ref.Month() || d != ref.Day())) {
		t.Fatalf("ParseDate(%q) = %d-%d-%d %v; time.Parse: %v, %v", s, y, m, d, ok, ref, err)
	}
}

func FuzzParseDate(f *testing.F) {
	f.Add("2024-01-02")
	f.Add("2024-02-30")
	f.Fuzz(checkDate)
}

var sapRE = regexp.MustCompile(`^/Date\((-?\d{1,16})([+-]\d{4})?\)/$`)

func TestParseSAP(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"/Date(1700000000000)/", time.UnixMilli(1700000000000).UTC(), true},
		{"/Date(1700000000000+0060)/", time.UnixMilli(1700000000000).UTC(), true},
		{"/Date(1700000000000-0300)/", time.UnixMilli(1700000000000).UTC(), true},
		{"/Date(-86400000)/", time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"/Date(0)/", time.Unix(0, 0).UTC(), true},
		{"/Date()/", time.Time{}, false},
		{"/Date(17x)/", time.Time{}, false},
		{"/Date(1700000000000+60)/", time.Time{}, false},
		{"Date(1700000000000)", time.Time{}, false},
		{"/Date(99999999999999999)/", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseSAP(tt.in)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseSAP(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseSAP(f *testing.F) {
	f.Add("/Date(1700000000000+0060)/")
	f.Add("/Date(-1)/")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseSAP(s)
		m := sapRE.FindStringSubmatch(s)
		if ok != (m != nil) {
			t.Fatalf("ParseSAP(%q) = %v; the regular expression says %v", s, ok, m != nil)
		}
		if ok {
			ms, _ := strconv.ParseInt(m[1], 10, 64)
			if !got.Equal(time.UnixMilli(ms)) {
				t.Fatalf("ParseSAP(%q) = %v, want %v", s, got, time.UnixMilli(ms))
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, s := range []string{"2024-01-02T03:04:05.000+0000", "2024-01-02T03:04:05.000Z"} {
		in := []byte(s)
		b.Run("fixed/"+s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Parse(in)
			}
		})
		b.Run("time.Parse-chain/"+s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				reference(s)
			}
		})
	}
}
