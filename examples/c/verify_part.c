/* verify_part: check a phone part before fitting it.
 *
 * A starting point for a repair tool written in C. It pins a manufacturer
 * root and a blocklist root, loads a signed blocklist (a sorted or a
 * compact snapshot: one call applies either), and verifies a
 * part's certificate (its factory line's certificate goes to the trust
 * store's chain pool; optionally the pairing record of the handset it came
 * from), then prints the verdict a technician reads (or, with --json, the
 * JSON every partcert front shares).
 *
 *   verify_part --root acme-root.cert --blocklist-root register-root.cert \
 *       --blocklist register.pcbl [--state rollback.state] --chain acme-line.cert \
 *       --part screen.cert [--pairing donor.pair] [--imei IMEI]... \
 *       [--challenge nonce.hex --response screen.response] [--now SECONDS] [--json]
 *
 * --state keeps the anti-rollback state between runs: an older blocklist
 * than one accepted before is then refused (error 400), even after a
 * restart, and the registers it names stay followed: run with --state but
 * without --blocklist (the list withheld) and every answer reads stale,
 * naming the missing list, never clean. --imei gives an IMEI the handset's
 * modem reports, to check a board against the IMEIs signed into it.
 * --challenge (the nonce, 64 hex digits, as `partcert challenge new`
 * writes it) and --response (the part's answer) prove a part with a secure
 * element holds its key. The files are those the `partcert` command-line
 * tool writes (`partcert demo --keep DIR` makes a set).
 *
 * Exit status: 0 genuine and not blocked on current blocklists; 3 genuine
 * but BLOCKED (stolen, lost or fraud: do not fit it); 4 genuine and not
 * found blocked, but a blocklist is stale (expired, missing, signed by a
 * revoked key, outdated, or dated after this device's clock): check again
 * once it is updated; 1 the
 * evidence cannot be trusted or read (counterfeit, tampered, expired …);
 * 2 usage or file errors.
 *
 * Build (after `bash ffi/install.sh --prefix P`):
 *   cc verify_part.c $(pkg-config --cflags --libs partcert) -o verify_part
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "partcert.h"

/* A file read whole into memory. */
typedef struct file_bytes {
    uint8_t *data;
    size_t len;
} file_bytes;

static int read_file(const char *path, file_bytes *out) {
    FILE *file = fopen(path, "rb");
    long size;
    if (file == NULL) {
        perror(path);
        return -1;
    }
    if (fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 ||
        fseek(file, 0, SEEK_SET) != 0) {
        perror(path);
        fclose(file);
        return -1;
    }
    out->len = (size_t)size;
    out->data = malloc(out->len > 0 ? out->len : 1);
    if (out->data == NULL || fread(out->data, 1, out->len, file) != out->len) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(out->data);
        out->data = NULL;
        fclose(file);
        return -1;
    }
    fclose(file);
    return 0;
}

static int exists(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file != NULL) fclose(file);
    return file != NULL;
}

static int write_file(const char *path, const uint8_t *data, size_t len) {
    FILE *file = fopen(path, "wb");
    if (file == NULL || fwrite(data, 1, len, file) != len) {
        perror(path);
        if (file != NULL) fclose(file);
        return -1;
    }
    return fclose(file);
}

/* Prints why a call failed, with the library's detail, e.g. "blocklist.pcbl:
 * error 400 (Rollback): rollback refused: epoch 1 sequence 1 is older than
 * the accepted epoch 1 sequence 2", and frees the error. */
static int fail(const char *what, partcert_result rc, partcert_error *error, int status) {
    fprintf(stderr, "%s: error %u (%s): %s\n", what, (unsigned)rc,
            partcert_result_name(rc).data,
            error != NULL ? partcert_error_message(error).data : partcert_result_message(rc).data);
    partcert_error_free(error);
    return status;
}

