/* SPDX-License-Identifier: MIT */
#pragma once

/* Run the command line. Return: the exit code (0 ok, 1 runtime failure, 2 usage or topology). */
int cli_main(int argc, char **argv);
