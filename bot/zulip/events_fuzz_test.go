package zulip

import (
	"encoding/json"
	"testing"
)

func FuzzDecodeEvents(f *testing.F) {
	f.Add([]byte(openapiEvents))
	f.Add([]byte(`{"result":"success","msg":"","events":[{"id":3,"type":"heartbeat"}],"queue_id":"1700000001:1"}`))
	f.Add([]byte(`{"result":"success","msg":"","events":[]}`))
	f.Add([]byte(`{"result":"success","events":[{"id":7,"type":"message","flags":["mentioned"],"message":{"id":1,"type":"private","display_recipient":[{"id":1,"email":"a@b","full_name":"A"}],"subject":"","content":"help"}}]}`))
	f.Add([]byte(`{"result":"success","events":[{"id":7,"type":"message","message":{"display_recipient":null,"timestamp":1.5}}]}`))
	f.Add([]byte(`{"result":"error","msg":"Bad event queue ID: x","code":"BAD_EVENT_QUEUE_ID","queue_id":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := decodeEvents(body)
		if err != nil {
			return
		}
		for _, ev := range events {
			if ev.Type == "" {
				t.Fatalf("event %d has no type", ev.ID)
			}
			if ev.Type == EventMessage && ev.DecodeErr == nil {
				if ev.Message == nil {
					t.Fatalf("message event %d decoded without a message", ev.ID)
				}
				_ = ev.Message.IsDM()
				_ = ev.Message.Reply("x")
				if _, err := json.Marshal(ev.Message.DisplayRecipient); err != nil {
					t.Fatalf("re-encoding recipient: %v", err)
				}
			}
			_ = ev.Mentioned()
		}
	})
}
