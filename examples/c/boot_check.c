/* boot_check: the self-check an OS vendor runs at boot.
 *
 * Pins the maker's root and a blocklist root, pools the factory line's
 * certificate, loads the latest signed blocklist (any format: one call
 * applies a sorted or a compact snapshot alike), and checks every part
 * found fitted against the handset's own pairing record and the IMEI its
 * modem reports. Prints each part's verdict (or, for a part that cannot be
 * trusted, why), and whether the handset is all original and clean.
 *
 *   boot_check ROOT REGISTER_ROOT LINE_CERT BLOCKLIST RECORD MODEM_IMEI NOW PART...
 *
 * Exit status: 0 all original and clean; 1 not (a part replaced, missing,
 * refused or blocked, or a list stale); 2 usage, file or setup errors.
 *
 * Build: cc boot_check.c $(pkg-config --cflags --libs partcert) -o boot_check
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partcert.h"

typedef struct file_bytes {
    uint8_t *data;
    size_t len;
} file_bytes;

static int read_file(const char *path, file_bytes *out) {
    FILE *file = fopen(path, "rb");
    long size;
    out->data = NULL;
    if (file == NULL || fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 ||
        fseek(file, 0, SEEK_SET) != 0) {
        perror(path);
        if (file != NULL) fclose(file);
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

/* BEGIN BOOT CHECK */
int main(int argc, char **argv) {
    enum { ROOT = 1, REGISTER, LINE, LIST, RECORD, IMEI, NOW, PARTS };
    file_bytes file[PARTS] = {{NULL, 0}};
    partcert_trust_store *trust = partcert_trust_store_new();
    partcert_blocklist *blocklist = partcert_blocklist_new();
    partcert_handset_evidence *handset = NULL;
    partcert_handset_report *report = NULL;
    partcert_error *error = NULL;
    uint64_t imei = 0, now = argc > NOW ? strtoull(argv[NOW], NULL, 10) : 0;
    int status = 2;

    if (argc <= PARTS) {
        fprintf(stderr, "usage: %s ROOT REGISTER LINE BLOCKLIST RECORD IMEI NOW PART...\n", argv[0]);
        goto done;
    }
    for (int i = ROOT; i < PARTS; i++)
        if (i != IMEI && i != NOW && read_file(argv[i], &file[i]) != 0) goto done;
    /* Every call stops at the first failure, which `error` explains. */
    if (partcert_trust_store_add_manufacturer_root(trust, file[ROOT].data, file[ROOT].len, NULL,
                                                   &error) ||
        partcert_trust_store_add_blocklist_root(trust, file[REGISTER].data, file[REGISTER].len,
                                                NULL, &error) ||
        partcert_trust_store_add_chain_certificate(trust, file[LINE].data, file[LINE].len,
                                                   &error) ||
        partcert_blocklist_apply(blocklist, trust, file[LIST].data, file[LIST].len, now, NULL,
                                 &error) ||
        partcert_imei_parse(argv[IMEI], strlen(argv[IMEI]), &imei, &error) ||
        partcert_handset_evidence_new(file[RECORD].data, file[RECORD].len, &handset, &error) ||
        partcert_handset_evidence_add_modem_imei(handset, imei, &error))
        goto done;
    for (int i = PARTS; i < argc; i++) {
        file_bytes part;
        partcert_result rc;
        if (read_file(argv[i], &part) != 0) goto done;
        rc = partcert_handset_evidence_add_part_certificate(handset, part.data, part.len, &error);
        free(part.data);
        if (rc != PARTCERT_RESULT_OK) goto done;
    }
    if (partcert_verify_handset(trust, blocklist, handset, now, &report, &error)) {
        status = 1; /* the record itself cannot be trusted, or is not this handset's */
        goto done;
    }
    for (size_t i = 0; i < partcert_handset_report_part_count(report); i++) {
        const partcert_fitted_part *part = partcert_handset_report_part(report, i);
        if (part->verdict != NULL)
            printf("part %zu: %s%s\n", i, partcert_verdict_summary(part->verdict).data,
                   part->listed_in_record ? "" : " (replaced: not in this handset's record)");
        else
            printf("part %zu: refused: %s\n", i, partcert_error_message(part->error).data);
    }
    status = partcert_handset_report_all_original_and_clean(report) ? 0 : 1;
    printf("%s\n", status == 0 ? "all original and clean" : "NOT all original and clean");
done:
    if (error != NULL) fprintf(stderr, "boot check: %s\n", partcert_error_message(error).data);
    partcert_error_free(error);
    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_blocklist_free(blocklist);
    partcert_trust_store_free(trust);
    for (int i = 0; i < PARTS; i++) free(file[i].data);
    return status;
}
/* END BOOT CHECK */
