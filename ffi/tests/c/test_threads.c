/* A threaded updater: reader threads verify parts continuously while a
 * writer publishes 100 blocklist updates through a partcert_blocklist_holder
 * (snapshots and deltas alternately), and then while an updater syncs a
 * month of a register's repository through the holder (each update begun,
 * fed file by file, and finished while the readers verify; a replayed head
 * and a file of another day refused on the way, publishing nothing). Each reader holds one snapshot per
 * round and checks it never changes under it: the stolen screen is blocked
 * exactly in the versions that list it, the donor screen never, and the
 * versions a reader sees never go back. The writer prints the process's
 * resident memory as it goes, and the run fails if it grows between the
 * 20th and the 100th update by more than PARTCERT_RSS_LIMIT_KB (default
 * 8192; 0 prints without checking, e.g. under valgrind). Run under ASan,
 * TSan and valgrind by ffi/tests/run.sh. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "repository.h"

static world w;

#define READERS 3
#define UPDATES 100
/* Update k (1..UPDATES) is epoch 1 sequence 2 + k, issued at S2_AT + k; it
 * lists handset A (and so the stolen screen) when k is odd. */
#define ISSUED_AT(k) (S2_AT + (uint64_t)(k))

static atomic_int writer_done;
static partcert_blocklist_holder *holder;

/* A reader thread: how it checks one snapshot (given the last it saw),
 * and how many rounds it made and failed. */
typedef struct reader {
    int (*consistent)(const partcert_blocklist *snapshot, long *last);
    long rounds;
    long failures;
} reader;

