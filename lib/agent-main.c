/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main() for every agent: the agent's object file defines vpnha_agent_def. */
#include "config.h"

#include "vpnha.h"

extern const struct vpnha_agent vpnha_agent_def;

int main(int argc, char **argv)
{
	return vpnha_main(&vpnha_agent_def, argc, argv);
}
