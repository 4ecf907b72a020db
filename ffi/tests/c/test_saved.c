/* A device keeps its lists on disk by path (since 1.6): partcert_blocklist_save
 * writes a small state file and each compact list in a file of its own
 * beside it, and partcert_blocklist_load maps each list file and checks
 * its 64 KiB blocks as lookups read them — the same files the partcert
 * tool, Kotlin and Swift write (the core's Blocklist::save and ::load).
 *
 * The stories: a shop saves the register's national list (a compact
 * snapshot) and, after a restart, loads it and still finds the stolen
 * screen blocked and an older list refused; a newer list replaces the old
 * file a save later; a state saved as bytes loads by path too; a register
 * the trust store no longer pins is dropped and reported; nothing saved is
 * 504 naming the path, and so is a path that cannot be written; a list
 * file altered on disk is refused with 206 at load or by the verify whose
 * lookup reads the damage, and never gives an answer the honest list
 * would not; NULLs name the argument.
 *
 * Usage: test_saved [FOLDER] — the files go to a new folder made in
 * FOLDER (default /tmp), removed at the end. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "world.h"

static world w;
static char folder[4096];

/* FOLDER/name, in a static buffer of its own per call site's `buffer`. */
static const char *in_folder(char *buffer, size_t size, const char *name) {
    snprintf(buffer, size, "%s/%s", folder, name);
    return buffer;
}

/* How many files FOLDER/lists holds ending in ".pccs", and the path of
 * the first (by name) in `first` (when not NULL). */
static size_t list_files(const char *lists, char *first, size_t first_size) {
    DIR *dir = opendir(lists);
    struct dirent *entry;
    size_t count = 0;
    char best[256] = "";
    if (dir == NULL) return 0;
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len > 5 && strcmp(entry->d_name + len - 5, ".pccs") == 0) {
            count++;
            if (best[0] == '\0' || strcmp(entry->d_name, best) < 0)
                snprintf(best, sizeof best, "%s", entry->d_name);
        }
    }
    closedir(dir);
    if (first != NULL) snprintf(first, first_size, "%s/%s", lists, best);
    return count;
}

/* The bytes of the file at `path` (free them), and their count in `len`. */
static uint8_t *read_whole(const char *path, size_t *len) {
    FILE *file = fopen(path, "rb");
    uint8_t *data = NULL;
    long size;
    *len = 0;
    if (file == NULL) return NULL;
    if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 &&
        fseek(file, 0, SEEK_SET) == 0 && (data = malloc((size_t)size + 1)) != NULL &&
        fread(data, 1, (size_t)size, file) == (size_t)size) {
        *len = (size_t)size;
    } else {
        free(data);
        data = NULL;
    }
    fclose(file);
    return data;
}

/* Writes `len` bytes to `path`, replacing what it held. */
static int write_whole(const char *path, const uint8_t *data, size_t len) {
    FILE *file = fopen(path, "wb");
    int ok = file != NULL && fwrite(data, 1, len, file) == len;
    if (file != NULL) ok = fclose(file) == 0 && ok;
    return ok ? 0 : -1;
}

/* A compact snapshot of the register's: handset A (stolen) and its parts,
 * then `extra` handsets nobody here owns, at sequence `sequence`. */
static partcert_bytes *national_list(uint64_t sequence, size_t extra) {
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_bytes *list = NULL;
    OK(partcert_blocklist_entries_add_reported_handset(entries, bdata(w.record_a),
                                                       blen(w.record_a), PARTCERT_REASON_STOLEN,
                                                       STOLEN_AT, PARTCERT_LISTING_STATUS_FINAL,
                                                       E));
    for (size_t i = 1; i <= extra; i++) {
        uint64_t imei = 0;
        OK(partcert_imei_with_check_digit(36000000000000ULL + i * 7919, &imei, E));
        OK(partcert_blocklist_entries_add_handset(entries, imei, PARTCERT_REASON_STOLEN, STOLEN_AT,
                                                  PARTCERT_LISTING_STATUS_FINAL, E));
    }
    OK(partcert_authority_publish_compact_snapshot(w.publisher, PUBLISHER_EPOCH, sequence, S2_AT,
                                                   S2_AT + LIST_LIFE, entries, &list, E));
    partcert_blocklist_entries_free(entries);
    return list;
}

