#!/bin/sh
# make bench: paxkit's load harness. Installs wrk (Debian) and Prism (npm, into
# bench/.prism) when missing, builds paxkit, runs bench/cmd/paxbench (load, start-up, RSS,
# Prism comparison) and the store scale benchmarks, and writes bench/results/.
# Not part of `make test`. Knobs: BENCH_DURATION (12s: 3 rounds of 4 s of paxkit and as much of its raw limit), BENCH_CUSTOMERS (1000000),
# BENCH_PRISM=0 to skip Prism, PAXKIT_BENCH_1M=1 for the 1M store benchmarks.
set -eu
cd "$(dirname "$0")/.."
GO=${GO:-go}
PRISM_VERSION=5.16.0

if ! command -v wrk >/dev/null 2>&1; then
	echo "bench: installing wrk" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi
fi

prism_flag=""
if [ "${BENCH_PRISM:-1}" != 0 ]; then
	if [ ! -x bench/.prism/node_modules/.bin/prism ]; then
		echo "bench: installing @stoplight/prism-cli@$PRISM_VERSION into bench/.prism" >&2
		mkdir -p bench/.prism
		npm install --no-audit --no-fund --prefix bench/.prism "@stoplight/prism-cli@$PRISM_VERSION" >&2
	fi
	prism_flag="-prism bench/.prism/node_modules/.bin/prism"
fi

$GO build -o bench/bin/paxkit ./cmd/paxkit
# shellcheck disable=SC2086
$GO run ./bench/cmd/paxbench -bin bench/bin/paxkit -out bench/results \
	-duration "${BENCH_DURATION:-12s}" -customers "${BENCH_CUSTOMERS:-1000000}" $prism_flag

echo "bench: store scale benchmarks" >&2
{
	echo '# Store scale (`go test -run x -bench . ./impl/mews/domain/ ./bench/`)'
	echo
	echo 'Raw `go test -bench` output of this run; see scale.md for the curve and its reading.'
	echo
	echo '```'
	$GO test -run x -bench 'Scale' -benchtime 2000x ./impl/mews/domain/ ./bench/
	echo '```'
} > bench/results/scale-raw.md
echo "bench: results in bench/results/" >&2
