/* SPDX-License-Identifier: MIT */
#include "cli.h"
#include "ns.h"

int main(int argc, char **argv)
{
	/* the PID 1 of a node with its own PID namespace */
	if (ns_is_init(argv[0]))
		ns_init_main();
	return cli_main(argc, argv);
}
