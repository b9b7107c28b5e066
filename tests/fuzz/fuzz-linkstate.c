/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: rtnetlink link notifications (vpnha_link_info_parse). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "linkstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpnha_link_info li;

	if (vpnha_link_info_parse(data, size, &li) == 0) {
		/* whatever parsed must be a usable, terminated name */
		if (strnlen(li.name, sizeof(li.name)) >= sizeof(li.name) || !li.name[0])
			__builtin_trap();
		(void)vpnha_link_info_up(&li);
	}
	return 0;
}
