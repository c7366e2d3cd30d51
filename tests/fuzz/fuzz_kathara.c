/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: a Kathará lab (lab.conf, lab.dep, the directory's entries, as
 * fuzz_kathara.h splits one input) through the reader, then its JSON through netlab's
 * pipeline, without the file system or the kernel.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_kathara.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topo_diags d = {0};

	fuzz_kathara_one(data, size, &d);
	topo_diags_free(&d);
	return 0;
}
