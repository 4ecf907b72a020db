/* make_repository: a register's repository of static files, written by
 * the register's own C program — what sync_device.c syncs from.
 *
 * Each day the register signs the day's list: on day 1 the whole list (100
 * handsets reported stolen), after that a delta over yesterday's master
 * list (two handsets reported, one found). Before signing the day into its
 * head it checks the list against what devices hold (its own replay of
 * what it served): an export cut short or empty, delisting more than 1 %,
 * is refused (error 407) and nothing is written. Each list is stored at
 * the content-addressed path the head gives it (lists/<sha256>.pcbl or
 * .pcbd, never rewritten), and the head (head.pchd, valid 24 hours) is
 * written last, atomically: the only file that changes in place. Any
 * static web server or CDN serves the folder as it is.
 *
 * With --shards the register also cuts its newest list into 256 shards by
 * key (partcert_shard_set_build; a national list takes up to 2^20) and
 * re-signs the head naming them (partcert_head_with_shards): each shard,
 * with the proof that it is exactly its slice of the list signed, at
 * shards/<root>/<index>.pcsh, written before the head. A phone that
 * cannot hold the list checks its own parts against the few shards they
 * lie in (boot_check_shards.c). With --report RECORD, day 1 also lists the
 * handset whose factory pairing record is RECORD as stolen: its IMEI and
 * every part paired to it, as a register does for a handset reported with
 * its record.
 *
 *   make_repository REGISTER_ROOT_OUT REPO DAYS [--empty-export] [--shards]
 *                   [--report RECORD]
 *
 * writes the register's root certificate (for devices to pin) and REPO as
 * served after DAYS days; the days are signed at fixed times (day d at
 * 2026-01-01 + d days), so a repository made again with more days keeps
 * every file it had and adds the new ones. --empty-export makes the last
 * day's export come out empty: refused, the head served stays as it was.
 * Prints a line a day with the file it served. Exit status: 0 written;
 * 1 refused or failed; 2 usage.
 *
 * The register's key comes from a fixed seed here, to keep the example
 * whole: a register keeps its key offline, or in an HSM.
 */
#include "files.h"

#define T0 1767225600ULL /* 2026-01-01 */
#define DAY 86400ULL
#define DAY_AT(d) (T0 + (uint64_t)(d) * DAY)
#define HEAD_LIFE (24 * 3600ULL)
#define LIST_LIFE (30 * DAY)
#define WINDOW (30 * DAY)
#define NAME "Example National Register"

/* How finely --shards cuts the list: 2^8 shards. */
#define SHARD_BITS 8

/* The pairing record of a handset reported on day 1 (--report), if any. */
static file_bytes reported = {NULL, 0};

/* The day's reported (stolen) and found handsets. */
static int day_entries(uint64_t day, int empty_export, partcert_blocklist_entries *listed,
                       partcert_blocklist_entries *found, partcert_error **error) {
    uint64_t first = day == 1 ? 1 : 99 + 2 * day, last = day == 1 ? 100 : 100 + 2 * day;
    uint64_t imei = 0;
    partcert_result rc = PARTCERT_RESULT_OK;
    if (day == 1 && reported.data != NULL && !empty_export)
        rc = partcert_blocklist_entries_add_reported_handset(
            listed, reported.data, reported.len, PARTCERT_REASON_STOLEN, DAY_AT(day) - 3600,
            PARTCERT_LISTING_STATUS_FINAL, error);
    for (uint64_t body = first; !empty_export && rc == 0 && body <= last; body++) {
        rc = partcert_imei_with_check_digit(35000000000000ULL + body, &imei, error);
        if (rc == 0)
            rc = partcert_blocklist_entries_add_handset(listed, imei, PARTCERT_REASON_STOLEN,
                                                        DAY_AT(day) - 3600,
                                                        PARTCERT_LISTING_STATUS_FINAL, error);
    }
    if (rc == 0 && day > 1 && !empty_export) {
        rc = partcert_imei_with_check_digit(35000000000000ULL + day - 1, &imei, error);
        if (rc == 0)
            rc = partcert_blocklist_entries_add_handset(found, imei, PARTCERT_REASON_STOLEN, 0,
                                                        PARTCERT_LISTING_STATUS_FINAL, error);
    }
    return rc;
}

/* The register's state between days: its master list, what devices hold,
 * and the head served. */
