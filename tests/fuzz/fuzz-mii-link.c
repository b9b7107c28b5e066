/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: mii-link's readers of mii-linkd's files, the status record
 * (vpnha_mii_status_read, lib/miistatus: monitor's freshness check, start's
 * wait) and the pid file (read_pid, lib/supervise: the process stop
 * signals). Whatever the bytes: a pid is 0 or in 2..INT32_MAX, strings are
 * terminated, an interval is positive.
 */
#include "mii-link.c"

#include "state-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpnha_ctx ctx = { .instance = "fuzz" };
	static struct vpnha_mii_status st;
	pid_t pid;

	fuzz_state_input(AGENT, ctx.instance, "status", data, size);
	if (vpnha_mii_status_read(AGENT, ctx.instance, &st) == 0) {
		if (st.pid == 1 || st.pid < 0 || strnlen(st.attrd, sizeof(st.attrd)) >= sizeof(st.attrd) ||
		    strnlen(st.error, sizeof(st.error)) >= sizeof(st.error) ||
		    strnlen(st.quorum, sizeof(st.quorum)) >= sizeof(st.quorum) || st.updated_ms > INT64_MAX ||
		    st.interval_ms > INT64_MAX)
			__builtin_trap();
	}
	fuzz_state_input(AGENT, ctx.instance, "pid", data, size);
	pid = read_pid(&ctx);
	if (pid == 1 || pid < 0)
		__builtin_trap();
	return 0;
}
