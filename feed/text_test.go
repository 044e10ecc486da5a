package feed

import "testing"

func TestStripHTML(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text is returned as is", "Harbour cranes", "Harbour cranes"},
		{"tags become spaces", "<p>Hello <b>bank</b></p>", " Hello  bank  "},
		{"entities are decoded", "Fish &amp; chips &lt;3", "Fish & chips <3"},
		{"script bodies go with their tags", "a<script>alert(1)</script>b", "a b"},
		{"style bodies go with their tags", "a<style type=\"text/css\">p{}</style>b", "a b"},
		{"multi-line script", "a<script>\nx()\n</script>b", "a b"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripHTML(tt.in); got != tt.want {
				t.Errorf("StripHTML(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
