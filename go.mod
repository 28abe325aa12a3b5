module github.com/ietf-tools/liaisonbot

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/jmoiron/sqlx v1.4.0 // indirect
	github.com/mattn/go-sqlite3 v1.14.53 // indirect
	github.com/prometheus/client_golang v1.25.0 // indirect
	github.com/slack-go/slack v0.35.0 // indirect
)