static long rss_kb(void) {
    long pages = 0, resident = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (statm == NULL) return -1;
    if (fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = -1;
    fclose(statm);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Which update a snapshot holds, from the register's clock floor (its
 * newest list's issue time), read through the library. */
static long update_of(const partcert_blocklist *snapshot) {
    uint64_t floor =
        partcert_blocklist_clock_for(snapshot, w.trust, partcert_authority_key_id(w.register_root), 0);
    return floor >= S2_AT ? (long)(floor - S2_AT) : -1;
}

static int verify_blocked(const partcert_blocklist *snapshot, const partcert_bytes *part,
                          int *blocked) {
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    int ok = partcert_part_evidence_new(bdata(part), blen(part), &evidence, NULL) == 0 &&
             partcert_verify_part(w.trust, snapshot, NULL, 0, evidence, NOW, &verdict, NULL) ==
                 0 &&
             partcert_verdict_summary(verdict).len > 0;
    if (ok) *blocked = partcert_verdict_is_blocked(verdict);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    return ok;
}

/* What a reader checks of a snapshot while the writer publishes: its
 * update never goes back, the stolen screen is blocked exactly in the
 * updates that list it, the donor screen never, and the snapshot never
 * changes under the reader. */
static int consistent_update(const partcert_blocklist *snapshot, long *last) {
    long update = update_of(snapshot);
    int stolen_blocked = -1, donor_blocked = -1, again = -1;
    int ok = update >= *last && update <= UPDATES &&
             verify_blocked(snapshot, w.screen_a, &stolen_blocked) &&
             verify_blocked(snapshot, w.screen_d, &donor_blocked) &&
             stolen_blocked == (update == 0 || update % 2 == 1) && !donor_blocked &&
             verify_blocked(snapshot, w.screen_a, &again) && again == stolen_blocked &&
             update_of(snapshot) == update;
    *last = update;
    return ok;
}

static void *read_continuously(void *arg) {
    reader *r = arg;
    long last = 0;
    do {
        partcert_blocklist *snapshot = partcert_blocklist_holder_load(holder);
        if (!r->consistent(snapshot, &last)) r->failures++;
        partcert_blocklist_free(snapshot);
        r->rounds++;
        {
            /* Continuous, but leaving the writer its share of a loaded
             * machine (and of valgrind's one running thread). */
            struct timespec pause = {0, 500000};
            nanosleep(&pause, NULL);
        }
    } while (!atomic_load(&writer_done));
    return NULL;
}

static void start_readers(pthread_t *threads, reader *readers,
                          int (*consistent)(const partcert_blocklist *, long *)) {
    atomic_store(&writer_done, 0);
    for (int i = 0; i < READERS; i++) {
        readers[i].consistent = consistent;
        readers[i].rounds = 0;
        readers[i].failures = 0;
        CHECK(pthread_create(&threads[i], NULL, read_continuously, &readers[i]) == 0);
    }
}

static void join_readers(pthread_t *threads, reader *readers, long last_update) {
    atomic_store(&writer_done, 1);
    for (int i = 0; i < READERS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(readers[i].failures == 0);
        CHECK(readers[i].rounds > 0);
        printf("# reader %d: %ld rounds, %ld failures\n", i, readers[i].rounds,
               readers[i].failures);
    }
    {
        partcert_blocklist *last = partcert_blocklist_holder_load(holder);
        long seen = last_update;
        CHECK(readers[0].consistent(last, &seen) && seen == last_update);
        partcert_blocklist_free(last);
    }
}

static void readers_verify_while_a_writer_publishes_100_updates(void) {
    partcert_blocklist *initial = blocklist_at_s2(&w);
    partcert_blocklist_entries *listed = partcert_blocklist_entries_new();
    partcert_blocklist_entries *empty = partcert_blocklist_entries_new();
    partcert_bytes *previous = NULL;
    pthread_t threads[READERS];
    reader readers[READERS];
    long rss_at_20 = 0, rss_at_100 = 0, limit = 8192;
    const char *limit_env = getenv("PARTCERT_RSS_LIMIT_KB");
    if (limit_env != NULL) limit = atol(limit_env);

    OK(partcert_blocklist_entries_add_reported_handset(listed, bdata(w.record_a),
                                                       blen(w.record_a), PARTCERT_REASON_STOLEN,
                                                       STOLEN_AT, PARTCERT_LISTING_STATUS_FINAL,
                                                       E));
    OK(partcert_blocklist_holder_new(initial, &holder, E));
    partcert_blocklist_free(initial); /* the holder keeps its own reference */
    start_readers(threads, readers, consistent_update);

    /* The writer. */
    for (int k = 1; k <= UPDATES; k++) {
        partcert_bytes *snapshot = NULL, *delta = NULL;
        partcert_list_version version = {0, 0};
        OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 2 + (uint64_t)k,
                                               ISSUED_AT(k), ISSUED_AT(k) + LIST_LIFE,
                                               k % 2 ? listed : empty, &snapshot, E));
        if (k % 2 == 0 && previous != NULL) {
            OK(partcert_authority_publish_delta(w.publisher, bdata(previous), blen(previous),
                                                bdata(snapshot), blen(snapshot), &delta, E));
            OK(partcert_blocklist_holder_apply_delta(holder, w.trust, bdata(delta), blen(delta),
                                                     ISSUED_AT(k), &version, E));
        } else {
            OK(partcert_blocklist_holder_apply_snapshot(holder, w.trust, bdata(snapshot),
                                                        blen(snapshot), ISSUED_AT(k), &version,
                                                        E));
        }
        CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 2 + (uint64_t)k);
        /* A refused update publishes nothing. */
        if (k == 50)
            CHECK_RC(partcert_blocklist_holder_apply_snapshot(holder, w.trust, bdata(w.s1),
                                                              blen(w.s1), ISSUED_AT(k), NULL, E),
                     PARTCERT_RESULT_ROLLBACK);
        partcert_bytes_free(delta);
        partcert_bytes_free(previous);
        previous = snapshot;
        if (k == 20) rss_at_20 = rss_kb();
        if (k % 20 == 0) printf("# rss after %3d updates: %ld KiB\n", k, rss_kb());
        {
            /* let the readers run between updates */
            struct timespec pause = {0, 2000000};
            nanosleep(&pause, NULL);
        }
    }
    rss_at_100 = rss_kb();
    join_readers(threads, readers, UPDATES);
    printf("# rss grew %ld KiB from the 20th to the 100th update (limit %ld KiB)\n",
           rss_at_100 - rss_at_20, limit);
    if (limit > 0) CHECK(rss_at_100 - rss_at_20 <= limit);
    partcert_bytes_free(previous);
    partcert_blocklist_entries_free(listed);
    partcert_blocklist_entries_free(empty);
    partcert_blocklist_holder_free(holder);
}

