package datatracker

import "testing"

func TestIDFromURI(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"/api/v1/group/group/62/", 62, false},
		{"/api/v1/group/group/62", 62, false},
		{"https://datatracker.ietf.org/api/v1/person/person/20209/", 20209, false},
		{" /api/v1/liaisons/liaisonstatement/2106/ ", 2106, false},
		{"/api/v1/group/group/62/?format=json", 62, false},
		{"/api/v1/name/rolename/liaiman/", 0, true},
		{"/api/v1/group/group/0/", 0, true},
		{"/api/v1/group/group/-3/", 0, true},
		{"", 0, true},
		{"/", 0, true},
		{"62", 0, true},
	}
	for _, tt := range tests {
		got, err := IDFromURI(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("IDFromURI(%q) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSlugFromURI(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"/api/v1/name/rolename/liaiman/", "liaiman", false},
		{"/api/v1/name/rolename/liaison_coordinator/", "liaison_coordinator", false},
		{"/api/v1/name/liaisonstatementtagname/taken/", "taken", false},
		{"/api/v1/doc/document/liaison-2012-05-31-3gpp-mmusic-on-rtcp-bandwidth-negotiation-attachment-1/",
			"liaison-2012-05-31-3gpp-mmusic-on-rtcp-bandwidth-negotiation-attachment-1", false},
		{"/api/v1/doc/document/a%20b/", "a b", false},
		{"/api/v1/doc/document/bad%zz/", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := SlugFromURI(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("SlugFromURI(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestEmailFromURI(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"/api/v1/person/email/csp@csperkins.org/", "csp@csperkins.org", false},
		{"/api/v1/person/email/csp%40csperkins.org/", "csp@csperkins.org", false},
		{"/api/v1/person/email/first+tag@example.org/", "first+tag@example.org", false},
		{"https://datatracker.ietf.org/api/v1/person/email/Scott.Mansfield@Ericsson.com/", "Scott.Mansfield@Ericsson.com", false},
		{"/api/v1/person/email/not-an-address/", "", true},
		{"/api/v1/person/person/20209/", "", true},
		{"/api/v1/person/email//", "", true},
	}
	for _, tt := range tests {
		got, err := EmailFromURI(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("EmailFromURI(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
