/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: attrd_updater -Q output (vpnha_attrd_parse_query). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attrd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char value[16];
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (vpnha_attrd_parse_query(s, "vpnha-link-eth0", NULL, value, sizeof(value)) == 0 &&
	    strnlen(value, sizeof(value)) >= sizeof(value))
		__builtin_trap();
	if (vpnha_attrd_parse_query(s, "vpnha-link-eth0", "gw1", value, sizeof(value)) == 0 &&
	    strnlen(value, sizeof(value)) >= sizeof(value))
		__builtin_trap();
	free(s);
	return 0;
}
