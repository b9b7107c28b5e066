/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/netlink internals exposed for the fuzz target (tests/fuzz/fuzz-netlink.c):
 * the two parsers of kernel messages that lib/netlink.c does by hand.
 */
#ifndef VPNHA_NETLINK_INTERNAL_H
#define VPNHA_NETLINK_INTERNAL_H

#include <stddef.h>

#include "netlink.h"

/*
 * The IFLA_GRE_* data of an RTM_NEWLINK message (whole message: nlmsghdr,
 * ifinfomsg, attributes; len bytes) into g. 0, or -EINVAL when the message
 * has no GRE data.
 */
int vpnha_nl_parse_gre_linkmsg(const void *msg, size_t len, struct vpnha_gre *g);

/*
 * An NLMSG_ERROR message (len bytes from the nlmsghdr): the error code and
 * the extended-ack text (NLMSGERR_ATTR_MSG) into msg ("" when none).
 * Returns 0, or -EINVAL when it is not a well-formed error message.
 */
int vpnha_nl_parse_error(const void *buf, size_t len, int *error, char *msg, size_t msglen);

#endif
