/* SPDX-License-Identifier: MIT */
#pragma once

#include <jansson.h>

#include "read_kathara.h"
#include "topo.h"

/*
 * Inside the Kathará reader: a lab as read from lab.conf and lab.dep, before
 * it becomes netlab JSON. read_kathara_conf.c fills it from lab.conf,
 * read_kathara.c adds lab.dep, read_kathara_emit.c writes the JSON.
 */

#define KATHARA_SWITCH_PREFIX "cd-" /* a device name has no '-': no switch name is a device's */
#define KATHARA_SHELL "/bin/bash"   /* Kathará's default device_shell */
#define KATHARA_DEV_MAX 30          /* Kathará's limit on a device name */

enum kathara_key {
	KATHARA_IMAGE,
	KATHARA_SYSCTL,
	KATHARA_ENV,
	KATHARA_EXEC,
	KATHARA_IPV6,
	KATHARA_SHELL_KEY,
	KATHARA_MEM,
	KATHARA_CPUS,
	KATHARA_ULIMIT,
	KATHARA_NUM_TERMS,
	KATHARA_BRIDGED,
	KATHARA_PORT,
	KATHARA_PRIVILEGED,
	KATHARA_ENTRYPOINT,
	KATHARA_ARGS,
	KATHARA_VOLUME,
	KATHARA_N_KEYS,
};

struct kathara_iface {
	unsigned num; /* ethN */
	char *cd;     /* collision domain */
	char *mac;    /* lower case, NULL: none */
	unsigned line;
};

struct kathara_dev {
	char *name;
	struct kathara_iface *ifs; /* sorted by number once lab.conf is read */
	size_t n_ifs, cap_ifs;
	unsigned key_line[KATHARA_N_KEYS]; /* the line that set a key last, 0: unset */
	char *image, *shell, *mem;         /* mem in netlab's form ("128M"), NULL: unset */
	int ipv6;                          /* 1, 0, -1: not set */
	double cpus;                       /* 0: unset */
	json_t *sysctls, *sysctl_lines;    /* name -> value, name -> line */
	json_t *env, *env_lines;
	json_t *exec;                      /* commands */
	json_t *after;                     /* lab.dep: device names, NULL: none */
	unsigned dep_line;                 /* the lab.dep line of after */
};

struct kathara_lab {
	const struct kathara_input *in;
	char *name;               /* the lab's name, sanitised */
	struct topo_diags *d;
	struct kathara_dev *devs; /* in lab.conf order */
	size_t n_devs, cap_devs;
	json_t *dev_index;  /* name -> index in devs */
	json_t *cds;        /* collision domain -> [[device index, interface number], ...] */
	json_t *meta, *meta_lines;
};

/* A diagnostic "file:line: text" ("file: text" for line 0) into lab->d. */
void kathara_say(struct kathara_lab *lab, enum topo_severity sev, const char *file, unsigned line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* s without the white space around it, in place. Return: s past its leading white space. */
char *kathara_trim(char *s);

/*
 * Call fn on each line of text, numbered from 1, its UTF-8 BOM and CR line
 * ends taken out. Return: false (reported) when text holds a NUL byte.
 */
bool kathara_each_line(struct kathara_lab *lab, const char *file, const char *text, size_t len,
		       void (*fn)(struct kathara_lab *, unsigned, char *));

/* Read lab.conf (lab->in->conf) into lab, every problem into lab->d. */
void kathara_conf_read(struct kathara_lab *lab);

/*
 * Whether image is one whose software netlab takes from the host (kathara/base,
 * frr, quagga, bind, any tag); if not, *ret_what says what it would have provided.
 */
bool kathara_image_is_host(const char *image, const char **ret_what);

/* The device called name. Return: it, or NULL. */
struct kathara_dev *kathara_dev_find(const struct kathara_lab *lab, const char *name);

/* The netlab topology of a lab read without errors. Return: a new reference. */
json_t *kathara_emit(const struct kathara_lab *lab);

void kathara_lab_free(struct kathara_lab *lab);
