/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: ipsec-conn's ownership record parser
 * (vpnha_ipsec_res_owned_read, for the agent's connection). stop reads it to
 * unload exactly what start loaded into charon, after crashes and partial
 * writes too: whatever the bytes, the result must be sane (strings
 * terminated, endpoints of a known family) and come back the same through
 * the writer (vpnha_ipsec_res_owned_write).
 */
#include "ipsec-conn.c"

#include "state-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_param(const char *name, void *userdata)
{
	(void)userdata;
	return !strcmp(name, "conn") ? "fuzz" : NULL;
}

static void check_sane(const struct vpnha_rec_ipsec_owned *o, const char *conn, size_t connlen)
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
	static struct vpnha_rec_ipsec_owned o, back;
	struct vpnha_ipsec_res r;

	if (!ctx.params && vpnha_params_parse(&ctx.params, vpnha_agent_def.params, vpnha_agent_def.n_params,
					      fuzz_param, NULL, NULL, 0) < 0)
		abort();
	r = res(&ctx);
	fuzz_state_input(AGENT, ctx.instance, "owned", data, size);
	if (vpnha_ipsec_res_owned_read(&r, &o) < 0)
		return 0;
	check_sane(&o, o.conn, sizeof(o.conn));
	if (vpnha_ipsec_res_owned_write(&r, &o) < 0 || vpnha_ipsec_res_owned_read(&r, &back) < 0)
		__builtin_trap();
	check_sane(&back, back.conn, sizeof(back.conn));
	if (strcmp(back.conn, "fuzz") || o.loaded_conn != back.loaded_conn || strcmp(o.shared_id, back.shared_id) ||
	    strcmp(o.key_id, back.key_id) || !(o.local.family == back.local.family) ||
	    (o.local.family && !vpnha_addr_equal(&o.local, &back.local)) ||
	    !(o.remote.family == back.remote.family) ||
	    (o.remote.family && !vpnha_addr_equal(&o.remote, &back.remote)) || o.started != back.started)
		__builtin_trap();
	return 0;
}
