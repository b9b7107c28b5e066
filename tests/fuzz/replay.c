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

struct seed {
	uint8_t *data;
	size_t len;
};

/* Read a whole seed file; a seed larger than MAX_INPUT is an error, not truncated. */
static int seed_read(const char *path, struct seed *out)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "replay: cannot open seed %s\n", path);
		return -1;
	}
	out->data = malloc(MAX_INPUT + 1);
	if (!out->data) {
		fclose(f);
		fprintf(stderr, "replay: out of memory\n");
		return -1;
	}
	n = fread(out->data, 1, MAX_INPUT + 1, f);
	if (ferror(f) || n > MAX_INPUT) {
		fprintf(stderr, "replay: seed %s: %s\n", path, ferror(f) ? "read error" : "larger than 65536 bytes");
		fclose(f);
		free(out->data);
		out->data = NULL;
		return -1;
	}
	fclose(f);
	out->len = n;
	return 0;
}

/* One mutation of a seed (or random bytes without seeds) into buf; returns its length. */
static size_t mutate(const struct seed *seeds, size_t n_seeds, uint8_t *buf)
{
	size_t len, k, flips;

	if (n_seeds) {
		const struct seed *s = &seeds[next() % n_seeds];

		len = s->len;
		memcpy(buf, s->data, len);
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
			if (len < MAX_INPUT / 2) {
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
	return len;
}

/*
 * A target that finds a bug aborts (assertion, sanitizer report): the process
 * dies on that input and the test fails by its exit status. So the closing
 * line says what ran; it is printed only when every input ran through.
 */
int main(int argc, char **argv)
{
	static uint8_t buf[MAX_INPUT];
	struct seed *seeds = calloc((size_t)(argc > 1 ? argc - 1 : 1), sizeof(*seeds));
	size_t n_seeds = 0, seed_bytes = 0, i;
	int rc = 1;

	if (!seeds) {
		fprintf(stderr, "replay: out of memory\n");
		return 1;
	}
	for (i = 1; i < (size_t)argc; i++) {
		if (seed_read(argv[i], &seeds[n_seeds]) < 0)
			goto cleanup;
		LLVMFuzzerTestOneInput(seeds[n_seeds].data, seeds[n_seeds].len);
		seed_bytes += seeds[n_seeds].len;
		n_seeds++;
	}
	if (argc > 1 && n_seeds == 0)
		goto cleanup;
	for (i = 0; i < MUTATIONS; i++)
		LLVMFuzzerTestOneInput(buf, mutate(seeds, n_seeds, buf));
	printf("replay: %zu seed file(s) (%zu bytes)%s and %d mutations of them ran through the target, "
	       "none crashed\n",
	       n_seeds, seed_bytes, n_seeds ? "" : " (none given: random inputs)", MUTATIONS);
	rc = 0;
cleanup:
	for (i = 0; i < n_seeds; i++)
		free(seeds[i].data);
	free(seeds);
	return rc;
}