/* Reads a nonce: 64 hex digits, as `partcert challenge new` writes them
 * (after its "partcert challenge v1" line and any '#' comment lines;
 * surrounding whitespace allowed). */
static int parse_nonce(const file_bytes *text, uint8_t nonce[PARTCERT_NONCE_LEN]) {
    size_t digits = 0;
    int line_start = 1;
    for (size_t i = 0; i < text->len; i++) {
        int c = text->data[i], value;
        if (line_start && (c == '#' || c == 'p')) {
            /* A comment, or the "partcert challenge v1" line: skip it,
               but only that exact header, never another kind of file. */
            static const char header[] = "partcert challenge v1";
            if (c == 'p' && (text->len - i < sizeof header - 1 ||
                             memcmp(text->data + i, header, sizeof header - 1) != 0))
                return -1;
            while (i < text->len && text->data[i] != '\n') i++;
            continue;
        }
        line_start = (c == '\n');
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c >= '0' && c <= '9') value = c - '0';
        else if (c >= 'a' && c <= 'f') value = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') value = c - 'A' + 10;
        else return -1;
        if (digits >= 2 * PARTCERT_NONCE_LEN) return -1;
        if (digits % 2 == 0) nonce[digits / 2] = (uint8_t)(value << 4);
        else nonce[digits / 2] |= (uint8_t)value;
        digits++;
    }
    return digits == 2 * PARTCERT_NONCE_LEN ? 0 : -1;
}

static void print_key_id(const uint8_t *id) {
    for (int i = 0; i < 8; i++) printf("%02x", id[i]); /* enough for a person */
}

/* Why a list may be out of date, for a person. */
static const char *stale_reason_name(partcert_stale_reason reason) {
    switch (reason) {
        case PARTCERT_STALE_REASON_NONE: return "current";
        case PARTCERT_STALE_REASON_EXPIRED: return "expired";
        case PARTCERT_STALE_REASON_SIGNER_REVOKED: return "signed by a key since revoked";
        case PARTCERT_STALE_REASON_MISSING: return "missing: followed, but not loaded";
        case PARTCERT_STALE_REASON_OUTDATED_BY: return "outdated by";
        case PARTCERT_STALE_REASON_FUTURE_DATED: return "dated after this device's clock";
        default: return "stale";
    }
}

static const char *reason_name(partcert_reason reason) {
    switch (reason) {
        case PARTCERT_REASON_STOLEN: return "stolen";
        case PARTCERT_REASON_LOST: return "lost";
        case PARTCERT_REASON_FRAUD: return "fraud";
        default: return "unknown reason";
    }
}

/* What a technician reads: the one-line summary, then the details. Every
 * string is borrowed from the verdict and NUL-terminated. */
