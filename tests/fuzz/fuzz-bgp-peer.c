/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: bgp-peer's state record parser (vpnha_frr_peer_load, under
 * the agent's name). The record feeds the vty at stop (the neighbor to
 * remove), so a record that parses must be sane (an address, an AS in range,
 * a valid path and VRF name) and must come back the same through the writer
 * (vpnha_frr_peer_save).
 */
#include "bgp-peer.c"

#include "state-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sane(const struct vpnha_frr_peer *p)
{
	struct vpnha_addr a;

	if (vpnha_parse_addr(p->neighbor, 0, &a, NULL, 0) < 0 || p->local_as < 1 ||
	    p->local_as > INT64_C(4294967295) || p->manage < 0 ||
	    (size_t)p->manage >= VPNHA_ARRAY_SIZE(vpnha_frr_peer_modes) - 1 || vpnha_parse_path(p->vty_dir, NULL, 0) < 0 ||
	    strnlen(p->vrf, sizeof(p->vrf)) >= sizeof(p->vrf))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpnha_ctx ctx = { .instance = "fuzz" };
	static struct vpnha_frr_peer p, back;

	fuzz_state_input(AGENT, ctx.instance, VPNHA_FRR_PEER_KEY, data, size);
	if (vpnha_frr_peer_load(AGENT, ctx.instance, &p) < 0)
		return 0;
	check_sane(&p);
	if (vpnha_frr_peer_save(AGENT, ctx.instance, &p) < 0 || vpnha_frr_peer_load(AGENT, ctx.instance, &back) < 0)
		__builtin_trap();
	if (strcmp(p.neighbor, back.neighbor) || strcmp(p.vrf, back.vrf) || p.local_as != back.local_as ||
	    p.manage != back.manage || strcmp(p.vty_dir, back.vty_dir) || p.added != back.added ||
	    p.started_ms != back.started_ms)
		__builtin_trap();
	return 0;
}
