/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRE settings as they are written in parameters (iproute2's forms): the
 * key, a number 0..4294967295 or a dotted quad; the tos, "inherit" or
 * 0..255. Parsers for the agent, validators for its parameter table.
 */
#ifndef VPNHA_GRE_H
#define VPNHA_GRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"

/* The key into *out in network byte order: 0, -EINVAL or -ERANGE with a reason in why. */
int vpnha_gre_key_parse(const char *s, uint32_t *out, char *why, size_t whylen);
/* "inherit" (*inherit) or a number 0..255 (*tos): 0 or -EINVAL with a reason in why. */
int vpnha_gre_tos_parse(const char *s, bool *inherit, uint8_t *tos, char *why, size_t whylen);

/* Parameter validators (vpnha_validate_fn) over the two parsers. */
int vpnha_validate_gre_key(const struct vpnha_val *v, char *why, size_t whylen);
int vpnha_validate_gre_tos(const struct vpnha_val *v, char *why, size_t whylen);
/*
 * The tunnel's and its underlay's names (beyond VPNHA_PT_IFNAME): only
 * letters, digits, '-', '_' and '.' (vpnha_name_ok).
 */
int vpnha_validate_gre_ifname(const struct vpnha_val *v, char *why, size_t whylen);

#endif
