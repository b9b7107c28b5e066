/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For the fuzz targets of the agents' run-state parsers, which read their
 * record through vpnha_state_read(): put the input in the record file
 * <run dir>/<agent>/<instance>.<key> (run dir: a private directory under
 * /dev/shm, so writes cost no disk sync; removed at exit). Test code only.
 */
#ifndef VPNHA_FUZZ_STATE_INPUT_H
#define VPNHA_FUZZ_STATE_INPUT_H

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "runstate.h"
#include "../testutil.h"

static char fuzz_state_dir[64];

/* at exit: nothing left behind */
static void fuzz_state_cleanup(void)
{
	test_rmtree(fuzz_state_dir);
}

static int fuzz_state_input(const char *agent, const char *instance, const char *key, const uint8_t *data,
			    size_t size)
{
	char *dir = fuzz_state_dir;
	char path[4096], sub[4200];
	int fd;

	if (!dir[0]) {
		snprintf(dir, sizeof(fuzz_state_dir), "/dev/shm/vpnha-fuzz.XXXXXX");
		if (!mkdtemp(dir) && (snprintf(dir, sizeof(fuzz_state_dir), "/tmp/vpnha-fuzz.XXXXXX"), !mkdtemp(dir)))
			abort();
		atexit(fuzz_state_cleanup);
		setenv("VPNHA_RUN_DIR", dir, 1);
		snprintf(sub, sizeof(sub), "%s/%s", dir, agent);
		if (vpnha_mkdir_p(sub, 0700) < 0)
			abort();
	}
	if (vpnha_state_path(path, sizeof(path), agent, instance, key) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	return 0;
}

#endif
