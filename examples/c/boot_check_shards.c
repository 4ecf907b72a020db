/* boot_check_shards: a phone's boot self-check against a national list it
 * never holds, fetching only the few shards its own keys lie in.
 *
 * A national list of 200 million listings is about a gigabyte: a phone
 * cannot hold it, and asking a service about its exact IMEI and parts
 * would tell that service which phone it is. Instead the register cuts
 * its list into shards by key, under one root its signed head names
 * (make_repository.c --shards). The phone fetches the head, and the
 * library computes the keys its self-check looks up — its IMEI, every
 * fitted part's identity — and names the one shard each lies in; the
 * phone fetches those (with libcurl here, reading no more than the size
 * the head allows) and offers the bytes, each proven against the signed
 * root before it counts. The server learns only which slices were asked
 * for (1/256 of the key space each here; 1/2^20 for a national list). The
 * verdicts are the whole list's: a harvested part reads BLOCKED with the
 * list's reason and date, a clean one clean.
 *
 *   boot_check_shards URL ROOT REGISTER_ROOT LINE_CERT RECORD MODEM_IMEI NOW PART...
 *
 * URL is the register's repository (URL/head.pchd, URL/shards/…), ROOT the
 * maker's root certificate, REGISTER_ROOT the register's, LINE_CERT the
 * factory line's (the chain pool), RECORD the handset's own pairing
 * record, MODEM_IMEI the IMEI its modem reports, NOW the clock (seconds
 * since the Unix epoch), then each part found fitted.
 *
 * Exit status: 0 all original and clean; 1 not (a part replaced, missing,
 * refused or blocked, or the list stale); 2 usage, file or setup errors;
 * 20 the repository's data refused (a head that names no shards, a shard
 * altered or cut short: nothing was concluded); 30 a network error.
 *
 * Build: cc boot_check_shards.c $(pkg-config --cflags --libs partcert libcurl)
 */
#include "files.h" /* first: it asks for POSIX */

#include <curl/curl.h>

enum { CLEAN = 0, NOT_CLEAN = 1, USAGE = 2, REFUSED = 20, NETWORK = 30 };

#include "http.h" /* fetch(): a GET of at most a given size, with libcurl */

/* The device's trust and its handset's evidence, from the files given. */
static int setup(char **argv, int argc, partcert_trust_store *trust,
                 partcert_handset_evidence **handset) {
    enum { ROOT = 2, REGISTER, LINE, RECORD, IMEI, PARTS = 8 };
    partcert_error *error = NULL;
    partcert_result rc = PARTCERT_RESULT_OK;
    uint64_t imei = 0;
    for (int i = ROOT; rc == 0 && i < argc; i++) {
        file_bytes file = {NULL, 0};
        if (i == IMEI || i == IMEI + 1) continue; /* the IMEI and the clock */
        if (read_file(argv[i], &file) != 0) return (perror(argv[i]), USAGE);
        if (i == ROOT)
            rc = partcert_trust_store_add_manufacturer_root(trust, file.data, file.len, NULL, &error);
        else if (i == REGISTER)
            rc = partcert_trust_store_add_blocklist_root(trust, file.data, file.len, NULL, &error);
        else if (i == LINE)
            rc = partcert_trust_store_add_chain_certificate(trust, file.data, file.len, &error);
        else if (i == RECORD) {
            rc = partcert_handset_evidence_new(file.data, file.len, handset, &error);
            if (rc == 0) rc = partcert_imei_parse(argv[IMEI], strlen(argv[IMEI]), &imei, &error);
            if (rc == 0) rc = partcert_handset_evidence_add_modem_imei(*handset, imei, &error);
        } else if (i >= PARTS)
            rc = partcert_handset_evidence_add_part_certificate(*handset, file.data, file.len,
                                                                &error);
        free(file.data);
        if (rc != 0) return fail(argv[i], rc, error, USAGE);
    }
    return 0;
}

/* The sans-I/O loop: the head, then each shard the check names. Writes
 * the blocklist that answers for the handset's keys to `checked`. */
