/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "topo.h"

/*
 * Help in diagnostics: "did you mean ..." among the names that exist, and the
 * line of a JSON syntax error with a caret under its column. Pure functions.
 */

/*
 * The edit distance of a and b: insertions, deletions, substitutions and
 * transpositions of neighbours each count one (optimal string alignment).
 * Return: the distance.
 */
size_t topo_edit_distance(const char *a, const char *b);

/*
 * The name among names[0..n) closest to word, when close enough to be a
 * likely typo: at most one edit for words of up to four characters, a third
 * of the word's length (at least two) beyond; a difference of case only
 * always counts. Ties go to the first name.
 * Return: the name (one of names), or NULL when none is close.
 */
const char *topo_suggest(const char *word, const char *const *names, size_t n);

/* The same among the nodes of t. Return: a node name, or NULL. */
const char *topo_suggest_node(const struct topo *t, const char *word);

/* The same among the interfaces of n. Return: an interface name, or NULL. */
const char *topo_suggest_iface(const struct topo_node *n, const char *word);

/*
 * ", did you mean 'NAME'?" for a suggestion, "" for NULL: to paste into a
 * message after what is wrong. Return: a string to free.
 */
char *topo_did_you_mean(const char *suggestion);

/*
 * The line of text at line (1-based) and a caret under column (1-based,
 * counted in characters as jansson counts them), each indented by two
 * spaces and preceded by a newline; a long line is cut around the column.
 * Return: a string to free, or NULL when the line is not in text.
 */
char *topo_json_excerpt(const char *text, size_t len, int line, int column);