static void print_verdict(const partcert_verdict *verdict) {
    const partcert_provenance *provenance = partcert_verdict_provenance(verdict);
    const partcert_blocklist_status *status = partcert_verdict_blocklist(verdict);
    partcert_imeis mismatched = partcert_verdict_mismatched_imeis(verdict);
    const partcert_error *refused = partcert_verdict_pairing_refused(verdict);
    uint64_t since = 0, retired_at = 0;

    printf("verdict:    %s\n", partcert_verdict_summary(verdict).data);
    printf("part:       %s, %s %s, serial %s\n", partcert_verdict_part_kind_name(verdict).data,
           partcert_verdict_manufacturer(verdict).data, partcert_verdict_model(verdict).data,
           partcert_verdict_serial(verdict).data);
    printf("issuer:     \"%s\" (key ", partcert_verdict_issuer_name(verdict).data);
    print_key_id(partcert_verdict_issuer_key_id(verdict));
    printf(") under root \"%s\" (key ", partcert_verdict_root_name(verdict).data);
    print_key_id(partcert_verdict_root_key_id(verdict));
    printf(")\n");
    if (provenance != NULL) {
        printf("paired to:  handset");
        for (size_t i = 0; i < provenance->handset_imeis.len; i++)
            printf(" %015" PRIu64, provenance->handset_imeis.data[i]);
        printf(" (pairing #%" PRIu64 ", %s%s)\n", provenance->pairing_sequence,
               provenance->event == PARTCERT_PAIRING_EVENT_REPAIR ? "repair" : "factory build",
               provenance->certificate_renewed ? "; certificate renewed since" : "");
    }
    if (partcert_verdict_issuer_revoked(verdict, &since))
        printf("note:       the line's key was revoked from %" PRIu64
               "; the pairing record places this part before that\n",
               since);
    if (partcert_verdict_issuer_retired(verdict, &retired_at))
        printf("note:       the line retired at %" PRIu64
               "; the pairing record places this part before that\n",
               retired_at);
    /* A listed part stays blocked whatever record it comes with: a record
     * that could not be trusted is reported beside the verdict. */
    if (refused != NULL)
        printf("pairing:    record refused: error %u (%s): %s\n",
               (unsigned)partcert_error_code(refused),
               partcert_result_name(partcert_error_code(refused)).data,
               partcert_error_message(refused).data);
    for (size_t i = 0; i < mismatched.len; i++)
        printf("modem IMEI: %015" PRIu64 " is not signed into this board\n", mismatched.data[i]);
    /* Every list the shop follows, and whether it is current. */
    for (size_t i = 0; i < partcert_blocklist_status_list_count(status); i++) {
        const partcert_list_checked *list = partcert_blocklist_status_list(status, i);
        printf("list:       \"%s\" epoch %" PRIu64 " sequence %" PRIu64 ": %s",
               list->authority_name.data, list->version.epoch, list->version.sequence,
               list->stale ? "STALE, " : "");
        if (list->stale_reason == PARTCERT_STALE_REASON_OUTDATED_BY)
            printf("outdated by \"%s\" (a list issued at %" PRIu64 "): this clock may be behind\n",
                   list->outdated_by_name.data, list->outdated_by_issued_at);
        else if (list->stale_reason == PARTCERT_STALE_REASON_FUTURE_DATED)
            printf("dated %" PRIu64 ", after this device's clock: a wrong date, or this clock "
                   "is behind\n",
                   list->future_dated_issued_at);
        else
            printf("%s (valid until %" PRIu64 ")\n", stale_reason_name(list->stale_reason),
                   list->expires_at);
    }
    for (size_t i = 0; i < partcert_blocklist_status_listing_count(status); i++) {
        const partcert_listing *listing = partcert_blocklist_status_listing(status, i);
        printf("listed:     %s by \"%s\" at %" PRIu64 "%s, ", reason_name(listing->reason),
               listing->authority_name.data, listing->listed_at,
               listing->status == PARTCERT_LISTING_STATUS_SUSPENDED ? " (suspended)" : "");
        switch (listing->matched_key_kind) {
            case PARTCERT_MATCHED_KIND_IMEI:
                printf("handset %015" PRIu64 "\n", listing->matched_imei);
                continue;
            case PARTCERT_MATCHED_KIND_PART_KEY: printf("the part's key"); break;
            case PARTCERT_MATCHED_KIND_PART_FINGERPRINT:
                /* Not proof of this exact part: a fingerprint in a compact list. */
                printf("by fingerprint %s", listing->matched_fingerprint.data);
                break;
            default: printf("the part itself"); break;
        }
        if (listing->has_handset) printf(" (from handset %015" PRIu64 ")", listing->handset_imei);
        printf("\n");
    }
    if (partcert_blocklist_status_capped(status))
        printf("listed:     ... and more (the first %d listings are shown)\n",
               PARTCERT_MAX_LISTINGS);
}

static void usage(const char *program) {
    fprintf(stderr,
            "usage: %s --root FILE --part FILE [--chain FILE]... [--pairing FILE]\n"
            "          [--blocklist-root FILE [--blocklist FILE] [--state FILE]]\n"
            "          [--imei IMEI]... [--challenge FILE --response FILE]\n"
            "          [--now SECONDS] [--json]\n",
            program);
}

