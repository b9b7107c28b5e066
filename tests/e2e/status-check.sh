#!/bin/bash
# vpnha e2e: `vpnha status` against the truth (issue 17) in a lab boot of its
# own, for a layout or failover list the e2e test does not run (make check runs
# these proofs inside tests/e2e/e2e.test's boot, tests/e2e/proofs-status.sh):
#
#   tests/lab/lab run --exclusive --timeout 2400 tests/e2e/status-check.sh [demo.sh arguments]
#   (default --kinds "s1-extcut s1-crash"; e.g. --layout routed)
#
# Runs tests/e2e/demo.sh (sourced) with LAB_E2E_STATUS=1: every gateway agrees
# before and after the first failover, the survivor of the last crash shows
# the crashed gateway lost; then that gateway is powered on again and must be
# shown online once it has rejoined.  Exits 1 when any comparison failed.
set -u
export LAB_E2E_STATUS=1
[ $# -gt 0 ] || set -- --kinds "s1-extcut s1-crash"
# shellcheck source=tests/e2e/demo.sh disable=SC1094 # (demo.sh does not parse in shellcheck: its baseline)
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/demo.sh"
holder site1 || lab_fail "status-check: nobody holds site1's VIP"
surv=$HOLDER gone=$(e2e_other "$HOLDER")
if ! lab_alive "$gone"; then
	lab_power "$gone" on >"$RES/status-power-on.log" 2>&1 || lab_fail "status-check: power on $gone"
	lab_cluster_wait_online site1 300 || lab_fail "status-check: $gone did not rejoin"
fi
status_proofs back "$surv" "$gone"
status_proofs end
