/* Every error path of the C ABI, and the detail each failure hands back
 * through `partcert_error **`: NULL arguments (500, naming the argument),
 * truncated and trailing bytes (100, 101), wrong magic and object types
 * (102, 105), corrupt saved state (112), bad signatures (200, 202),
 * invalid UTF-8 (502, with the offset), out-of-range arguments (503),
 * shared objects that can no longer change (505, not 503), invalid IMEIs (107),
 * invalid fields (111), role, kind and key misuse (302, 303, 204, 205),
 * and blocklist state errors (400, 402, 404, 405, 406). Out-parameters
 * must be untouched by every failing call; reads of NULL give empty
 * values. */
#include "world.h"

static world w;

#define NUL PARTCERT_RESULT_NULL_ARGUMENT
#define ARG PARTCERT_RESULT_INVALID_ARGUMENT
#define SHARED PARTCERT_RESULT_SHARED_OBJECT

/* A copy of some bytes, optionally altered. */
typedef struct buffer {
    uint8_t data[1 << 16];
    size_t len;
} buffer;

static buffer *copy_raw(const uint8_t *data, size_t len) {
    static buffer copies[4];
    static int next;
    buffer *copy = &copies[next++ % 4];
    copy->len = len;
    memcpy(copy->data, data, len);
    return copy;
}

static buffer *copy_of(const partcert_bytes *bytes) { return copy_raw(bdata(bytes), blen(bytes)); }

/* A verdict, a handset report, a blocklist and evidence to poke at. */
static partcert_verdict *verdict;
static partcert_handset_report *report;
static partcert_blocklist *blocklist;
static partcert_part_evidence *evidence;
static partcert_handset_evidence *handset;

/* Every fallible function, given NULL for a required pointer: 500, an
 * error naming the argument, and no out-parameter written. */