/* The month's repository: handset A is listed on odd days and delisted
 * on even ones, so a snapshot of day d blocks its board exactly when d is
 * odd. */
#define MONTH 30
static repository month;

/* What a reader checks of one snapshot: its day never goes back, and the
 * stolen board reads blocked on odd days and clean (the head fresh at that
 * day's time) on even ones. */
static int consistent_day(const partcert_blocklist *snapshot, long *last) {
    long day = (long)held_version(snapshot).sequence;
    int blocked = -1;
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    int ok = day >= *last && day >= 1 && day <= MONTH &&
             partcert_part_evidence_new(bdata(w.board_a), blen(w.board_a), &evidence, NULL) == 0 &&
             partcert_verify_part(w.trust, snapshot, NULL, 0, evidence, DAY_AT(day) + HOUR,
                                  &verdict, NULL) == 0;
    if (ok) {
        blocked = partcert_verdict_is_blocked(verdict);
        ok = blocked == (day % 2 == 1) && !partcert_verdict_is_stale(verdict);
    }
    *last = day;
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    return ok;
}

/* One sync of the holder from day `day`'s head; `swap` serves the first
 * file's bytes from another day's file. */
static partcert_result sync_holder(int day, const repo_file *swap, partcert_error **error) {
    partcert_blocklist_update *update = NULL;
    partcert_slice head = head_bytes(month.heads[day]);
    const partcert_file_ref *file;
    partcert_result rc = partcert_blocklist_holder_begin_update(
        holder, w.trust, head.data, head.len, DAY_AT(month.days) + HOUR, &update, error);
    while (rc == PARTCERT_RESULT_OK &&
           (file = partcert_blocklist_update_next_fetch(update)) != NULL) {
        const repo_file *served = swap != NULL ? swap : repo_file_at(&month, file->path.data);
        rc = served == NULL ? PARTCERT_RESULT_FILE_MISMATCH
                            : partcert_blocklist_update_offer(update, w.trust, served->data,
                                                              served->len, error);
    }
    if (rc == PARTCERT_RESULT_OK) rc = partcert_blocklist_holder_finish_update(holder, update, error);
    partcert_blocklist_update_free(update);
    return rc;
}

static void readers_verify_while_an_updater_syncs_a_month_from_a_repository(void) {
    const uint64_t a[] = {IMEI_A};
    pthread_t threads[READERS];
    reader readers[READERS];
    partcert_blocklist *start;
    memset(&month, 0, sizeof month);
    repo_publish_day(&month, &w, a, 1, NULL, 0);
    start = partcert_blocklist_new();
    OK(partcert_blocklist_holder_new(start, &holder, E));
    partcert_blocklist_free(start);
    OK(sync_holder(1, NULL, E));
    start_readers(threads, readers, consistent_day);
    for (int day = 2; day <= MONTH; day++) {
        int odd = day % 2 == 1;
        repo_publish_day(&month, &w, odd ? a : NULL, odd, odd ? NULL : a, !odd);
        /* A mirror replaying an old head, and one serving another day's
         * file: refused, nothing published, the readers never notice. */
        if (day == 10) CHECK_RC(sync_holder(3, NULL, E), PARTCERT_RESULT_ROLLBACK);
        if (day == 20)
            CHECK_RC(sync_holder(day, &month.files[4], E), PARTCERT_RESULT_FILE_MISMATCH);
        OK(sync_holder(day, NULL, E));
        {
            struct timespec pause = {0, 2000000};
            nanosleep(&pause, NULL);
        }
    }
    join_readers(threads, readers, MONTH);
    partcert_blocklist_holder_free(holder);
    repo_free(&month);
}

int main(void) {
    world_build(&w);
    RUN(readers_verify_while_a_writer_publishes_100_updates);
    RUN(readers_verify_while_an_updater_syncs_a_month_from_a_repository);
    world_free(&w);
    return h_finish("test_threads");
}