/* A new blocklist holding `list`, applied at S2_AT. */
static partcert_blocklist *device_with(const partcert_bytes *list) {
    partcert_blocklist *device = partcert_blocklist_new();
    OK(partcert_blocklist_apply(device, w.trust, bdata(list), blen(list), S2_AT, NULL, E));
    return device;
}

/* What verifying `part` against `blocklist` at NOW says: 1 blocked, 0
 * clean (and current), or the error code the verify returned (206 ...). */
static unsigned standing(const partcert_blocklist *blocklist, const partcert_bytes *part) {
    partcert_part_evidence *evidence = evidence_for(&w, part);
    partcert_verdict *verdict = NULL;
    partcert_error *error = NULL;
    partcert_result rc =
        partcert_verify_part(w.trust, blocklist, NULL, 0, evidence, NOW, &verdict, &error);
    unsigned answer = (unsigned)rc;
    if (rc == PARTCERT_RESULT_OK) {
        answer = partcert_verdict_is_blocked(verdict) ? 1u : 0u;
        CHECK(partcert_blocklist_status_state(partcert_verdict_blocklist(verdict)) ==
              (answer ? PARTCERT_BLOCKLIST_STATE_BLOCKED : PARTCERT_BLOCKLIST_STATE_CLEAN));
    } else {
        /* A refusal names the list file it could not trust. */
        CHECK(error != NULL && strstr(partcert_error_message(error).data, ".pccs") != NULL);
    }
    partcert_verdict_free(verdict);
    partcert_error_free(error);
    partcert_part_evidence_free(evidence);
    return answer;
}

/* The shop saves the national list beside its state; after a restart it
 * loads it in place: the stolen screen is still blocked, the donor's
 * clean, and an older list is still refused. The list file is the
 * snapshot as received, byte for byte. */
static void a_shop_saves_the_national_list_beside_its_state_and_loads_it_in_place(void) {
    char state[4200], lists[4200], file[4500];
    partcert_bytes *list = national_list(3, 0), *dropped = NULL;
    partcert_blocklist *shop = device_with(list), *restarted = NULL;
    const partcert_list_info *info;
    uint8_t *saved;
    size_t saved_len = 0;

    in_folder(state, sizeof state, "shop.pcbs");
    in_folder(lists, sizeof lists, "shop.lists");
    OK(partcert_blocklist_save(shop, state, E));
    CHECK(access(state, R_OK) == 0);
    CHECK(list_files(lists, file, sizeof file) == 1);
    saved = read_whole(file, &saved_len);
    CHECK(saved != NULL && saved_len == blen(list) && memcmp(saved, bdata(list), saved_len) == 0);
    free(saved);
    partcert_blocklist_free(shop);

    OK(partcert_blocklist_load(w.trust, state, &restarted, &dropped, E));
    CHECK(blen(dropped) == 0);
    CHECK(partcert_blocklist_list_count(restarted) == 1);
    info = partcert_blocklist_list(restarted, 0);
    CHECK(info != NULL && info->version.epoch == PUBLISHER_EPOCH && info->version.sequence == 3);
    CHECK(info != NULL && info->entry_count == 5); /* IMEI, board, screen, battery, its key */
    CHECK(standing(restarted, w.screen_a) == 1);
    CHECK(standing(restarted, w.battery_a) == 1);
    CHECK(standing(restarted, w.screen_d) == 0);
    CHECK_RC(partcert_blocklist_apply(restarted, w.trust, bdata(w.s2), blen(w.s2), NOW, NULL, E),
             PARTCERT_RESULT_ROLLBACK);
    /* The same state saved again: the list file is kept, not rewritten. */
    OK(partcert_blocklist_save(restarted, state, E));
    CHECK(list_files(lists, NULL, 0) == 1);
    partcert_blocklist_free(restarted);
    partcert_bytes_free(dropped);
    partcert_bytes_free(list);
}

