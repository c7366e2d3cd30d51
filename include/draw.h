/* SPDX-License-Identifier: MIT */
#pragma once

#include "topo.h"

/*
 * A topology as a picture: Graphviz DOT or Mermaid. Nodes are shaped by kind
 * (router: ellipse, host: box, switch: hexagon), links are labelled with their
 * interface names and the subnets on them. Deterministic: nodes and links in
 * the model's order. Pure: the caller prints or renders.
 */

/* Return: DOT text to free. */
char *draw_dot(const struct topo *t);
/* Return: Mermaid text to free. */
char *draw_mermaid(const struct topo *t);
