/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for what parses bgpd's output: the vty reply framer and the
 * JSON extraction (neighbor, summary, vrfs). Input: one control byte (the
 * chunk size the framer is fed with), then the bytes bgpd would send. The
 * bytes are parsed as JSON directly, and framed; a framed reply's output is
 * parsed again.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_all(const char *s, size_t n)
{
	struct vpnha_frr_neighbor nb;
	struct vpnha_frr_summary_peer sp;

	vpnha_frr_neighbor_parse(s, n, "10.77.0.2", &nb);
	vpnha_frr_neighbor_parse(s, n, "2001:db8::2", &nb);
	vpnha_frr_summary_parse(s, n, "10.77.0.2", &sp);
	vpnha_frr_vrfs_has(s, n, NULL);
	vpnha_frr_vrfs_has(s, n, "red");
	(void)vpnha_frr_bgp_state_str(nb.state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpnha_frr_framer f;
	size_t chunk, off = 0;
	int r = 0;

	if (size < 1)
		return 0;
	chunk = 1 + data[0] % 64;
	data++;
	size--;
	parse_all((const char *)data, size);

	vpnha_frr_framer_init(&f, 16384);
	while (off < size && r == 0) {
		size_t n = size - off < chunk ? size - off : chunk;

		r = vpnha_frr_framer_feed(&f, data + off, n);
		off += n;
	}
	if (r == 1) {
		if (f.buf[f.out_len] != '\0' || strlen(f.buf) > f.out_len || f.status < 0 || f.status > 255)
			abort();
		parse_all(f.buf, f.out_len);
	}
	vpnha_frr_framer_free(&f);
	return 0;
}
