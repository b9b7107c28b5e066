/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: ipsec-conn's ownership record parser (owned_read). stop reads
 * it to unload exactly what start loaded into charon, after crashes and
 * partial writes too: whatever the bytes, the result must be sane (strings
 * terminated, endpoints of a known family) and come back the same through
 * the agent's writer (owned_write).
 */
#include "ipsec-conn.c"

#include "state-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_param(const char *name, void *userdata)
{
	(void)userdata;
	return !strcmp(name, "conn") ? "fuzz" : NULL;
}

static void check_sane(const struct owned *o, const char *conn, size_t connlen)
{
	if (strnlen(o->shared_id, sizeof(o->shared_id)) >= sizeof(o->shared_id) ||
	    strnlen(o->key_id, sizeof(o->key_id)) >= sizeof(o->key_id) || strnlen(conn, connlen) >= connlen)
		__builtin_trap();
	if ((o->local.family && o->local.family != AF_INET && o->local.family != AF_INET6) ||
	    (o->remote.family && o->remote.family != AF_INET && o->remote.family != AF_INET6))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vpnha_ctx ctx = { .instance = "fuzz" };
	static struct owned o, back;
	char conn[128], conn2[128];

	if (!ctx.params && vpnha_params_parse(&ctx.params, vpnha_agent_def.params, vpnha_agent_def.n_params,
					      fuzz_param, NULL, NULL, 0) < 0)
		abort();
	fuzz_state_input(AGENT, ctx.instance, "owned", data, size);
	conn[0] = '\0';
	if (owned_read(&ctx, &o, conn, sizeof(conn)) < 0)
		return 0;
	check_sane(&o, conn, sizeof(conn));
	if (owned_write(&ctx, &o) < 0 || owned_read(&ctx, &back, conn2, sizeof(conn2)) < 0)
		__builtin_trap();
	check_sane(&back, conn2, sizeof(conn2));
	if (strcmp(conn2, "fuzz") || o.loaded_conn != back.loaded_conn || strcmp(o.shared_id, back.shared_id) ||
	    strcmp(o.key_id, back.key_id) || !(o.local.family == back.local.family) ||
	    (o.local.family && !vpnha_addr_equal(&o.local, &back.local)) ||
	    !(o.remote.family == back.remote.family) ||
	    (o.remote.family && !vpnha_addr_equal(&o.remote, &back.remote)) || o.started != back.started)
		__builtin_trap();
	return 0;
}