typedef struct register_state {
    const partcert_authority *root;
    const partcert_trust_store *trust;
    partcert_bytes *master;
    partcert_blocklist *held;
    partcert_head *head;
} register_state;

/* Signs day `day` (an empty export if `empty_export`): the list, checked,
 * applied to `held`, and the next head. Writes the list to `repo`. */
static partcert_result sign_day(register_state *r, const char *repo, uint64_t day,
                                int empty_export, partcert_error **error) {
    partcert_blocklist_entries *listed = partcert_blocklist_entries_new();
    partcert_blocklist_entries *found = partcert_blocklist_entries_new();
    partcert_bytes *full = NULL, *delta = NULL;
    partcert_head *head = NULL;
    const uint8_t *base = r->master && !empty_export ? partcert_bytes_data(r->master) : NULL;
    size_t base_len = base ? partcert_bytes_len(r->master) : 0;
    partcert_result rc = day_entries(day, empty_export, listed, found, error);
    if (rc == 0)
        rc = partcert_authority_publish(r->root, PARTCERT_LIST_FORMAT_SORTED, 1, day, DAY_AT(day),
                                        DAY_AT(day) + LIST_LIFE, base, base_len, NULL, found,
                                        listed, &full, NULL, error);
    if (rc == 0 && base != NULL)
        rc = partcert_authority_publish(r->root, PARTCERT_LIST_FORMAT_DELTA, 1, day, DAY_AT(day),
                                        DAY_AT(day) + LIST_LIFE, base, base_len, NULL, found,
                                        listed, &delta, NULL, error);
    {
        const partcert_bytes *served = delta != NULL ? delta : full;
        partcert_slice added = {partcert_bytes_data(served), partcert_bytes_len(served)};
        /* The guard: what devices would lose, before anything is signed. */
        if (rc == 0)
            rc = partcert_blocklist_check_delisting(r->held, added.data, added.len, NULL, NULL,
                                                    error);
        if (rc == 0)
            rc = partcert_blocklist_apply(r->held, r->trust, added.data, added.len, DAY_AT(day),
                                          NULL, error);
        if (rc == 0)
            rc = partcert_head_next(r->root, r->head, &added, 1, WINDOW, DAY_AT(day),
                                    DAY_AT(day) + HEAD_LIFE, &head, error);
        if (rc == 0) {
            const partcert_file_ref *file = partcert_head_file_for(head, added.data, added.len);
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", repo, file->path.data);
            printf("day %" PRIu64 ": %s (%zu bytes)\n", day, file->path.data, added.len);
            if (write_file_atomic(path, added.data, added.len) != 0)
                rc = PARTCERT_RESULT_INVALID_ARGUMENT;
        }
    }
    if (rc == 0) {
        partcert_bytes_free(r->master);
        partcert_head_free(r->head);
        r->master = full;
        r->head = head;
        full = NULL;
    }
    partcert_bytes_free(full);
    partcert_bytes_free(delta);
    partcert_blocklist_entries_free(listed);
    partcert_blocklist_entries_free(found);
    return rc;
}

/* --shards: cuts the list the register holds (its replay of what it
 * published) into shards, stores each at its path, and re-signs the head
 * naming them. The head itself is written after, by the caller. */
static partcert_result publish_shards(register_state *r, const char *repo,
                                      partcert_error **error) {
    partcert_shard_set *set = NULL;
    partcert_head *sharded = NULL;
    char path[PARTCERT_MAX_PATH_LEN + 1], file[4096];
    partcert_result rc = partcert_shard_set_build(r->held, partcert_authority_key_id(r->root),
                                                  SHARD_BITS, &set, error);
    size_t bytes = 0;
    for (uint32_t i = 0; rc == 0 && i < partcert_shard_set_count(set); i++) {
        partcert_bytes *data = NULL;
        rc = partcert_shard_set_file(set, i, path, &data, error);
        if (rc == 0) {
            /* shards/<root>/: made once, the first time this cut is stored */
            char *slash = strrchr(path, '/');
            snprintf(file, sizeof file, "%s/%.*s", repo, (int)(slash - path), path);
            if (mkdir(file, 0755) != 0 && errno != EEXIST) rc = PARTCERT_RESULT_IO;
            snprintf(file, sizeof file, "%s/%s", repo, path);
            if (rc == 0 && write_file_atomic(file, partcert_bytes_data(data),
                                             partcert_bytes_len(data)) != 0)
                rc = PARTCERT_RESULT_IO;
            bytes += partcert_bytes_len(data);
        }
        partcert_bytes_free(data);
    }
    if (rc == 0) rc = partcert_head_with_shards(r->root, r->head, set, &sharded, error);
    if (rc == 0) {
        printf("shards: %u of the newest list, %zu bytes in all, under %.*s\n",
               (unsigned)partcert_shard_set_count(set), bytes, 7 + 64, path);
        partcert_head_free(r->head);
        r->head = sharded;
    }
    partcert_shard_set_free(set);
    return rc;
}