/* The register's next national list replaces the old one: a save keeps
 * the old file while the state before it may still be loading it, and
 * the save after removes it. */
static void a_newer_list_replaces_the_old_file_a_save_later(void) {
    char state[4200], lists[4200];
    partcert_bytes *older = national_list(3, 0), *newer = national_list(4, 2);
    partcert_blocklist *shop = device_with(older), *loaded = NULL;
    const partcert_list_info *info;

    in_folder(state, sizeof state, "newer.pcbs");
    in_folder(lists, sizeof lists, "newer.lists");
    OK(partcert_blocklist_save(shop, state, E));
    CHECK(list_files(lists, NULL, 0) == 1);
    OK(partcert_blocklist_apply(shop, w.trust, bdata(newer), blen(newer), NOW, NULL, E));
    OK(partcert_blocklist_save(shop, state, E));
    CHECK(list_files(lists, NULL, 0) == 2);
    OK(partcert_blocklist_save(shop, state, E));
    CHECK(list_files(lists, NULL, 0) == 1);
    OK(partcert_blocklist_load(w.trust, state, &loaded, NULL, E));
    info = partcert_blocklist_list(loaded, 0);
    CHECK(info != NULL && info->version.sequence == 4 && info->entry_count == 7);
    CHECK(standing(loaded, w.screen_a) == 1);
    partcert_blocklist_free(loaded);
    partcert_blocklist_free(shop);
    partcert_bytes_free(newer);
    partcert_bytes_free(older);
}

/* A state saved whole as bytes (partcert_blocklist_save_state, its lists
 * in it) loads by path as well; and an authority the trust store no
 * longer pins is dropped and reported, as partcert_blocklist_load_state
 * reports it. */
static void a_state_saved_as_bytes_loads_by_path_and_an_unpinned_register_is_dropped(void) {
    char state[4200];
    partcert_bytes *list = national_list(3, 0), *bytes = NULL, *dropped = NULL;
    partcert_blocklist *shop = device_with(list), *loaded = NULL;
    partcert_trust_store *makers_only = partcert_trust_store_new();

    in_folder(state, sizeof state, "bytes.pcbs");
    OK(partcert_blocklist_save_state(shop, &bytes, E));
    CHECK(write_whole(state, bdata(bytes), blen(bytes)) == 0);
    OK(partcert_blocklist_load(w.trust, state, &loaded, NULL, E));
    CHECK(partcert_blocklist_list_count(loaded) == 1);
    CHECK(standing(loaded, w.screen_a) == 1);
    partcert_blocklist_free(loaded);
    loaded = NULL;

    /* A trust store that pins Acme's root but not the register's. */
    OK(partcert_trust_store_add_manufacturer_root(makers_only, w.root_cert.data, w.root_cert.len,
                                                  NULL, E));
    in_folder(state, sizeof state, "unpinned.pcbs");
    OK(partcert_blocklist_save(shop, state, E));
    OK(partcert_blocklist_load(makers_only, state, &loaded, &dropped, E));
    CHECK(blen(dropped) == PARTCERT_DIGEST_LEN);
    CHECK(blen(dropped) == PARTCERT_DIGEST_LEN &&
          same_id(bdata(dropped), partcert_authority_key_id(w.register_root)));
    CHECK(partcert_blocklist_list_count(loaded) == 0);
    CHECK(!partcert_blocklist_follows_any(loaded));
    partcert_blocklist_free(loaded);
    partcert_bytes_free(dropped);
    partcert_trust_store_free(makers_only);
    partcert_bytes_free(bytes);
    partcert_blocklist_free(shop);
    partcert_bytes_free(list);
}

/* Nothing saved yet is 504 naming the path (a first start tests whether
 * the file exists); so is a path that cannot be written, and the state
 * saved before is untouched. Nothing is written to the out-parameters. */