/* Reads `path` and passes its bytes to `add`; on failure reports it. */
typedef partcert_result (*add_fn)(void *object, const uint8_t *data, size_t len,
                                  partcert_error **error);

static partcert_result add_trust_root(void *trust, const uint8_t *data, size_t len,
                                      partcert_error **error) {
    return partcert_trust_store_add_manufacturer_root(trust, data, len, NULL, error);
}
static partcert_result add_blocklist_root(void *trust, const uint8_t *data, size_t len,
                                          partcert_error **error) {
    return partcert_trust_store_add_blocklist_root(trust, data, len, NULL, error);
}
static partcert_result add_chain(void *trust, const uint8_t *data, size_t len,
                                 partcert_error **error) {
    return partcert_trust_store_add_chain_certificate(trust, data, len, error);
}
static partcert_result set_pairing(void *evidence, const uint8_t *data, size_t len,
                                   partcert_error **error) {
    return partcert_part_evidence_set_pairing_record(evidence, data, len, error);
}

static int load(const char *path, void *object, add_fn add) {
    file_bytes file;
    partcert_error *error = NULL;
    partcert_result rc;
    if (read_file(path, &file) != 0) return 2;
    rc = add(object, file.data, file.len, &error);
    free(file.data);
    return rc == PARTCERT_RESULT_OK ? 0 : fail(path, rc, error, 1);
}