static void null_arguments_name_the_argument(void) {
    partcert_trust_store *trust_copy = partcert_trust_store_clone(w.trust);
    partcert_blocklist *list = (partcert_blocklist *)&w; /* sentinels */
    partcert_part_evidence *part = (partcert_part_evidence *)&w;
    partcert_handset_evidence *hand = (partcert_handset_evidence *)&w;
    partcert_verdict *v = (partcert_verdict *)&w;
    partcert_handset_report *r = (partcert_handset_report *)&w;
    partcert_authority *a = (partcert_authority *)&w;
    partcert_bytes *out = (partcert_bytes *)&w;
    partcert_part_spec *spec = (partcert_part_spec *)&w;
    partcert_blocklist_holder *bh = (partcert_blocklist_holder *)&w;
    partcert_trust_store_holder *th = (partcert_trust_store_holder *)&w;
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_blocklist *fresh = partcert_blocklist_new();
    partcert_object_type type = 77;
    uint8_t id[32], seed[32] = {1}, nonce[32] = {0}, key[32];
    uint64_t sequence = 42, imei = 42;
    partcert_list_version version = {42, 42};
    bool followed = true; /* a write would say false: nothing here is followed */
    const uint64_t host = IMEI_D, since = 0;
    const uint16_t kinds[] = {PARTCERT_PART_KIND_SCREEN};
    partcert_str makers[] = {str_of("Acme")};
    const uint8_t *cert = bdata(w.screen_d);
    size_t cert_len = blen(w.screen_d);
    key_of(9, key);

    /* Trust stores and their holders. */
    CHECK_NULL(partcert_trust_store_add_manufacturer_root(NULL, w.root_cert.data,
                                                          w.root_cert.len, id, E), "trust");
    CHECK_NULL(partcert_trust_store_add_manufacturer_root(trust_copy, NULL, 5, id, E), "data");
    CHECK_NULL(partcert_trust_store_add_blocklist_root(NULL, w.register_cert.data,
                                                       w.register_cert.len, id, E), "trust");
    CHECK_NULL(partcert_trust_store_add_blocklist_root(trust_copy, NULL, 1, id, E), "data");
    CHECK_NULL(partcert_trust_store_add_chain_certificate(NULL, bdata(w.line_cert),
                                                          blen(w.line_cert), E), "trust");
    CHECK_NULL(partcert_trust_store_add_chain_certificate(trust_copy, NULL, 1, E), "data");
    CHECK_NULL(partcert_trust_store_apply_revocation_list(NULL, cert, cert_len, &sequence, E),
               "trust");
    CHECK_NULL(partcert_trust_store_apply_revocation_list(trust_copy, NULL, 3, &sequence, E),
               "data");
    CHECK_NULL(partcert_trust_store_apply_revocation_list_at(NULL, cert, cert_len, NOW,
                                                             &sequence, E),
               "trust");
    CHECK_NULL(partcert_trust_store_apply_revocation_list_at(trust_copy, NULL, 3, NOW,
                                                             &sequence, E),
               "data");
    CHECK_NULL(partcert_trust_store_holder_new(NULL, &th, E), "trust");
    CHECK_NULL(partcert_trust_store_holder_new(w.trust, NULL, E), "holder_out");
    CHECK_NULL(partcert_trust_store_holder_publish(NULL, w.trust, E), "holder");
    {
        partcert_trust_store_holder *holder = NULL;
        OK(partcert_trust_store_holder_new(w.trust, &holder, E));
        CHECK_NULL(partcert_trust_store_holder_publish(holder, NULL, E), "trust");
        partcert_trust_store_holder_free(holder);
    }

    /* Blocklists and their holders. */
    CHECK_NULL(partcert_blocklist_new_with_rollback_state(NULL, 4, &list, E), "data");
    CHECK_NULL(partcert_blocklist_new_with_rollback_state((const uint8_t *)"PCRB", 4, NULL, E),
               "blocklist_out");
    CHECK_NULL(partcert_blocklist_new_from_saved_state(NULL, (const uint8_t *)"x", 1, &list, E),
               "trust");
    CHECK_NULL(partcert_blocklist_new_from_saved_state(w.trust, NULL, 1, &list, E), "data");
    CHECK_NULL(partcert_blocklist_new_from_saved_state(w.trust, (const uint8_t *)"x", 1, NULL,
                                                       E),
               "blocklist_out");
    CHECK_NULL(partcert_blocklist_load_state(NULL, (const uint8_t *)"x", 1, &list, &out, E),
               "trust");
    CHECK_NULL(partcert_blocklist_load_state(w.trust, NULL, 1, &list, &out, E), "data");
    CHECK_NULL(partcert_blocklist_load_state(w.trust, (const uint8_t *)"x", 1, NULL, &out, E),
               "blocklist_out");
    CHECK_NULL(partcert_blocklist_unfollow(NULL, id, &followed, E), "blocklist");
    CHECK_NULL(partcert_blocklist_unfollow(fresh, NULL, &followed, E), "authority_key_id");
    CHECK_NULL(partcert_blocklist_unfollow_unpinned(NULL, w.trust, &out, E), "blocklist");
    CHECK_NULL(partcert_blocklist_unfollow_unpinned(fresh, NULL, &out, E), "trust");
    CHECK_NULL(partcert_blocklist_holder_unfollow(NULL, id, &followed, E), "holder");
    CHECK_NULL(partcert_blocklist_holder_unfollow_unpinned(NULL, w.trust, &out, E), "holder");
    CHECK_NULL(partcert_blocklist_save_state(NULL, &out, E), "blocklist");
    CHECK_NULL(partcert_blocklist_save_state(blocklist, NULL, E), "state_out");
    CHECK_NULL(partcert_blocklist_rollback_state(NULL, &out, E), "blocklist");
    CHECK_NULL(partcert_blocklist_rollback_state(blocklist, NULL, E), "state_out");
    CHECK_NULL(partcert_blocklist_apply_snapshot(NULL, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                                 &version, E), "blocklist");
    CHECK_NULL(partcert_blocklist_apply_snapshot(fresh, NULL, bdata(w.s2), blen(w.s2), NOW,
                                                 &version, E), "trust");
    CHECK_NULL(partcert_blocklist_apply_snapshot(fresh, w.trust, NULL, blen(w.s2), NOW,
                                                 &version, E), "data");
    CHECK_NULL(partcert_blocklist_apply_delta(NULL, w.trust, bdata(w.delta12), blen(w.delta12),
                                              NOW, &version, E), "blocklist");
    CHECK_NULL(partcert_blocklist_apply_delta(fresh, NULL, bdata(w.delta12), blen(w.delta12),
                                              NOW, &version, E), "trust");
    CHECK_NULL(partcert_blocklist_apply_delta(fresh, w.trust, NULL, 9, NOW, &version, E),
               "data");
    CHECK_NULL(partcert_blocklist_apply(NULL, w.trust, bdata(w.s2), blen(w.s2), NOW, &version,
                                        E), "blocklist");
    CHECK_NULL(partcert_blocklist_apply(fresh, NULL, bdata(w.s2), blen(w.s2), NOW, &version, E),
               "trust");
    CHECK_NULL(partcert_blocklist_apply(fresh, w.trust, NULL, 9, NOW, &version, E), "data");
    CHECK_NULL(partcert_blocklist_holder_new(NULL, &bh, E), "blocklist");
    CHECK_NULL(partcert_blocklist_holder_new(blocklist, NULL, E), "holder_out");
    CHECK_NULL(partcert_blocklist_holder_publish(NULL, blocklist, E), "holder");
    CHECK_NULL(partcert_blocklist_holder_apply_snapshot(NULL, w.trust, bdata(w.s2), blen(w.s2),
                                                        NOW, &version, E), "holder");
    CHECK_NULL(partcert_blocklist_holder_apply_delta(NULL, w.trust, bdata(w.delta12),
                                                     blen(w.delta12), NOW, &version, E),
               "holder");
    CHECK_NULL(partcert_blocklist_holder_apply(NULL, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                               &version, E),
               "holder");
    {
        partcert_blocklist_holder *holder = NULL;
        OK(partcert_blocklist_holder_new(fresh, &holder, E));
        CHECK_NULL(partcert_blocklist_holder_publish(holder, NULL, E), "blocklist");
        CHECK_NULL(partcert_blocklist_holder_apply_snapshot(holder, NULL, bdata(w.s2),
                                                            blen(w.s2), NOW, &version, E),
                   "trust");
        CHECK_NULL(partcert_blocklist_holder_apply_delta(holder, w.trust, NULL, 3, NOW,
                                                         &version, E),
                   "data");
        CHECK_NULL(partcert_blocklist_holder_apply(holder, NULL, bdata(w.s2), blen(w.s2), NOW,
                                                   &version, E),
                   "trust");
        CHECK_NULL(partcert_blocklist_holder_apply(holder, w.trust, NULL, 3, NOW, &version, E),
                   "data");
        CHECK_NULL(partcert_blocklist_holder_unfollow(holder, NULL, &followed, E),
                   "authority_key_id");
        CHECK_NULL(partcert_blocklist_holder_unfollow_unpinned(holder, NULL, &out, E), "trust");
        CHECK(partcert_blocklist_list_count(fresh) == 0);
        partcert_blocklist_holder_free(holder);
    }
    CHECK(sequence == 42 && version.epoch == 42 && version.sequence == 42);
    CHECK(followed);

    /* Evidence. */
    CHECK_NULL(partcert_part_evidence_new(NULL, 4, &part, E), "certificate");
    CHECK_NULL(partcert_part_evidence_new(cert, cert_len, NULL, E), "evidence_out");
    CHECK_NULL(partcert_part_evidence_add_chain_certificate(NULL, cert, cert_len, E),
               "evidence");
    CHECK_NULL(partcert_part_evidence_add_chain_certificate(evidence, NULL, 1, E),
               "certificate");
    CHECK_NULL(partcert_part_evidence_set_pairing_record(NULL, bdata(w.record_d),
                                                         blen(w.record_d), E), "evidence");
    CHECK_NULL(partcert_part_evidence_set_pairing_record(evidence, NULL, 1, E), "record");
    CHECK_NULL(partcert_part_evidence_set_challenge(NULL, nonce, cert, cert_len, E), "evidence");
    CHECK_NULL(partcert_part_evidence_set_challenge(evidence, NULL, cert, cert_len, E), "nonce");
    CHECK_NULL(partcert_part_evidence_set_challenge(evidence, nonce, NULL, 1, E), "response");
    CHECK_NULL(partcert_part_evidence_add_presented_imei(NULL, IMEI_A, E), "evidence");
    CHECK_NULL(partcert_handset_evidence_new(NULL, 1, &hand, E), "record");
    CHECK_NULL(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), NULL, E),
               "evidence_out");
    CHECK_NULL(partcert_handset_evidence_add_modem_imei(NULL, IMEI_D, E), "evidence");
    CHECK_NULL(partcert_handset_evidence_add_part(NULL, evidence, E), "evidence");
    CHECK_NULL(partcert_handset_evidence_add_part(handset, NULL, E), "part");
    CHECK_NULL(partcert_handset_evidence_add_part_certificate(NULL, cert, cert_len, E),
               "evidence");
    CHECK_NULL(partcert_handset_evidence_add_part_certificate(handset, NULL, 2, E),
               "certificate");

    /* Verifying. */
    CHECK_NULL(partcert_verify_part(NULL, blocklist, NULL, 0, evidence, NOW, &v, E), "trust");
    CHECK_NULL(partcert_verify_part(w.trust, blocklist, NULL, 1, evidence, NOW, &v, E),
               "host_imeis");
    CHECK_NULL(partcert_verify_part(w.trust, blocklist, &host, 1, NULL, NOW, &v, E),
               "evidence");
    CHECK_NULL(partcert_verify_part(w.trust, blocklist, &host, 1, evidence, NOW, NULL, E),
               "verdict_out");
    CHECK_NULL(partcert_verify_handset(NULL, blocklist, handset, NOW, &r, E), "trust");
    CHECK_NULL(partcert_verify_handset(w.trust, blocklist, NULL, NOW, &r, E), "evidence");
    CHECK_NULL(partcert_verify_handset(w.trust, blocklist, handset, NOW, NULL, E), "report_out");

    /* Issuing. */
    CHECK_NULL(partcert_authority_new_manufacturer_root(NULL, "R", 1, makers, 1, T0, YEARS(1),
                                                        &a, E), "seed");
    CHECK_NULL(partcert_authority_new_manufacturer_root(seed, NULL, 1, makers, 1, T0, YEARS(1),
                                                        &a, E), "name");
    CHECK_NULL(partcert_authority_new_manufacturer_root(seed, "R", 1, NULL, 1, T0, YEARS(1),
                                                        &a, E), "manufacturers");
    CHECK_NULL(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1),
                                                        NULL, E), "authority_out");
    CHECK_NULL(partcert_authority_new_blocklist_root(NULL, "R", 1, T0, YEARS(1), &a, E),
               "seed");
    CHECK_NULL(partcert_authority_new_blocklist_root(seed, NULL, 1, T0, YEARS(1), &a, E),
               "name");
    CHECK_NULL(partcert_authority_new_blocklist_root(seed, "R", 1, T0, YEARS(1), NULL, E),
               "authority_out");
    CHECK_NULL(partcert_authority_new(NULL, bdata(w.line_cert), blen(w.line_cert), &a, E),
               "seed");
    CHECK_NULL(partcert_authority_new(seed, NULL, 1, &a, E), "certificate");
    CHECK_NULL(partcert_authority_new(seed, bdata(w.line_cert), blen(w.line_cert), NULL, E),
               "authority_out");
    CHECK_NULL(partcert_authority_certify_part_issuer(NULL, "L", 1, key, kinds, 1, makers, 1, 9,
                                                      T0, YEARS(1), &out, E), "authority");
    CHECK_NULL(partcert_authority_certify_part_issuer(w.root, "L", 1, NULL, kinds, 1, makers, 1,
                                                      9, T0, YEARS(1), &out, E), "subject_key");
    CHECK_NULL(partcert_authority_certify_part_issuer(w.root, "L", 1, key, NULL, 1, makers, 1,
                                                      9, T0, YEARS(1), &out, E),
               "permitted_kinds");
    CHECK_NULL(partcert_authority_certify_part_issuer(w.root, "L", 1, key, kinds, 1, makers, 1,
                                                      9, T0, YEARS(1), NULL, E),
               "certificate_out");
    CHECK_NULL(partcert_authority_certify_pairing_service(NULL, "P", 1, key, 9, T0, YEARS(1),
                                                          &out, E), "authority");
    CHECK_NULL(partcert_authority_certify_pairing_service(w.root, "P", 1, NULL, 9, T0,
                                                          YEARS(1), &out, E), "subject_key");
    CHECK_NULL(partcert_authority_certify_blocklist_authority(NULL, "B", 1, key, 1, 9, T0,
                                                              YEARS(1), &out, E), "authority");
    CHECK_NULL(partcert_authority_certify_blocklist_authority(w.register_root, "B", 1, key, 1,
                                                              9, T0, YEARS(1), NULL, E),
               "certificate_out");
    CHECK_NULL(partcert_part_spec_new(1, NULL, 1, "M", 1, "S", 1, &spec, E), "manufacturer");
    CHECK_NULL(partcert_part_spec_new(1, "Acme", 4, "M", 1, NULL, 1, &spec, E), "serial");
    CHECK_NULL(partcert_part_spec_new(1, "Acme", 4, "M", 1, "S", 1, NULL, E), "spec_out");
    CHECK_NULL(partcert_part_spec_add_imei(NULL, IMEI_A, E), "spec");
    CHECK_NULL(partcert_part_spec_set_public_key(NULL, key, E), "spec");
    {
        partcert_part_spec *real = NULL;
        OK(partcert_part_spec_new(PARTCERT_PART_KIND_SCREEN, "Acme", 4, "A1", 2, "S-1", 3, &real,
                                  E));
        CHECK_NULL(partcert_part_spec_set_public_key(real, NULL, E), "public_key");
        CHECK_NULL(partcert_authority_certify_part(NULL, real, 1, T0, YEARS(1), &out, E),
                   "authority");
        CHECK_NULL(partcert_authority_certify_part(w.line, real, 1, T0, YEARS(1), NULL, E),
                   "certificate_out");
        partcert_part_spec_free(real);
    }
    CHECK_NULL(partcert_authority_certify_part(w.line, NULL, 1, T0, YEARS(1), &out, E), "spec");
    CHECK_NULL(partcert_authority_pair(NULL, bdata(w.board_d), blen(w.board_d), NULL, 0, 1,
                                       PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
               "authority");
    CHECK_NULL(partcert_authority_pair(w.pairing, NULL, 3, NULL, 0, 1,
                                       PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E), "board");
    CHECK_NULL(partcert_authority_pair(w.pairing, bdata(w.board_d), blen(w.board_d), NULL, 2, 1,
                                       PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E), "parts");
    {
        partcert_slice holes[] = {{NULL, 3}};
        CHECK_NULL(partcert_authority_pair(w.pairing, bdata(w.board_d), blen(w.board_d), holes,
                                           1, 1, PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   "parts");
    }
    CHECK_NULL(partcert_authority_pair(w.pairing, bdata(w.board_d), blen(w.board_d), NULL, 0, 1,
                                       PARTCERT_PAIRING_EVENT_REPAIR, NOW, NULL, E),
               "record_out");
    {
        partcert_slice earlier[] = {{bdata(w.record_d), blen(w.record_d)}};
        partcert_slice holes[] = {{NULL, 5}};
        CHECK_NULL(partcert_authority_pair_after(NULL, w.trust, earlier, 1, bdata(w.board_d),
                                                 blen(w.board_d), NULL, 0, 2,
                                                 PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   "authority");
        CHECK_NULL(partcert_authority_pair_after(w.pairing, NULL, earlier, 1, bdata(w.board_d),
                                                 blen(w.board_d), NULL, 0, 2,
                                                 PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   "trust");
        CHECK_NULL(partcert_authority_pair_after(w.pairing, w.trust, NULL, 1, bdata(w.board_d),
                                                 blen(w.board_d), NULL, 0, 2,
                                                 PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   "earlier");
        CHECK_NULL(partcert_authority_pair_after(w.pairing, w.trust, holes, 1, bdata(w.board_d),
                                                 blen(w.board_d), NULL, 0, 2,
                                                 PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   "earlier");
        CHECK_NULL(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, NULL, 3, NULL, 0,
                                                 2, PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   "board");
        CHECK_NULL(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, bdata(w.board_d),
                                                 blen(w.board_d), NULL, 1, 2,
                                                 PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   "parts");
        CHECK_NULL(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, bdata(w.board_d),
                                                 blen(w.board_d), NULL, 0, 2,
                                                 PARTCERT_PAIRING_EVENT_REPAIR, NOW, NULL, E),
                   "record_out");
    }
    CHECK_NULL(partcert_authority_publish(NULL, PARTCERT_LIST_FORMAT_SORTED, 1, 1, NOW,
                                          NOW + DAY, NULL, 0, NULL, NULL, entries, &out, NULL,
                                          E),
               "authority");
    CHECK_NULL(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_SORTED, 1, 3, NOW,
                                          NOW + DAY, NULL, 7, NULL, NULL, entries, &out, NULL,
                                          E),
               "base_snapshot");
    CHECK_NULL(partcert_authority_publish(w.publisher, PARTCERT_LIST_FORMAT_SORTED, 1, 3, NOW,
                                          NOW + DAY, NULL, 0, NULL, NULL, entries, NULL, NULL,
                                          E),
               "list_out");
    CHECK_NULL(partcert_authority_publish_snapshot(NULL, 1, 1, NOW, NOW + DAY, entries, &out, E),
               "authority");
    CHECK_NULL(partcert_authority_publish_snapshot(w.publisher, 1, 1, NOW, NOW + DAY, NULL,
                                                   &out, E), "entries");
    CHECK_NULL(partcert_authority_publish_snapshot(w.publisher, 1, 1, NOW, NOW + DAY, entries,
                                                   NULL, E), "snapshot_out");
    CHECK_NULL(partcert_authority_publish_compact_snapshot(NULL, 1, 1, NOW, NOW + DAY, entries,
                                                           &out, E),
               "authority");
    CHECK_NULL(partcert_authority_publish_compact_snapshot(w.publisher, 1, 1, NOW, NOW + DAY,
                                                           NULL, &out, E),
               "entries");
    CHECK_NULL(partcert_authority_publish_compact_snapshot(w.publisher, 1, 1, NOW, NOW + DAY,
                                                           entries, NULL, E),
               "snapshot_out");
    CHECK_NULL(partcert_authority_publish_delta_over(NULL, blocklist, 1, 3, NOW, NOW + DAY, NULL,
                                                     entries, &out, E),
               "authority");
    CHECK_NULL(partcert_authority_publish_delta_over(w.publisher, NULL, 1, 3, NOW, NOW + DAY,
                                                     NULL, entries, &out, E),
               "held");
    CHECK_NULL(partcert_authority_publish_delta_over(w.publisher, blocklist, 1, 3, NOW,
                                                     NOW + DAY, NULL, entries, NULL, E),
               "delta_out");
    CHECK_NULL(partcert_authority_publish_delta(NULL, bdata(w.s1), blen(w.s1), bdata(w.s2),
                                                blen(w.s2), &out, E), "authority");
    CHECK_NULL(partcert_authority_publish_delta(w.publisher, NULL, 1, bdata(w.s2), blen(w.s2),
                                                &out, E), "from");
    CHECK_NULL(partcert_authority_publish_delta(w.publisher, bdata(w.s1), blen(w.s1), NULL, 1,
                                                &out, E), "to");
    CHECK_NULL(partcert_authority_revoke(NULL, 1, NOW, id, &since, 1, &out, E), "authority");
    CHECK_NULL(partcert_authority_revoke(w.root, 1, NOW, NULL, &since, 1, &out, E), "key_ids");
    CHECK_NULL(partcert_authority_revoke(w.root, 1, NOW, id, NULL, 1, &out, E), "since");
    CHECK_NULL(partcert_authority_revoke(w.root, 1, NOW, id, &since, 1, NULL, E), "list_out");
    CHECK_NULL(partcert_blocklist_entries_add_handset(NULL, IMEI_A, PARTCERT_REASON_STOLEN, NOW,
                                                      PARTCERT_LISTING_STATUS_FINAL, E),
               "entries");
    CHECK_NULL(partcert_blocklist_entries_add_reported_handset(NULL, bdata(w.record_a),
                                                               blen(w.record_a),
                                                               PARTCERT_REASON_STOLEN, NOW,
                                                               PARTCERT_LISTING_STATUS_FINAL, E),
               "entries");
    CHECK_NULL(partcert_blocklist_entries_add_reported_handset(entries, NULL, 5,
                                                               PARTCERT_REASON_STOLEN, NOW,
                                                               PARTCERT_LISTING_STATUS_FINAL, E),
               "record");
    CHECK_NULL(partcert_blocklist_entries_add_part(NULL, id, PARTCERT_REASON_STOLEN, NOW,
                                                   PARTCERT_LISTING_STATUS_FINAL, NULL, E),
               "entries");
    CHECK_NULL(partcert_blocklist_entries_add_part(entries, NULL, PARTCERT_REASON_STOLEN, NOW,
                                                   PARTCERT_LISTING_STATUS_FINAL, NULL, E),
               "part_id");
    CHECK_NULL(partcert_blocklist_entries_add_part_key(NULL, id, PARTCERT_REASON_STOLEN, NOW,
                                                       PARTCERT_LISTING_STATUS_FINAL, NULL, E),
               "entries");
    CHECK_NULL(partcert_blocklist_entries_add_part_key(entries, NULL, PARTCERT_REASON_STOLEN, NOW,
                                                       PARTCERT_LISTING_STATUS_FINAL, NULL, E),
               "key_id");

    /* Keys, challenges and helpers. */
    CHECK_NULL(partcert_secret_key_generate(NULL, E), "seed_out");
    CHECK_NULL(partcert_public_key_from_seed(NULL, key, E), "seed");
    CHECK_NULL(partcert_public_key_from_seed(seed, NULL, E), "public_key_out");
    CHECK_NULL(partcert_public_key_id(NULL, id, E), "public_key");
    CHECK_NULL(partcert_public_key_id(key, NULL, E), "key_id_out");
    CHECK_NULL(partcert_challenge_generate(NULL, E), "nonce_out");
    CHECK_NULL(partcert_challenge_respond(NULL, nonce, cert, cert_len, &out, E), "part_seed");
    CHECK_NULL(partcert_challenge_respond(seed, NULL, cert, cert_len, &out, E), "nonce");
    CHECK_NULL(partcert_challenge_respond(seed, nonce, NULL, 1, &out, E), "certificate");
    CHECK_NULL(partcert_challenge_respond(seed, nonce, cert, cert_len, NULL, E), "response_out");
    CHECK_NULL(partcert_imei_parse(NULL, 15, &imei, E), "text");
    CHECK_NULL(partcert_imei_parse("356938035643809", 15, NULL, E), "imei_out");
    CHECK_NULL(partcert_imei_with_check_digit(35693803564380ULL, NULL, E), "imei_out");
    CHECK_NULL(partcert_object_type_of(NULL, 3, &type, E), "data");
    CHECK_NULL(partcert_object_type_of(cert, cert_len, NULL, E), "type_out");

    /* Nothing was written to any out-parameter. */
    CHECK(list == (partcert_blocklist *)&w && part == (partcert_part_evidence *)&w);
    CHECK(hand == (partcert_handset_evidence *)&w && v == (partcert_verdict *)&w);
    CHECK(r == (partcert_handset_report *)&w && a == (partcert_authority *)&w);
    CHECK(out == (partcert_bytes *)&w && spec == (partcert_part_spec *)&w);
    CHECK(bh == (partcert_blocklist_holder *)&w && th == (partcert_trust_store_holder *)&w);
    CHECK(imei == 42 && type == 77);
    CHECK(partcert_trust_store_manufacturer_root_count(trust_copy) == 1);
    partcert_blocklist_entries_free(entries);
    partcert_blocklist_free(fresh);
    partcert_trust_store_free(trust_copy);
}

/* Reads that cannot fail, given NULL: 0, false, empty strings, NULL. */
static void reads_of_null_give_empty_values(void) {
    uint64_t since = 5;
    CHECK(partcert_error_code(NULL) == PARTCERT_RESULT_OK);
    CHECK_PSTR(partcert_error_message(NULL), "");
    CHECK(partcert_trust_store_share(NULL) == NULL);
    CHECK(partcert_trust_store_clone(NULL) == NULL);
    CHECK(partcert_trust_store_manufacturer_root_count(NULL) == 0);
    CHECK(partcert_trust_store_blocklist_root_count(NULL) == 0);
    CHECK(partcert_trust_store_chain_certificate_count(NULL) == 0);
    CHECK(partcert_trust_store_clock_for_root(NULL, partcert_authority_key_id(w.root), NOW) == 0);
    CHECK(partcert_trust_store_clock_for_root(w.trust, NULL, NOW) == 0);
    CHECK(!partcert_trust_store_is_revoked(NULL, NULL, NULL, &since));
    CHECK(partcert_trust_store_holder_load(NULL) == NULL);
    CHECK(partcert_blocklist_share(NULL) == NULL);
    CHECK(partcert_blocklist_clone(NULL) == NULL);
    CHECK(partcert_blocklist_clock_for(NULL, w.trust, NULL, NOW) == 0);
    CHECK(!partcert_blocklist_follows_any(NULL));
    CHECK(partcert_blocklist_list_count(NULL) == 0);
    CHECK(partcert_blocklist_list(NULL, 0) == NULL);
    CHECK(partcert_blocklist_holder_load(NULL) == NULL);
    CHECK(partcert_blocklist_entries_count(NULL) == 0);
    CHECK(partcert_bytes_data(NULL) == NULL && partcert_bytes_len(NULL) == 0);
    CHECK(partcert_authority_certificate(NULL).data == NULL);
    CHECK(partcert_authority_certificate(NULL).len == 0);
    CHECK(partcert_authority_key_id(NULL) == NULL);
    /* No authority has no role: NONE (0), never a real role a caller
     * could act on (it read MANUFACTURER_ROOT before 1.7). */
    CHECK(partcert_authority_role(NULL) == PARTCERT_ROLE_NONE);
    CHECK(PARTCERT_ROLE_NONE == 0);
    CHECK(partcert_authority_role(w.root) == PARTCERT_ROLE_MANUFACTURER_ROOT);
    CHECK(partcert_verdict_part_kind(NULL) == 0);
    CHECK_PSTR(partcert_verdict_part_kind_name(NULL), "");
    CHECK_PSTR(partcert_verdict_manufacturer(NULL), "");
    CHECK_PSTR(partcert_verdict_model(NULL), "");
    CHECK_PSTR(partcert_verdict_serial(NULL), "");
    CHECK_PSTR(partcert_verdict_issuer_name(NULL), "");
    CHECK_PSTR(partcert_verdict_root_name(NULL), "");
    CHECK_PSTR(partcert_verdict_summary(NULL), "");
    CHECK_PSTR(partcert_verdict_headline(NULL), "");
    CHECK_PSTR(partcert_verdict_advice(NULL), "");
    CHECK_PSTR(partcert_verdict_json(NULL), "");
    CHECK(partcert_verdict_part_id(NULL) == NULL);
    CHECK(partcert_verdict_fingerprint(NULL) == NULL);
    CHECK(partcert_verdict_issuer_key_id(NULL) == NULL);
    CHECK(partcert_verdict_root_key_id(NULL) == NULL);
    CHECK(partcert_verdict_imeis(NULL).len == 0 && partcert_verdict_imeis(NULL).data == NULL);
    CHECK(partcert_verdict_mismatched_imeis(NULL).len == 0);
    CHECK(partcert_verdict_binding(NULL) == PARTCERT_BINDING_SERIAL_ONLY);
    CHECK(partcert_verdict_relation(NULL) == PARTCERT_RELATION_UNPAIRED);
    CHECK(partcert_verdict_provenance(NULL) == NULL);
    CHECK(!partcert_verdict_issuer_revoked(NULL, &since));
    CHECK(!partcert_verdict_issuer_retired(NULL, &since));
    CHECK(since == 5);
    CHECK(partcert_verdict_pairing_refused(NULL) == NULL);
    CHECK(partcert_handset_report_pairing_refused(NULL) == NULL);
    CHECK(!partcert_blocklist_status_capped(NULL));
    CHECK(partcert_verdict_blocklist(NULL) == NULL);
    CHECK(!partcert_verdict_is_blocked(NULL) && !partcert_verdict_is_stale(NULL));
    CHECK(partcert_verdict_checked_at(NULL) == 0);
    CHECK(partcert_blocklist_status_state(NULL) == PARTCERT_BLOCKLIST_STATE_NOT_CHECKED);
    CHECK(!partcert_blocklist_status_is_stale(NULL));
    CHECK(partcert_blocklist_status_listing_count(NULL) == 0);
    CHECK(partcert_blocklist_status_listing(NULL, 0) == NULL);
    CHECK(partcert_blocklist_status_list_count(NULL) == 0);
    CHECK(partcert_blocklist_status_list(NULL, 0) == NULL);
    CHECK_PSTR(partcert_blocklist_status_summary(NULL), "");
    CHECK(partcert_handset_report_imeis(NULL).len == 0);
    CHECK(partcert_handset_report_mismatched_modem_imeis(NULL).len == 0);
    CHECK(partcert_handset_report_pairing_sequence(NULL) == 0);
    CHECK(partcert_handset_report_checked_at(NULL) == 0);
    CHECK(partcert_handset_report_blocklist(NULL) == NULL);
    CHECK(!partcert_handset_report_all_original(NULL));
    CHECK(!partcert_handset_report_all_original_and_clean(NULL));
    CHECK(!partcert_handset_report_is_blocked(NULL));
    CHECK(!partcert_handset_report_is_stale(NULL));
    CHECK(!partcert_handset_report_has_refused_parts(NULL));
    CHECK(partcert_handset_report_part_count(NULL) == 0);
    CHECK(partcert_handset_report_part(NULL, 0) == NULL);
    CHECK(partcert_handset_report_missing_count(NULL) == 0);
    CHECK(partcert_handset_report_missing(NULL, 0) == NULL);
    CHECK_PSTR(partcert_handset_report_json(NULL), "");
    CHECK_PSTR(partcert_handset_report_headline(NULL), "");
    CHECK_PSTR(partcert_handset_report_advice(NULL), "");
    /* Indexes past the end. */
    CHECK(partcert_blocklist_list(blocklist, 1) == NULL);
    CHECK(partcert_blocklist_status_listing(partcert_verdict_blocklist(verdict), 0) == NULL);
    CHECK(partcert_blocklist_status_list(partcert_verdict_blocklist(verdict), 1) == NULL);
    CHECK(partcert_handset_report_part(report, 5) == NULL);
    CHECK(partcert_handset_report_missing(report, 1) == NULL); /* only the board is missing */
    CHECK(partcert_handset_report_missing(report, 0) != NULL);
}

/* The error out-parameter: optional, written only on failure, an error
 * already there replaced by the new failure's (since 1.7), and the detail
 * is the core's own message. */
static void the_error_out_parameter(void) {
    partcert_error *error = NULL;
    partcert_verdict *v = NULL;
    uint64_t imei = 0;

    /* NULL: the code alone. */
    CHECK(partcert_imei_parse("12", 2, &imei, NULL) == PARTCERT_RESULT_INVALID_IMEI);
    /* A success writes nothing. */
    CHECK(partcert_imei_parse("356938035643809", 15, &imei, &error) == PARTCERT_RESULT_OK);
    CHECK(error == NULL && imei == IMEI_A);
    /* A failure writes the code and the detail. */
    CHECK(partcert_imei_parse("356938035643808", 15, &imei, &error) ==
          PARTCERT_RESULT_INVALID_IMEI);
    CHECK(error != NULL);
    CHECK(partcert_error_code(error) == PARTCERT_RESULT_INVALID_IMEI);
    CHECK_PSTR(partcert_error_message(error),
               "invalid IMEI \"356938035643808\": an IMEI is 15 digits ending in a Luhn check "
               "digit");
    CHECK(imei == IMEI_A);
    /* A technician's tool keeps one error variable for a whole session:
     * the IMEI typed wrong, then a verification called before the trust
     * store was loaded. The error already there is freed (ASan and
     * valgrind see no leak) and replaced: it names the second failure's
     * cause, never the first's. */
    CHECK(partcert_verify_part(NULL, NULL, NULL, 0, evidence, NOW, &v, &error) == NUL);
    CHECK(error != NULL);
    CHECK(partcert_error_code(error) == PARTCERT_RESULT_NULL_ARGUMENT);
    CHECK_PSTR(partcert_error_message(error), "argument `trust` is NULL");
    CHECK(v == NULL);
    /* A success after a failure leaves the failure's detail untouched. */
    CHECK(partcert_imei_parse("356938035643809", 15, &imei, &error) == PARTCERT_RESULT_OK);
    CHECK(partcert_error_code(error) == PARTCERT_RESULT_NULL_ARGUMENT);
    /* A third failure replaces it again, whatever its family. */
    CHECK(partcert_imei_parse("35693803564380x", 15, &imei, &error) ==
          PARTCERT_RESULT_INVALID_IMEI);
    CHECK(partcert_error_code(error) == PARTCERT_RESULT_INVALID_IMEI);
    CHECK_CONTAINS(partcert_error_message(error).data, "35693803564380x");
    partcert_error_free(error);
    error = NULL;
    /* The detail of a verification failure is the core's: which IMEI. */
    {
        partcert_part_evidence *board = evidence_for(&w, w.board_d);
        OK(partcert_part_evidence_add_presented_imei(board, IMEI_X, E));
        CHECK(partcert_verify_part(w.trust, NULL, NULL, 0, board, NOW, &v, &error) ==
              PARTCERT_RESULT_IMEI_MISMATCH);
        CHECK_PSTR(partcert_error_message(error),
                   "IMEI mismatch: 350000000000006 is not signed into this board certificate");
        CHECK(v == NULL);
        partcert_error_free(error);
        partcert_part_evidence_free(board);
    }
    /* The generic line for a bare code is still there. */
    CHECK_PSTR(partcert_result_message(PARTCERT_RESULT_IMEI_MISMATCH), "IMEI mismatch");
    partcert_error_free(NULL);
}

static void malformed_bytes_at_every_decoder(void) {
    buffer *b;
    partcert_part_evidence *part = NULL;
    partcert_handset_evidence *hand = NULL;
    partcert_blocklist *list = partcert_blocklist_new();
    partcert_trust_store *trust = partcert_trust_store_new();
    partcert_authority *a = NULL;
    partcert_bytes *out = NULL;
    uint8_t id[32], seed[32], nonce[32] = {0};
    uint64_t sequence = 0;
    partcert_list_version version = {0, 0};
    partcert_object_type type = 0;
    seed_of(seed, 2);

    /* A certificate, cut short and with a byte too many. */
    b = copy_of(w.screen_d);
    CHECK_FAIL(partcert_part_evidence_new(b->data, b->len - 1, &part, E),
               PARTCERT_RESULT_TRUNCATED, "truncated");
    CHECK_RC(partcert_part_evidence_new(b->data, b->len - 70, &part, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_part_evidence_new(b->data, 0, &part, E), PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_part_evidence_new(NULL, 0, &part, E), PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_FAIL(partcert_part_evidence_new(b->data, b->len + 1, &part, E),
               PARTCERT_RESULT_TRAILING_BYTES, "1 unexpected bytes after the end");
    CHECK(part == NULL);
    CHECK_RC(partcert_part_evidence_add_chain_certificate(evidence, b->data, b->len - 1, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_part_evidence_add_chain_certificate(evidence, b->data, b->len + 1, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK_RC(partcert_handset_evidence_add_part_certificate(handset, b->data, b->len + 1, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK_RC(partcert_trust_store_add_chain_certificate(trust, b->data, b->len - 1, E),
             PARTCERT_RESULT_TRUNCATED);
    b = copy_raw(w.root_cert.data, w.root_cert.len);
    CHECK_RC(partcert_trust_store_add_manufacturer_root(trust, b->data, b->len - 1, id, E),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 7;
    CHECK_RC(partcert_trust_store_add_manufacturer_root(trust, b->data, b->len + 1, id, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK_RC(partcert_trust_store_add_blocklist_root(trust, b->data, b->len - 1, id, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_authority_new(seed, b->data, b->len - 1, &a, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_challenge_respond(seed, nonce, b->data, b->len + 1, &out, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    /* Not partcert at all, and a certificate where a record belongs. */
    b->data[0] ^= 0xff;
    CHECK_FAIL(partcert_part_evidence_new(b->data, b->len, &part, E), PARTCERT_RESULT_BAD_MAGIC,
               "not a partcert object");
    CHECK_RC(partcert_object_type_of(b->data, b->len, &type, E), PARTCERT_RESULT_BAD_MAGIC);
    CHECK_RC(partcert_object_type_of(b->data, 2, &type, E), PARTCERT_RESULT_TRUNCATED);
    CHECK(type == 0);
    CHECK_FAIL(partcert_part_evidence_set_pairing_record(evidence, bdata(w.screen_d),
                                                         blen(w.screen_d), E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE, "but this is a certificate");
    CHECK_RC(partcert_part_evidence_new(bdata(w.record_d), blen(w.record_d), &part, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, bdata(w.delta12),
                                               blen(w.delta12), NOW, &version, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                            &version, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_FAIL(partcert_blocklist_apply(list, w.trust, bdata(w.record_d), blen(w.record_d), NOW,
                                        &version, E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE, "but this is a pairing record");
    CHECK_RC(partcert_trust_store_apply_revocation_list(trust, bdata(w.s1), blen(w.s1),
                                                        &sequence, E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);
    CHECK_RC(partcert_part_evidence_set_challenge(evidence, nonce, bdata(w.s1), blen(w.s1), E),
             PARTCERT_RESULT_WRONG_OBJECT_TYPE);

    /* A pairing record. */
    b = copy_of(w.record_d);
    CHECK_RC(partcert_part_evidence_set_pairing_record(evidence, b->data, b->len - 1, E),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_RC(partcert_part_evidence_set_pairing_record(evidence, b->data, b->len + 1, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK_RC(partcert_handset_evidence_new(b->data, b->len - 1, &hand, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_handset_evidence_new(b->data, b->len + 1, &hand, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK(hand == NULL);

    /* Snapshots and deltas. */
    b = copy_of(w.s2);
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, b->data, b->len - 1, NOW,
                                               &version, E),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, b->data, b->len + 1, NOW,
                                               &version, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    b = copy_of(w.delta12);
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, b->data, b->len - 1, NOW, &version,
                                            E),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, b->data, b->len + 1, NOW, &version,
                                            E),
             PARTCERT_RESULT_TRAILING_BYTES);
    /* The same bytes through apply (told by content), on a blocklist and
     * a holder: the decoder's codes, and nothing changed or published. */
    b = copy_of(w.s2);
    CHECK_RC(partcert_blocklist_apply(list, w.trust, b->data, b->len - 1, NOW, &version, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_blocklist_apply(list, w.trust, b->data, 0, NOW, &version, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_blocklist_apply(list, w.trust, NULL, 0, NOW, &version, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_blocklist_apply(list, w.trust, b->data, b->len + 1, NOW, &version, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    b = copy_of(w.delta12);
    CHECK_RC(partcert_blocklist_apply(list, w.trust, b->data, b->len - 1, NOW, &version, E),
             PARTCERT_RESULT_TRUNCATED);
    b->data[0] ^= 0xff;
    CHECK_RC(partcert_blocklist_apply(list, w.trust, b->data, b->len, NOW, &version, E),
             PARTCERT_RESULT_BAD_MAGIC);
    CHECK(partcert_blocklist_list_count(list) == 0);
    {
        partcert_blocklist_holder *holder = NULL;
        partcert_blocklist *before, *after;
        OK(partcert_blocklist_holder_new(list, &holder, E));
        before = partcert_blocklist_holder_load(holder);
        b = copy_of(w.s2);
        CHECK_RC(partcert_blocklist_holder_apply(holder, w.trust, b->data, b->len - 1, NOW,
                                                 &version, E),
                 PARTCERT_RESULT_TRUNCATED);
        CHECK_RC(partcert_blocklist_holder_apply(holder, w.trust, b->data, 3, NOW, &version, E),
                 PARTCERT_RESULT_TRUNCATED);
        b->data[b->len] = 0;
        CHECK_RC(partcert_blocklist_holder_apply(holder, w.trust, b->data, b->len + 1, NOW,
                                                 &version, E),
                 PARTCERT_RESULT_TRAILING_BYTES);
        CHECK_FAIL(partcert_blocklist_holder_apply(holder, w.trust, bdata(w.screen_d),
                                                   blen(w.screen_d), NOW, &version, E),
                   PARTCERT_RESULT_WRONG_OBJECT_TYPE, "but this is a certificate");
        after = partcert_blocklist_holder_load(holder);
        CHECK(after == before && partcert_blocklist_list_count(after) == 0);
        partcert_blocklist_free(after);
        partcert_blocklist_free(before);
        partcert_blocklist_holder_free(holder);
    }
    CHECK(version.epoch == 0 && version.sequence == 0);
    {
        partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
        b = copy_of(w.record_a);
        CHECK_RC(partcert_blocklist_entries_add_reported_handset(
                     entries, b->data, b->len - 1, PARTCERT_REASON_STOLEN, NOW,
                     PARTCERT_LISTING_STATUS_FINAL, E),
                 PARTCERT_RESULT_TRUNCATED);
        b = copy_of(w.s1);
        CHECK_RC(partcert_authority_publish_delta(w.publisher, b->data, b->len - 1,
                                                  bdata(w.s2), blen(w.s2), &out, E),
                 PARTCERT_RESULT_TRUNCATED);
        CHECK_RC(partcert_authority_publish_delta(w.publisher, bdata(w.s1), blen(w.s1), b->data,
                                                  b->len - 1, &out, E),
                 PARTCERT_RESULT_TRUNCATED);
        partcert_blocklist_entries_free(entries);
    }

    /* Revocation lists and challenge responses. */
    {
        partcert_bytes *revocation = NULL, *response = NULL;
        OK(partcert_authority_revoke(w.root, 1, T0, NULL, NULL, 0, &revocation, E));
        b = copy_of(revocation);
        CHECK_RC(partcert_trust_store_apply_revocation_list(trust, b->data, b->len - 1,
                                                            &sequence, E),
                 PARTCERT_RESULT_TRUNCATED);
        b->data[b->len] = 0;
        CHECK_RC(partcert_trust_store_apply_revocation_list(trust, b->data, b->len + 1,
                                                            &sequence, E),
                 PARTCERT_RESULT_TRAILING_BYTES);
        seed_of(seed, BATTERY_SEED);
        OK(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                      &response, E));
        b = copy_of(response);
        CHECK_RC(partcert_part_evidence_set_challenge(evidence, nonce, b->data, b->len - 1, E),
                 PARTCERT_RESULT_TRUNCATED);
        b->data[b->len] = 0;
        CHECK_RC(partcert_part_evidence_set_challenge(evidence, nonce, b->data, b->len + 1, E),
                 PARTCERT_RESULT_TRAILING_BYTES);
        partcert_bytes_free(revocation);
        partcert_bytes_free(response);
    }

    /* The persisted anti-rollback state: it ends in a checksum over every
     * byte before it, so a copy cut short or with a byte too many no longer
     * matches it (112); too short for its header it is truncated. */
    {
        partcert_blocklist *full = blocklist_at_s2(&w);
        partcert_bytes *marks = NULL;
        size_t len;
        OK(partcert_blocklist_rollback_state(full, &marks, E));
        b = copy_of(marks);
        len = b->len;
        CHECK_RC(partcert_blocklist_new_with_rollback_state(b->data, len - 1, &list, E),
                 PARTCERT_RESULT_CORRUPT_STATE);
        CHECK_RC(partcert_blocklist_new_with_rollback_state(b->data, 3, &list, E),
                 PARTCERT_RESULT_TRUNCATED);
        b->data[len] = 0;
        CHECK_RC(partcert_blocklist_new_with_rollback_state(b->data, len + 1, &list, E),
                 PARTCERT_RESULT_CORRUPT_STATE);
        b->data[4] ^= 0x7f;
        CHECK_RC(partcert_blocklist_new_with_rollback_state(b->data, len, &list, E),
                 PARTCERT_RESULT_UNSUPPORTED_VERSION);
        b->data[0] = 'X';
        CHECK_RC(partcert_blocklist_new_with_rollback_state(b->data, len, &list, E),
                 PARTCERT_RESULT_BAD_MAGIC);
        partcert_bytes_free(marks);
        partcert_blocklist_free(full);
    }
    CHECK(a == NULL && out == NULL);
    partcert_blocklist_free(list);
    partcert_trust_store_free(trust);
}

static void bad_signatures(void) {
    buffer *b;
    partcert_part_evidence *part = NULL;
    partcert_verdict *v = NULL;
    partcert_blocklist *list = partcert_blocklist_new();
    partcert_trust_store *trust = partcert_trust_store_new();
    partcert_list_version version = {0, 0};
    uint8_t id[32];

    /* A part certificate with one bit flipped in its signature. */
    b = copy_of(w.screen_d);
    b->data[b->len - 1] ^= 1;
    OK(partcert_part_evidence_new(b->data, b->len, &part, E));
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, part, NOW, &v, E),
               PARTCERT_RESULT_BAD_SIGNATURE, "bad signature: the certificate was not signed");
    CHECK(v == NULL);
    partcert_part_evidence_free(part);

    /* A serial rewritten in the certificate body ("SCR-D" → "SCR-E"). */
    b = copy_of(w.screen_d);
    for (size_t i = 0; i + 5 <= b->len; i++) {
        if (memcmp(b->data + i, "SCR-D", 5) == 0) b->data[i + 4] = 'E';
    }
    OK(partcert_part_evidence_new(b->data, b->len, &part, E));
    CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, part, NOW, &v, E),
             PARTCERT_RESULT_BAD_SIGNATURE);
    partcert_part_evidence_free(part);

    /* A snapshot with a flipped signature bit. */
    b = copy_of(w.s2);
    b->data[b->len - 3] ^= 0x10;
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, b->data, b->len, NOW, &version,
                                               E),
             PARTCERT_RESULT_BAD_SIGNATURE);
    CHECK(version.epoch == 0 && version.sequence == 0);
    CHECK(partcert_blocklist_list_count(list) == 0); /* all-or-nothing */
    partcert_blocklist_free(list);

    /* A root whose self-signature is broken. */
    b = copy_raw(w.root_cert.data, w.root_cert.len);
    b->data[b->len - 1] ^= 1;
    CHECK_FAIL(partcert_trust_store_add_manufacturer_root(trust, b->data, b->len, id, E),
               PARTCERT_RESULT_NOT_SELF_SIGNED, "self-signed");
    /* Roots pinned in the wrong slot. */
    CHECK_FAIL(partcert_trust_store_add_manufacturer_root(trust, w.register_cert.data,
                                                          w.register_cert.len, id, E),
               PARTCERT_RESULT_ROLE_NOT_PERMITTED, "cannot be used as");
    CHECK_RC(partcert_trust_store_add_blocklist_root(trust, w.root_cert.data, w.root_cert.len,
                                                     id, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A blocklist signed by a root this store does not pin. */
    list = partcert_blocklist_new();
    CHECK_RC(partcert_blocklist_apply_snapshot(list, trust, bdata(w.s2), blen(w.s2), NOW,
                                               &version, E),
             PARTCERT_RESULT_UNKNOWN_ISSUER);
    partcert_blocklist_free(list);
    partcert_trust_store_free(trust);
}

/* Blocklist state: rollback (400), a delta from another base (402), two
 * different lists with one version (404), a version past the largest
 * (405), a delegated key outside its epoch (406). */
static void blocklist_state_errors(void) {
    partcert_blocklist *list = partcert_blocklist_new();
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_bytes *other2 = NULL, *s3 = NULL, *delta23 = NULL;
    partcert_list_version version = {0, 0};

    /* A delta with no base held. */
    CHECK_FAIL(partcert_blocklist_apply_delta(list, w.trust, bdata(w.delta12), blen(w.delta12),
                                              NOW, &version, E),
               PARTCERT_RESULT_DELTA_BASE_MISMATCH,
               "the delta starts from sequence 1, but the state held is sequence 0");
    OK(partcert_blocklist_apply_snapshot(list, w.trust, bdata(w.s1), blen(w.s1), NOW, &version,
                                         E));
    /* A delta from 2 to 3 while 1 is held. */
    OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 3, S2_AT + DAY,
                                           S2_AT + LIST_LIFE, entries, &s3, E));
    OK(partcert_authority_publish_delta(w.publisher, bdata(w.s2), blen(w.s2), bdata(s3),
                                        blen(s3), &delta23, E));
    CHECK_FAIL(partcert_blocklist_apply_delta(list, w.trust, bdata(delta23), blen(delta23), NOW,
                                              &version, E),
               PARTCERT_RESULT_DELTA_BASE_MISMATCH, "starts from sequence 2");
    OK(partcert_blocklist_apply_delta(list, w.trust, bdata(w.delta12), blen(w.delta12), NOW,
                                      &version, E));
    OK(partcert_blocklist_apply_delta(list, w.trust, bdata(delta23), blen(delta23), NOW,
                                      &version, E));
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 3);
    /* Going back. */
    CHECK_RC(partcert_blocklist_apply_snapshot(list, w.trust, bdata(w.s2), blen(w.s2), NOW,
                                               &version, E),
             PARTCERT_RESULT_ROLLBACK);
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, bdata(w.delta12), blen(w.delta12),
                                            NOW, &version, E),
             PARTCERT_RESULT_ROLLBACK);
    /* A different list claiming epoch 1 sequence 3. */
    OK(partcert_blocklist_entries_add_handset(entries, IMEI_D, PARTCERT_REASON_FRAUD, NOW,
                                              PARTCERT_LISTING_STATUS_FINAL, E));
    OK(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 3, S2_AT + DAY,
                                           S2_AT + LIST_LIFE, entries, &other2, E));
    CHECK_FAIL(partcert_blocklist_apply_snapshot(list, w.trust, bdata(other2), blen(other2),
                                                 NOW, &version, E),
               PARTCERT_RESULT_CONFLICTING_SEQUENCE, "same sequence 3");
    CHECK(version.epoch == PUBLISHER_EPOCH && version.sequence == 3);
    /* Past the largest epoch or sequence: refused when signing. */
    partcert_bytes_free(other2);
    other2 = NULL;
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, UINT64_MAX,
                                                 S2_AT + DAY, S2_AT + LIST_LIFE, entries,
                                                 &other2, E),
             PARTCERT_RESULT_SEQUENCE_LEAP);
    CHECK_RC(partcert_authority_publish_snapshot(w.register_root, PARTCERT_MAX_SEQUENCE + 1, 1,
                                                 S2_AT + DAY, S2_AT + LIST_LIFE, entries,
                                                 &other2, E),
             PARTCERT_RESULT_SEQUENCE_LEAP);
    /* The delegated publisher signs in its own epoch only, before or after. */
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH - 1, 9,
                                                 S2_AT + DAY, S2_AT + LIST_LIFE, entries,
                                                 &other2, E),
             PARTCERT_RESULT_EPOCH_NOT_PERMITTED);
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH + 1, 1,
                                                 S2_AT + DAY, S2_AT + LIST_LIFE, entries,
                                                 &other2, E),
             PARTCERT_RESULT_EPOCH_NOT_PERMITTED);
    /* Nor outside its certificate's validity. */
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 9, YEARS(25),
                                                 YEARS(25) + DAY, entries, &other2, E),
             PARTCERT_RESULT_EXPIRED);
    CHECK(other2 == NULL);
    /* A snapshot that expires before it is issued. */
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 4, NOW, NOW - 1,
                                                 entries, &other2, E),
             PARTCERT_RESULT_INVALID_FIELD);
    CHECK(other2 == NULL);
    partcert_bytes_free(s3);
    partcert_bytes_free(delta23);
    partcert_blocklist_entries_free(entries);
    partcert_blocklist_free(list);
}

/* Arguments out of range: unknown enum values, bad IMEIs, invalid UTF-8,
 * invalid keys, lengths over PTRDIFF_MAX, misaligned handles. */
static void arguments_out_of_range(void) {
    uint8_t seed[32], key[32], id[32] = {0};
    partcert_authority *a = NULL;
    partcert_bytes *out = NULL;
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_part_spec *spec = NULL;
    partcert_verdict *v = NULL;
    uint64_t imei = 0;
    const uint64_t bad_imei = 356938035643808ULL;
    partcert_str makers[] = {str_of("Acme")};
    const uint16_t kinds[] = {PARTCERT_PART_KIND_SCREEN};
    seed_of(seed, 9);
    key_of(9, key);

    CHECK_FAIL(partcert_authority_pair(w.pairing, bdata(w.board_a), blen(w.board_a), NULL, 0, 1,
                                       0, NOW, &out, E),
               ARG, "`event` is 0, which is not one of its enum's values");
    CHECK_FAIL(partcert_blocklist_entries_add_handset(entries, IMEI_A, 0, NOW,
                                                      PARTCERT_LISTING_STATUS_FINAL, E),
               ARG, "`reason` is 0");
    CHECK_FAIL(partcert_blocklist_entries_add_handset(entries, IMEI_A, PARTCERT_REASON_STOLEN,
                                                      NOW, 3, E),
               ARG, "`status` is 3");
    CHECK_RC(partcert_blocklist_entries_add_part(entries, id, 9, NOW,
                                                 PARTCERT_LISTING_STATUS_FINAL, NULL, E), ARG);
    CHECK_RC(partcert_blocklist_entries_add_reported_handset(entries, bdata(w.record_a),
                                                             blen(w.record_a), 4, NOW,
                                                             PARTCERT_LISTING_STATUS_FINAL, E),
             ARG);
    CHECK(partcert_blocklist_entries_count(entries) == 0);
    /* A length over PTRDIFF_MAX. */
    CHECK_FAIL(partcert_part_evidence_new(bdata(w.screen_d), SIZE_MAX, &evidence, E), ARG,
               "over PTRDIFF_MAX");
    CHECK_RC(partcert_authority_revoke(w.root, 1, NOW, id, &imei, SIZE_MAX / 8, &out, E), ARG);
    /* A handle that cannot be one. */
    CHECK_FAIL(partcert_verify_part((const partcert_trust_store *)(bdata(w.screen_d) + 1), NULL,
                                    NULL, 0, evidence, NOW, &v, E),
               ARG, "argument `trust` is not a valid pointer");

    /* IMEIs: a wrong check digit, too many digits, text. */
    CHECK_RC(partcert_imei_parse("356938035643808", 15, &imei, E), PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_imei_parse("35693803564380", 14, &imei, E), PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_imei_parse("35693803564380X", 15, &imei, E), PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_imei_with_check_digit(100000000000000ULL, &imei, E),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK(imei == 0);
    CHECK_RC(partcert_part_evidence_add_presented_imei(evidence, bad_imei, E),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_handset_evidence_add_modem_imei(handset, 1000000000000000ULL, E),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_blocklist_entries_add_handset(entries, bad_imei, PARTCERT_REASON_STOLEN,
                                                    NOW, PARTCERT_LISTING_STATUS_FINAL, E),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_blocklist_entries_add_part(entries, id, PARTCERT_REASON_STOLEN, NOW,
                                                 PARTCERT_LISTING_STATUS_FINAL, &bad_imei, E),
             PARTCERT_RESULT_INVALID_IMEI);
    CHECK_RC(partcert_verify_part(w.trust, NULL, &bad_imei, 1, evidence, NOW, &v, E),
             PARTCERT_RESULT_INVALID_IMEI);

    /* Invalid UTF-8 in, and text over its bound. */
    CHECK_FAIL(partcert_part_spec_new(PARTCERT_PART_KIND_SCREEN, "Acme", 4, "\xff\xfe", 2, "B", 1,
                                      &spec, E),
               PARTCERT_RESULT_INVALID_UTF8, "argument `model` is not valid UTF-8 (invalid byte "
                                             "at offset 0)");
    CHECK(spec == NULL);
    {
        const char *long_serial =
            "0123456789012345678901234567890123456789012345678901234567890123456789";
        OK(partcert_part_spec_new(PARTCERT_PART_KIND_SCREEN, "Acme", 4, "A1", 2, long_serial,
                                  strlen(long_serial), &spec, E));
        CHECK_FAIL(partcert_authority_certify_part(w.line, spec, 1, T0, YEARS(1), &out, E),
                   PARTCERT_RESULT_LENGTH_OVER_BOUND, "exceeds the limit of 64");
        partcert_part_spec_free(spec);
        spec = NULL;
    }
    CHECK_RC(partcert_authority_new_manufacturer_root(seed, "\xc3\x28", 2, makers, 1, T0,
                                                      YEARS(1), &a, E),
             PARTCERT_RESULT_INVALID_UTF8);
    CHECK_RC(partcert_authority_new_blocklist_root(seed, "\xc3\x28", 2, T0, YEARS(1), &a, E),
             PARTCERT_RESULT_INVALID_UTF8);
    makers[0] = str_of("\xc3\x28");
    CHECK_FAIL(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1),
                                                        &a, E),
               PARTCERT_RESULT_INVALID_UTF8, "`manufacturers`");
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, kinds, 1, makers, 1, 9,
                                                    T0, YEARS(1), &out, E),
             PARTCERT_RESULT_INVALID_UTF8);
    CHECK_RC(partcert_imei_parse("\xff", 1, &imei, E), PARTCERT_RESULT_INVALID_UTF8);

    /* Invalid fields: a root naming no maker, a line permitted no kind, a
     * maker name against the text rules, a name with a control character,
     * a validity that ends before it starts, a board without an IMEI, a
     * serial in lower case. */
    CHECK_RC(partcert_authority_new_manufacturer_root(seed, "R", 1, NULL, 0, T0, YEARS(1), &a,
                                                      E),
             PARTCERT_RESULT_INVALID_FIELD);
    makers[0] = str_of("Acme");
    CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, key, NULL, 0, makers, 1, 9,
                                                    T0, YEARS(1), &out, E),
             PARTCERT_RESULT_INVALID_FIELD);
    makers[0] = str_of(" Acme");
    CHECK_RC(partcert_authority_new_manufacturer_root(seed, "R", 1, makers, 1, T0, YEARS(1), &a,
                                                      E),
             PARTCERT_RESULT_INVALID_FIELD);
    CHECK_RC(partcert_authority_new_blocklist_root(seed, "Op\x01", 3, T0, YEARS(1), &a, E),
             PARTCERT_RESULT_INVALID_FIELD);
    CHECK_RC(partcert_authority_certify_pairing_service(w.root, "P", 1, key, 9, YEARS(1), T0,
                                                        &out, E),
             PARTCERT_RESULT_INVALID_FIELD);
    OK(partcert_part_spec_new(PARTCERT_PART_KIND_BOARD, "Acme", 4, "A1", 2, "BRD-9", 5, &spec,
                              E));
    CHECK_RC(partcert_authority_certify_part(w.line, spec, 1, T0, YEARS(1), &out, E),
             PARTCERT_RESULT_INVALID_FIELD);
    partcert_part_spec_free(spec);
    OK(partcert_part_spec_new(PARTCERT_PART_KIND_SCREEN, "Acme", 4, "A1", 2, "scr-9", 5, &spec,
                              E));
    CHECK_RC(partcert_authority_certify_part(w.line, spec, 1, T0, YEARS(1), &out, E),
             PARTCERT_RESULT_INVALID_FIELD);
    partcert_part_spec_free(spec);
    /* At most PARTCERT_MAX_IMEIS IMEIs on a board. */
    OK(partcert_part_spec_new(PARTCERT_PART_KIND_BOARD, "Acme", 4, "A1", 2, "BRD-9", 5, &spec,
                              E));
    for (uint64_t body = 35000000000001ULL; body < 35000000000001ULL + PARTCERT_MAX_IMEIS;
         body++) {
        OK(partcert_imei_with_check_digit(body, &imei, E));
        OK(partcert_part_spec_add_imei(spec, imei, E));
    }
    CHECK_RC(partcert_part_spec_add_imei(spec, IMEI_A, E), PARTCERT_RESULT_LENGTH_OVER_BOUND);
    partcert_part_spec_free(spec);

    /* A 32-byte string that is no Ed25519 point. */
    {
        uint8_t not_a_point[32];
        int found = 0;
        for (int first = 0; first < 256 && !found; first++) {
            memset(not_a_point, 0, sizeof not_a_point);
            not_a_point[0] = (uint8_t)first;
            not_a_point[31] = 0x01;
            if (partcert_public_key_id(not_a_point, id, NULL) == PARTCERT_RESULT_INVALID_PUBLIC_KEY)
                found = 1;
        }
        CHECK(found);
        CHECK_RC(partcert_public_key_id(not_a_point, id, E), PARTCERT_RESULT_INVALID_PUBLIC_KEY);
        CHECK_RC(partcert_authority_certify_part_issuer(w.root, "L", 1, not_a_point, kinds, 1,
                                                        makers, 1, 9, T0, YEARS(1), &out, E),
                 PARTCERT_RESULT_INVALID_PUBLIC_KEY);
        CHECK_RC(partcert_authority_certify_pairing_service(w.root, "P", 1, not_a_point, 9, T0,
                                                            YEARS(1), &out, E),
                 PARTCERT_RESULT_INVALID_PUBLIC_KEY);
        CHECK_RC(partcert_authority_certify_blocklist_authority(w.register_root, "B", 1,
                                                                not_a_point, 1, 9, T0, YEARS(1),
                                                                &out, E),
                 PARTCERT_RESULT_INVALID_PUBLIC_KEY);
    }
    CHECK(a == NULL && out == NULL && v == NULL);
    partcert_blocklist_entries_free(entries);
}

/* Shared objects are immutable: a change through a shared reference is
 * refused with 505 (SHARED_OBJECT: the object's state forbids it, not a
 * bad argument, 503), saying so, and the object is unchanged. */
static void shared_objects_refuse_changes(void) {
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_trust_store *reader = partcert_trust_store_share(trust);
    partcert_blocklist *list = partcert_blocklist_new();
    partcert_blocklist *snapshot = partcert_blocklist_share(list);
    partcert_bytes *revocation = NULL;

    CHECK(reader == trust);
    OK(partcert_authority_revoke(w.root, 1, NOW, NULL, NULL, 0, &revocation, E));
    CHECK_FAIL(partcert_trust_store_apply_revocation_list(trust, bdata(revocation),
                                                          blen(revocation), NULL, E),
               SHARED, "`trust` is shared (immutable once shared)");
    CHECK_RC(partcert_trust_store_add_chain_certificate(trust, bdata(w.line_cert),
                                                        blen(w.line_cert), E), SHARED);
    CHECK_RC(partcert_trust_store_add_manufacturer_root(trust, w.root_cert.data,
                                                        w.root_cert.len, NULL, E), SHARED);
    CHECK_FAIL(partcert_blocklist_apply_snapshot(list, w.trust, bdata(w.s1), blen(w.s1), NOW,
                                                 NULL, E),
               SHARED, "`blocklist` is shared");
    CHECK_RC(partcert_blocklist_apply_delta(list, w.trust, bdata(w.delta12), blen(w.delta12),
                                            NOW, NULL, E), SHARED);
    CHECK_FAIL(partcert_blocklist_apply(list, w.trust, bdata(w.s1), blen(w.s1), NOW, NULL, E),
               SHARED, "`blocklist` is shared");
    CHECK(partcert_blocklist_list_count(list) == 0);
    /* Once the other reference is released, the one left may change again. */
    partcert_trust_store_free(reader);
    partcert_blocklist_free(snapshot);
    OK(partcert_trust_store_apply_revocation_list(trust, bdata(revocation), blen(revocation),
                                                  NULL, E));
    OK(partcert_blocklist_apply_snapshot(list, w.trust, bdata(w.s1), blen(w.s1), NOW, NULL, E));
    partcert_bytes_free(revocation);
    partcert_blocklist_free(list);
    partcert_trust_store_free(trust);
}

/* Authorities used outside their role, or with the wrong key. */
static void role_and_key_misuse(void) {
    uint8_t seed[32], key[32];
    partcert_authority *a = NULL;
    partcert_bytes *out = NULL;
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    partcert_part_spec *spec = NULL;
    const uint16_t camera[] = {PARTCERT_PART_KIND_REAR_CAMERA};
    partcert_str acme[] = {str_of("Acme")};
    seed_of(seed, 9);
    OK(partcert_public_key_from_seed(seed, key, E));
    OK(partcert_part_spec_new(PARTCERT_PART_KIND_REAR_CAMERA, "Acme", 4, "A1", 2, "CAM-1", 5,
                              &spec, E));

    /* A line may not certify a kind it is not permitted. */
    CHECK_FAIL(partcert_authority_certify_part(w.line, spec, 1, T0, YEARS(1), &out, E),
               PARTCERT_RESULT_KIND_NOT_PERMITTED, "not permitted to certify rear-camera parts");
    partcert_part_spec_free(spec);
    /* A line is no root, a pairing service no line, a manufacturer root
     * no registry, a registry no manufacturer. */
    CHECK_RC(partcert_authority_certify_part_issuer(w.line, "L", 1, key, camera, 1, acme, 1, 9,
                                                    T0, YEARS(1), &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_part_issuer(w.register_root, "L", 1, key, camera, 1,
                                                    acme, 1, 9, T0, YEARS(1), &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_pairing_service(w.line, "P", 1, key, 9, T0, YEARS(1),
                                                        &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_pairing_service(w.register_root, "P", 1, key, 9, T0,
                                                        YEARS(1), &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_blocklist_authority(w.root, "B", 1, key, 1, 9, T0,
                                                            YEARS(1), &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_certify_blocklist_authority(w.publisher, "B", 1, key, 1, 9, T0,
                                                            YEARS(1), &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    OK(partcert_part_spec_new(PARTCERT_PART_KIND_SCREEN, "Acme", 4, "A1", 2, "SCR-1", 5, &spec,
                              E));
    CHECK_RC(partcert_authority_certify_part(w.pairing, spec, 1, T0, YEARS(1), &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    partcert_part_spec_free(spec);
    CHECK_RC(partcert_authority_pair(w.line, bdata(w.board_a), blen(w.board_a), NULL, 0, 1,
                                     PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_publish_snapshot(w.root, 0, 1, NOW, NOW + DAY, entries, &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    CHECK_RC(partcert_authority_revoke(w.line, 1, NOW, NULL, NULL, 0, &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A pairing record needs a board first; a part is paired once. */
    CHECK_FAIL(partcert_authority_pair(w.pairing, bdata(w.screen_a), blen(w.screen_a), NULL, 0,
                                       1, PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
               PARTCERT_RESULT_INVALID_FIELD, "not a board's");
    {
        partcert_slice twice[] = {{bdata(w.screen_d), blen(w.screen_d)},
                                  {bdata(w.screen_d), blen(w.screen_d)}};
        CHECK_FAIL(partcert_authority_pair(w.pairing, bdata(w.board_d), blen(w.board_d), twice,
                                           2, 2, PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   PARTCERT_RESULT_INVALID_FIELD, "a part is listed twice");
    }
    /* A key that is not the certificate's. */
    CHECK_FAIL(partcert_authority_new(seed, bdata(w.line_cert), blen(w.line_cert), &a, E),
               PARTCERT_RESULT_KEY_MISMATCH, "does not match");
    /* A part answers challenges with its own key only, and a part without
     * a key answers none. */
    {
        uint8_t nonce[PARTCERT_NONCE_LEN];
        OK(partcert_challenge_generate(nonce, E));
        CHECK_RC(partcert_challenge_respond(seed, nonce, bdata(w.battery_a), blen(w.battery_a),
                                            &out, E),
                 PARTCERT_RESULT_KEY_MISMATCH);
        CHECK_RC(partcert_challenge_respond(seed, nonce, bdata(w.screen_a), blen(w.screen_a),
                                            &out, E),
                 PARTCERT_RESULT_NO_PART_KEY);
    }
    /* A part certificate is no authority's. */
    CHECK_RC(partcert_authority_new(seed, bdata(w.screen_a), blen(w.screen_a), &a, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A delta between another authority's snapshots. */
    CHECK_RC(partcert_authority_publish_delta(w.root, bdata(w.s1), blen(w.s1), bdata(w.s2),
                                              blen(w.s2), &out, E),
             PARTCERT_RESULT_ROLE_NOT_PERMITTED);
    /* A line's certificate presented as a part. */
    {
        partcert_part_evidence *part = NULL;
        partcert_verdict *v = NULL;
        OK(partcert_part_evidence_new(bdata(w.line_cert), blen(w.line_cert), &part, E));
        CHECK_RC(partcert_verify_part(w.trust, NULL, NULL, 0, part, NOW, &v, E),
                 PARTCERT_RESULT_ROLE_NOT_PERMITTED);
        partcert_part_evidence_free(part);
    }
    CHECK(a == NULL && out == NULL);
    partcert_blocklist_entries_free(entries);
}

/* More than PARTCERT_MAX_CHAIN_LEN chain certificates is over the bound. */
static void chain_over_bound(void) {
    partcert_part_evidence *part = evidence_for(&w, w.screen_d);
    partcert_verdict *v = NULL;
    for (int i = 0; i < PARTCERT_MAX_CHAIN_LEN + 1; i++) {
        OK(partcert_part_evidence_add_chain_certificate(part, bdata(w.line_cert),
                                                        blen(w.line_cert), E));
    }
    CHECK_FAIL(partcert_verify_part(w.trust, NULL, NULL, 0, part, NOW, &v, E),
               PARTCERT_RESULT_LENGTH_OVER_BOUND, "certificate chain is too long: 9 exceeds the "
                                                  "limit of 8");
    partcert_part_evidence_free(part);
}

/* Messages and names exist for every code, and unknown codes are named. */
static void every_code_has_a_message(void) {
    static const partcert_result codes[] = {
        100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 200, 201, 202, 203,
        204, 205, 206, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 400, 401, 402, 403,
        404, 405, 406, 407, 408, 500, 501, 502, 503, 504, 505, 900,
    };
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        partcert_str message = partcert_result_message(codes[i]);
        CHECK(message.len > 0 && strlen(message.data) == message.len);
        CHECK(strcmp(message.data, "unknown partcert result code") != 0);
        CHECK(strcmp(partcert_result_name(codes[i]).data, "Unknown") != 0);
    }
    CHECK_PSTR(partcert_result_message(7), "unknown partcert result code");
    CHECK_PSTR(partcert_result_name(999), "Unknown");
    CHECK_PSTR(partcert_result_name(PARTCERT_RESULT_BUFFER_TOO_SMALL), "BufferTooSmall");
    /* The codes format version 2 added, as the core names them. */
    CHECK(PARTCERT_RESULT_CORRUPT_STATE == 112);
    CHECK(PARTCERT_RESULT_FOREIGN_PAIRING_SERVICE == 307);
    CHECK(PARTCERT_RESULT_MANUFACTURER_NOT_PERMITTED == 308);
    CHECK(PARTCERT_RESULT_ROOT_MISMATCH == 309);
    CHECK(PARTCERT_RESULT_EPOCH_NOT_PERMITTED == 406);
    CHECK_PSTR(partcert_result_name(PARTCERT_RESULT_EPOCH_NOT_PERMITTED), "EpochNotPermitted");
    CHECK_PSTR(partcert_result_message(PARTCERT_RESULT_EPOCH_NOT_PERMITTED),
               "blocklist signer not permitted to sign this epoch");
    CHECK_PSTR(partcert_result_message(PARTCERT_RESULT_FOREIGN_PAIRING_SERVICE),
               "the board was paired by another manufacturer's pairing service");
    CHECK_PSTR(partcert_result_message(PARTCERT_RESULT_ROOT_MISMATCH),
               "the part names another root than its issuer's");
    /* A change to a shared object has its own code (since 1.7), apart
     * from a bad argument's. */
    CHECK(PARTCERT_RESULT_SHARED_OBJECT == 505);
    CHECK(PARTCERT_RESULT_SHARED_OBJECT != PARTCERT_RESULT_INVALID_ARGUMENT);
    CHECK(PARTCERT_RESULT_SHARED_OBJECT / 100 == 5);
    CHECK_PSTR(partcert_result_name(PARTCERT_RESULT_SHARED_OBJECT), "SharedObject");
    CHECK_PSTR(partcert_result_message(PARTCERT_RESULT_SHARED_OBJECT),
               "the object is shared, so it cannot be changed");
    CHECK(PARTCERT_RESULT_PANIC == 900);
}

/* The calls ABI 1.3 added, given hostile bytes and out-of-range values:
 * the most specific code, the detail, and out-parameters untouched. */
static void hostile_inputs_to_the_calls_of_1_3(void) {
    buffer *b;
    partcert_trust_store *trust = partcert_trust_store_clone(w.trust);
    partcert_trust_store *reader = NULL;
    partcert_blocklist *list = (partcert_blocklist *)&w, *full = blocklist_at_s2(&w);
    partcert_bytes *out = (partcert_bytes *)&w, *dropped = (partcert_bytes *)&w;
    partcert_bytes *revocation = NULL, *saved = NULL, *repaired = NULL;
    partcert_blocklist_entries *entries = partcert_blocklist_entries_new();
    uint64_t sequence = 42;
    const uint64_t bad_imei = 356938035643808ULL;
    uint8_t id[32] = {0};
    partcert_slice earlier[PARTCERT_MAX_CHAIN_LEN + 1];
    partcert_slice parts[] = {{bdata(w.screen_d), blen(w.screen_d)}};

    /* Revocation lists at a clock: cut short, a byte too many, another
     * object, a shared store. */
    OK(partcert_authority_revoke(w.root, 1, T0, NULL, NULL, 0, &revocation, E));
    b = copy_of(revocation);
    CHECK_RC(partcert_trust_store_apply_revocation_list_at(trust, b->data, b->len - 1, NOW,
                                                           &sequence, E),
             PARTCERT_RESULT_TRUNCATED);
    b->data[b->len] = 0;
    CHECK_RC(partcert_trust_store_apply_revocation_list_at(trust, b->data, b->len + 1, NOW,
                                                           &sequence, E),
             PARTCERT_RESULT_TRAILING_BYTES);
    CHECK_FAIL(partcert_trust_store_apply_revocation_list_at(trust, bdata(w.s1), blen(w.s1), NOW,
                                                             &sequence, E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE, "but this is a blocklist snapshot");
    reader = partcert_trust_store_share(trust);
    CHECK_FAIL(partcert_trust_store_apply_revocation_list_at(trust, bdata(revocation),
                                                             blen(revocation), NOW, &sequence,
                                                             E),
               SHARED, "`trust` is shared");
    partcert_trust_store_free(reader);
    CHECK(sequence == 42);
    OK(partcert_trust_store_apply_revocation_list_at(trust, bdata(revocation), blen(revocation),
                                                     UINT64_MAX, &sequence, E));
    CHECK(sequence == 1); /* the end of time is a clock like any other */

    /* A saved state: damaged, cut short, not a state at all. */
    OK(partcert_blocklist_save_state(full, &saved, E));
    b = copy_of(saved);
    b->data[b->len / 2] ^= 0x10;
    CHECK_FAIL(partcert_blocklist_load_state(w.trust, b->data, b->len, &list, &dropped, E),
               PARTCERT_RESULT_CORRUPT_STATE, "checksum");
    CHECK_RC(partcert_blocklist_load_state(w.trust, b->data, 3, &list, &dropped, E),
             PARTCERT_RESULT_TRUNCATED);
    CHECK_RC(partcert_blocklist_load_state(w.trust, bdata(w.s2), blen(w.s2), &list, &dropped, E),
             PARTCERT_RESULT_BAD_MAGIC);
    CHECK(list == (partcert_blocklist *)&w && dropped == (partcert_bytes *)&w);

    /* Unfollowing an authority nobody follows, or one id made of zeros:
     * nothing to do, and said so. */
    {
        bool followed = true;
        OK(partcert_blocklist_unfollow(full, id, &followed, E));
        CHECK(!followed);
        CHECK(partcert_blocklist_list_count(full) == 1);
    }

    /* Earlier pairing records: one too many (refused before any is
     * decoded), cut short, not a record, signed under a root the store does
     * not pin, dated after the new record. */
    for (size_t i = 0; i < PARTCERT_MAX_CHAIN_LEN + 1; i++) {
        earlier[i].data = (const uint8_t *)"junk";
        earlier[i].len = 4;
    }
    CHECK_FAIL(partcert_authority_pair_after(w.pairing, w.trust, earlier,
                                             PARTCERT_MAX_CHAIN_LEN + 1, bdata(w.board_d),
                                             blen(w.board_d), parts, 1, 2,
                                             PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
               PARTCERT_RESULT_LENGTH_OVER_BOUND,
               "earlier pairing records is too long: 9 exceeds the limit of 8");
    b = copy_of(w.record_d);
    earlier[0].data = b->data;
    earlier[0].len = b->len - 1;
    CHECK_RC(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, bdata(w.board_d),
                                           blen(w.board_d), parts, 1, 2,
                                           PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
             PARTCERT_RESULT_TRUNCATED);
    earlier[0].data = bdata(w.screen_d);
    earlier[0].len = blen(w.screen_d);
    CHECK_FAIL(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, bdata(w.board_d),
                                             blen(w.board_d), parts, 1, 2,
                                             PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
               PARTCERT_RESULT_WRONG_OBJECT_TYPE, "but this is a certificate");
    earlier[0].data = bdata(w.record_d);
    earlier[0].len = blen(w.record_d);
    {
        partcert_trust_store *empty = partcert_trust_store_new();
        CHECK_FAIL(partcert_authority_pair_after(w.pairing, empty, earlier, 1, bdata(w.board_d),
                                                 blen(w.board_d), parts, 1, 2,
                                                 PARTCERT_PAIRING_EVENT_REPAIR, NOW, &out, E),
                   PARTCERT_RESULT_UNKNOWN_ISSUER, "unknown issuer");
        partcert_trust_store_free(empty);
    }
    CHECK_FAIL(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, bdata(w.board_d),
                                             blen(w.board_d), parts, 1, 2, 9, NOW, &out, E),
               ARG, "`event` is 9");
    OK(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, bdata(w.board_d),
                                     blen(w.board_d), parts, 1, 2, PARTCERT_PAIRING_EVENT_REPAIR,
                                     NOW, &repaired, E));
    earlier[0].data = bdata(repaired);
    earlier[0].len = blen(repaired);
    CHECK_FAIL(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, bdata(w.board_d),
                                             blen(w.board_d), parts, 1, 3,
                                             PARTCERT_PAIRING_EVENT_REPAIR, NOW - 3600, &out, E),
               PARTCERT_RESULT_INVALID_FIELD, "dated after the new one");
    /* Dated past the new record's time plus the tolerance, it is from the
     * future there. */
    CHECK_FAIL(partcert_authority_pair_after(w.pairing, w.trust, earlier, 1, bdata(w.board_d),
                                             blen(w.board_d), parts, 1, 3,
                                             PARTCERT_PAIRING_EVENT_REPAIR, NOW - 2 * DAY, &out,
                                             E),
               PARTCERT_RESULT_NOT_YET_VALID, "dated after this device's clock");
    CHECK(out == (partcert_bytes *)&w);

    /* A key listed with an unknown reason or status, or a bad IMEI. */
    CHECK_FAIL(partcert_blocklist_entries_add_part_key(entries, id, 0, NOW,
                                                       PARTCERT_LISTING_STATUS_FINAL, NULL, E),
               ARG, "`reason` is 0");
    CHECK_RC(partcert_blocklist_entries_add_part_key(entries, id, PARTCERT_REASON_STOLEN, NOW, 7,
                                                     NULL, E),
             ARG);
    CHECK_FAIL(partcert_blocklist_entries_add_part_key(entries, id, PARTCERT_REASON_STOLEN, NOW,
                                                       PARTCERT_LISTING_STATUS_FINAL, &bad_imei,
                                                       E),
               PARTCERT_RESULT_INVALID_IMEI, "356938035643808");
    CHECK(partcert_blocklist_entries_count(entries) == 0);
    /* The same key twice: refused when publishing, naming it. */
    OK(partcert_blocklist_entries_add_part_key(entries, id, PARTCERT_REASON_STOLEN, NOW,
                                               PARTCERT_LISTING_STATUS_FINAL, NULL, E));
    OK(partcert_blocklist_entries_add_part_key(entries, id, PARTCERT_REASON_LOST, NOW,
                                               PARTCERT_LISTING_STATUS_FINAL, NULL, E));
    CHECK_RC(partcert_authority_publish_snapshot(w.publisher, PUBLISHER_EPOCH, 3, S2_AT,
                                                 S2_AT + LIST_LIFE, entries, &out, E),
             PARTCERT_RESULT_NOT_CANONICAL);
    CHECK(out == (partcert_bytes *)&w);

    partcert_blocklist_entries_free(entries);
    partcert_bytes_free(repaired);
    partcert_bytes_free(saved);
    partcert_bytes_free(revocation);
    partcert_blocklist_free(full);
    partcert_trust_store_free(trust);
}

int main(void) {
    world_build(&w);
    /* Fixtures the cases share: the donor screen with its record, and a
     * report on the donor with only its screen fitted. */
    blocklist = blocklist_at_s2(&w);
    evidence = evidence_for(&w, w.screen_d);
    OK(partcert_part_evidence_set_pairing_record(evidence, bdata(w.record_d), blen(w.record_d),
                                                 E));
    verdict = verify(&w, blocklist, evidence, NOW);
    OK(partcert_handset_evidence_new(bdata(w.record_d), blen(w.record_d), &handset, E));
    OK(partcert_handset_evidence_add_part(handset, evidence, E));
    OK(partcert_verify_handset(w.trust, blocklist, handset, NOW, &report, E));

    RUN(null_arguments_name_the_argument);
    RUN(reads_of_null_give_empty_values);
    RUN(the_error_out_parameter);
    RUN(malformed_bytes_at_every_decoder);
    RUN(bad_signatures);
    RUN(blocklist_state_errors);
    RUN(arguments_out_of_range);
    RUN(shared_objects_refuse_changes);
    RUN(role_and_key_misuse);
    RUN(chain_over_bound);
    RUN(every_code_has_a_message);
    RUN(hostile_inputs_to_the_calls_of_1_3);

    partcert_handset_report_free(report);
    partcert_handset_evidence_free(handset);
    partcert_verdict_free(verdict);
    partcert_part_evidence_free(evidence);
    partcert_blocklist_free(blocklist);
    world_free(&w);
    return h_finish("test_errors");
}