static int check_shards(CURL *curl, const char *url, const partcert_trust_store *trust,
                        const partcert_handset_evidence *handset, uint64_t now,
                        partcert_blocklist **checked) {
    partcert_blocklist *device = partcert_blocklist_new(); /* never held the list */
    partcert_shard_check *check = NULL;
    partcert_error *error = NULL;
    const partcert_shard_fetch *shard;
    download got = {NULL, 0, 0};
    size_t fetched = 0, bytes = 0;
    int status = fetch(curl, url, "head.pchd", PARTCERT_MAX_HEAD_LEN, &got);
    partcert_result rc = PARTCERT_RESULT_OK;
    if (status == 0) {
        rc = partcert_shard_check_begin_handset(device, trust, got.data, got.len, handset, now,
                                                &check, &error);
        if (rc == 0) {
            const partcert_head_info *head = partcert_head_details(partcert_shard_check_head(check));
            printf("head: epoch %" PRIu64 " sequence %" PRIu64 ", %u shards, fetching %zu\n",
                   head->version.epoch, head->version.sequence, (unsigned)head->shard_count,
                   partcert_shard_check_remaining(check));
        }
    }
    while (status == 0 && rc == 0 && (shard = partcert_shard_check_next_fetch(check)) != NULL) {
        free(got.data);
        status = fetch(curl, url, shard->path.data, (size_t)shard->max_size, &got);
        if (status == 0) {
            printf("fetched shard %05x (%zu bytes)\n", (unsigned)shard->index, got.len);
            fetched++;
            bytes += got.len;
            rc = partcert_shard_check_offer(check, got.data, got.len, &error);
        }
    }
    if (status == 0 && rc == 0) rc = partcert_shard_check_finish(check, checked, &error);
    if (status == 0 && rc == 0)
        printf("%zu shards, %zu bytes: the server learned only which slices they cut\n", fetched,
               bytes);
    if (status == 0 && rc != 0) status = fail("refused", rc, error, REFUSED);
    free(got.data);
    partcert_shard_check_free(check);
    partcert_blocklist_free(device);
    return status;
}

/* The self-check, as boot_check.c prints it, with each verdict's
 * headline: what a technician reads. */
static int self_check(const partcert_trust_store *trust, const partcert_blocklist *checked,
                      const partcert_handset_evidence *handset, uint64_t now) {
    partcert_handset_report *report = NULL;
    partcert_error *error = NULL;
    partcert_result rc = partcert_verify_handset(trust, checked, handset, now, &report, &error);
    int status;
    if (rc != 0) return fail("boot check", rc, error, NOT_CLEAN);
    for (size_t i = 0; i < partcert_handset_report_part_count(report); i++) {
        const partcert_fitted_part *part = partcert_handset_report_part(report, i);
        if (part->verdict != NULL)
            printf("part %zu: %s%s\n", i, partcert_verdict_headline(part->verdict).data,
                   part->listed_in_record ? "" : " (replaced: not in this handset's record)");
        else
            printf("part %zu: refused: %s\n", i, partcert_error_message(part->error).data);
    }
    printf("%s\n", partcert_handset_report_headline(report).data);
    status = partcert_handset_report_all_original_and_clean(report) ? CLEAN : NOT_CLEAN;
    partcert_handset_report_free(report);
    return status;
}

int main(int argc, char **argv) {
    partcert_trust_store *trust = partcert_trust_store_new();
    partcert_handset_evidence *handset = NULL;
    partcert_blocklist *checked = NULL;
    CURL *curl = NULL;
    uint64_t now = argc > 7 ? strtoull(argv[7], NULL, 10) : 0;
    int status = USAGE;
    if (argc < 9 || now == 0) {
        fprintf(stderr, "usage: boot_check_shards URL ROOT REGISTER_ROOT LINE_CERT RECORD "
                        "MODEM_IMEI NOW PART...\n");
        partcert_trust_store_free(trust);
        return USAGE;
    }
    status = setup(argv, argc, trust, &handset);
    if (status == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) status = NETWORK;
    if (status == 0) {
        curl = curl_easy_init();
        status = curl == NULL ? NETWORK : check_shards(curl, argv[1], trust, handset, now, &checked);
        curl_easy_cleanup(curl);
        curl_global_cleanup();
    }
    if (status == 0) status = self_check(trust, checked, handset, now);
    partcert_blocklist_free(checked);
    partcert_handset_evidence_free(handset);
    partcert_trust_store_free(trust);
    return status;
}
