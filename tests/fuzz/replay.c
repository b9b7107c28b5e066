/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replay driver for the fuzz targets, so make check runs them without
 * libFuzzer: every file named on the command line (a seed corpus), then a
 * fixed number of deterministic pseudo-random mutations of those seeds.
 * With clang, the same target links against libFuzzer instead
 * (-fsanitize=fuzzer), see tests/fuzz/README.md.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 65536
#define MUTATIONS 20000

static uint32_t rng = 0x2545f491u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

int main(int argc, char **argv)
{
	static uint8_t seeds[64][1024];
	static size_t seed_len[64];
	static uint8_t buf[MAX_INPUT];
	size_t n_seeds = 0;
	int i, runs = 0;

	for (i = 1; i < argc && n_seeds < 64; i++) {
		FILE *f = fopen(argv[i], "rb");

		if (!f) {
			fprintf(stderr, "cannot open seed %s\n", argv[i]);
			return 1;
		}
		seed_len[n_seeds] = fread(seeds[n_seeds], 1, sizeof(seeds[0]), f);
		fclose(f);
		LLVMFuzzerTestOneInput(seeds[n_seeds], seed_len[n_seeds]);
		n_seeds++;
		runs++;
	}
	for (i = 0; i < MUTATIONS; i++) {
		size_t len, k, flips;

		if (n_seeds) {
			size_t s = next() % n_seeds;

			len = seed_len[s];
			memcpy(buf, seeds[s], len);
		} else {
			len = next() % 256;
			for (k = 0; k < len; k++)
				buf[k] = (uint8_t)next();
		}
		flips = 1 + next() % 8;
		for (k = 0; k < flips && len; k++) {
			switch (next() % 4) {
			case 0: /* flip a byte */
				buf[next() % len] = (uint8_t)next();
				break;
			case 1: /* truncate */
				len = next() % len;
				break;
			case 2: /* duplicate a chunk */
				if (len < sizeof(buf) / 2) {
					size_t off = next() % len, n = 1 + next() % (len - off);

					memmove(buf + off + n, buf + off, len - off);
					len += n;
				}
				break;
			default: /* extreme bytes */
				buf[next() % len] = (next() & 1) ? 0xff : 0x00;
				break;
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
		runs++;
	}
	printf("%d passed, 0 failed\n", runs);
	return 0;
}
