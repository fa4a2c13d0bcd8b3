# dxatlas — everyday commands. `make run` starts the demo; `make test` runs
# every test on SQLite and PostgreSQL.
DXATLAS_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export DXATLAS_TEST_POSTGRES

.PHONY: run test lint bench build

run:
	go run ./cmd/dxatlas serve --demo

build:
	go build -o bin/dxatlas ./cmd/dxatlas

test:
	bash scripts/test

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	go vet ./...

bench:
	go test -run '^$$' -bench . -benchmem ./...
