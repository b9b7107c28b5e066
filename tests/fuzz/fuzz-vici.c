/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for the VICI decoder: packet split, message parse, and a
 * re-encode/re-parse round trip that must give identical bytes.
 *
 * Built with -fsanitize=fuzzer -DVPNHA_LIBFUZZER it is a libFuzzer target;
 * otherwise main() replays files named on the command line, then built-in
 * seeds and a fixed number of seeded random mutations of them (make check).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vici.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_message(const uint8_t *data, size_t size)
{
	struct vpnha_vici_node *root;
	struct vpnha_vici_writer w;

	if (vpnha_vici_msg_parse(data, size, &root) < 0)
		return;
	vpnha_vici_writer_init(&w);
	if (vpnha_vici_msg_encode(root, &w) < 0 || w.len != size || (size && memcmp(w.buf, data, size)))
		abort(); /* a parsed message must re-encode to the same bytes */
	vpnha_vici_writer_free(&w);
	(void)vpnha_vici_node_str(root, "success");
	(void)vpnha_vici_check_success(root, NULL);
	vpnha_vici_node_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *body;
	size_t blen;
	uint8_t type;
	char name[256];

	if (size > VPNHA_VICI_MAX_MSG + 16)
		return 0;
	check_message(data, size);
	if (vpnha_vici_packet_parse(data, size, &type, name, &body, &blen) == 0) {
		if (strlen(name) > 255 || body < data || body + blen != data + size)
			abort();
		check_message(body, blen);
	}
	return 0;
}

#ifndef VPNHA_LIBFUZZER
static size_t seed(uint8_t *buf, size_t cap, unsigned which)
{
	struct vpnha_vici_writer w;
	size_t n;

	vpnha_vici_writer_init(&w);
	switch (which) {
	case 0:
		vpnha_vici_kv(&w, "success", "yes");
		break;
	case 1:
		vpnha_vici_section_start(&w, "gw");
		vpnha_vici_kv(&w, "state", "ESTABLISHED");
		vpnha_vici_section_start(&w, "child-sas");
		vpnha_vici_section_start(&w, "gre-1");
		vpnha_vici_list_start(&w, "local-ts");
		vpnha_vici_list_item(&w, "198.51.100.1/32[gre]");
		vpnha_vici_list_item(&w, "");
		vpnha_vici_list_end(&w);
		vpnha_vici_section_end(&w);
		vpnha_vici_section_end(&w);
		vpnha_vici_section_end(&w);
		break;
	default:
		vpnha_vici_list_start(&w, "conns");
		vpnha_vici_list_item(&w, "a");
		vpnha_vici_list_end(&w);
		vpnha_vici_kv_bin(&w, "b", "\0\1\2", 3);
		break;
	}
	n = w.len < cap ? w.len : cap;
	memcpy(buf, w.buf, n);
	vpnha_vici_writer_free(&w);
	return n;
}

int main(int argc, char **argv)
{
	static uint8_t buf[4096];
	unsigned long iters = getenv("FUZZ_ITERATIONS") ? strtoul(getenv("FUZZ_ITERATIONS"), NULL, 10) : 200000;
	unsigned s = 12345;

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	for (unsigned long it = 0; it < iters; it++) {
		size_t n = seed(buf + 1, sizeof(buf) - 1, (unsigned)(it % 3)) + 1;
		unsigned k, muts;

		buf[0] = it & 1 ? VPNHA_VICI_CMD_RESPONSE : VPNHA_VICI_EVENT; /* half as packets */
		s = s * 1103515245u + 12345u;
		muts = (s >> 16) % 6;
		for (k = 0; k < muts; k++) {
			s = s * 1103515245u + 12345u;
			switch ((s >> 16) % 4) {
			case 0: buf[(s >> 8) % n] ^= (uint8_t)(1u << ((s >> 4) % 8)); break;
			case 1: buf[(s >> 8) % n] = (uint8_t)(s >> 3); break;
			case 2: n = (s >> 8) % n + 1; break; /* truncate */
			default:
				if (n < sizeof(buf))
					buf[n++] = (uint8_t)(s >> 5); /* append */
			}
		}
		LLVMFuzzerTestOneInput(buf + (it & 1 ? 1 : 0), n - (it & 1 ? 1 : 0));
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz-vici: %lu iterations, no crash\n", iters);
	return 0;
}
#endif
