/* SPDX-License-Identifier: MIT */
/*
 * A user's lab gets a copy of the host's /etc, made once per lab in the
 * holder's mount namespace and bound over /etc there: the nodes' /etc
 * overlays need a lower layer whose files the lab may copy up, and the host's
 * belong to ids the lab does not map (root shows as nobody; CAP_DAC_OVERRIDE
 * in a user namespace covers only mapped owners). Files the user cannot read
 * (/etc/shadow, the files of /etc/frr) are left out. Nothing of it shows on the host.
 */
#include "rootless.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "util.h"

struct copy_stats {
	size_t entries, skipped;
};

static int copy_file_at(int sfd, const char *name, int dfd, const struct stat *st,
			struct copy_stats *c)
{
	_cleanup_close_ int in = openat(sfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int out = -EBADF;
	char buf[65536];
	ssize_t n;

	if (in < 0) {
		c->skipped++; /* not the user's to read: not in the lab */
		return 0;
	}
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		     st->st_mode & 07777);
	if (out < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return -EIO;
	if (n < 0) {
		c->skipped++;
		return 0;
	}
	return fchmod(out, st->st_mode & 07777) < 0 ? -errno : 0;
}

/* Copy the directory sfd into the directory dfd: files, directories, symlinks. */
static int copy_dir(int sfd, int dfd, struct copy_stats *c)
{
	_cleanup_(closedirp_) DIR *d = NULL;
	struct dirent *de;
	int fd = openat(sfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		c->skipped++;
		return 0; /* a directory the user cannot list stays empty */
	}
	while (r >= 0 && (de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		c->entries++;
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);

			if (n < 0)
				continue;
			target[n] = '\0';
			r = symlinkat(target, dfd, de->d_name) < 0 ? -errno : 0;
		} else if (S_ISDIR(st.st_mode)) {
			_cleanup_close_ int s = -EBADF, t = -EBADF;

			if (mkdirat(dfd, de->d_name, (st.st_mode & 07777) | 0700) < 0)
				return -errno;
			s = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			t = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (t < 0)
				return -errno;
			if (s >= 0)
				r = copy_dir(s, t, c);
			if (r >= 0 && fchmod(t, st.st_mode & 07777) < 0)
				r = -errno;
		} else if (S_ISREG(st.st_mode))
			r = copy_file_at(dirfd(d), de->d_name, dfd, &st, c);
		/* devices, FIFOs and sockets: none in a lab's /etc */
	}
	return r;
}

int rootless_etc(const char *lab, struct lab_err **err)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int sfd = -EBADF, dfd = -EBADF;
	struct copy_stats c = {0};
	double start = now_sec();
	int r;

	if (!rootless_user())
		return 0;
	dir = layout_lab_file(lab, "+etc");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_make(err, errno, "creating '%s'", dir);
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0) {
		r = err_make(err, errno, "mounting a tmpfs on '%s' (the lab's copy of /etc)", dir);
		rmdir(dir);
		return r;
	}
	sfd = open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = sfd < 0 || dfd < 0 ? -errno : copy_dir(sfd, dfd, &c);
	if (r < 0)
		r = err_make(err, -r, "copying /etc for the lab");
	/* over /etc in the lab's mount namespace; the tmpfs stays while that bind does */
	else if (mount(dir, "/etc", NULL, MS_BIND, NULL) < 0)
		r = err_make(err, errno, "binding the lab's copy of /etc over /etc");
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	if (r >= 0)
		log_info("lab '%s': %.3f s: a copy of /etc (%zu entries, %zu not readable by you left out)",
			 lab, now_sec() - start, c.entries, c.skipped);
	return r;
}
