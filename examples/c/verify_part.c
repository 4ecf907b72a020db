/* verify_part: check a phone part before fitting it.
 *
 * A starting point for a repair tool written in C. It pins a manufacturer
 * root and a blocklist root, loads a signed blocklist, and verifies a
 * part's certificate (with its issuer's certificate, and optionally the
 * pairing record of the handset it came from), then prints the verdict a
 * technician reads (or, with --json, the JSON every partcert front shares).
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
 * --json prints the verdict in the JSON shape every partcert front shares
 * instead of the text a technician reads.
 *
 * Exit status: 0 genuine and not blocked on current blocklists; 3 genuine
 * but BLOCKED (stolen, lost or fraud: do not fit it); 4 genuine and not
 * found blocked, but a blocklist is stale (expired, missing, signed by a
 * revoked key, or outdated): check again once it is updated; 1 the
 * evidence cannot be trusted or read (counterfeit, tampered, expired …);
 * 2 usage or file errors.
 *
 * Build (after `cargo build --release -p partcert-ffi`, or with the
 * installed pkg-config file):
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

/* Prints why a call failed, e.g. "loading the blocklist: error 400
 * (Rollback): blocklist rollback refused". */
static void report(const char *what, partcert_result rc) {
    char name[64], message[256];
    size_t len;
    if (partcert_result_name(rc, name, sizeof name, &len) != PARTCERT_RESULT_OK) name[0] = '\0';
    if (partcert_result_message(rc, message, sizeof message, &len) != PARTCERT_RESULT_OK)
        message[0] = '\0';
    fprintf(stderr, "%s: error %u (%s): %s\n", what, (unsigned)rc, name, message);
}

