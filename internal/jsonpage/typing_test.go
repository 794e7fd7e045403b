package jsonpage

import "testing"

func TestNumbersFit(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{"type":"Account","url":"/services/data/v62.0/x"}`, true},
		{`{"a":"x\"1e999\"","b":1}`, true},
		{`{"a":"\\","b":1e999}`, false},
		{`{"a":"\\\"","b":-1e400}`, false},
		{`[1,2.5,-0,1e308]`, true},
		{`[1e309]`, false},
		{`"1e999"`, true},
	}
	for _, tt := range tests {
		if got := numbersFit([]byte(tt.in)); got != tt.want {
			t.Errorf("numbersFit(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