int main(int argc, char **argv) {
    uint8_t seed[PARTCERT_SEED_LEN];
    partcert_authority *root = NULL;
    partcert_trust_store *trust = partcert_trust_store_new();
    register_state r = {NULL, NULL, NULL, partcert_blocklist_new(), NULL};
    partcert_error *error = NULL;
    partcert_result rc;
    uint64_t days = argc >= 4 ? strtoull(argv[3], NULL, 10) : 0;
    int empty_export = 0, shards = 0, usage = days == 0;
    int status = 0;
    char path[4096];
    for (int i = 4; !usage && i < argc; i++) {
        if (strcmp(argv[i], "--empty-export") == 0)
            empty_export = 1;
        else if (strcmp(argv[i], "--shards") == 0)
            shards = 1;
        else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc && reported.data == NULL)
            usage = read_file(argv[++i], &reported) != 0;
        else
            usage = 1;
    }
    if (usage) {
        fprintf(stderr, "usage: make_repository REGISTER_ROOT_OUT REPO DAYS [--empty-export] "
                        "[--shards] [--report RECORD]\n");
        free(reported.data);
        partcert_trust_store_free(trust);
        partcert_blocklist_free(r.held);
        return 2;
    }
    memset(seed, 42, sizeof seed);
    rc = partcert_authority_new_blocklist_root(seed, NAME, strlen(NAME), T0 - 365 * DAY,
                                               T0 + 20 * 365 * DAY, &root, &error);
    if (rc == 0) {
        partcert_slice cert = partcert_authority_certificate(root);
        rc = partcert_trust_store_add_blocklist_root(trust, cert.data, cert.len, NULL, &error);
        if (rc == 0 && write_file_atomic(argv[1], cert.data, cert.len) != 0) status = 1;
    }
    snprintf(path, sizeof path, "%s/lists", argv[2]);
    if (rc == 0 && status == 0 && mkdir(argv[2], 0755) != 0 && errno != EEXIST) status = 1;
    if (rc == 0 && status == 0 && mkdir(path, 0755) != 0 && errno != EEXIST) status = 1;
    r.root = root;
    r.trust = trust;
    for (uint64_t day = 1; rc == 0 && status == 0 && day <= days; day++) {
        rc = sign_day(&r, argv[2], day, empty_export && day == days, &error);
        if (rc != 0) {
            char what[64];
            snprintf(what, sizeof what, "day %" PRIu64, day);
            status = fail(what, rc, error, 1);
        }
    }
    if (status == 0 && rc == 0 && shards) {
        snprintf(path, sizeof path, "%s/shards", argv[2]);
        if (mkdir(path, 0755) != 0 && errno != EEXIST) status = 1;
        rc = status == 0 ? publish_shards(&r, argv[2], &error) : rc;
        if (rc != 0) status = fail("shards", rc, error, 1);
    }
    /* The head last, atomically: devices see yesterday's repository or
     * today's, never a head naming a file not yet there. */
    if (status == 0) {
        partcert_slice head = partcert_head_bytes(r.head);
        const partcert_head_info *info = partcert_head_details(r.head);
        snprintf(path, sizeof path, "%s/head.pchd", argv[2]);
        if (rc != 0 || write_file_atomic(path, head.data, head.len) != 0) status = 1;
        printf("head.pchd: epoch %" PRIu64 " sequence %" PRIu64 ", %zu files, expires %" PRIu64
               "\n",
               info->version.epoch, info->version.sequence, info->file_count, info->expires_at);
    }
    partcert_head_free(r.head);
    partcert_bytes_free(r.master);
    partcert_blocklist_free(r.held);
    partcert_trust_store_free(trust);
    partcert_authority_free(root);
    free(reported.data);
    return status;
}