/* Reads a verdict string of any length: ask for the length, then allocate. */
static char *verdict_string(partcert_result (*field)(const partcert_verdict *, char *, size_t,
                                                     size_t *),
                            const partcert_verdict *verdict) {
    size_t len = 0;
    char *text;
    partcert_result rc = field(verdict, NULL, 0, &len);
    if (rc != PARTCERT_RESULT_BUFFER_TOO_SMALL && rc != PARTCERT_RESULT_OK) return NULL;
    text = malloc(len + 1);
    if (text == NULL) return NULL;
    if (field(verdict, text, len + 1, &len) != PARTCERT_RESULT_OK) {
        free(text);
        return NULL;
    }
    return text;
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

/* Reads a nonce written as 64 hex digits (surrounding whitespace allowed). */
static int parse_nonce(const file_bytes *text, uint8_t nonce[PARTCERT_NONCE_LEN]) {
    size_t digits = 0;
    for (size_t i = 0; i < text->len; i++) {
        int c = text->data[i], value;
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

static void print_key_id(const uint8_t id[PARTCERT_DIGEST_LEN]) {
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

/* What a technician reads: the one-line summary, then the details. */
static void print_verdict(const partcert_verdict *verdict) {
    char *summary = verdict_string(partcert_verdict_summary, verdict);
    char *kind = verdict_string(partcert_verdict_part_kind_name, verdict);
    char *manufacturer = verdict_string(partcert_verdict_manufacturer, verdict);
    char *model = verdict_string(partcert_verdict_model, verdict);
    char *serial = verdict_string(partcert_verdict_serial, verdict);
    char *issuer = verdict_string(partcert_verdict_issuer_name, verdict);
    char *root = verdict_string(partcert_verdict_root_name, verdict);
    uint8_t id[PARTCERT_DIGEST_LEN];
    partcert_provenance provenance;
    bool paired = false;
    const partcert_blocklist_status *status = NULL;
    size_t count = 0;

    printf("verdict:    %s\n", summary ? summary : "?");
    printf("part:       %s, %s %s, serial %s\n", kind ? kind : "?",
           manufacturer ? manufacturer : "?", model ? model : "?", serial ? serial : "?");
    printf("issuer:     \"%s\" (key ", issuer ? issuer : "?");
    if (partcert_verdict_issuer_key_id(verdict, id) == PARTCERT_RESULT_OK) print_key_id(id);
    printf(") under root \"%s\" (key ", root ? root : "?");
    if (partcert_verdict_root_key_id(verdict, id) == PARTCERT_RESULT_OK) print_key_id(id);
    printf(")\n");
    if (partcert_verdict_provenance(verdict, &paired, &provenance) == PARTCERT_RESULT_OK &&
        paired) {
        uint64_t imei = 0;
        printf("paired to:  handset");
        for (size_t i = 0; i < provenance.handset_imei_count; i++) {
            if (partcert_verdict_provenance_imei(verdict, i, &imei) == PARTCERT_RESULT_OK)
                printf(" %015" PRIu64, imei);
        }
            printf(" (pairing #%" PRIu64 ", %s%s)\n", provenance.pairing_sequence,
               provenance.event == PARTCERT_PAIRING_EVENT_REPAIR ? "repair" : "factory build",
               provenance.certificate_renewed ? "; certificate renewed since" : "");
    }
    {
        bool revoked = false;
        uint64_t since = 0;
        if (partcert_verdict_issuer_revoked_since(verdict, &revoked, &since) ==
                PARTCERT_RESULT_OK &&
            revoked)
            printf("note:       the line's key was revoked from %" PRIu64
                   "; the pairing record places this part before that\n",
                   since);
    }
    if (partcert_verdict_mismatched_imei_count(verdict, &count) == PARTCERT_RESULT_OK) {
        for (size_t i = 0; i < count; i++) {
            uint64_t imei = 0;
            if (partcert_verdict_mismatched_imei(verdict, i, &imei) == PARTCERT_RESULT_OK)
                printf("modem IMEI: %015" PRIu64 " is not signed into this board\n", imei);
        }
    }
    if (partcert_verdict_blocklist(verdict, &status) == PARTCERT_RESULT_OK &&
        partcert_blocklist_status_list_count(status, &count) == PARTCERT_RESULT_OK) {
        /* Every list the shop follows, and whether it is current. */
        for (size_t i = 0; i < count; i++) {
            partcert_list_checked list;
            char authority[256], other[256];
            size_t len = 0;
            if (partcert_blocklist_status_list(status, i, &list) != PARTCERT_RESULT_OK ||
                partcert_blocklist_status_list_authority_name(status, i, authority,
                                                              sizeof authority, &len) !=
                    PARTCERT_RESULT_OK)
                continue;
            printf("list:       \"%s\" epoch %" PRIu64 " sequence %" PRIu64 ": %s",
                   authority, list.epoch, list.sequence,
                   list.stale ? "STALE, " : "");
            if (list.stale_reason == PARTCERT_STALE_REASON_OUTDATED_BY &&
                partcert_blocklist_status_list_outdated_by_name(status, i, other, sizeof other,
                                                                &len) == PARTCERT_RESULT_OK)
                printf("outdated by \"%s\" (a list issued at %" PRIu64
                       "): this clock may be behind\n",
                       other, list.outdated_by_issued_at);
            else
                printf("%s (valid until %" PRIu64 ")\n", stale_reason_name(list.stale_reason),
                       list.expires_at);
        }
    }
    if (status != NULL &&
        partcert_blocklist_status_listing_count(status, &count) == PARTCERT_RESULT_OK) {
        for (size_t i = 0; i < count; i++) {
            partcert_listing listing;
            char authority[256];
            size_t len = 0;
            if (partcert_blocklist_status_listing(status, i, &listing) != PARTCERT_RESULT_OK ||
                partcert_blocklist_status_listing_authority_name(status, i, authority,
                                                                 sizeof authority, &len) !=
                    PARTCERT_RESULT_OK)
                continue;
            printf("listed:     %s by \"%s\" at %" PRIu64 "%s, ", reason_name(listing.reason),
                   authority, listing.listed_at,
                   listing.status == PARTCERT_LISTING_STATUS_SUSPENDED ? " (suspended)" : "");
            if (listing.matched_kind == PARTCERT_BLOCK_KEY_KIND_IMEI)
                printf("handset %015" PRIu64 "\n", listing.matched_imei);
            else if (listing.has_handset)
                printf("the part itself (from handset %015" PRIu64 ")\n", listing.handset_imei);
            else
                printf("the part itself\n");
        }
    }
    free(summary);
    free(kind);
    free(manufacturer);
    free(model);
    free(serial);
    free(issuer);
    free(root);
}

static void usage(const char *program) {
    fprintf(stderr,
            "usage: %s --root FILE --part FILE [--chain FILE]... [--pairing FILE]\n"
            "          [--blocklist-root FILE [--blocklist FILE] [--state FILE]]\n"
            "          [--imei IMEI]... [--challenge FILE --response FILE]\n"
            "          [--now SECONDS] [--json]\n",
            program);
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
    partcert_trust_store *trust = NULL;
    partcert_blocklist *blocklist = NULL;
    partcert_part_evidence *evidence = NULL;
    partcert_verdict *verdict = NULL;
    file_bytes file = {NULL, 0};
    uint8_t key_id[PARTCERT_DIGEST_LEN];

    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        if (value == NULL) {
            usage(argv[0]);
            return 2;
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
            rc = partcert_imei_parse(value, strlen(value), &imeis[imei_count]);
            if (rc != PARTCERT_RESULT_OK) {
                report(value, rc);
                return 2;
            }
            imei_count++;
        } else {
            usage(argv[0]);
            return 2;
        }
        i++;
    }
    if (root == NULL || part == NULL || (blocklist_file != NULL && blocklist_root == NULL) ||
        (state_file != NULL && blocklist_root == NULL) ||
        ((challenge == NULL) != (response == NULL))) {
        usage(argv[0]);
        return 2;
    }

    /* 1. Pin the roots this shop trusts. */
    if ((rc = partcert_trust_store_new(&trust)) != PARTCERT_RESULT_OK) {
        report("creating the trust store", rc);
        goto done;
    }
    if (read_file(root, &file) != 0) goto done;
    rc = partcert_trust_store_add_manufacturer_root(trust, file.data, file.len, key_id);
    free(file.data);
    if (rc != PARTCERT_RESULT_OK) {
        report(root, rc);
        goto done;
    }
    if (blocklist_root != NULL) {
        if (read_file(blocklist_root, &file) != 0) goto done;
        rc = partcert_trust_store_add_blocklist_root(trust, file.data, file.len, key_id);
        free(file.data);
        if (rc != PARTCERT_RESULT_OK) {
            report(blocklist_root, rc);
            goto done;
        }
    }

    /* 2. Load the latest signed blocklist, refusing one older than any
     *    accepted before (the anti-rollback state, if kept, survives restarts
     *    and remembers which registers this shop follows). */
    if (blocklist_file != NULL || state_file != NULL) {
        partcert_list_version version = {0, 0};
        FILE *existing = state_file != NULL ? fopen(state_file, "rb") : NULL;
        if (existing != NULL) {
            fclose(existing);
            if (read_file(state_file, &file) != 0) goto done;
            rc = partcert_blocklist_new_with_rollback_state(file.data, file.len, &blocklist);
            free(file.data);
        } else {
            rc = partcert_blocklist_new(&blocklist);
        }
        if (rc != PARTCERT_RESULT_OK) {
            report(state_file != NULL ? state_file : "creating the blocklist", rc);
            goto done;
        }
        if (blocklist_file != NULL) {
            if (read_file(blocklist_file, &file) != 0) goto done;
            rc = partcert_blocklist_apply_snapshot(blocklist, trust, file.data, file.len, now,
                                                   &version);
            free(file.data);
            if (rc != PARTCERT_RESULT_OK) {
                report(blocklist_file, rc);
                status = 1;
                goto done;
            }
            if (!json)
                printf("blocklist:  epoch %" PRIu64 " sequence %" PRIu64 " accepted\n",
                       version.epoch, version.sequence);
        }
        if (state_file != NULL) {
            uint8_t state[PARTCERT_MAX_ROLLBACK_STATE_LEN];
            size_t state_len = 0;
            rc = partcert_blocklist_rollback_state(blocklist, state, sizeof state, &state_len);
            if (rc != PARTCERT_RESULT_OK) {
                report("saving the anti-rollback state", rc);
                goto done;
            }
            if (write_file(state_file, state, state_len) != 0) goto done;
        }
    }

    /* 3. Gather the evidence about the part. */
    if (read_file(part, &file) != 0) goto done;
    rc = partcert_part_evidence_new(file.data, file.len, &evidence);
    free(file.data);
    if (rc != PARTCERT_RESULT_OK) {
        report(part, rc);
        status = 1;
        goto done;
    }
    for (size_t i = 0; i < chain_count; i++) {
        if (read_file(chain[i], &file) != 0) goto done;
        rc = partcert_part_evidence_add_chain_certificate(evidence, file.data, file.len);
        free(file.data);
        if (rc != PARTCERT_RESULT_OK) {
            report(chain[i], rc);
            status = 1;
            goto done;
        }
    }
    for (size_t i = 0; i < imei_count; i++) {
        rc = partcert_part_evidence_add_presented_imei(evidence, imeis[i]);
        if (rc != PARTCERT_RESULT_OK) {
            report("--imei", rc);
            goto done;
        }
    }
    if (pairing != NULL) {
        if (read_file(pairing, &file) != 0) goto done;
        rc = partcert_part_evidence_set_pairing_record(evidence, file.data, file.len);
        free(file.data);
        if (rc != PARTCERT_RESULT_OK) {
            report(pairing, rc);
            status = 1;
            goto done;
        }
    }

    if (challenge != NULL) {
        uint8_t nonce[PARTCERT_NONCE_LEN];
        if (read_file(challenge, &file) != 0) goto done;
        if (parse_nonce(&file, nonce) != 0) {
            fprintf(stderr, "%s: expected a nonce of 64 hex digits\n", challenge);
            free(file.data);
            goto done;
        }
        free(file.data);
        if (read_file(response, &file) != 0) goto done;
        rc = partcert_part_evidence_set_challenge(evidence, nonce, file.data, file.len);
        free(file.data);
        if (rc != PARTCERT_RESULT_OK) {
            report(response, rc);
            status = 1;
            goto done;
        }
    }

    /* 4. Verify. An error means the part cannot be trusted; a verdict
     *    reports what the evidence shows, blocked or not. */
    rc = partcert_verify_part(trust, blocklist, NULL, 0, evidence, now, &verdict);
    if (rc != PARTCERT_RESULT_OK) {
        report("verifying the part", rc);
        status = 1;
        goto done;
    }
    if (json) {
        char *text = verdict_string(partcert_verdict_json, verdict);
        printf("%s\n", text != NULL ? text : "null");
        free(text);
    } else {
        print_verdict(verdict);
    }
    {
        bool blocked = false, stale = false;
        if (partcert_verdict_is_blocked(verdict, &blocked) != PARTCERT_RESULT_OK ||
            partcert_verdict_is_stale(verdict, &stale) != PARTCERT_RESULT_OK) {
            status = 1;
            goto done;
        }
        status = blocked ? 3 : stale ? 4 : 0;
    }

done:
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
    partcert_trust_store_free(trust);
    return status;
}
