#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The avq authors
#
# The README's test command: set up the machine (idempotent), build, run the
# test suites, compile a release build, build again with AddressSanitizer +
# UBSan and run the fast tests under it, and end with the line
# `N passed, N failed, N skipped`.
#
#   devtools/run-tests.sh                   everything CI runs
#   devtools/run-tests.sh --no-sanitizers   skip the sanitizer build (quick loop)
#   devtools/run-tests.sh --suite NAME      run only this suite (repeatable)
#   devtools/run-tests.sh --suite qemu --no-sanitizers
#                                           only the QEMU guest test (set-up
#                                           installs QEMU and builds the guest)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sanitize=1
suites=()
while [ $# -gt 0 ]; do
	case "$1" in
	--no-sanitizers) sanitize=0 ;;
	--suite) shift; suites+=("$1") ;;
	*) echo "usage: $0 [--no-sanitizers] [--suite NAME]..." >&2; exit 2 ;;
	esac
	shift
done
# integration: real DPDK applications (Debian's dpdk-testpmd) loading the
# drivers with -d; normal build only (a sanitizer-built driver cannot be
# loaded into an unsanitized application without preloading the runtime).
# qemu: a QEMU guest (TCG) on a vDPA socket, about 20-40 s plus a one-time
# set-up (QEMU and the guest kernel package from Debian's archive).
[ ${#suites[@]} -gt 0 ] || suites=(fast-tests integration qemu)

setup_args=()
for s in "${suites[@]}"; do
	[ "$s" != qemu ] || setup_args=(--qemu)
done
bash devtools/setup.sh "${setup_args[@]}"

suite_args=()
for s in "${suites[@]}"; do suite_args+=(--suite "$s"); done

logs=()

# A test binary must not leave DPDK runtime files of its own prefixes behind
# for the next run; each test uses --file-prefix=avq-<name>.
build() { # dir, meson options...
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" -Dwerror=true "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; exit 1; }
		rm -f "$dir.setup.log"
	fi
	ninja -C "$dir" >/dev/null
}

echo "== build (build/)"
build build
echo "== tests: ${suites[*]}"
meson test -C build "${suite_args[@]}" --num-processes 2 --print-errorlogs \
	--no-rebuild >build/test-output.log 2>&1 || true
grep -E '^ *[0-9]+/[0-9]+ ' build/test-output.log | grep -vE ' OK |SKIP' || true
logs+=(build/meson-logs/testlog.json)

# The benchmarks' build (doc/guides/prog_guide/avq_bench.rst, net_bench.rst):
# -O3 warns about what -O2 does not (format truncation), and -Werror makes
# that a failed compile. Compiled only; its tests are those of build/.
echo "== release build (build-release/)"
build build-release -Dbuildtype=release

if [ $sanitize = 1 ]; then
	echo "== build with -Db_sanitize=address,undefined (build-asan/)"
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all
	echo "== fast tests under the sanitizers"
	# halt_on_error: any report makes the test exit non-zero (fails CI).
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	LSAN_OPTIONS=suppressions="$top/devtools/lsan.supp":print_suppressions=0 \
		meson test -C build-asan --suite fast-tests --num-processes 2 \
		--print-errorlogs --no-rebuild >build-asan/test-output.log 2>&1 || true
	grep -E '^ *[0-9]+/[0-9]+ ' build-asan/test-output.log | grep -vE ' OK |SKIP' || true
	logs+=(build-asan/meson-logs/testlog.json)
fi

python3 devtools/test-summary.py "${logs[@]}"
