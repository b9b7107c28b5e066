/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRE key and tos as parameters (gre.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gre.h"

int vpnha_gre_key_parse(const char *s, uint32_t *out, char *why, size_t whylen)
{
	struct in_addr a;
	int64_t n;

	if (strchr(s, '.')) {
		if (inet_pton(AF_INET, s, &a) != 1) {
			snprintf(why, whylen, "'%.40s' is not a number 0-4294967295 or a dotted quad", s);
			return -EINVAL;
		}
		*out = a.s_addr;
		return 0;
	}
	if (vpnha_parse_int(s, 0, INT64_C(4294967295), &n, NULL, 0) < 0) {
		snprintf(why, whylen, "'%.40s' is not a number 0-4294967295 or a dotted quad", s);
		return -ERANGE;
	}
	*out = htonl((uint32_t)n);
	return 0;
}

int vpnha_gre_tos_parse(const char *s, bool *inherit, uint8_t *tos, char *why, size_t whylen)
{
	int64_t n;

	*inherit = false;
	*tos = 0;
	if (!strcmp(s, "inherit")) {
		*inherit = true;
		return 0;
	}
	if (vpnha_parse_int(s, 0, 255, &n, NULL, 0) < 0) {
		snprintf(why, whylen, "'%.40s' is not 'inherit' or a number 0-255", s);
		return -EINVAL;
	}
	*tos = (uint8_t)n;
	return 0;
}

int vpnha_validate_gre_key(const struct vpnha_val *v, char *why, size_t whylen)
{
	uint32_t k;

	return vpnha_gre_key_parse(v->str, &k, why, whylen);
}

int vpnha_validate_gre_tos(const struct vpnha_val *v, char *why, size_t whylen)
{
	bool inh;
	uint8_t t;

	return vpnha_gre_tos_parse(v->str, &inh, &t, why, whylen);
}

int vpnha_validate_gre_ifname(const struct vpnha_val *v, char *why, size_t whylen)
{
	if (vpnha_name_ok(v->str))
		return 0;
	snprintf(why, whylen, "'%.32s' has a character other than letters, digits, '-', '_', '.'", v->str);
	return -EINVAL;
}
