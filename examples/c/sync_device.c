/* sync_device: keep a device's blocklist current from a register's
 * repository, fetching with the app's own HTTP stack (libcurl here).
 *
 * partcert never opens a socket or reads a clock: the device fetches the
 * register's head (head.pchd) and gives it to the updater, which checks
 * its signature against the pinned register root, refuses one older than
 * a head already accepted (a mirror replaying old files), and names each
 * file to fetch with its exact size and SHA-256. The device fetches each —
 * reading no more than that size — and offers the bytes, which are checked
 * before anything decodes them. Only when every file is in does the new
 * state replace the old one, saved by the library to the state's path
 * (partcert_blocklist_save: crash-safe, each national list in a file of
 * its own beside it); on any error the state on disk is untouched.
 *
 *   sync_device URL REGISTER_ROOT STATE NOW
 *
 * URL is the repository's base (its files are URL/head.pchd and
 * URL/lists/…), REGISTER_ROOT the register's root certificate, STATE the
 * path of the device's saved blocklist state (made on the first sync; its
 * national lists go to STATE without its extension, plus ".lists/"), NOW the
 * device's clock in seconds since the Unix epoch.
 *
 * Exit status: 0 the lists are current; 11 synced, but freshness cannot be
 * proven (no fresh head since …: a frozen mirror; or another list stale);
 * 20 data refused (a replayed head, a file that is not the one the head
 * names, a list a rule refuses: the state is untouched); 1 a network or
 * file error (the state is untouched); 2 usage.
 *
 * Build: cc sync_device.c $(pkg-config --cflags --libs partcert libcurl)
 */
#include "files.h" /* first: it asks for POSIX */

#include <curl/curl.h>

enum { CURRENT = 0, NETWORK = 1, USAGE = 2, NOT_FRESH = 11, REFUSED = 20 };

#include "http.h" /* fetch(): a GET of at most a given size, with libcurl */

/* The device's blocklist as saved (a new one on the first sync, when
 * nothing is saved at `path` yet). The library reads the state file and
 * maps each national (compact) list saved beside it, checking its blocks
 * as lookups read them. */
static int load_state(const partcert_trust_store *trust, const char *path,
                      partcert_blocklist **blocklist) {
    partcert_error *error = NULL;
    partcert_result rc;
    if (access(path, F_OK) != 0) {
        if (errno != ENOENT) return (perror(path), NETWORK);
        *blocklist = partcert_blocklist_new();
        return 0;
    }
    rc = partcert_blocklist_load(trust, path, blocklist, NULL, &error);
    return rc == 0 ? 0 : fail(path, rc, error, NETWORK);
}

/* Saves the device's blocklist to `path` (each compact list in a file of
 * its own beside it), crash-safe: a power cut leaves the old state or
 * the new one. */
static int save_state(const partcert_blocklist *blocklist, const char *path) {
    partcert_error *error = NULL;
    partcert_result rc = partcert_blocklist_save(blocklist, path, &error);
    return rc == 0 ? 0 : fail(path, rc, error, NETWORK);
}

/* The sans-I/O loop: the head, then each file the update names. Writes
 * the new blocklist to `synced`. */
static int sync_lists(CURL *curl, const char *url, const partcert_trust_store *trust,
                      const partcert_blocklist *device, uint64_t now, partcert_blocklist **synced) {
    partcert_blocklist_update *update = NULL;
    partcert_error *error = NULL;
    const partcert_file_ref *file;
    download got = {NULL, 0, 0};
    int status = fetch(curl, url, "head.pchd", PARTCERT_MAX_HEAD_LEN, &got);
    partcert_result rc = PARTCERT_RESULT_OK;
    if (status == 0) {
        rc = partcert_blocklist_update_begin(device, trust, got.data, got.len, now, &update, &error);
        if (rc == 0) {
            const partcert_head_info *head = partcert_head_details(partcert_blocklist_update_head(update));
            printf("head: epoch %" PRIu64 " sequence %" PRIu64 ", expires %" PRIu64
                   ", files to fetch: %zu\n",
                   head->version.epoch, head->version.sequence, head->expires_at,
                   partcert_blocklist_update_remaining(update));
        }
    }
    while (status == 0 && rc == 0 && (file = partcert_blocklist_update_next_fetch(update)) != NULL) {
        free(got.data);
        status = fetch(curl, url, file->path.data, (size_t)file->size, &got);
        if (status == 0) {
            printf("fetched %s (%zu bytes)\n", file->path.data, got.len);
            rc = partcert_blocklist_update_offer(update, trust, got.data, got.len, &error);
        }
    }
    if (status == 0 && rc == 0) rc = partcert_blocklist_update_finish(update, synced, &error);
    if (status == 0 && rc != 0) status = fail("refused", rc, error, REFUSED);
    free(got.data);
    partcert_blocklist_update_free(update);
    return status;
}

/* Prints each followed list's standing at `now`: CURRENT if all are. */
static int report(const partcert_blocklist *blocklist, const partcert_trust_store *trust,
                  uint64_t now) {
    partcert_lists_checked *lists = NULL;
    partcert_error *error = NULL;
    partcert_result rc = partcert_blocklist_lists_checked(blocklist, trust, now, &lists, &error);
    int status = rc == 0 ? CURRENT : fail("standing", rc, error, NETWORK);
    for (size_t i = 0; i < partcert_lists_checked_count(lists); i++) {
        const partcert_list_checked *list = partcert_lists_checked_get(lists, i);
        printf("%s: epoch %" PRIu64 " sequence %" PRIu64 ", ", list->authority_name.data,
               list->version.epoch, list->version.sequence);
        if (list->stale_reason == PARTCERT_STALE_REASON_NO_FRESH_HEAD)
            printf("stale: no fresh head from its repository since %" PRIu64 "\n",
                   list->no_fresh_head_since);
        else if (list->stale)
            printf("stale (reason %u)\n", (unsigned)list->stale_reason);
        else
            printf("current\n");
        if (list->stale) status = NOT_FRESH;
    }
    partcert_lists_checked_free(lists);
    return status;
}

int main(int argc, char **argv) {
    partcert_trust_store *trust = partcert_trust_store_new();
    partcert_blocklist *device = NULL, *synced = NULL;
    partcert_error *error = NULL;
    file_bytes root = {NULL, 0};
    CURL *curl = NULL;
    uint64_t now = argc == 5 ? strtoull(argv[4], NULL, 10) : 0;
    int status;
    if (argc != 5 || now == 0) {
        fprintf(stderr, "usage: sync_device URL REGISTER_ROOT STATE NOW\n");
        partcert_trust_store_free(trust);
        return USAGE;
    }
    status = read_file(argv[2], &root) == 0 ? 0 : (perror(argv[2]), NETWORK);
    if (status == 0) {
        partcert_result rc =
            partcert_trust_store_add_blocklist_root(trust, root.data, root.len, NULL, &error);
        status = rc == 0 ? 0 : fail(argv[2], rc, error, USAGE);
    }
    if (status == 0) status = load_state(trust, argv[3], &device);
    if (status == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) status = NETWORK;
    if (status == 0) {
        curl = curl_easy_init();
        status = curl == NULL ? NETWORK : sync_lists(curl, argv[1], trust, device, now, &synced);
        curl_easy_cleanup(curl);
        curl_global_cleanup();
    }
    /* The new state replaces the old one only once it is whole. */
    if (status == 0) status = save_state(synced, argv[3]);
    if (status == 0) status = report(synced, trust, now);
    partcert_blocklist_free(synced);
    partcert_blocklist_free(device);
    partcert_trust_store_free(trust);
    free(root.data);
    return status;
}
