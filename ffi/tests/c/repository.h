/* A register's repository, built with the calls a register written in C
 * makes, and a device syncing from it with the sans-I/O updater.
 *
 * Each day the world's register publisher signs the day's list — the
 * whole list on day 1, after that a delta over yesterday's master list —
 * and the next head over it (partcert_head_next), valid HEAD_LIFE. The
 * lists are kept at the paths the head gives them, as a web server would
 * serve them, and every day's head is kept, so a test can play a mirror
 * replaying any of them. Handsets are listed by IMEI, stolen. */
#ifndef PARTCERT_TEST_REPOSITORY_H
#define PARTCERT_TEST_REPOSITORY_H

#include "world.h"

#define REPO_MAX_DAYS 40
/* When day `d`'s list and head are signed (the publisher's certificate is
 * valid from T0 for 20 years). */
#define DAY_AT(d) (T0 + 100 * DAY + (uint64_t)(d) * DAY)
#define HOUR 3600ULL
#define HEAD_LIFE (24 * HOUR)
#define WINDOW (30 * DAY)

typedef struct repo_file {
    char path[PARTCERT_MAX_PATH_LEN + 1];
    uint8_t *data;
    size_t len;
} repo_file;

typedef struct repository {
    partcert_bytes *master;                  /* the newest sorted list */
    partcert_head *heads[REPO_MAX_DAYS + 1]; /* heads[d]: day d's head */
    int days;                                /* the newest day published */
    repo_file files[REPO_MAX_DAYS];
    size_t file_count;
} repository;

/* Entries listing (or, to delist, naming) `count` handsets by IMEI. */
static partcert_blocklist_entries *handsets(const uint64_t *imeis, size_t count, uint64_t at) {
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    for (size_t i = 0; i < count; i++)
        OK(partcert_blocklist_entries_add_handset(entries, imeis[i], PARTCERT_REASON_STOLEN, at,
                                                  PARTCERT_LISTING_STATUS_FINAL, E));
    return entries;
}

/* The newest head (NULL before day 1). */
static const partcert_head *repo_head(const repository *r) {
    return r->days > 0 ? r->heads[r->days] : NULL;
}

/* The bytes a head file holds, as a borrowed slice. */
static partcert_slice head_bytes(const partcert_head *head) { return partcert_head_bytes(head); }

/* The file served at `path` (NULL: none). */
static const repo_file *repo_file_at(const repository *r, const char *path) {
    for (size_t i = 0; i < r->file_count; i++)
        if (strcmp(r->files[i].path, path) == 0) return &r->files[i];
    return NULL;
}

/* Day `day` (the next one): the handsets `listed` reported, `found`
 * delisted. Signs the day's list and the head over it, and stores the
 * list at the path the head gives it. */
static void repo_publish_day(repository *r, const world *w, const uint64_t *listed,
                             size_t listed_count, const uint64_t *found, size_t found_count) {
    int day = r->days + 1;
    uint64_t at = DAY_AT(day);
    partcert_blocklist_entries *add = handsets(listed, listed_count, at - HOUR);
    partcert_blocklist_entries *drop = handsets(found, found_count, at - HOUR);
    const uint8_t *base = r->master ? bdata(r->master) : NULL;
    size_t base_len = r->master ? blen(r->master) : 0;
    partcert_bytes *full = NULL, *delta = NULL;
    partcert_head *head = NULL;
    OK(partcert_authority_publish(w->publisher, PARTCERT_LIST_FORMAT_SORTED, PUBLISHER_EPOCH,
                                  (uint64_t)day, at, at + LIST_LIFE, base, base_len, NULL, drop,
                                  add, &full, NULL, E));
    if (r->master != NULL)
        OK(partcert_authority_publish(w->publisher, PARTCERT_LIST_FORMAT_DELTA, PUBLISHER_EPOCH,
                                      (uint64_t)day, at, at + LIST_LIFE, base, base_len, NULL,
                                      drop, add, &delta, NULL, E));
    {
        const partcert_bytes *served = delta ? delta : full;
        partcert_slice added = {bdata(served), blen(served)};
        const partcert_file_ref *file;
        repo_file *stored = &r->files[r->file_count];
        OK(partcert_head_next(w->publisher, repo_head(r), &added, 1, WINDOW, at,
                              at + HEAD_LIFE, &head, E));
        file = partcert_head_file_for(head, added.data, added.len);
        CHECK(file != NULL && file->size == added.len && file->path.len <= PARTCERT_MAX_PATH_LEN);
        if (file != NULL && r->file_count < REPO_MAX_DAYS) {
            memcpy(stored->path, file->path.data, file->path.len + 1);
            stored->data = malloc(added.len);
            stored->len = added.len;
            if (stored->data != NULL) memcpy(stored->data, added.data, added.len);
            r->file_count++;
        }
    }
    partcert_bytes_free(r->master);
    partcert_bytes_free(delta);
    partcert_blocklist_entries_free(add);
    partcert_blocklist_entries_free(drop);
    r->master = full;
    r->heads[day] = head;
    r->days = day;
}

static void repo_free(repository *r) {
    partcert_bytes_free(r->master);
    for (int d = 0; d <= REPO_MAX_DAYS; d++) partcert_head_free(r->heads[d]);
    for (size_t i = 0; i < r->file_count; i++) free(r->files[i].data);
    memset(r, 0, sizeof *r);
}

/* What a sync fetched: how many files, and of which kind (by the
 * extension of the path the head gives). */
typedef struct fetched {
    int files, snapshots, deltas;
    uint64_t bytes;
} fetched;

static int ends_with(const char *text, const char *end) {
    size_t n = strlen(text), m = strlen(end);
    return n >= m && strcmp(text + n - m, end) == 0;
}

/* A device's sync, as an app drives the updater: begins from `device`
 * with `head`, fetches from the repository each file the update names
 * (while the repository serves it) and offers it, then finishes. Returns
 * the first failing call's code; on success the new blocklist is in
 * `*synced`. */
__attribute__((unused)) static partcert_result sync_from(const repository *r, const world *w,
                                 const partcert_blocklist *device, const partcert_head *head,
                                 uint64_t now, partcert_blocklist **synced, fetched *log,
                                 partcert_error **error) {
    partcert_blocklist_update *update = NULL;
    partcert_slice bytes = head_bytes(head);
    const partcert_file_ref *file;
    partcert_result rc =
        partcert_blocklist_update_begin(device, w->trust, bytes.data, bytes.len, now, &update, error);
    while (rc == PARTCERT_RESULT_OK && (file = partcert_blocklist_update_next_fetch(update)) != NULL) {
        const repo_file *served = repo_file_at(r, file->path.data);
        if (served == NULL) break; /* the mirror lacks it: finishing says so */
        if (log != NULL) {
            log->files++;
            log->bytes += served->len;
            log->snapshots += ends_with(served->path, ".pcbl");
            log->deltas += ends_with(served->path, ".pcbd");
        }
        rc = partcert_blocklist_update_offer(update, w->trust, served->data, served->len, error);
    }
    if (rc == PARTCERT_RESULT_OK) rc = partcert_blocklist_update_finish(update, synced, error);
    partcert_blocklist_update_free(update);
    return rc;
}

/* The version of the one list `blocklist` holds ({0, 0} for none). */
static partcert_list_version held_version(const partcert_blocklist *blocklist) {
    const partcert_list_info *list = partcert_blocklist_list(blocklist, 0);
    partcert_list_version none = {0, 0};
    return list != NULL ? list->version : none;
}

#endif /* PARTCERT_TEST_REPOSITORY_H */