static void a_missing_or_unwritable_path_is_an_io_error_naming_it(void) {
    char missing[4200], state[4200], beneath[4300];
    partcert_bytes *list = national_list(3, 0), *dropped = NULL;
    partcert_blocklist *shop = device_with(list), *loaded = NULL;
    uint8_t *before, *after;
    size_t before_len = 0, after_len = 0;

    in_folder(missing, sizeof missing, "never-saved.pcbs");
    CHECK_FAIL(partcert_blocklist_load(w.trust, missing, &loaded, &dropped, E),
               PARTCERT_RESULT_IO, "never-saved.pcbs");
    CHECK(loaded == NULL && dropped == NULL);

    in_folder(state, sizeof state, "kept.pcbs");
    OK(partcert_blocklist_save(shop, state, E));
    before = read_whole(state, &before_len);
    /* A path beneath a file, not a folder: it cannot be written. */
    snprintf(beneath, sizeof beneath, "%s/inner.pcbs", state);
    CHECK_FAIL(partcert_blocklist_save(shop, beneath, E), PARTCERT_RESULT_IO, "kept.pcbs");
    CHECK_FAIL(partcert_blocklist_load(w.trust, beneath, &loaded, NULL, E), PARTCERT_RESULT_IO,
               "inner.pcbs");
    CHECK(loaded == NULL);
    after = read_whole(state, &after_len);
    CHECK(before != NULL && after != NULL && before_len == after_len &&
          memcmp(before, after, before_len) == 0);
    CHECK(strcmp(partcert_result_name(PARTCERT_RESULT_IO).data, "Io") == 0);
    free(before);
    free(after);
    partcert_blocklist_free(shop);
    partcert_bytes_free(list);
}

/* A national list of several 64 KiB blocks, saved; then one byte of its
 * file altered at a time, across the whole file. Each time, the load
 * refuses the file (206: the damage is in its signed header or in the
 * block holding the list's header; 102 for its magic bytes), or a verify
 * whose lookup reads the damage is refused with 206 naming the file, or
 * the verify gives the answer the honest list gives — a lookup that reads
 * only undamaged blocks still answers. Never a clean answer for the
 * stolen screen. Restored, the file answers again. */
static void a_list_file_altered_on_disk_is_refused_never_answered_wrongly(void) {
    const partcert_bytes *const probes[] = {w.screen_a, w.battery_a, w.board_a, w.screen_d,
                                            w.board_d};
    enum { PROBES = sizeof probes / sizeof *probes };
    unsigned truth[PROBES];
    char state[4200], lists[4200], file[4500];
    partcert_bytes *list = national_list(3, 120000);
    partcert_blocklist *shop = device_with(list), *loaded = NULL;
    uint8_t *honest, *altered;
    size_t len = 0, refused_at_load = 0, refused_lookups = 0, answers = 0, step, at;

    for (size_t i = 0; i < PROBES; i++) truth[i] = standing(shop, probes[i]);
    CHECK(truth[0] == 1 && truth[1] == 1 && truth[2] == 1 && truth[3] == 0 && truth[4] == 0);
    in_folder(state, sizeof state, "national.pcbs");
    in_folder(lists, sizeof lists, "national.lists");
    OK(partcert_blocklist_save(shop, state, E));
    partcert_blocklist_free(shop);
    CHECK(list_files(lists, file, sizeof file) == 1);
    honest = read_whole(file, &len);
    CHECK(honest != NULL && len > 3 * 65536); /* several blocks */
    if (honest == NULL) {
        partcert_bytes_free(list);
        return;
    }
    altered = malloc(len);
    CHECK(altered != NULL);
    step = len / 97;
    for (at = 0; altered != NULL && at < len; at += step) {
        partcert_error *error = NULL;
        partcert_result rc;
        memcpy(altered, honest, len);
        altered[at] ^= 0x20;
        CHECK(write_whole(file, altered, len) == 0);
        loaded = NULL;
        rc = partcert_blocklist_load(w.trust, state, &loaded, NULL, &error);
        if (rc != PARTCERT_RESULT_OK) {
            /* 206, or — the object's own envelope damaged (its magic
             * bytes) — the decoder's 1xx. */
            int refused = rc == PARTCERT_RESULT_FILE_MISMATCH || rc / 100 == 1;
            if (!refused)
                fprintf(stderr, "byte %zu: load returned %u: %s\n", at, (unsigned)rc,
                        error ? partcert_error_message(error).data : "");
            CHECK(refused && loaded == NULL);
            refused_at_load++;
            partcert_error_free(error);
            continue;
        }
        for (size_t i = 0; i < PROBES; i++) {
            unsigned answer = standing(loaded, probes[i]);
            if (answer == PARTCERT_RESULT_FILE_MISMATCH) {
                refused_lookups++;
            } else {
                if (answer != truth[i])
                    fprintf(stderr, "byte %zu altered: probe %zu answered %u, honestly %u\n", at,
                            i, answer, truth[i]);
                CHECK(answer == truth[i]);
                answers++;
            }
        }
        partcert_blocklist_free(loaded);
    }
    printf("# a list file of %zu bytes: %zu alterations refused at load, %zu lookups refused, "
           "%zu answers (all honest)\n",
           len, refused_at_load, refused_lookups, answers);
    CHECK(refused_at_load > 0 && refused_lookups > 0 && answers > 0);

    /* Restored, every lookup answers as before. */
    CHECK(write_whole(file, honest, len) == 0);
    loaded = NULL;
    OK(partcert_blocklist_load(w.trust, state, &loaded, NULL, E));
    for (size_t i = 0; i < PROBES; i++) CHECK(standing(loaded, probes[i]) == truth[i]);
    partcert_blocklist_free(loaded);
    free(altered);
    free(honest);
    partcert_bytes_free(list);
}

