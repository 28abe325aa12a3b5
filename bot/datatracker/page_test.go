package datatracker

import (
	"encoding/json"
	"testing"
)

func TestDecodePage(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantErr  bool
		wantNext string
		wantN    int
	}{
		{"tastypie page", `{"meta": {"limit": 20, "next": "/api/v1/group/group/?type=sdo&limit=20&offset=20", "offset": 0, "previous": null, "total_count": 142}, "objects": [{"id": 1}, {"id": 2}]}`,
			false, "/api/v1/group/group/?type=sdo&limit=20&offset=20", 2},
		{"last page", `{"meta":{"limit":20,"next":null,"offset":140,"previous":"/x/?limit=20&offset=120","total_count":142},"objects":[{"id":1}]}`, false, "", 1},
		{"empty next string is the end", `{"meta":{"next":""},"objects":[]}`, false, "", 0},
		{"empty list", `{"meta":{"limit":20,"next":null,"offset":0,"previous":null,"total_count":0},"objects":[]}`, false, "", 0},
		{"extra fields ignored", `{"meta":{"next":null,"x":1},"objects":[],"more":true}`, false, "", 0},
		{"missing objects", `{"meta":{"next":null}}`, true, "", 0},
		{"null objects", `{"meta":{"next":null},"objects":null}`, true, "", 0},
		{"missing meta", `{"objects":[]}`, true, "", 0},
		{"null meta", `{"meta":null,"objects":[]}`, true, "", 0},
		{"object not an object", `{"meta":{},"objects":[1]}`, true, "", 0},
		{"objects not a list", `{"meta":{},"objects":{}}`, true, "", 0},
		{"next not a string", `{"meta":{"next":5},"objects":[]}`, true, "", 0},
		{"negative offset", `{"meta":{"offset":-1},"objects":[]}`, true, "", 0},
		{"truncated", `{"meta":{"limit":20,"next":null,"offset":0,"previous":null,"total_count":142},"objects":[{"id":1},{"id"`, true, "", 0},
		{"trailing garbage", `{"meta":{},"objects":[]} x`, true, "", 0},
		{"array", `[]`, true, "", 0},
		{"empty", ``, true, "", 0},
		{"detail object, not a page", `{"id": 62, "acronym": "itu-t-sg-15"}`, true, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodePage([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if p.next() != tt.wantNext || len(p.Objects) != tt.wantN {
				t.Errorf("next %q, %d objects; want %q, %d", p.next(), len(p.Objects), tt.wantNext, tt.wantN)
			}
		})
	}
}

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"meta": {"limit": 20, "next": "/api/v1/group/group/?type=sdo&limit=20&offset=20", "offset": 0, "previous": null, "total_count": 142}, "objects": [{"id": 1}]}`))
	f.Add([]byte(`{"meta":{"next":null},"objects":[{"id":1,"group":"/api/v1/group/group/62/","person":"/api/v1/person/person/3/","name":"/api/v1/name/rolename/liaiman/","email":"/api/v1/person/email/a@example.org/"}]}`))
	f.Add([]byte(`{"meta":{},"objects":null}`))
	f.Add([]byte(`{"meta":{"limit":20,"next":null,"off`))
	f.Add([]byte(`[{"meta":1}]`))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodePage(data)
		if err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		for _, o := range p.Objects {
			if !isJSONObject(o) {
				t.Fatalf("accepted non-object %q", o)
			}
			// The typed decoders must not panic on whatever objects hold.
			_, _, _ = decodeGroup(o)
			_, _, _ = decodeRole(o)
			_, _, _ = decodePerson(o)
			_, _, _ = decodeStatement(o)
			_, _, _ = decodeEvent(o)
			_, _, _ = decodeRelated(o)
			_, _, _ = decodeAttachment(o)
		}
	})
}
