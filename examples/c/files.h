/* Files for the repository examples (make_repository.c, sync_device.c):
 * read whole, and written atomically — a temporary file in the same
 * folder, fsync, rename over the old one, fsync the folder — so that a
 * power cut leaves the old file or the new one, never half of either.
 * A repository's head and lists are only ever written this way (a
 * device's state is saved by the library itself: partcert_blocklist_save).
 * POSIX. */
#ifndef PARTCERT_EXAMPLE_FILES_H
#define PARTCERT_EXAMPLE_FILES_H

#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "partcert.h"

/* A file read whole into memory (free `data`). */
typedef struct file_bytes {
    uint8_t *data;
    size_t len;
} file_bytes;

/* Reads `path` whole: 0, or -1 with a message (errno kept for ENOENT). */
static inline int read_file(const char *path, file_bytes *out) {
    FILE *file = fopen(path, "rb");
    long size;
    out->data = NULL;
    out->len = 0;
    if (file == NULL) return -1;
    if (fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 ||
        fseek(file, 0, SEEK_SET) != 0 || (out->data = malloc((size_t)size + 1)) == NULL ||
        fread(out->data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(out->data);
        out->data = NULL;
        fclose(file);
        return -1;
    }
    out->len = (size_t)size;
    fclose(file);
    return 0;
}

/* Writes `len` bytes to `path` atomically: 0, or -1 with a message (the
 * old file, if any, is untouched). */
static inline int write_file_atomic(const char *path, const uint8_t *data, size_t len) {
    char temp[4096], folder[4096];
    const char *slash = strrchr(path, '/');
    int fd, dir, ok;
    if (snprintf(temp, sizeof temp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof temp) return -1;
    snprintf(folder, sizeof folder, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (folder[0] == '\0') strcpy(folder, "/");
    fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ok = fd >= 0;
    for (size_t done = 0; ok && done < len;) {
        ssize_t wrote = write(fd, data + done, len - done);
        ok = wrote > 0 || (wrote < 0 && errno == EINTR);
        if (wrote > 0) done += (size_t)wrote;
    }
    ok = ok && fsync(fd) == 0;
    if (fd >= 0) ok = close(fd) == 0 && ok;
    ok = ok && rename(temp, path) == 0;
    if (!ok) {
        perror(path);
        unlink(temp);
        return -1;
    }
    /* The rename itself reaches the disk with the folder's entry. */
    dir = open(folder, O_RDONLY);
    if (dir >= 0) {
        fsync(dir);
        close(dir);
    }
    return 0;
}

/* Prints why a call failed, with the library's detail (e.g. "error 206
 * (FileMismatch): the file lists/3fa0….pcbd is not the one the head names
 * (size)"), frees the error and returns `status`. */
static inline int fail(const char *what, partcert_result rc, partcert_error *error, int status) {
    fprintf(stderr, "%s: error %u (%s): %s\n", what, (unsigned)rc, partcert_result_name(rc).data,
            error != NULL ? partcert_error_message(error).data : partcert_result_message(rc).data);
    partcert_error_free(error);
    return status;
}

#endif /* PARTCERT_EXAMPLE_FILES_H */