/* A NULL where a blocklist, trust store, path or out-parameter must be
 * is 500, naming it, and writes nothing; `dropped_out` may be NULL. */
static void null_arguments_name_the_argument(void) {
    char state[4200];
    partcert_blocklist *shop = partcert_blocklist_new(), *loaded = NULL;
    partcert_bytes *dropped = NULL;

    in_folder(state, sizeof state, "empty.pcbs");
    CHECK_NULL(partcert_blocklist_save(NULL, state, E), "blocklist");
    CHECK_NULL(partcert_blocklist_save(shop, NULL, E), "path");
    CHECK(access(state, F_OK) != 0);
    OK(partcert_blocklist_save(shop, state, E));
    CHECK_NULL(partcert_blocklist_load(NULL, state, &loaded, &dropped, E), "trust");
    CHECK_NULL(partcert_blocklist_load(w.trust, NULL, &loaded, &dropped, E), "path");
    CHECK_NULL(partcert_blocklist_load(w.trust, state, NULL, &dropped, E), "blocklist_out");
    CHECK(loaded == NULL && dropped == NULL);
    OK(partcert_blocklist_load(w.trust, state, &loaded, NULL, E));
    CHECK(loaded != NULL && partcert_blocklist_list_count(loaded) == 0);
    partcert_blocklist_free(loaded);
    partcert_blocklist_free(shop);
}

static int remove_entry(const char *path, const struct stat *info, int flag, struct FTW *ftw) {
    (void)info;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv) {
    int status;
    snprintf(folder, sizeof folder, "%s/partcert-saved-XXXXXX", argc > 1 ? argv[1] : "/tmp");
    if (mkdtemp(folder) == NULL) {
        perror(folder);
        return 1;
    }
    world_build(&w);
    RUN(a_shop_saves_the_national_list_beside_its_state_and_loads_it_in_place);
    RUN(a_newer_list_replaces_the_old_file_a_save_later);
    RUN(a_state_saved_as_bytes_loads_by_path_and_an_unpinned_register_is_dropped);
    RUN(a_missing_or_unwritable_path_is_an_io_error_naming_it);
    RUN(a_list_file_altered_on_disk_is_refused_never_answered_wrongly);
    RUN(null_arguments_name_the_argument);
    world_free(&w);
    status = h_finish("test_saved");
    nftw(folder, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return status;
}