int main(int argc, char **argv) {
    const char *root = NULL, *part = NULL, *pairing = NULL;
    const char *blocklist_root = NULL, *blocklist_file = NULL, *state_file = NULL;
    const char *challenge = NULL, *response = NULL;
    const char *chain[8];
    size_t chain_count = 0;
    uint64_t imeis[4];
    size_t imei_count = 0;
    uint64_t now = (uint64_t)time(NULL);
    int status = 2;
    bool json = false;
    partcert_result rc;
    partcert_error *error = NULL;
    partcert_trust_store *trust = partcert_trust_store_new();
    partcert_blocklist *blocklist = NULL;
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    file_bytes file = {NULL, 0};

    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        if (value == NULL) {
            usage(argv[0]);
            goto done;
        }
        if (strcmp(argv[i], "--root") == 0) root = value;
        else if (strcmp(argv[i], "--part") == 0) part = value;
        else if (strcmp(argv[i], "--pairing") == 0) pairing = value;
        else if (strcmp(argv[i], "--blocklist-root") == 0) blocklist_root = value;
        else if (strcmp(argv[i], "--blocklist") == 0) blocklist_file = value;
        else if (strcmp(argv[i], "--state") == 0) state_file = value;
        else if (strcmp(argv[i], "--challenge") == 0) challenge = value;
        else if (strcmp(argv[i], "--response") == 0) response = value;
        else if (strcmp(argv[i], "--now") == 0) now = strtoull(value, NULL, 10);
        else if (strcmp(argv[i], "--chain") == 0 && chain_count < 8) chain[chain_count++] = value;
        else if (strcmp(argv[i], "--imei") == 0 && imei_count < 4) {
            rc = partcert_imei_parse(value, strlen(value), &imeis[imei_count++], &error);
            if (rc != PARTCERT_RESULT_OK) {
                status = fail(value, rc, error, 2);
                goto done;
            }
        } else {
            usage(argv[0]);
            goto done;
        }
        i++;
    }
    if (root == NULL || part == NULL || (blocklist_file != NULL && blocklist_root == NULL) ||
        (state_file != NULL && blocklist_root == NULL) ||
        ((challenge == NULL) != (response == NULL))) {
        usage(argv[0]);
        goto done;
    }

    /* 1. Pin the roots this shop trusts; pool the factory lines' certificates. */
    if ((status = load(root, trust, add_trust_root)) != 0) goto done;
    if (blocklist_root != NULL && (status = load(blocklist_root, trust, add_blocklist_root)) != 0)
        goto done;
    for (size_t i = 0; i < chain_count; i++)
        if ((status = load(chain[i], trust, add_chain)) != 0) goto done;

    /* 2. Load the latest signed blocklist, refusing one older than any
     *    accepted before (the anti-rollback state, if kept, survives restarts
     *    and remembers which registers this shop follows). */
    status = 2;
    if (state_file != NULL && exists(state_file)) {
        if (read_file(state_file, &file) != 0) goto done;
        rc = partcert_blocklist_new_with_rollback_state(file.data, file.len, &blocklist, &error);
        free(file.data);
        if (rc != PARTCERT_RESULT_OK) {
            status = fail(state_file, rc, error, 2);
            goto done;
        }
    } else if (blocklist_file != NULL || state_file != NULL) {
        blocklist = partcert_blocklist_new();
    }
    if (blocklist_file != NULL) {
        partcert_list_version version;
        if (read_file(blocklist_file, &file) != 0) goto done;
        rc = partcert_blocklist_apply(blocklist, trust, file.data, file.len, now, &version,
                                      &error);
        free(file.data);
        if (rc != PARTCERT_RESULT_OK) {
            status = fail(blocklist_file, rc, error, 1);
            goto done;
        }
        if (!json)
            printf("blocklist:  epoch %" PRIu64 " sequence %" PRIu64 " accepted\n", version.epoch,
                   version.sequence);
    }
    if (state_file != NULL) {
        partcert_bytes *state = NULL;
        if ((rc = partcert_blocklist_rollback_state(blocklist, &state, &error)) != 0) {
            status = fail("saving the anti-rollback state", rc, error, 2);
            goto done;
        }
        rc = write_file(state_file, partcert_bytes_data(state), partcert_bytes_len(state));
        partcert_bytes_free(state);
        if (rc != 0) goto done;
    }

    /* 3. Gather the evidence about the part. */
    if (read_file(part, &file) != 0) goto done;
    rc = partcert_part_evidence_new(file.data, file.len, &evidence, &error);
    free(file.data);
    if (rc != PARTCERT_RESULT_OK) {
        status = fail(part, rc, error, 1);
        goto done;
    }
    for (size_t i = 0; i < imei_count; i++)
        partcert_part_evidence_add_presented_imei(evidence, imeis[i], NULL); /* parsed above */
    if (pairing != NULL && (status = load(pairing, evidence, set_pairing)) != 0) goto done;
    status = 2;
    if (challenge != NULL) {
        uint8_t nonce[PARTCERT_NONCE_LEN];
        if (read_file(challenge, &file) != 0) goto done;
        rc = parse_nonce(&file, nonce);
        free(file.data);
        if (rc != 0) {
            fprintf(stderr, "%s: expected a nonce of 64 hex digits\n", challenge);
            goto done;
        }
        if (read_file(response, &file) != 0) goto done;
        rc = partcert_part_evidence_set_challenge(evidence, nonce, file.data, file.len, &error);
        free(file.data);
        if (rc != PARTCERT_RESULT_OK) {
            status = fail(response, rc, error, 1);
            goto done;
        }
    }

    /* 4. Verify. An error means the part cannot be trusted (the error says
     *    why); a verdict reports what the evidence shows, blocked or not. */
    rc = partcert_verify_part(trust, blocklist, NULL, 0, evidence, now, &verdict, &error);
    if (rc != PARTCERT_RESULT_OK) {
        status = fail("verifying the part", rc, error, 1);
        goto done;
    }
    if (json) printf("%s\n", partcert_verdict_json(verdict).data);
    else print_verdict(verdict);
    status = partcert_verdict_is_blocked(verdict) ? 3 : partcert_verdict_is_stale(verdict) ? 4 : 0;

done:
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
    partcert_trust_store_free(trust);
    return status;
}
